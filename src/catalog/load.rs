//! Loading the rule set: parse every rule file, then validate the whole set
//! as a database, collecting every problem as a diagnostic with a span into
//! the offending file (built-in files under `<builtin>/rules/…`). Extra files
//! (`--rules DIR`, `[scan] rules`) add entries or override built-in ones by id.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::settings_file::{closest, explain_toml_error, FileDb};
use codespan_reporting::diagnostic::{Diagnostic, Label};

use super::schema::{RawHfLicenseFile, RawLicense, RawModel, RawModelFile, TerritoryScope};
use super::{is_glob, Catalog, HfLicense, License, Model, Origin};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The version of the built-in rule set: the tool version and a hash of the
/// rule files, so a CI failure caused by a catalog update can be traced.
pub fn rules_version() -> String {
    format!("{}+rules.{BUILTIN_RULES_HASH}", env!("CARGO_PKG_VERSION"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    Builtin,
    /// A user's file: its entries override built-in ones with the same id.
    Extra,
}

#[derive(Debug, Clone)]
pub struct RuleFile {
    pub name: String,
    pub text: String,
    pub provenance: Provenance,
}

/// The rule files compiled into the binary.
pub fn builtin_files() -> Vec<RuleFile> {
    BUILTIN_RULES
        .iter()
        .map(|(name, text)| RuleFile {
            name: name.to_string(),
            text: text.to_string(),
            provenance: Provenance::Builtin,
        })
        .collect()
}

/// `DIR/licenses/*.toml`, `DIR/models/*.toml` and `DIR/*.toml`, sorted; or the file itself.
pub fn files_at(path: &Path, provenance: Provenance) -> std::io::Result<Vec<RuleFile>> {
    let mut paths = Vec::new();
    if path.is_file() {
        paths.push(path.to_path_buf());
    } else {
        for dir in [
            path.to_path_buf(),
            path.join("licenses"),
            path.join("models"),
        ] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let file = entry?.path();
                if file.extension().is_some_and(|e| e == "toml") && file.is_file() {
                    paths.push(file);
                }
            }
        }
        if paths.is_empty() && !path.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{}: no such file or directory", path.display()),
            ));
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            Ok(RuleFile {
                name: p.display().to_string(),
                text: std::fs::read_to_string(&p)?,
                provenance,
            })
        })
        .collect()
}

/// The result of loading: the catalog (built from what validated), every
/// problem found, and the files they point into.
pub struct Loaded {
    pub catalog: Catalog,
    pub diagnostics: Vec<Diagnostic<usize>>,
    pub files: FileDb,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }
}

/// A licence or model as parsed, with the file it came from.
struct Parsed<T> {
    raw: T,
    file: usize,
    provenance: Provenance,
}

/// Parses and validates rule files into a catalog.
/// How much of the rule set's consistency a load checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// Everything: `rules check`, and any load with rule files of the user's.
    Full,
    /// The embedded rule set alone, which CI has checked in full (`rules
    /// check`): the per-entry checks run, the cross-entry ones (lineage
    /// cycles, pattern ties; quadratic) are skipped to keep start-up fast.
    BuiltinOnly,
}

pub fn load(rule_files: Vec<RuleFile>) -> Loaded {
    load_with(rule_files, Validation::Full)
}

pub fn load_with(rule_files: Vec<RuleFile>, validation: Validation) -> Loaded {
    let mut loader = Loader::default();
    for file in rule_files {
        loader.parse(file);
    }
    let licenses = loader.licenses();
    let models = loader.models(&licenses);
    let hf_licenses = loader.hf_licenses(&licenses);
    let mut catalog = Catalog::new(licenses, models);
    catalog.hf_licenses = hf_licenses;
    if validation == Validation::Full {
        loader.check_lineage(&catalog);
        loader.check_pattern_ties(&catalog);
    }
    Loaded {
        catalog,
        diagnostics: loader.diagnostics,
        files: loader.files,
    }
}

