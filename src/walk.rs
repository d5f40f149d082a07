//! Stage 1, walk: finds the files to scan and runs the extractors on them in
//! parallel. Honours `.gitignore`/`.ignore`, `--exclude`; never follows a
//! symbolic link out of the root; never opens a FIFO, socket or device file.
//! Every file of a known family that is not scanned becomes a `Skipped` record.
//! Weight files are references in themselves; of them only a GGUF header is read.
//! Results are merged and sorted once, so output does not depend on threads.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::classify::{self, Family};
use crate::extract::{self, candidate, ExtractOptions};
use crate::model::{Found, ModelRef, RefKind, Scan, SkipReason, Skipped};
use crate::progress::{Progress, ScanCounters};
use crate::text::{self, LineIndex};

/// Bytes looked at for a NUL to tell binary files (git and ripgrep use 8 KiB too).
const BINARY_SNIFF_LEN: usize = 8 * 1024;
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;
/// Directories of version-control systems are never part of a scan.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// 0 = one per core.
    pub threads: usize,
    pub max_file_size: u64,
    pub exclude: Vec<String>,
    pub extract: ExtractOptions,
    /// modelgate's own files (a baseline, an `-o` output): never scanned, as
    /// their model names are this tool's words, not the project's code.
    pub own_files: Vec<PathBuf>,
    /// Draw a progress line on stderr if the scan takes a while
    /// (`progress::wanted_here`).
    pub progress: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            threads: 0,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            exclude: Vec::new(),
            extract: ExtractOptions::default(),
            own_files: Vec::new(),
            progress: false,
        }
    }
}

/// A file's path with its directory resolved (the file itself may not exist
/// yet, as an output about to be written): how own files are compared.
fn resolved_path(path: &Path) -> Option<PathBuf> {
    let absolute = std::env::current_dir().ok()?.join(path);
    let name = absolute.file_name()?;
    let parent = absolute.parent()?.canonicalize().ok()?;
    Some(parent.join(name))
}

/// What to scan: a root that output paths are relative to, and the paths given.
#[derive(Debug, Clone)]
pub struct Targets {
    /// Absolute.
    pub root: PathBuf,
    /// The root as the user wrote it, for output.
    pub root_display: String,
    pub directories: Vec<PathBuf>,
    /// Explicit files are scanned even when ignored, but not when excluded.
    pub files: Vec<PathBuf>,
}

