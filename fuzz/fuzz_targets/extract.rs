//! Every extractor, the GGUF header reader and the suppression-comment parser
//! on arbitrary input. The first byte picks the family; the rest goes through
//! the same decoding the walker applies. Spans must slice the text and map to
//! a line and column.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modelgate::classify::Family;
use modelgate::extract::{extract, gguf, ExtractOptions};
use modelgate::text::{decode, LineIndex};

const FAMILIES: [Family; 13] = [
    Family::Python,
    Family::JavaScript,
    Family::Notebook,
    Family::Yaml,
    Family::Json,
    Family::Toml,
    Family::Dotenv,
    Family::Ini,
    Family::Shell,
    Family::Dockerfile,
    Family::Makefile,
    Family::Modelfile,
    Family::Markdown,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let choice = usize::from(selector) % (FAMILIES.len() + 1);
    if choice == FAMILIES.len() {
        let _ = gguf::read_header(&mut &rest[..]);
        return;
    }
    let Ok(source) = decode(rest) else {
        return;
    };
    let text = source.text;
    let mut out = Vec::new();
    let _ = extract(FAMILIES[choice], text, ExtractOptions { include_docs: true }, &mut out);
    let index = LineIndex::new(text);
    for found in &out {
        assert!(text.get(found.span.clone()).is_some(), "{found:?}");
        let _ = index.position(text, found.span.start);
        let _ = index.position(text, found.span.end);
    }
    let _ = modelgate::evaluate::suppress::parse(text);
});