#[derive(Default)]
struct Loader {
    files: FileDb,
    diagnostics: Vec<Diagnostic<usize>>,
    licenses: Vec<Parsed<RawLicense>>,
    models: Vec<Parsed<RawModel>>,
    hf: Vec<Parsed<RawHfLicenseFile>>,
}

impl Loader {
    fn error(&mut self, message: String, file: usize, span: std::ops::Range<usize>, label: &str) {
        self.diagnostics
            .push(Diagnostic::error().with_message(message).with_labels(vec![
                Label::primary(file, span).with_message(label.to_string()),
            ]));
    }

    fn parse(&mut self, rule_file: RuleFile) {
        if rule_file.name.ends_with("hf-licenses.toml") {
            let file = self
                .files
                .add(rule_file.name.clone(), rule_file.text.clone());
            match toml::from_str::<RawHfLicenseFile>(&rule_file.text) {
                Ok(raw) => self.hf.push(Parsed {
                    raw,
                    file,
                    provenance: rule_file.provenance,
                }),
                Err(e) => self.syntax_error(file, &rule_file.text, &e),
            }
            return;
        }
        let is_models = rule_file.name.contains("/models/")
            || (!rule_file.name.contains("/licenses/") && declares_models(&rule_file.text));
        let file = self
            .files
            .add(rule_file.name.clone(), rule_file.text.clone());
        let provenance = rule_file.provenance;
        if is_models {
            match toml::from_str::<RawModelFile>(&rule_file.text) {
                Ok(parsed) => self
                    .models
                    .extend(parsed.model.into_iter().map(|raw| Parsed {
                        raw,
                        file,
                        provenance,
                    })),
                Err(e) => self.syntax_error(file, &rule_file.text, &e),
            }
        } else {
            match toml::from_str::<RawLicense>(&rule_file.text) {
                Ok(raw) => {
                    self.check_license_file_name(&rule_file.name, &raw, file, provenance);
                    self.licenses.push(Parsed {
                        raw,
                        file,
                        provenance,
                    });
                }
                Err(e) => self.syntax_error(file, &rule_file.text, &e),
            }
        }
    }

    fn syntax_error(&mut self, file: usize, text: &str, error: &toml::de::Error) {
        let span = error.span().unwrap_or(0..text.len().min(1));
        let (message, label) = explain_toml_error(error);
        self.error(format!("invalid rule file: {message}"), file, span, &label);
    }