#[derive(Debug)]
pub enum WalkError {
    NotFound(PathBuf),
    BadGlob(String, String),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WalkError::NotFound(path) => write!(f, "path does not exist: {}", path.display()),
            WalkError::BadGlob(glob, why) => write!(f, "invalid --exclude glob `{glob}`: {why}"),
            WalkError::Io(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

impl std::error::Error for WalkError {}

impl Targets {
    /// One directory argument is the root; otherwise (files, several paths,
    /// none) the current directory is, as pre-commit runs from the repository root.
    pub fn from_args(paths: &[PathBuf]) -> Result<Targets, WalkError> {
        let cwd = std::env::current_dir().map_err(|e| WalkError::Io(PathBuf::from("."), e))?;
        let paths: Vec<PathBuf> = if paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths.to_vec()
        };
        for path in &paths {
            if std::fs::symlink_metadata(path).is_err() {
                return Err(WalkError::NotFound(path.clone()));
            }
        }
        let single_dir = paths.len() == 1 && paths[0].is_dir();
        let (root, root_display) = if single_dir {
            (cwd.join(&paths[0]), paths[0].display().to_string())
        } else {
            (cwd.clone(), ".".to_string())
        };
        let (directories, files) = paths.iter().map(|p| cwd.join(p)).partition(|p| p.is_dir());
        Ok(Targets {
            root,
            root_display,
            directories,
            files,
        })
    }
}

/// Scans the targets: every reference found, every file skipped, sorted.
pub fn scan(targets: &Targets, options: &WalkOptions) -> Result<Scan, WalkError> {
    let exclude = build_exclude(&options.exclude)?;
    let canonical_root = targets
        .root
        .canonicalize()
        .map_err(|e| WalkError::Io(targets.root.clone(), e))?;
    let counters = Arc::new(ScanCounters::default());
    let context = Arc::new(ScanContext {
        root: targets.root.clone(),
        canonical_root,
        exclude,
        options: options.clone(),
        excluded: AtomicUsize::new(0),
        counters: counters.clone(),
    });
    let progress = options.progress.then(|| Progress::start(counters));
    let results = Arc::new(Mutex::new(Vec::new()));
    for file in &targets.files {
        let mut worker = Worker::new(context.clone(), results.clone());
        worker.explicit_file(file);
    }
    if let Some((first, rest)) = targets.directories.split_first() {
        walk_directories(first, rest, &context, &results);
    }
    if let Some(progress) = progress {
        progress.finish();
    }
    let parts = std::mem::take(&mut *results.lock().unwrap_or_else(|e| e.into_inner()));
    let mut scan = merge(parts);
    scan.excluded = context.excluded.load(Ordering::Relaxed);
    Ok(scan)
}

fn walk_directories(
    first: &Path,
    rest: &[PathBuf],
    context: &Arc<ScanContext>,
    results: &Arc<Mutex<Vec<Scan>>>,
) {
    let mut builder = WalkBuilder::new(first);
    for dir in rest {
        builder.add(dir);
    }
    let filter_context = context.clone();
    let own_files: Vec<PathBuf> = context
        .options
        .own_files
        .iter()
        .filter_map(|p| resolved_path(p))
        .collect();
    builder
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .threads(context.options.threads)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let name = entry.file_name().to_str().unwrap_or("");
            let vcs_dir = is_dir && VCS_DIRS.contains(&name);
            let own = !is_dir
                && own_files
                    .iter()
                    .any(|own| own.file_name() == Some(entry.file_name()))
                && resolved_path(entry.path()).is_some_and(|p| own_files.contains(&p));
            !vcs_dir && !own && !filter_context.excluded(entry.path(), is_dir)
        });
    builder.build_parallel().run(|| {
        let mut worker = Worker::new(context.clone(), results.clone());
        Box::new(move |entry| {
            worker.walk_entry(entry);
            WalkState::Continue
        })
    });
}

/// A `--exclude` glob without a `/` matches a name at any depth, as in `.gitignore`.
fn build_exclude(globs: &[String]) -> Result<GlobSet, WalkError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let trimmed = glob.trim_start_matches("./").trim_end_matches('/');
        let pattern = if trimmed.contains('/') {
            trimmed.to_string()
        } else {
            format!("**/{trimmed}")
        };
        let compiled = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| WalkError::BadGlob(glob.clone(), e.kind().to_string()))?;
        builder.add(compiled);
    }
    builder
        .build()
        .map_err(|e| WalkError::BadGlob(globs.join(" "), e.to_string()))
}

struct ScanContext {
    root: PathBuf,
    canonical_root: PathBuf,
    exclude: GlobSet,
    options: WalkOptions,
    /// Entries left out by `exclude`, counted for the nothing-scanned warning.
    excluded: AtomicUsize,
    /// Files and references so far, for the progress line.
    counters: Arc<ScanCounters>,
}

impl ScanContext {
    /// Path relative to the root with `/` separators (as given when outside the root).
    fn relative(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let parts: Vec<String> = relative
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        parts.join("/")
    }

    fn excluded(&self, path: &Path, is_dir: bool) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let relative = self.relative(path);
        // A directory is pruned when everything below it would be excluded.
        let excluded = self.exclude.is_match(&relative)
            || (is_dir && self.exclude.is_match(format!("{relative}/-")));
        if excluded {
            self.excluded.fetch_add(1, Ordering::Relaxed);
        }
        excluded
    }
}

