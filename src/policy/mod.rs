//! The project's policy (`modelgate.toml`, or `[tool.modelgate]` in
//! `pyproject.toml`): discovery, parsing, and validation into a `Policy`,
//! collecting every problem as a diagnostic with a span (exit 2). Without a
//! file, the built-in default profile applies.

pub mod raw;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic, Label};
use globset::{GlobBuilder, GlobMatcher};

use crate::catalog::{Catalog, Category};
use crate::codes::{Code, Severity, CODES};
use crate::settings_file::{closest, explain_toml_error, is_iso_date, FileDb};
use raw::{RawException, RawModelRule, RawPolicy};

/// A value with the place in a policy file that set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    /// `None` for built-in defaults.
    pub at: Option<(usize, Range<usize>)>,
}

impl<T> Located<T> {
    fn builtin(value: T) -> Self {
        Located { value, at: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Commercial,
    NonCommercial,
    Research,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    None,
    Internal,
    Saas,
    Distributed,
}

impl Use {
    pub fn as_str(self) -> &'static str {
        match self {
            Use::Commercial => "commercial",
            Use::NonCommercial => "non-commercial",
            Use::Research => "research",
        }
    }
}

impl Distribution {
    pub fn as_str(self) -> &'static str {
        match self {
            Distribution::None => "none",
            Distribution::Internal => "internal",
            Distribution::Saas => "saas",
            Distribution::Distributed => "distributed",
        }
    }
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// `allow | warn | deny` for unknown models and dynamic references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

/// A `[severity]` override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeverityOverride {
    Set(Severity),
    Off,
}

#[derive(Debug, Clone)]
pub struct ModelRule {
    pub pattern: String,
    pub matcher: GlobMatcher,
    pub reason: Option<String>,
    pub use_instead: Option<String>,
    pub at: (usize, Range<usize>),
}

#[derive(Debug, Clone)]
pub struct Exception {
    pub models: Vec<GlobMatcher>,
    pub paths: Vec<GlobMatcher>,
    pub codes: Vec<Code>,
    pub reason: String,
    /// `YYYY-MM-DD`; compared as text, which orders ISO dates.
    pub expires: Option<String>,
    pub at: (usize, Range<usize>),
    /// Where `expires` is written (an expired exception is reported there).
    pub expires_at: Option<(usize, Range<usize>)>,
}

#[derive(Debug, Clone)]
pub struct Clarify {
    /// As written: a folder or file relative to the policy file's folder.
    pub path: String,
    /// The same, resolved against the policy file's folder.
    pub absolute: PathBuf,
    pub license: String,
    pub sha256: Option<String>,
    pub reason: Option<String>,
    pub at: (usize, Range<usize>),
    pub sha256_at: Option<(usize, Range<usize>)>,
}

impl Clarify {
    /// The file whose hash `sha256` pins: the path itself, or a folder's `README.md`.
    pub fn pinned_file(&self) -> PathBuf {
        if self.absolute.is_dir() {
            self.absolute.join("README.md")
        } else {
            self.absolute.clone()
        }
    }
}

/// Where the policy came from, for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyOrigin {
    Builtin,
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub origin: PolicyOrigin,
    pub use_: Located<Use>,
    pub distribution: Located<Distribution>,
    pub monthly_active_users: Option<Located<u64>>,
    pub annual_revenue_usd: Option<Located<u64>>,
    pub trains_on_model_outputs: Located<bool>,
    pub open_weights_only: Located<bool>,
    pub osi_approved_only: Located<bool>,
    /// `YYYY-MM-DD`: relicensed models are judged by the licence in force that day.
    pub licenses_as_of: Option<String>,
    pub allow_licenses: Vec<Located<String>>,
    pub deny_licenses: Vec<Located<String>>,
    pub deny_categories: Vec<Located<Category>>,
    pub unknown: Located<Level>,
    pub dynamic: Located<Level>,
    pub deny_models: Vec<ModelRule>,
    pub allow_models: Vec<ModelRule>,
    pub clarify: Vec<Clarify>,
    pub exceptions: Vec<Exception>,
    pub severity: BTreeMap<Code, SeverityOverride>,
    pub exclude: Vec<String>,
    pub include_docs: Option<bool>,
    /// `[scan] online = true`: look up unknown Hub ids as `--online` does.
    pub online: bool,
    pub max_file_size: Option<u64>,
    /// Extra rule files, relative paths resolved against the policy file's folder.
    pub rules: Vec<PathBuf>,
}

