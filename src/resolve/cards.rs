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

/// Cards found so far, by folder.
#[derive(Debug, Default)]
pub struct Cards {
    root: PathBuf,
    cache: HashMap<String, Option<Card>>,
}

impl Cards {
    pub fn new(root: &Path) -> Self {
        Cards {
            root: root.to_path_buf(),
            cache: HashMap::new(),
        }
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
        let mut cards = Cards::new(dir.path());
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
}
