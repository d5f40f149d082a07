//! Plain data types shared by the pipeline stages. No I/O lives here.

use std::ops::Range;

use serde::Serialize;

/// Extensions of single-file weights: what the checkpoint extractor looks for
/// and what `rules check` accepts in an entry's `files`.
pub const CHECKPOINT_EXTENSIONS: &[&str] =
    &[".safetensors", ".ckpt", ".gguf", ".pth", ".pt", ".bin"];

/// Where in the repository a reference was found and what kind of file holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefKind {
    Code,
    Config,
    Notebook,
    Shell,
    Docker,
    Modelfile,
    Dotenv,
    ModelCard,
    Artifact,
    Docs,
    /// A well-known checkpoint file name (`sd_xl_base_1.0.safetensors`).
    CheckpointFile,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Code => "code",
            RefKind::Config => "config",
            RefKind::Notebook => "notebook",
            RefKind::Shell => "shell",
            RefKind::Docker => "docker",
            RefKind::Modelfile => "modelfile",
            RefKind::Dotenv => "dotenv",
            RefKind::ModelCard => "model-card",
            RefKind::Artifact => "artifact",
            RefKind::Docs => "docs",
            RefKind::CheckpointFile => "checkpoint-file",
        }
    }
}

/// How much the place a string sits in says about it being a model.
///
/// A strong context (`from_pretrained(X)`, `--model X`) makes any identifier-like
/// string a reference; a weak one (a generic `model:` key, an assignment to a
/// model-ish name) only one that has a model shape or that the catalog knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// Any string literal (SPEC signal 2): counts only when its whole value
    /// is a catalog id or alias that is not an ordinary word.
    Named,
    Weak,
    Strong,
}

/// One model reference as an extractor reports it: a byte span into the file
/// text it was given, before line and column are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range of the identifier (string content without quotes) or, for a
    /// dynamic reference, of the whole expression.
    pub span: Range<usize>,
    pub text: String,
    pub kind: RefKind,
    /// What made this string a reference: a callee (`from_pretrained`), a key
    /// path (`key:llm.model`), a CLI pattern (`ollama pull`), ...
    pub context: String,
    pub provider: Option<&'static str>,
    pub dynamic: bool,
    pub strength: Strength,
    /// Which weights of the architecture `text` names, where the call says so
    /// apart from the name: open_clip's `pretrained=` tag (`ViT-H-14` with
    /// `laion2b_s32b_b79k` is LAION's MIT model; other tags are other licences).
    pub weights: Option<String>,
}

/// A 1-based line or column number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct OneIndexed(pub u32);

/// A model reference located in a file of the scanned tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRef {
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    /// Byte range in the file as stored on disk (a BOM included).
    pub span: Range<usize>,
    pub line: OneIndexed,
    pub column: OneIndexed,
    pub end_line: OneIndexed,
    pub end_column: OneIndexed,
    pub text: String,
    pub kind: RefKind,
    pub context: String,
    pub provider: Option<&'static str>,
    pub dynamic: bool,
    pub strength: Strength,
    /// As `Found::weights`.
    pub weights: Option<String>,
}

impl ModelRef {
    /// The one total order of references in every output.
    pub fn sort_key(
        &self,
    ) -> (
        &str,
        OneIndexed,
        OneIndexed,
        OneIndexed,
        OneIndexed,
        &str,
        &str,
    ) {
        (
            &self.path,
            self.line,
            self.column,
            self.end_line,
            self.end_column,
            &self.text,
            &self.context,
        )
    }
}

/// Why a file of the tree was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason", content = "detail")]
pub enum SkipReason {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Larger than `--max-file-size`; the size in bytes.
    TooLarge(u64),
    /// Could not be opened or read; the operating system's message.
    Unreadable(String),
    /// Not valid UTF-8 once a UTF-8 BOM is removed; what was seen.
    NotUtf8(String),
    /// A FIFO, socket or device file; never opened.
    NotRegularFile(String),
    /// A symbolic link whose target lies outside the scan root, or cannot be resolved.
    SymlinkOutsideRoot(String),
    /// A symbolic link that leads back to itself through other links.
    SymlinkLoop(String),
    /// The file's syntax could not be parsed; what the parser said.
    Malformed(String),
    /// A Git LFS pointer where a weight file should be: the weights were not checked out.
    LfsPointer,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Binary => write!(f, "binary file (NUL byte in the first 8 KiB)"),
            SkipReason::TooLarge(size) => write!(f, "larger than --max-file-size ({size} bytes)"),
            SkipReason::Unreadable(why) => write!(f, "unreadable: {why}"),
            SkipReason::NotUtf8(why) => write!(f, "not valid UTF-8: {why}"),
            SkipReason::NotRegularFile(what) => {
                write!(f, "not a regular file ({what}), never opened")
            }
            SkipReason::SymlinkOutsideRoot(target) => {
                write!(f, "symbolic link not followed: {target}")
            }
            SkipReason::SymlinkLoop(why) => write!(f, "symbolic link loop: {why}"),
            SkipReason::Malformed(why) => write!(f, "malformed: {why}"),
            SkipReason::LfsPointer => write!(
                f,
                "a Git LFS pointer, not the weight file (run git lfs pull to check it)"
            ),
        }
    }
}

/// A file of the tree that was not scanned, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// What a weight file's own header says about its model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArtifactInfo {
    /// Where the facts come from: `gguf-header` or `config-json` (empty: none).
    pub source: &'static str,
    pub name: Option<String>,
    pub license: Option<String>,
    /// Hub ids or URLs of the models the file derives from.
    pub base_models: Vec<String>,
}

/// Everything the scan of a tree produced, sorted.
#[derive(Debug, Default)]
pub struct Scan {
    pub references: Vec<ModelRef>,
    pub skipped: Vec<Skipped>,
    pub files_scanned: usize,
    /// Files and folders left out by exclude globs.
    pub excluded: usize,
    /// Header facts of the weight files found, by path.
    pub artifacts: std::collections::BTreeMap<String, ArtifactInfo>,
    /// `--online`/`--offline`: what the Hugging Face Hub lookups did.
    pub hub: Option<HubLookups>,
}

/// The Hugging Face Hub lookups of a run, for its summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HubLookups {
    /// Requests the Hub answered (any status) in this run.
    pub looked_up: usize,
    /// Answers taken from the cache.
    pub cached: usize,
    /// Ids left without an answer (timeouts, errors, `--offline` misses).
    pub failed: usize,
}