impl Default for Policy {
    /// The built-in profile: a commercial product that is distributed, unknown
    /// and dynamic references warned about.
    fn default() -> Self {
        Policy {
            origin: PolicyOrigin::Builtin,
            use_: Located::builtin(Use::Commercial),
            distribution: Located::builtin(Distribution::Distributed),
            monthly_active_users: None,
            annual_revenue_usd: None,
            trains_on_model_outputs: Located::builtin(false),
            open_weights_only: Located::builtin(false),
            osi_approved_only: Located::builtin(false),
            licenses_as_of: None,
            allow_licenses: Vec::new(),
            deny_licenses: Vec::new(),
            deny_categories: Vec::new(),
            unknown: Located::builtin(Level::Warn),
            dynamic: Located::builtin(Level::Warn),
            deny_models: Vec::new(),
            allow_models: Vec::new(),
            clarify: Vec::new(),
            exceptions: Vec::new(),
            severity: BTreeMap::new(),
            exclude: Vec::new(),
            include_docs: None,
            online: false,
            max_file_size: None,
            rules: Vec::new(),
        }
    }
}

/// A policy file found by discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Modelgate(PathBuf),
    Pyproject(PathBuf),
}

/// Walks up from `start` to the first folder with a `modelgate.toml` (or a
/// `pyproject.toml` that has `[tool.modelgate]`).
pub fn discover(start: &Path) -> Option<Found> {
    let start = start.canonicalize().ok()?;
    for dir in start.ancestors() {
        let file = dir.join("modelgate.toml");
        if file.is_file() {
            return Some(Found::Modelgate(file));
        }
        let pyproject = dir.join("pyproject.toml");
        if pyproject.is_file() && has_tool_modelgate(&pyproject) {
            return Some(Found::Pyproject(pyproject));
        }
    }
    None
}

fn has_tool_modelgate(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("tool")
                .and_then(|tool| tool.get("modelgate"))
                .cloned()
        })
        .is_some()
}

/// Loading a policy: the policy (the default when none), or every problem.
pub struct Loaded {
    pub policy: Policy,
    pub diagnostics: Vec<Diagnostic<usize>>,
}

const MAX_EXTENDS: usize = 8;

/// Reads and validates a policy file (following `extends`), adding every file
/// read to `files` so diagnostics can point into it.
pub fn load(found: &Found, catalog: &Catalog, files: &mut FileDb) -> Loaded {
    let mut loader = Loader {
        files,
        catalog,
        diagnostics: Vec::new(),
        chain: Vec::new(),
    };
    let mut policy = Policy::default();
    loader.load_into(found, &mut policy);
    let path = match found {
        Found::Modelgate(p) | Found::Pyproject(p) => p.clone(),
    };
    policy.origin = PolicyOrigin::File(path);
    Loaded {
        policy,
        diagnostics: loader.diagnostics,
    }
}

struct Loader<'a> {
    files: &'a mut FileDb,
    catalog: &'a Catalog,
    diagnostics: Vec<Diagnostic<usize>>,
    chain: Vec<PathBuf>,
}