    fn check_license_file_name(
        &mut self,
        name: &str,
        raw: &RawLicense,
        file: usize,
        provenance: Provenance,
    ) {
        let stem = Path::new(name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        if provenance == Provenance::Builtin && stem != raw.id.get_ref() {
            self.error(
                format!(
                    "licence id `{}` does not match its file name `{stem}.toml`",
                    raw.id.get_ref()
                ),
                file,
                raw.id.span(),
                "one licence a file, named by its id",
            );
        }
    }

    /// Licences by id; an extra file's licence replaces a built-in one.
    fn licenses(&mut self) -> BTreeMap<String, License> {
        let mut by_id: BTreeMap<String, (Provenance, usize)> = BTreeMap::new();
        let parsed = std::mem::take(&mut self.licenses);
        for (i, p) in parsed.iter().enumerate() {
            let id = p.raw.id.get_ref().clone();
            self.check_source(
                "licence",
                &id,
                p.raw.source.as_ref(),
                p.file,
                p.raw.id.span(),
            );
            self.check_url(&p.raw.url, p.file);
            if p.raw.territory_applies_to != TerritoryScope::All
                && p.raw.territory_restriction.trim().is_empty()
            {
                self.error(
                    format!("licence `{id}` scopes a territory clause it does not have"),
                    p.file,
                    p.raw.id.span(),
                    "`territory_applies_to` needs a `territory_restriction`",
                );
            }
            match by_id.get(&id) {
                Some((provenance, first)) if *provenance == p.provenance => {
                    let first = &parsed[*first];
                    self.duplicate(
                        "licence",
                        &id,
                        (first.file, first.raw.id.span()),
                        (p.file, p.raw.id.span()),
                    );
                }
                Some((Provenance::Extra, _)) => {}
                _ => {
                    by_id.insert(id, (p.provenance, i));
                }
            }
        }
        by_id
            .into_values()
            .map(|(_, i)| {
                let license = license_from(&parsed[i]);
                (license.id.clone(), license)
            })
            .collect()
    }

    /// Models in a stable order; an extra file's entry replaces a built-in one with the same id.
    fn models(&mut self, licenses: &BTreeMap<String, License>) -> Vec<Model> {
        let parsed = std::mem::take(&mut self.models);
        let mut chosen: BTreeMap<String, usize> = BTreeMap::new();
        let mut names: HashMap<String, (usize, std::ops::Range<usize>, Provenance)> =
            HashMap::new();
        for (i, p) in parsed.iter().enumerate() {
            self.check_model(p, licenses);
            let key = p.raw.id.get_ref().to_ascii_lowercase();
            let files = p.raw.files.iter().map(|f| {
                (
                    format!("file:{}", f.get_ref().to_ascii_lowercase()),
                    f.span(),
                )
            });
            let scoped = p.raw.provider_aliases.iter().map(|a| {
                (
                    format!(
                        "provider:{}:{}",
                        a.provider.get_ref(),
                        a.name.get_ref().to_ascii_lowercase()
                    ),
                    a.name.span(),
                )
            });
            for (name, span) in std::iter::once((key.clone(), p.raw.id.span()))
                .chain(
                    p.raw
                        .aliases
                        .iter()
                        .map(|a| (a.get_ref().to_ascii_lowercase(), a.span())),
                )
                .chain(files)
                .chain(scoped)
            {
                match names.get(&name) {
                    Some((file, first_span, provenance)) if *provenance == p.provenance => {
                        let first = (*file, first_span.clone());
                        let (what, shown) =
                            match (name.strip_prefix("file:"), name.strip_prefix("provider:")) {
                                (Some(file_name), _) => ("checkpoint file", file_name),
                                (_, Some(scoped)) => ("provider alias", scoped),
                                _ => ("model id or alias", name.as_str()),
                            };
                        self.duplicate(what, shown, first, (p.file, span));
                    }
                    _ => {
                        names.insert(name, (p.file, span, p.provenance));
                    }
                }
            }
            match chosen.get(&key) {
                Some(&earlier)
                    if parsed[earlier].provenance == Provenance::Extra
                        && p.provenance == Provenance::Builtin => {}
                _ => {
                    chosen.insert(key, i);
                }
            }
        }
        let mut indices: Vec<usize> = chosen.into_values().collect();
        indices.sort_unstable();
        indices
            .into_iter()
            .map(|i| model_from(&parsed[i]))
            .collect()
    }

    /// Every Hugging Face id maps to a licence of the set, or says why not.
    fn hf_licenses(&mut self, licenses: &BTreeMap<String, License>) -> BTreeMap<String, HfLicense> {
        let mut map = BTreeMap::new();
        for p in std::mem::take(&mut self.hf) {
            for entry in &p.raw.hf {
                let id = entry.id.get_ref().clone();
                let value = match (&entry.license, &entry.unsupported) {
                    (Some(license), None) if licenses.contains_key(license.get_ref()) => {
                        HfLicense::Mapped(license.get_ref().clone())
                    }
                    (Some(license), None) => {
                        let hint = closest(license.get_ref(), licenses.keys().map(String::as_str))
                            .map_or_else(
                                || "add the licence file".to_string(),
                                |c| format!("did you mean `{c}`?"),
                            );
                        self.error(
                            format!(
                                "Hugging Face licence `{id}` maps to unknown licence `{}`",
                                license.get_ref()
                            ),
                            p.file,
                            license.span(),
                            &hint,
                        );
                        continue;
                    }
                    (None, Some(reason)) if !reason.trim().is_empty() => {
                        HfLicense::Unsupported(reason.clone())
                    }
                    _ => {
                        self.error(format!("Hugging Face licence `{id}` needs either `license` or an `unsupported` reason"), p.file, entry.id.span(), "exactly one of them");
                        continue;
                    }
                };
                if map.insert(id.clone(), value).is_some() && p.provenance == Provenance::Builtin {
                    self.error(
                        format!("duplicate Hugging Face licence `{id}`"),
                        p.file,
                        entry.id.span(),
                        "listed twice",
                    );
                }
            }
        }
        map
    }

    fn check_model(&mut self, p: &Parsed<RawModel>, licenses: &BTreeMap<String, License>) {
        let raw = &p.raw;
        let id = raw.id.get_ref();
        self.check_source("model", id, raw.source.as_ref(), p.file, raw.id.span());
        match &raw.license {
            Some(license) if !licenses.contains_key(license.get_ref()) => {
                let hint = closest(license.get_ref(), licenses.keys().map(String::as_str))
                    .map(|c| format!("did you mean `{c}`?"))
                    .unwrap_or_else(|| "add rules/licenses/<id>.toml".to_string());
                self.error(
                    format!("model `{id}` names unknown licence `{}`", license.get_ref()),
                    p.file,
                    license.span(),
                    &hint,
                );
            }
            None if raw
                .base_model
                .as_ref()
                .is_none_or(|b| b.get_ref().is_empty()) =>
            {
                self.error(
                    format!("model `{id}` has neither `license` nor `base_model`"),
                    p.file,
                    raw.id.span(),
                    "one of them decides its licence",
                );
            }
            _ => {}
        }
        self.check_history(p, licenses);
        self.check_files(p);
        self.check_ambiguous(p);
        self.check_provider_aliases(p);
        if is_glob(id) {
            if let Err(e) = globset::Glob::new(id) {
                self.error(
                    format!("invalid pattern `{id}`: {}", e.kind()),
                    p.file,
                    raw.id.span(),
                    "not a valid glob",
                );
            }
        }
    }

    /// Provider-scoped names: a lower-case provider, a name that is not the
    /// entry's own id or alias (those mean it everywhere already).
    fn check_provider_aliases(&mut self, p: &Parsed<RawModel>) {
        let raw = &p.raw;
        let id = raw.id.get_ref();
        for alias in &raw.provider_aliases {
            let provider = alias.provider.get_ref();
            if provider.is_empty()
                || provider.chars().any(|c| {
                    !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
                })
            {
                self.error(
                    format!("provider `{provider}` of a provider alias of `{id}` is not a provider name"),
                    p.file,
                    alias.provider.span(),
                    "a lower-case provider as references record it (`ollama`, `huggingface`, `mistral`)",
                );
            }
            let name = alias.name.get_ref();
            if is_own_name(raw, name) || name.is_empty() {
                self.error(
                    format!("provider alias `{name}` of `{id}` is already one of its names"),
                    p.file,
                    alias.name.span(),
                    "a provider alias names this entry only where another entry has the name",
                );
            }
        }
    }

    /// Names marked `ambiguous` are the entry's own id or aliases.
    fn check_ambiguous(&mut self, p: &Parsed<RawModel>) {
        let raw = &p.raw;
        let id = raw.id.get_ref();
        for name in &raw.ambiguous {
            if !is_own_name(raw, name.get_ref()) {
                self.error(
                    format!(
                        "`{}` is marked ambiguous but is not a name of `{id}`",
                        name.get_ref()
                    ),
                    p.file,
                    name.span(),
                    "list the entry's id or one of its aliases",
                );
            }
        }
    }

    /// Checkpoint file names: bare names with a weights extension, with the
    /// source they were read from.
    fn check_files(&mut self, p: &Parsed<RawModel>) {
        let raw = &p.raw;
        let id = raw.id.get_ref();
        if raw.files.is_empty() {
            return;
        }
        if is_glob(id) {
            self.error(
                format!("pattern `{id}` lists checkpoint files"),
                p.file,
                raw.id.span(),
                "a file names one model: list it on an exact entry",
            );
        }
        self.check_source(
            "checkpoint files of",
            id,
            raw.files_source.as_ref(),
            p.file,
            raw.id.span(),
        );
        for file in &raw.files {
            let name = file.get_ref();
            let lower = name.to_ascii_lowercase();
            let bare = !name.is_empty()
                && !name.contains(['/', '\\', ' ', '*', '?'])
                && crate::model::CHECKPOINT_EXTENSIONS
                    .iter()
                    .any(|ext| lower.ends_with(ext) && lower.len() > ext.len());
            if !bare {
                self.error(
                    format!("checkpoint file `{name}` of `{id}` is not a bare file name"),
                    p.file,
                    file.span(),
                    &format!(
                        "a file name without directories, ending in one of {}",
                        crate::model::CHECKPOINT_EXTENSIONS.join(", ")
                    ),
                );
            }
        }
    }

    /// Earlier licences exist, carry a source and ISO dates in increasing order.
    fn check_history(&mut self, p: &Parsed<RawModel>, licenses: &BTreeMap<String, License>) {
        let id = p.raw.id.get_ref();
        let mut previous: Option<&str> = None;
        for h in &p.raw.history {
            if !licenses.contains_key(h.license.get_ref()) {
                let message = format!(
                    "history of `{id}` names unknown licence `{}`",
                    h.license.get_ref()
                );
                self.error(message, p.file, h.license.span(), "add the licence file");
            }
            self.check_source(
                "history entry of",
                id,
                h.source.as_ref(),
                p.file,
                h.license.span(),
            );
            let Some(until) = &h.until else { continue };
            if !crate::settings_file::is_iso_date(until.get_ref()) {
                self.error(
                    format!("`{}` is not a date", until.get_ref()),
                    p.file,
                    until.span(),
                    "expected YYYY-MM-DD",
                );
            } else if previous.is_some_and(|prev| prev >= until.get_ref().as_str()) {
                self.error(
                    format!("history of `{id}` is not in date order"),
                    p.file,
                    until.span(),
                    "oldest licence first",
                );
            }
            previous = Some(until.get_ref());
        }
    }

    fn check_source(
        &mut self,
        what: &str,
        id: &str,
        source: Option<&toml::Spanned<String>>,
        file: usize,
        id_span: std::ops::Range<usize>,
    ) {
        match source {
            None => self.error(
                format!("{what} `{id}` has no `source`"),
                file,
                id_span,
                "every fact needs the URL it was read from",
            ),
            Some(s) if !is_url(s.get_ref()) => self.error(
                format!("{what} `{id}`: `source` is not a URL"),
                file,
                s.span(),
                "expected https://…",
            ),
            Some(_) => {}
        }
    }

    fn check_url(&mut self, url: &toml::Spanned<String>, file: usize) {
        if !is_url(url.get_ref()) {
            self.error(
                "`url` is not a URL".to_string(),
                file,
                url.span(),
                "expected https://…",
            );
        }
    }

    fn duplicate(
        &mut self,
        what: &str,
        id: &str,
        first: (usize, std::ops::Range<usize>),
        again: (usize, std::ops::Range<usize>),
    ) {
        self.diagnostics.push(
            Diagnostic::error()
                .with_message(format!("duplicate {what} `{id}`"))
                .with_labels(vec![
                    Label::primary(again.0, again.1).with_message("defined again here"),
                    Label::secondary(first.0, first.1).with_message("first defined here"),
                ]),
        );
    }

    /// Every `base_model` must resolve, and no chain may come back to where it started.
    fn check_lineage(&mut self, catalog: &Catalog) {
        for model in &catalog.models {
            let Some(base) = model.base_model.as_deref().filter(|b| !b.is_empty()) else {
                continue;
            };
            if base.contains('*') && !model.is_pattern() {
                self.error(
                    format!(
                        "`base_model` of `{}` has a `*` but the id is not a pattern",
                        model.id
                    ),
                    model.origin.file,
                    model.origin.span.clone(),
                    "a `*` in base_model is filled from the id's `*`",
                );
                continue;
            }
            let probe = if model.is_pattern() {
                model.id.replacen('*', "x", 1)
            } else {
                model.id.clone()
            };
            if !base_exists(catalog, base) {
                self.error(
                    format!(
                        "`base_model` `{base}` of `{}` is not in the catalog",
                        model.id
                    ),
                    model.origin.file,
                    model.origin.span.clone(),
                    "add an entry for the base model",
                );
                continue;
            }
            if let Some(cycle) = find_cycle(catalog, &probe) {
                self.error(
                    format!("`base_model` cycle: {}", cycle.join(" → ")),
                    model.origin.file,
                    model.origin.span.clone(),
                    "lineage must end at a model with its own licence",
                );
            }
        }
    }

    /// Two patterns of the same specificity that match one catalog id make the
    /// winner depend on file order: an error.
    fn check_pattern_ties(&mut self, catalog: &Catalog) {
        let ids: Vec<String> = catalog
            .models
            .iter()
            .flat_map(|m| std::iter::once(&m.id).chain(&m.aliases))
            .filter(|id| !is_glob(id))
            .map(|id| id.to_ascii_lowercase())
            .chain(catalog.patterns().iter().map(|p| {
                catalog.models[p.model]
                    .id
                    .replace('*', "x")
                    .to_ascii_lowercase()
            }))
            .collect();
        let patterns = catalog.patterns();
        for (n, a) in patterns.iter().enumerate() {
            for b in &patterns[n + 1..] {
                if a.specificity != b.specificity {
                    continue;
                }
                if let Some(id) = ids
                    .iter()
                    .find(|id| a.matcher.is_match(id) && b.matcher.is_match(id))
                {
                    let (ma, mb) = (&catalog.models[a.model], &catalog.models[b.model]);
                    self.diagnostics.push(
                        Diagnostic::error()
                            .with_message(format!("patterns `{}` and `{}` are equally specific and both match `{id}`", ma.id, mb.id))
                            .with_labels(vec![
                                Label::primary(mb.origin.file, mb.origin.span.clone()).with_message("this pattern"),
                                Label::secondary(ma.origin.file, ma.origin.span.clone()).with_message("ties with this one"),
                            ])
                            .with_notes(vec!["a more specific pattern (more literal characters, then fewer wildcards) wins; make one of them more specific".to_string()]),
                    );
                }
            }
        }
    }
}

/// A concrete base resolves; a base with a `*` must match some id or alias of the
/// catalog, or resolve through a pattern once filled in.
fn base_exists(catalog: &Catalog, base: &str) -> bool {
    if !base.contains('*') {
        return catalog.lookup(base).is_some();
    }
    let Ok(glob) = globset::GlobBuilder::new(&base.to_ascii_lowercase())
        .literal_separator(true)
        .build()
    else {
        return false;
    };
    let matcher = glob.compile_matcher();
    let matches_an_id = catalog
        .models
        .iter()
        .flat_map(|m| std::iter::once(&m.id).chain(&m.aliases))
        .any(|id| !super::is_glob(id) && matcher.is_match(id.to_ascii_lowercase()));
    // Or the filled-in base resolves through a pattern entry of its own.
    matches_an_id || catalog.lookup(&base.replacen('*', "x", 1)).is_some()
}

fn find_cycle(catalog: &Catalog, start: &str) -> Option<Vec<String>> {
    let (index, _, id) = catalog.lookup(start)?;
    let mut chain = vec![id.clone()];
    let mut current = (index, id);
    for _ in 0..super::MAX_LINEAGE * 2 {
        let model = &catalog.models[current.0];
        let base = catalog.base_of(model, &current.1)?;
        let (next, _, next_id) = catalog.lookup(&base)?;
        let seen = chain.iter().position(|c| c.eq_ignore_ascii_case(&next_id));
        chain.push(next_id.clone());
        if let Some(at) = seen {
            return (at == 0).then_some(chain);
        }
        current = (next, next_id);
    }
    None
}

fn declares_models(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("model"))
}