/// Per-thread scanner; hands its results over when the walk drops it.
struct Worker {
    context: Arc<ScanContext>,
    results: Arc<Mutex<Vec<Scan>>>,
    local: Scan,
    buffer: Vec<u8>,
    found: Vec<Found>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        self.results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(local);
    }
}

impl Worker {
    fn new(context: Arc<ScanContext>, results: Arc<Mutex<Vec<Scan>>>) -> Self {
        Worker {
            context,
            results,
            local: Scan::default(),
            buffer: Vec::new(),
            found: Vec::new(),
        }
    }

    fn skip(&mut self, path: &Path, reason: SkipReason) {
        let path = self.context.relative(path);
        self.local.skipped.push(Skipped { path, reason });
    }

    fn walk_entry(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => return self.walk_error(&error),
        };
        let Some(file_type) = entry.file_type() else {
            return;
        };
        if file_type.is_dir() {
            return;
        }
        let path = entry.path();
        if file_type.is_symlink() {
            self.symlink(path, false);
        } else if file_type.is_file() {
            self.file(path);
        } else if classify::by_name(path).is_some() || classify::needs_shebang(path) {
            self.skip(path, SkipReason::NotRegularFile(special_file_kind(path)));
        }
    }

    fn walk_error(&mut self, error: &ignore::Error) {
        let path = error_path(error).unwrap_or_else(|| self.context.root.clone());
        self.skip(&path, SkipReason::Unreadable(error.to_string()));
    }

    fn explicit_file(&mut self, path: &Path) {
        if self.context.excluded(path, false) {
            return;
        }
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => self.symlink(path, true),
            Ok(meta) if meta.is_file() => self.file(path),
            Ok(_) => self.skip(path, SkipReason::NotRegularFile(special_file_kind(path))),
            Err(e) => self.skip(path, SkipReason::Unreadable(e.to_string())),
        }
    }

    /// Links are not followed while walking: a link into the root names a file
    /// that is scanned at its own path; one out of the root is recorded. An
    /// explicitly named link into the root is scanned at the link's path.
    fn symlink(&mut self, path: &Path, explicit: bool) {
        let target = match path.canonicalize() {
            Ok(target) => target,
            Err(e) => {
                if classify::by_name(path).is_some() || explicit {
                    let reason = if e.raw_os_error() == Some(libc::ELOOP) {
                        SkipReason::SymlinkLoop(e.to_string())
                    } else {
                        SkipReason::SymlinkOutsideRoot(format!("cannot be resolved: {e}"))
                    };
                    self.skip(path, reason);
                }
                return;
            }
        };
        if !target.starts_with(&self.context.canonical_root) {
            self.skip(
                path,
                SkipReason::SymlinkOutsideRoot(format!(
                    "points outside the root to {}",
                    target.display()
                )),
            );
        } else if explicit && target.is_file() {
            self.file(path);
        }
    }

    fn file(&mut self, path: &Path) {
        if let Some(format) = classify::artifact_format(path) {
            return self.artifact(path, format);
        }
        let family = classify::by_name(path);
        if family.is_none() && !classify::needs_shebang(path) {
            return;
        }
        if let Err(reason) = self.read(path) {
            // A file without extension is only ours if its first line says so.
            if family.is_some() {
                self.skip(path, reason);
            }
            return;
        }
        let family = match family.or_else(|| classify::by_shebang(&self.buffer)) {
            Some(family) => family,
            None => return,
        };
        self.scan_bytes(path, family);
    }

    /// A GGUF weight file: a reference of kind artifact, with what its header
    /// says; only the header is read, whatever the file's size.
    fn artifact(&mut self, path: &Path, format: &'static str) {
        let file = match open_regular(path) {
            Ok(file) => file,
            Err(reason) => return self.skip(path, reason),
        };
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            return self.skip(path, SkipReason::NotRegularFile(special_file_kind(path)));
        }
        if is_lfs_pointer(path) {
            return self.skip(path, SkipReason::LfsPointer);
        }
        let info = if format == "gguf" {
            let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
            match extract::gguf::read_header(&mut reader) {
                Ok(info) => info,
                Err(e @ extract::gguf::GgufError::Io(_)) => {
                    return self.skip(path, SkipReason::Unreadable(e.to_string()))
                }
                Err(e) => return self.skip(path, SkipReason::Malformed(e.to_string())),
            }
        } else {
            sibling_config(path)
        };
        let relative = self.context.relative(path);
        let file_name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        self.local.references.push(ModelRef {
            path: relative.clone(),
            span: 0..0,
            line: crate::model::OneIndexed(1),
            column: crate::model::OneIndexed(1),
            end_line: crate::model::OneIndexed(1),
            end_column: crate::model::OneIndexed(1),
            text: file_name,
            kind: crate::model::RefKind::Artifact,
            context: format.to_string(),
            provider: None,
            dynamic: false,
            strength: crate::model::Strength::Strong,
            weights: None,
        });
        self.local.artifacts.insert(relative, info);
        self.local.files_scanned += 1;
    }

    /// Reads a regular file into the reused buffer, within the size limit.
    fn read(&mut self, path: &Path) -> Result<(), SkipReason> {
        read_bounded(path, self.context.options.max_file_size, &mut self.buffer)?;
        // UTF-16 text has NUL bytes too; name the real reason.
        if let Err(e @ text::DecodeError::Utf16Bom) =
            text::decode(&self.buffer[..self.buffer.len().min(2)])
        {
            return Err(SkipReason::NotUtf8(e.to_string()));
        }
        let sniff = &self.buffer[..self.buffer.len().min(BINARY_SNIFF_LEN)];
        if memchr::memchr(0, sniff).is_some() {
            return Err(SkipReason::Binary);
        }
        Ok(())
    }

    fn scan_bytes(&mut self, path: &Path, family: Family) {
        let buffer = std::mem::take(&mut self.buffer);
        let source = match text::decode(&buffer) {
            Ok(source) => source,
            Err(e) => {
                self.buffer = buffer;
                return self.skip(path, SkipReason::NotUtf8(e.to_string()));
            }
        };
        self.found.clear();
        // Python's package, for relative imports: the root-relative path
        // (not normalised: `package_of` takes either separator).
        let extract_path = path
            .strip_prefix(&self.context.root)
            .unwrap_or(path)
            .to_str()
            .unwrap_or("");
        let result = extract::extract(
            family,
            source.text,
            self.context.options.extract,
            extract_path,
            &mut self.found,
        );
        // Weak candidates are kept: resolution admits those the catalog knows.
        // A `./path` is a reference only when it is a model folder with a card.
        let root = &self.context.root;
        self.found.retain(|f| {
            f.kind == RefKind::CheckpointFile
                || candidate::is_candidate(f)
                || is_model_folder(root, &f.text)
        });
        self.context
            .counters
            .references
            .fetch_add(self.found.len(), Ordering::Relaxed);
        if !self.found.is_empty() {
            let relative = self.context.relative(path);
            let index = LineIndex::new(source.text);
            let found = std::mem::take(&mut self.found);
            self.local.references.extend(
                found
                    .iter()
                    .map(|f| locate(f, &relative, source.text, source.bom_len, &index)),
            );
            self.found = found;
        }
        match result {
            Ok(()) => {
                self.local.files_scanned += 1;
                self.context.counters.files.fetch_add(1, Ordering::Relaxed);
            }
            Err(extract::Malformed(why)) => self.skip(path, SkipReason::Malformed(why)),
        }
        self.buffer = buffer;
    }
}

