//! GGUF weight files: the header's metadata (llama.cpp `docs/gguf.md`) says
//! which model a file is and under which licence — `general.name`,
//! `general.license`, `general.base_model.N.repo_url` / `.organization` /
//! `.name`. Only the key-value header is read, streaming; tensor data never is.
//! Every length is bounded, so a hostile file costs a read error, not memory.

use std::io::Read;

pub use crate::model::ArtifactInfo as GgufInfo;

const MAGIC: &[u8; 4] = b"GGUF";
/// Bounds that no real header reaches (a vocabulary has ~150k entries).
const MAX_KV: u64 = 1 << 20;
const MAX_STRING: u64 = 1 << 20;
const MAX_ARRAY: u64 = 1 << 26;
const MAX_NESTING: u32 = 4;

#[derive(Debug)]
pub enum GgufError {
    NotGguf,
    Io(std::io::Error),
    Malformed(String),
}

impl std::fmt::Display for GgufError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GgufError::NotGguf => write!(f, "no GGUF magic (a Git LFS pointer or another format?)"),
            GgufError::Io(e) => write!(f, "{e}"),
            GgufError::Malformed(why) => write!(f, "malformed GGUF header: {why}"),
        }
    }
}

impl From<std::io::Error> for GgufError {
    fn from(e: std::io::Error) -> Self {
        GgufError::Io(e)
    }
}

/// Reads the metadata of a GGUF stream, stopping before the tensor infos.
pub fn read_header(reader: &mut impl Read) -> Result<GgufInfo, GgufError> {
    let mut magic = [0u8; 4];
    reader
        .read_exact(&mut magic)
        .map_err(|_| GgufError::NotGguf)?;
    if &magic != MAGIC {
        return Err(GgufError::NotGguf);
    }
    let version = read_u32(reader)?;
    if !(2..=3).contains(&version) {
        return Err(GgufError::Malformed(format!(
            "unsupported version {version}"
        )));
    }
    let _tensor_count = read_u64(reader)?;
    let kv_count = read_u64(reader)?;
    if kv_count > MAX_KV {
        return Err(GgufError::Malformed(format!("{kv_count} metadata entries")));
    }
    let mut info = GgufInfo {
        source: "gguf-header",
        ..GgufInfo::default()
    };
    let mut base_ids: std::collections::BTreeMap<u32, BasePart> = std::collections::BTreeMap::new();
    for _ in 0..kv_count {
        let key = read_string(reader)?;
        let value_type = read_u32(reader)?;
        let value = read_value(reader, value_type, 0)?;
        let Some(text) = value else { continue };
        match key.as_str() {
            "general.name" => info.name = Some(text),
            "general.license" => info.license = Some(text),
            _ => {
                if let Some((n, field)) = base_model_key(&key) {
                    base_ids.entry(n).or_default().set(field, text);
                }
            }
        }
    }
    info.base_models = base_ids.into_values().filter_map(BasePart::id).collect();
    Ok(info)
}

/// `general.base_model.{N}.{field}`.
fn base_model_key(key: &str) -> Option<(u32, &str)> {
    let rest = key.strip_prefix("general.base_model.")?;
    let (n, field) = rest.split_once('.')?;
    Some((n.parse().ok()?, field))
}

#[derive(Debug, Default)]
struct BasePart {
    repo_url: Option<String>,
    organization: Option<String>,
    name: Option<String>,
}

impl BasePart {
    fn set(&mut self, field: &str, value: String) {
        match field {
            "repo_url" => self.repo_url = Some(value),
            "organization" => self.organization = Some(value),
            "name" => self.name = Some(value),
            _ => {}
        }
    }

    /// The repository URL when given, else `organization/name`.
    fn id(self) -> Option<String> {
        self.repo_url.or(match (self.organization, self.name) {
            (Some(org), Some(name)) => Some(format!("{org}/{name}")),
            _ => None,
        })
    }
}