fn is_url(text: &str) -> bool {
    (text.starts_with("https://") || text.starts_with("http://"))
        && text.len() > "https://".len()
        && !text.contains(char::is_whitespace)
}

fn license_from(p: &Parsed<RawLicense>) -> License {
    let raw = &p.raw;
    License {
        id: raw.id.get_ref().clone(),
        name: raw.name.clone(),
        url: raw.url.get_ref().clone(),
        version: raw.version.clone(),
        spdx: raw.spdx.clone(),
        category: raw.category,
        osi_approved: raw.osi_approved,
        commercial_use: raw.commercial_use,
        monthly_active_users_limit: raw.monthly_active_users_limit,
        revenue_limit_usd: raw.revenue_limit_usd,
        revenue_limit_period: raw.revenue_limit_period,
        research_only: raw.research_only,
        use_restrictions: raw.use_restrictions,
        outputs_may_train_other_models: raw.outputs_may_train_other_models,
        share_alike: raw.share_alike,
        hosted_only: raw.hosted_only,
        flow_down: raw.flow_down,
        territory_restriction: raw.territory_restriction.clone(),
        territory_applies_to: raw.territory_applies_to,
        attribution: raw.attribution.clone(),
        licensor: raw.licensor.clone(),
        confidence: raw.confidence,
        source: raw
            .source
            .as_ref()
            .map(|s| s.get_ref().clone())
            .unwrap_or_default(),
        notes: raw.notes.clone(),
        origin: Origin {
            file: p.file,
            span: raw.id.span(),
        },
    }
}