/// Turns an extractor's byte span into a located reference.
fn locate(found: &Found, path: &str, text: &str, bom_len: usize, index: &LineIndex) -> ModelRef {
    let (line, column) = index.position(text, found.span.start);
    let (end_line, end_column) = index.position(text, found.span.end);
    ModelRef {
        path: path.to_string(),
        span: found.span.start + bom_len..found.span.end + bom_len,
        line,
        column,
        end_line,
        end_column,
        text: found.text.clone(),
        kind: found.kind,
        context: found.context.clone(),
        provider: found.provider,
        dynamic: found.dynamic,
        strength: found.strength,
        weights: found.weights.clone(),
    }
}

/// Reads a regular file into `buffer` when it holds at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64, buffer: &mut Vec<u8>) -> Result<(), SkipReason> {
    let file = open_regular(path)?;
    let meta = file
        .metadata()
        .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(SkipReason::NotRegularFile(special_file_kind(path)));
    }
    if meta.len() > limit {
        return Err(SkipReason::TooLarge(meta.len()));
    }
    buffer.clear();
    // The file may grow between stat and read: never read past the limit.
    file.take(limit.saturating_add(1))
        .read_to_end(buffer)
        .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if buffer.len() as u64 > limit {
        return Err(SkipReason::TooLarge(buffer.len() as u64));
    }
    Ok(())
}

