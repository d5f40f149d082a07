//! A `LICENSE*` file beside a weight file, identified by its text: a licence of
//! the rule set whose full name opens the text (bespoke model licences such as
//! "LLAMA 2 COMMUNITY LICENSE AGREEMENT" are not in SPDX), else the SPDX
//! licence-text matcher of the `spdx` crate (a port of askalono, with the SPDX
//! texts embedded).

use std::path::Path;
use std::sync::OnceLock;

use spdx::detection::{Store, TextData};

use crate::catalog::Catalog;

/// Below this similarity a text is not taken for an SPDX licence.
const MIN_SCORE: f32 = 0.9;
/// A licence file larger than this is not read.
const MAX_LEN: u64 = 256 * 1024;
const NAMES: &[&str] = &[
    "LICENSE",
    "LICENSE.txt",
    "LICENSE.md",
    "LICENCE",
    "LICENCE.txt",
    "LICENSE.TXT",
    "license.txt",
];

/// The licence of the `LICENSE*` file in `folder`, as a rule-set id, with the file's name.
pub fn identify(folder: &Path, catalog: &Catalog) -> Option<(String, String)> {
    for name in NAMES {
        let path = folder.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > MAX_LEN {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Some(id) = by_title(&text, catalog).or_else(|| by_spdx_text(&text, catalog)) {
            return Some((id, name.to_string()));
        }
    }
    None
}

/// A rule-set licence whose name appears in the first lines of the text.
fn by_title(text: &str, catalog: &Catalog) -> Option<String> {
    let head: String = text.chars().take(400).collect::<String>().to_lowercase();
    let head = head.split_whitespace().collect::<Vec<_>>().join(" ");
    catalog
        .licenses
        .values()
        .filter(|l| l.name.len() >= 12 && head.contains(&l.name.to_lowercase()))
        .max_by_key(|l| l.name.len())
        .map(|l| l.id.clone())
}

fn store() -> Option<&'static Store> {
    static STORE: OnceLock<Option<Store>> = OnceLock::new();
    STORE.get_or_init(|| Store::load_inline().ok()).as_ref()
}

/// The SPDX licence the text matches, mapped to a rule-set licence by its `spdx` id.
fn by_spdx_text(text: &str, catalog: &Catalog) -> Option<String> {
    let matched = store()?.analyze(&TextData::from(text));
    if matched.score < MIN_SCORE {
        return None;
    }
    catalog
        .licenses
        .values()
        .find(|l| {
            l.spdx
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(matched.name))
        })
        .map(|l| l.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::load::{builtin_files, load};

    const MIT: &str = "MIT License\n\nCopyright (c) 2024 Example\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction, including without limitation the rights\nto use, copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n";

    #[test]
    fn spdx_texts_and_bespoke_titles_are_identified() {
        let catalog = load(builtin_files()).catalog;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("LICENSE"), MIT).unwrap();
        assert_eq!(
            identify(dir.path(), &catalog),
            Some(("mit".to_string(), "LICENSE".to_string()))
        );
        std::fs::write(dir.path().join("LICENSE"), "  Llama 2 Community License Agreement\n\nLlama 2 Version Release Date: July 18, 2023\n...").unwrap();
        assert_eq!(
            identify(dir.path(), &catalog).map(|(id, _)| id),
            Some("llama2".to_string())
        );
        std::fs::write(
            dir.path().join("LICENSE"),
            "All rights reserved. Do not copy.",
        )
        .unwrap();
        assert_eq!(identify(dir.path(), &catalog), None);
    }
}
