//! The names list (`rules/names.tsv`, issue 14): model names real code uses,
//! each with where it was seen. Every one must resolve to licence terms in the
//! built-in catalog (`rules check rules` enforces the same in CI); this test
//! lists any that do not.

use modelgate::catalog::load::{builtin_files, load};
use modelgate::catalog::names;

#[test]
fn the_names_list_resolves_to_licence_terms() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/names.tsv"))
        .expect("rules/names.tsv");
    let loaded = load(builtin_files());
    assert!(!loaded.has_errors(), "the built-in rules load");
    let (rows, bad) = names::rows(&text);
    assert!(bad.is_empty(), "malformed rows: {bad:?}");
    assert!(
        rows.len() >= 400,
        "the list holds at least 400 names ({})",
        rows.len()
    );
    let unresolved: Vec<String> = names::unresolved(&loaded.catalog, &rows)
        .iter()
        .map(|row| format!("{}\t{}", row.category, row.name))
        .collect();
    assert!(
        unresolved.is_empty(),
        "{} of {} names do not resolve to licence terms:\n{}",
        unresolved.len(),
        rows.len(),
        unresolved.join("\n")
    );
}