impl Loader<'_> {
    fn error(
        &mut self,
        message: impl Into<String>,
        file: usize,
        span: Range<usize>,
        label: impl Into<String>,
    ) {
        self.diagnostics.push(
            Diagnostic::error()
                .with_message(message.into())
                .with_labels(vec![Label::primary(file, span).with_message(label.into())]),
        );
    }

    fn load_into(&mut self, found: &Found, policy: &mut Policy) {
        let (path, pyproject) = match found {
            Found::Modelgate(p) => (p, false),
            Found::Pyproject(p) => (p, true),
        };
        // Loops and depth are checked where `extends` is read, to point at it.
        self.chain
            .push(path.canonicalize().unwrap_or_else(|_| path.clone()));
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::error()
                        .with_message(format!("cannot read {}: {e}", path.display())),
                );
                return;
            }
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = self.files.add(
            crate::text::visible(&display_path(path)).into_owned(),
            crate::text::display_safe_source(text.clone()),
        );
        if let Err(e) = std::str::from_utf8(&bytes) {
            // The lossy text matches the file up to the first bad byte, which
            // it shows as U+FFFD.
            let at = e.valid_up_to();
            self.error(
                "the policy file is not valid UTF-8",
                file,
                at..at + '\u{fffd}'.len_utf8(),
                format!("byte {at} starts an invalid sequence"),
            );
            return;
        }
        let Some(raw) = self.parse(&text, file, pyproject) else {
            return;
        };
        let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        if let Some(extends) = raw.extends.as_ref().or(raw.project.extends.as_ref()) {
            let parent = base_dir.join(extends.get_ref());
            let canonical = parent.canonicalize().unwrap_or_else(|_| parent.clone());
            if !parent.is_file() {
                self.error(
                    format!(
                        "`extends` names a file that does not exist: {}",
                        parent.display()
                    ),
                    file,
                    extends.span(),
                    "no such file",
                );
            } else if self.chain.contains(&canonical) {
                let chain: Vec<String> = self
                    .chain
                    .iter()
                    .chain([&canonical])
                    .map(|p| p.display().to_string())
                    .collect();
                let label = if self.chain.last() == Some(&canonical) {
                    "the file extends itself"
                } else {
                    "this closes the loop"
                };
                self.error(
                    format!("`extends` loops: {}", chain.join(" → ")),
                    file,
                    extends.span(),
                    label,
                );
            } else if self.chain.len() >= MAX_EXTENDS {
                self.error(
                    format!("`extends` nests deeper than {MAX_EXTENDS} files"),
                    file,
                    extends.span(),
                    "one file too many",
                );
            } else {
                self.load_into(&Found::Modelgate(parent), policy);
            }
        }
        self.apply(&raw, file, &base_dir, policy);
    }

    fn parse(&mut self, text: &str, file: usize, pyproject: bool) -> Option<RawPolicy> {
        let result = if pyproject {
            parse_pyproject(text)
        } else {
            toml::from_str::<RawPolicy>(text)
        };
        match result {
            Ok(raw) => Some(raw),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let (message, mut label) = explain_toml_error(&e);
                if let Some(choices) = choices_for_key_at(text, span.start) {
                    label = format!("expected one of: {choices}");
                }
                self.error(format!("invalid policy: {message}"), file, span, label);
                None
            }
        }
    }

    fn apply(&mut self, raw: &RawPolicy, file: usize, base_dir: &Path, policy: &mut Policy) {
        self.apply_project(raw, file, policy);
        self.apply_licenses(raw, file, policy);
        if let Some(rules) = &raw.models.deny {
            policy
                .deny_models
                .extend(rules.iter().filter_map(|r| self.model_rule(r, file)));
        }
        if let Some(rules) = &raw.models.allow {
            policy
                .allow_models
                .extend(rules.iter().filter_map(|r| self.model_rule(r, file)));
        }
        for clarify in &raw.clarify {
            self.check_license_id(&clarify.license, file);
            if clarify
                .reason
                .as_ref()
                .is_none_or(|r| r.get_ref().trim().is_empty())
            {
                self.error(
                    "a clarification needs a `reason`",
                    file,
                    clarify.path.span(),
                    "say where the licence was confirmed",
                );
            }
            policy.clarify.push(Clarify {
                path: clarify.path.get_ref().clone(),
                absolute: base_dir.join(clarify.path.get_ref()),
                license: clarify.license.get_ref().clone(),
                sha256: clarify
                    .sha256
                    .as_ref()
                    .map(|s| s.get_ref().to_ascii_lowercase()),
                reason: clarify.reason.as_ref().map(|s| s.get_ref().clone()),
                at: (file, clarify.path.span()),
                sha256_at: clarify.sha256.as_ref().map(|s| (file, s.span())),
            });
        }
        for exception in &raw.exceptions {
            if let Some(e) = self.exception(exception, file) {
                policy.exceptions.push(e);
            }
        }
        for (code, level) in &raw.severity {
            self.severity(code, level, file, policy);
        }
        self.apply_scan(raw, file, base_dir, policy);
    }

    fn apply_project(&mut self, raw: &RawPolicy, file: usize, policy: &mut Policy) {
        let p = &raw.project;
        if let Some(v) = &p.use_ {
            if let Some(value) = self.choice(
                v,
                file,
                &[
                    ("commercial", Use::Commercial),
                    ("non-commercial", Use::NonCommercial),
                    ("research", Use::Research),
                ],
            ) {
                policy.use_ = located(value, file, v.span());
            }
        }
        if let Some(v) = &p.distribution {
            let choices = [
                ("none", Distribution::None),
                ("internal", Distribution::Internal),
                ("saas", Distribution::Saas),
                ("distributed", Distribution::Distributed),
            ];
            if let Some(value) = self.choice(v, file, &choices) {
                policy.distribution = located(value, file, v.span());
            }
        }
        if let Some(date) = &p.licenses_as_of {
            policy.licenses_as_of = self.date(date, file);
        }
        if let Some(v) = &p.monthly_active_users {
            policy.monthly_active_users = Some(located(*v.get_ref(), file, v.span()));
        }
        if let Some(v) = &p.annual_revenue_usd {
            policy.annual_revenue_usd = Some(located(*v.get_ref(), file, v.span()));
        }
        for (value, target) in [
            (
                &p.trains_on_model_outputs,
                &mut policy.trains_on_model_outputs,
            ),
            (&p.open_weights_only, &mut policy.open_weights_only),
            (&p.osi_approved_only, &mut policy.osi_approved_only),
        ] {
            if let Some(v) = value {
                *target = located(*v.get_ref(), file, v.span());
            }
        }
    }

    fn apply_licenses(&mut self, raw: &RawPolicy, file: usize, policy: &mut Policy) {
        let l = &raw.licenses;
        for (list, target) in [
            (&l.allow, &mut policy.allow_licenses),
            (&l.deny, &mut policy.deny_licenses),
        ] {
            for id in list.iter().flatten() {
                self.check_license_id(id, file);
                target.push(located(id.get_ref().clone(), file, id.span()));
            }
        }
        let categories = [
            ("open-source", Category::OpenSource),
            ("open-weights", Category::OpenWeights),
            ("non-commercial", Category::NonCommercial),
            ("proprietary", Category::Proprietary),
            // `test` is not offered: test weights are never judged.
        ];
        for category in l.deny_categories.iter().flatten() {
            if let Some(value) = self.choice(category, file, &categories) {
                policy
                    .deny_categories
                    .push(located(value, file, category.span()));
            }
        }
        let levels = [
            ("allow", Level::Allow),
            ("warn", Level::Warn),
            ("deny", Level::Deny),
        ];
        for (value, target) in [
            (&l.unknown, &mut policy.unknown),
            (&l.dynamic, &mut policy.dynamic),
        ] {
            if let Some(v) = value {
                if let Some(level) = self.choice(v, file, &levels) {
                    *target = located(level, file, v.span());
                }
            }
        }
    }

    fn apply_scan(&mut self, raw: &RawPolicy, file: usize, base_dir: &Path, policy: &mut Policy) {
        let s = &raw.scan;
        for glob in s.exclude.iter().flatten() {
            if glob.get_ref().trim().is_empty() {
                self.error(
                    "invalid glob ``",
                    file,
                    glob.span(),
                    "an empty glob would exclude every file".to_string(),
                );
                continue;
            }
            match globset::Glob::new(glob.get_ref()) {
                Ok(_) => policy.exclude.push(glob.get_ref().clone()),
                Err(e) => self.error(
                    format!("invalid glob `{}`", glob.get_ref()),
                    file,
                    glob.span(),
                    e.kind().to_string(),
                ),
            }
        }
        if let Some(online) = s.online {
            policy.online = online;
        }
        if let Some(include_docs) = s.include_docs {
            policy.include_docs = Some(include_docs);
        }
        if let Some(size) = &s.max_file_size {
            match crate::settings_file::parse_size(size.get_ref()) {
                Ok(bytes) => policy.max_file_size = Some(bytes),
                Err(why) => self.error("invalid `max_file_size`", file, size.span(), why),
            }
        }
        for rules in s.rules.iter().flatten() {
            let path = base_dir.join(rules.get_ref());
            if path.exists() {
                policy.rules.push(path);
            } else {
                self.error(
                    format!(
                        "`[scan] rules` names a file that does not exist: {}",
                        path.display()
                    ),
                    file,
                    rules.span(),
                    "no such file or folder",
                );
            }
        }
    }

    /// One of a fixed set of words; otherwise an error listing the choices.
    fn choice<T: Copy>(
        &mut self,
        value: &toml::Spanned<String>,
        file: usize,
        choices: &[(&str, T)],
    ) -> Option<T> {
        if let Some((_, v)) = choices.iter().find(|(word, _)| *word == value.get_ref()) {
            return Some(*v);
        }
        let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
        let hint = closest(value.get_ref(), words.iter().copied())
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        self.error(
            format!("`{}` is not one of: {}", value.get_ref(), words.join(", ")),
            file,
            value.span(),
            format!("{hint}expected one of: {}", words.join(", ")),
        );
        None
    }

    fn check_license_id(&mut self, id: &toml::Spanned<String>, file: usize) {
        if self.catalog.licenses.contains_key(id.get_ref()) {
            return;
        }
        let hint = closest(
            id.get_ref(),
            self.catalog.licenses.keys().map(String::as_str),
        )
        .map(|c| format!("did you mean `{c}`?"))
        .unwrap_or_else(|| "not a licence id of the rule set (see `modelgate show`)".to_string());
        self.error(
            format!("unknown licence `{}`", id.get_ref()),
            file,
            id.span(),
            hint,
        );
    }

    fn model_rule(&mut self, rule: &toml::Spanned<RawModelRule>, file: usize) -> Option<ModelRule> {
        let (pattern, reason, use_instead) = match rule.get_ref() {
            RawModelRule::Glob(g) => (g.clone(), None, None),
            RawModelRule::Table(t) => (t.model.clone(), t.reason.clone(), t.use_instead.clone()),
        };
        let matcher = self.glob(&pattern, file, rule.span())?;
        Some(ModelRule {
            pattern,
            matcher,
            reason,
            use_instead,
            at: (file, rule.span()),
        })
    }

    fn glob(&mut self, pattern: &str, file: usize, span: Range<usize>) -> Option<GlobMatcher> {
        match GlobBuilder::new(&pattern.to_ascii_lowercase())
            .literal_separator(false)
            .build()
        {
            Ok(glob) => Some(glob.compile_matcher()),
            Err(e) => {
                self.error(
                    format!("invalid glob `{pattern}`"),
                    file,
                    span,
                    e.kind().to_string(),
                );
                None
            }
        }
    }

    fn exception(&mut self, raw: &RawException, file: usize) -> Option<Exception> {
        let anchor = raw
            .models
            .first()
            .or(raw.paths.first())
            .map(|s| s.span())
            .or(raw.reason.as_ref().map(|r| r.span()))
            .unwrap_or(0..0);
        let reason = match &raw.reason {
            Some(r) if !r.get_ref().trim().is_empty() => r.get_ref().clone(),
            Some(r) => {
                self.error(
                    "an exception's `reason` is empty",
                    file,
                    r.span(),
                    "say why this is allowed",
                );
                return None;
            }
            None => {
                self.error(
                    "an exception needs a `reason`",
                    file,
                    anchor,
                    "add reason = \"…\" to this [[exceptions]] entry",
                );
                return None;
            }
        };
        if raw.models.is_empty() && raw.paths.is_empty() && raw.codes.is_empty() {
            self.error(
                "an exception must name `models`, `paths` or `codes`",
                file,
                anchor,
                "an exception that matches everything is not scoped",
            );
            return None;
        }
        let models = raw
            .models
            .iter()
            .filter_map(|m| self.glob(m.get_ref(), file, m.span()))
            .collect();
        let paths = raw
            .paths
            .iter()
            .filter_map(|p| self.path_glob(p, file))
            .collect();
        let codes = raw
            .codes
            .iter()
            .filter_map(|c| self.code(c, file))
            .collect();
        let expires = raw.expires.as_ref().and_then(|e| self.date(e, file));
        Some(Exception {
            models,
            paths,
            codes,
            reason,
            expires,
            at: (file, anchor),
            expires_at: raw.expires.as_ref().map(|e| (file, e.span())),
        })
    }

    fn path_glob(&mut self, pattern: &toml::Spanned<String>, file: usize) -> Option<GlobMatcher> {
        let text = pattern.get_ref().trim_start_matches("./");
        let text = if text.contains('/') {
            text.to_string()
        } else {
            format!("**/{text}")
        };
        match GlobBuilder::new(&text).literal_separator(true).build() {
            Ok(glob) => Some(glob.compile_matcher()),
            Err(e) => {
                self.error(
                    format!("invalid glob `{}`", pattern.get_ref()),
                    file,
                    pattern.span(),
                    e.kind().to_string(),
                );
                None
            }
        }
    }

    fn code(&mut self, code: &toml::Spanned<String>, file: usize) -> Option<Code> {
        if let Some(c) = Code::parse(code.get_ref()) {
            return Some(c);
        }
        let ids: Vec<&str> = CODES.iter().map(|c| c.id).collect();
        let hint = closest(code.get_ref(), ids.iter().copied())
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        self.error(
            format!("unknown code `{}`", code.get_ref()),
            file,
            code.span(),
            format!(
                "{hint}the codes are {}…{}",
                ids.first().unwrap_or(&""),
                ids.last().unwrap_or(&"")
            ),
        );
        None
    }

    fn severity(
        &mut self,
        code: &toml::Spanned<String>,
        level: &toml::Spanned<String>,
        file: usize,
        policy: &mut Policy,
    ) {
        let code = self.code(code, file);
        let levels = [
            ("error", SeverityOverride::Set(Severity::Error)),
            ("warn", SeverityOverride::Set(Severity::Warn)),
            ("info", SeverityOverride::Set(Severity::Info)),
            ("off", SeverityOverride::Off),
        ];
        // The words the text formats print are accepted too, unadvertised.
        let level = match level.get_ref().as_str() {
            "warning" => Some(SeverityOverride::Set(Severity::Warn)),
            "note" => Some(SeverityOverride::Set(Severity::Info)),
            _ => self.choice(level, file, &levels),
        };
        if let (Some(code), Some(level)) = (code, level) {
            policy.severity.insert(code, level);
        }
    }

    fn date(&mut self, date: &toml::Spanned<String>, file: usize) -> Option<String> {
        if is_iso_date(date.get_ref()) {
            return Some(date.get_ref().clone());
        }
        self.error(
            format!("`{}` is not a date", date.get_ref()),
            file,
            date.span(),
            "expected YYYY-MM-DD, e.g. \"2027-06-30\"",
        );
        None
    }
}