fn read_u32(reader: &mut impl Read) -> Result<u32, GgufError> {
    let mut bytes = [0u8; 4];
    reader.read_exact(&mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

fn read_u64(reader: &mut impl Read) -> Result<u64, GgufError> {
    let mut bytes = [0u8; 8];
    reader.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

fn read_string(reader: &mut impl Read) -> Result<String, GgufError> {
    let len = read_u64(reader)?;
    if len > MAX_STRING {
        return Err(GgufError::Malformed(format!("a string of {len} bytes")));
    }
    let mut bytes = vec![0u8; len as usize];
    reader.read_exact(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Reads one value; returns its text when it is a string, skips anything else.
fn read_value(
    reader: &mut impl Read,
    value_type: u32,
    nesting: u32,
) -> Result<Option<String>, GgufError> {
    let width = match value_type {
        0 | 1 | 7 => 1,
        2 | 3 => 2,
        4..=6 => 4,
        10..=12 => 8,
        8 => return read_string(reader).map(Some),
        9 => {
            skip_array(reader, nesting)?;
            return Ok(None);
        }
        other => return Err(GgufError::Malformed(format!("unknown value type {other}"))),
    };
    skip(reader, width)?;
    Ok(None)
}

fn skip_array(reader: &mut impl Read, nesting: u32) -> Result<(), GgufError> {
    if nesting >= MAX_NESTING {
        return Err(GgufError::Malformed("arrays nested too deep".to_string()));
    }
    let item_type = read_u32(reader)?;
    let len = read_u64(reader)?;
    if len > MAX_ARRAY {
        return Err(GgufError::Malformed(format!("an array of {len} items")));
    }
    for _ in 0..len {
        read_value(reader, item_type, nesting + 1)?;
    }
    Ok(())
}

fn skip(reader: &mut impl Read, bytes: u64) -> Result<(), GgufError> {
    let copied = std::io::copy(&mut reader.take(bytes), &mut std::io::sink())?;
    if copied < bytes {
        return Err(GgufError::Io(std::io::ErrorKind::UnexpectedEof.into()));
    }
    Ok(())
}

/// Builds a GGUF header, for tests and fixtures.
pub fn write_header(kv: &[(&str, &str)], with_vocab: bool) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&3u32.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    let count = kv.len() as u64 + u64::from(with_vocab) + 1;
    out.extend_from_slice(&count.to_le_bytes());
    let string = |out: &mut Vec<u8>, s: &str| {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    string(&mut out, "general.architecture.context_length");
    out.extend_from_slice(&4u32.to_le_bytes());
    out.extend_from_slice(&4096u32.to_le_bytes());
    if with_vocab {
        string(&mut out, "tokenizer.ggml.tokens");
        out.extend_from_slice(&9u32.to_le_bytes());
        out.extend_from_slice(&8u32.to_le_bytes());
        out.extend_from_slice(&3u64.to_le_bytes());
        for token in ["<s>", "</s>", "model"] {
            string(&mut out, token);
        }
    }
    for (key, value) in kv {
        string(&mut out, key);
        out.extend_from_slice(&8u32.to_le_bytes());
        string(&mut out, value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_license_and_base_models() {
        let bytes = write_header(
            &[
                ("general.name", "Support Bot"),
                ("general.license", "cc-by-nc-4.0"),
                (
                    "general.base_model.0.repo_url",
                    "https://huggingface.co/meta-llama/Llama-2-7b-chat-hf",
                ),
                ("general.base_model.1.organization", "mistralai"),
                ("general.base_model.1.name", "Mistral-7B-v0.1"),
            ],
            true,
        );
        let info = read_header(&mut bytes.as_slice()).unwrap();
        assert_eq!(info.name.as_deref(), Some("Support Bot"));
        assert_eq!(info.license.as_deref(), Some("cc-by-nc-4.0"));
        assert_eq!(
            info.base_models,
            [
                "https://huggingface.co/meta-llama/Llama-2-7b-chat-hf",
                "mistralai/Mistral-7B-v0.1"
            ]
        );
    }

    #[test]
    fn not_gguf_and_truncated_headers_are_errors() {
        let lfs = b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 4000000000\n";
        assert!(matches!(
            read_header(&mut lfs.as_slice()),
            Err(GgufError::NotGguf)
        ));
        let bytes = write_header(&[("general.license", "mit")], false);
        assert!(read_header(&mut &bytes[..bytes.len() - 2]).is_err());
        let mut huge = write_header(&[], false);
        huge[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            read_header(&mut huge.as_slice()),
            Err(GgufError::Malformed(_))
        ));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn never_panics(tail in proptest::collection::vec(any::<u8>(), 0..300)) {
                let mut bytes = b"GGUF\x03\0\0\0".to_vec();
                bytes.extend(tail);
                let _ = read_header(&mut bytes.as_slice());
            }
        }
    }
}
