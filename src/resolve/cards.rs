//! Local model cards: a folder of the scanned tree with a `README.md` whose
//! YAML front matter says `license:` (or `license: other` with `license_name:`)
//! and `base_model:`. Read without any network, once per folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser};

use crate::extract::markdown::front_matter;

/// What a model card says about the model in its folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Card {
    /// The card's path relative to the root.
    pub path: String,
    pub license: Option<String>,
    pub license_name: Option<String>,
    pub base_models: Vec<String>,
}

impl Card {
    /// The licence the card names: `license_name` for `other` (or when it
    /// alone is given), else `license`.
    pub fn named_license(&self) -> Option<&str> {
        match self.license.as_deref() {
            Some("other") | None => self.license_name.as_deref().or(self.license.as_deref()),
            Some(id) => Some(id),
        }
    }
}

/// Cards found so far, by folder.
#[derive(Debug, Default)]
pub struct Cards {
    root: PathBuf,
    /// `[[clarify]]` entries: folder relative to the root → (licence, reason).
    clarified: HashMap<String, (String, String)>,
    /// A Hugging Face hub cache (`…/hub`) to read `models--ORG--NAME` cards from.
    hf_cache: Option<PathBuf>,
    cache: HashMap<String, Option<Card>>,
}

impl Cards {
    pub fn new(root: &Path, hf_cache: Option<PathBuf>) -> Self {
        Cards {
            root: root.to_path_buf(),
            clarified: HashMap::new(),
            hf_cache,
            cache: HashMap::new(),
        }
    }

    /// Adds the policy's `[[clarify]]` entries (paths relative to the root).
    pub fn with_clarifications(
        mut self,
        entries: impl IntoIterator<Item = (String, String, String)>,
    ) -> Self {
        self.clarified = entries
            .into_iter()
            .map(|(folder, license, reason)| (folder, (license, reason)))
            .collect();
        self
    }

    /// The licence the policy clarifies for a folder, with the reason.
    pub fn clarified(&self, folder: &str) -> Option<(String, String)> {
        let folder = folder.trim_start_matches("./").trim_end_matches('/');
        self.clarified.get(folder).cloned()
    }

    /// The scanned root that folders are relative to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The card of `org/name` in the local Hugging Face cache: the snapshot
    /// `refs/main` points at, else the first snapshot by name.
    pub fn from_hf_cache(&mut self, id: &str) -> Option<Card> {
        let cache = self.hf_cache.clone()?;
        let (org, name) = id.split_once('/')?;
        let ok = |part: &str| {
            !part.is_empty() && !part.contains(['/', '\\']) && part != ".." && part != "."
        };
        if !ok(org) || !ok(name) {
            return None;
        }
        let repo = cache.join(format!("models--{org}--{name}"));
        let key = format!("hf-cache:{}", repo.display());
        self.cache
            .entry(key)
            .or_insert_with(|| read_cached_card(&repo))
            .clone()
    }

    /// The card of the folder a reference names (`models/support-bot`), if any.
    pub fn for_folder(&mut self, name: &str) -> Option<Card> {
        let relative = name.trim_start_matches("./").trim_end_matches('/');
        if relative.is_empty() || relative.contains("..") || Path::new(relative).is_absolute() {
            return None;
        }
        let root = self.root.clone();
        self.cache
            .entry(relative.to_string())
            .or_insert_with(|| read_card(&root, relative))
            .clone()
    }
}

fn read_cached_card(repo: &Path) -> Option<Card> {
    let snapshots = repo.join("snapshots");
    let from_ref = std::fs::read_to_string(repo.join("refs/main"))
        .ok()
        .map(|r| r.trim().to_string());
    let snapshot = match from_ref.filter(|r| !r.is_empty() && !r.contains(['/', '\\'])) {
        Some(revision) => revision,
        None => {
            let mut names: Vec<String> = std::fs::read_dir(&snapshots)
                .ok()?
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names.into_iter().next()?
        }
    };
    let mut card = read_card(&snapshots, &snapshot)?;
    card.path = format!("{}/snapshots/{snapshot}/README.md", repo.display());
    Some(card)
}

/// Where the Hugging Face hub cache is: `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`.
pub fn default_hf_cache() -> Option<PathBuf> {
    env_path("HF_HUB_CACHE").or_else(|| hf_home().map(|home| home.join("hub")))
}

/// `huggingface_hub`'s own folder: `HF_HOME`, else `~/.cache/huggingface`.
pub fn hf_home() -> Option<PathBuf> {
    env_path("HF_HOME").or_else(|| env_path("HOME").map(|home| home.join(".cache/huggingface")))
}