/// A scanned file's text read again (for suppression comments and quoted
/// lines), within the same size limit as the scan; `None` if it is no longer
/// a regular UTF-8 file of at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> Option<String> {
    let mut buffer = Vec::new();
    read_bounded(path, limit, &mut buffer).ok()?;
    String::from_utf8(buffer).ok()
}

/// Opens without blocking: a file swapped for a FIFO after the walk saw it must
/// not hang the scan.
fn open_regular(path: &Path) -> Result<File, SkipReason> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options
        .open(path)
        .map_err(|e| SkipReason::Unreadable(e.to_string()))
}

/// `./models/bot` naming a folder of the tree that holds a model card
/// (`README.md`): the fine-tune is used from disk, and its card says what it is.
fn is_model_folder(root: &Path, text: &str) -> bool {
    // `./models/bot` or `models/bot` (a folder name that is never a hub org).
    let relative = text.strip_prefix("./").unwrap_or(text);
    if relative.starts_with(['/', '.', '~']) {
        return false;
    }
    let relative = relative.trim_end_matches('/');
    !relative.is_empty()
        && !relative
            .split('/')
            .any(|part| part == ".." || part.is_empty())
        && root.join(relative).join("README.md").is_file()
}

/// What the `config.json` beside a weight file says: `_name_or_path` names the
/// model it was saved from (a hub id; a local path says nothing).
fn sibling_config(path: &Path) -> crate::model::ArtifactInfo {
    let config = path.with_file_name("config.json");
    let name = std::fs::metadata(&config)
        .ok()
        .filter(|m| m.len() <= 1 << 20)
        .and_then(|_| std::fs::read_to_string(&config).ok())
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| {
            json.get("_name_or_path")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .filter(|name| !candidate::is_local_path(name) && candidate::is_identifier_like(name));
    match name {
        Some(name) => crate::model::ArtifactInfo {
            source: "config-json",
            name: None,
            license: None,
            base_models: vec![name],
        },
        None => crate::model::ArtifactInfo::default(),
    }
}

/// A Git LFS pointer file starts with its spec line.
fn is_lfs_pointer(path: &Path) -> bool {
    let mut head = [0u8; 40];
    let read = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head[..read].starts_with(b"version https://git-lfs.github.com/spec")
}

fn special_file_kind(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            let t = meta.file_type();
            let kind = if t.is_fifo() {
                "FIFO"
            } else if t.is_socket() {
                "socket"
            } else if t.is_block_device() {
                "block device"
            } else if t.is_char_device() {
                "character device"
            } else {
                "special file"
            };
            return kind.to_string();
        }
    }
    let _ = path;
    "special file".to_string()
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

/// Merges per-thread results and sorts them into the one output order.
fn merge(parts: Vec<Scan>) -> Scan {
    let mut scan = Scan::default();
    for part in parts {
        scan.references.extend(part.references);
        scan.skipped.extend(part.skipped);
        scan.files_scanned += part.files_scanned;
        scan.artifacts.extend(part.artifacts);
    }
    scan.references
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    scan.references.dedup();
    scan.skipped.sort();
    scan.skipped.dedup();
    scan
}