/// A path as diagnostics show it: relative to the working directory when inside it.
/// The fixed values of the key written on the line of `offset`, for a type
/// error there (`use = 3`): the user sees what to write instead.
fn choices_for_key_at(text: &str, offset: usize) -> Option<&'static str> {
    let offset = offset.min(text.len());
    // By bytes: the error offset need not fall on a character boundary.
    let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..offset]).map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let key = line.split('=').next()?.trim().trim_matches('"');
    if !line.contains('=') {
        return None;
    }
    Some(match key {
        "use" => "\"commercial\", \"non-commercial\", \"research\"",
        "distribution" => "\"none\", \"internal\", \"saas\", \"distributed\"",
        "unknown" | "dynamic" => "\"allow\", \"warn\", \"deny\"",
        "deny_categories" => {
            "a list of \"open-source\", \"open-weights\", \"non-commercial\", \"proprietary\""
        }
        "trains_on_model_outputs"
        | "open_weights_only"
        | "osi_approved_only"
        | "include_docs"
        | "online" => "true, false",
        code if crate::codes::Code::parse(code).is_some() => {
            "\"error\", \"warn\", \"info\", \"off\""
        }
        _ => return None,
    })
}

fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
    let canonical = path.canonicalize();
    match (cwd, canonical) {
        (Ok(cwd), Ok(canonical)) => canonical
            .strip_prefix(&cwd)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.display().to_string()),
        _ => path.display().to_string(),
    }
}