/// A path from the environment, when set and not empty.
pub fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn read_card(root: &Path, folder: &str) -> Option<Card> {
    let path = root.join(folder).join("README.md");
    // A card is small; a huge file here is not one.
    if std::fs::metadata(&path).ok()?.len() > 1 << 20 {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let (yaml, _) = front_matter(text)?;
    let mut card = parse_front_matter(yaml);
    card.path = format!("{folder}/README.md");
    Some(card)
}

/// The top-level `license`, `license_name` and `base_model` (a string or a list).
pub fn parse_front_matter(yaml: &str) -> Card {
    let mut card = Card::default();
    let mut depth = 0usize;
    let mut key: Option<String> = None;
    let mut expecting_key = false;
    let mut in_list = false;
    let mut parser = Parser::new_from_str(yaml);
    while let Some(Ok((event, _))) = parser.next_event() {
        match event {
            Event::MappingStart(..) => {
                depth += 1;
                expecting_key = depth == 1;
            }
            Event::MappingEnd => {
                depth = depth.saturating_sub(1);
                expecting_key = depth == 1;
            }
            Event::SequenceStart(..) => {
                depth += 1;
                in_list = depth == 2;
            }
            Event::SequenceEnd => {
                depth = depth.saturating_sub(1);
                in_list = false;
                expecting_key = depth == 1;
            }
            Event::Scalar(value, ..) if depth == 1 && expecting_key => {
                key = Some(value.to_string());
                expecting_key = false;
            }
            Event::Scalar(value, ..) if depth == 1 || (depth == 2 && in_list) => {
                match key.as_deref() {
                    Some("license") => card.license = Some(value.to_string()),
                    Some("license_name") => card.license_name = Some(value.to_string()),
                    Some("base_model") => card.base_models.push(value.to_string()),
                    _ => {}
                }
                expecting_key = depth == 1;
            }
            _ => {}
        }
    }
    card
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields() {
        let card = parse_front_matter("license: other\nlicense_name: llama3.1\nbase_model:\n  - meta-llama/Llama-3.1-8B\n  - org/b\ntags:\n  - license: mit\nmodel-index: {name: x}\n");
        assert_eq!(card.license.as_deref(), Some("other"));
        assert_eq!(card.license_name.as_deref(), Some("llama3.1"));
        assert_eq!(card.base_models, ["meta-llama/Llama-3.1-8B", "org/b"]);
        let single =
            parse_front_matter("base_model: meta-llama/Llama-2-7b-chat-hf\nlicense: apache-2.0\n");
        assert_eq!(single.base_models, ["meta-llama/Llama-2-7b-chat-hf"]);
        assert_eq!(single.license.as_deref(), Some("apache-2.0"));
    }

    #[test]
    fn cards_are_read_from_folders_inside_the_root_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("models/bot")).unwrap();
        std::fs::write(
            dir.path().join("models/bot/README.md"),
            "---\nlicense: mit\n---\n# Bot\n",
        )
        .unwrap();
        let mut cards = Cards::new(dir.path(), None);
        assert_eq!(
            cards
                .for_folder("./models/bot/")
                .unwrap()
                .license
                .as_deref(),
            Some("mit")
        );
        assert_eq!(
            cards.for_folder("models/bot").unwrap().path,
            "models/bot/README.md"
        );
        assert!(cards.for_folder("../outside").is_none());
        assert!(cards.for_folder("models/none").is_none());
    }

    #[test]
    fn the_hub_cache_snapshot_card_is_read() {
        let cache = tempfile::tempdir().unwrap();
        let repo = cache.path().join("models--acme--support-bot");
        std::fs::create_dir_all(repo.join("snapshots/abc123")).unwrap();
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs/main"), "abc123\n").unwrap();
        std::fs::write(repo.join("snapshots/abc123/README.md"), "---\nlicense: other\nlicense_name: qwen-research\nbase_model: Qwen/Qwen2.5-3B-Instruct\n---\n").unwrap();
        let mut cards = Cards::new(cache.path(), Some(cache.path().to_path_buf()));
        let card = cards.from_hf_cache("acme/support-bot").unwrap();
        assert_eq!(card.license_name.as_deref(), Some("qwen-research"));
        assert_eq!(card.base_models, ["Qwen/Qwen2.5-3B-Instruct"]);
        assert!(cards.from_hf_cache("acme/../x").is_none());
        assert!(cards.from_hf_cache("acme/missing").is_none());
    }
}