/// Whether `name` is the entry's id or one of its aliases (any case).
fn is_own_name(raw: &RawModel, name: &str) -> bool {
    std::iter::once(&raw.id)
        .chain(&raw.aliases)
        .any(|n| n.get_ref().eq_ignore_ascii_case(name))
}

fn model_from(p: &Parsed<RawModel>) -> Model {
    let raw = &p.raw;
    Model {
        id: raw.id.get_ref().clone(),
        provider: raw.provider.clone(),
        license: raw.license.as_ref().map(|l| l.get_ref().clone()),
        aliases: raw.aliases.iter().map(|a| a.get_ref().clone()).collect(),
        files: raw.files.iter().map(|f| f.get_ref().clone()).collect(),
        ambiguous: raw.ambiguous.iter().map(|a| a.get_ref().clone()).collect(),
        multimodal: raw.multimodal,
        provider_aliases: raw
            .provider_aliases
            .iter()
            .map(|a| (a.provider.get_ref().clone(), a.name.get_ref().clone()))
            .collect(),
        base_model: raw
            .base_model
            .as_ref()
            .map(|b| b.get_ref().clone())
            .filter(|b| !b.is_empty()),
        source: raw
            .source
            .as_ref()
            .map(|s| s.get_ref().clone())
            .unwrap_or_default(),
        confidence: raw.confidence,
        notes: raw.notes.clone(),
        history: raw
            .history
            .iter()
            .map(|h| super::Relicensing {
                license: h.license.get_ref().clone(),
                until: h.until.as_ref().map(|u| u.get_ref().clone()),
                source: h
                    .source
                    .as_ref()
                    .map(|s| s.get_ref().clone())
                    .unwrap_or_default(),
            })
            .collect(),
        origin: Origin {
            file: p.file,
            span: raw.id.span(),
        },
    }
}