fn located<T>(value: T, file: usize, span: Range<usize>) -> Located<T> {
    Located {
        value,
        at: Some((file, span)),
    }
}

/// `[tool.modelgate]` of a `pyproject.toml`, with spans into the whole file.
fn parse_pyproject(text: &str) -> Result<RawPolicy, toml::de::Error> {
    #[derive(serde::Deserialize)]
    struct Pyproject {
        tool: Tool,
    }
    #[derive(serde::Deserialize)]
    struct Tool {
        modelgate: RawPolicy,
    }
    toml::from_str::<Pyproject>(text).map(|p| p.tool.modelgate)
}

/// Every `[[clarify]]` with a `sha256` must still match its file: a
/// clarification made for other bytes is stale (an error, exit 2).
pub fn stale_clarifications(policy: &Policy) -> Vec<Diagnostic<usize>> {
    use sha2::Digest;
    let mut out = Vec::new();
    for c in &policy.clarify {
        let (Some(expected), Some((file, span))) = (&c.sha256, &c.sha256_at) else {
            continue;
        };
        let pinned = c.pinned_file();
        let actual = std::fs::read(&pinned).map(|bytes| {
            sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
        let problem = match actual {
            Ok(actual) if &actual == expected => continue,
            Ok(actual) => format!(
                "{} changed since it was clarified (sha256 is now {actual})",
                pinned.display()
            ),
            Err(e) => format!("{}: {e}", pinned.display()),
        };
        out.push(
            Diagnostic::error()
                .with_message("stale [[clarify]]: the file it was made for has changed")
                .with_labels(vec![
                    Label::primary(*file, span.clone()).with_message(problem)
                ])
                .with_notes(vec![
                    "review the licence again, then update sha256 (or remove the clarification)"
                        .to_string(),
                ]),
        );
    }
    out
}

#[cfg(test)]
mod tests;
