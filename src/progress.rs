//! The progress line of a long scan: on stderr, only on a terminal and
//! outside CI, and only once a scan has run for a second (a quick scan
//! prints nothing). Never on pipes or in CI logs.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// What the scan has done so far, counted by its workers.
#[derive(Debug, Default)]
pub struct ScanCounters {
    pub files: AtomicUsize,
    pub references: AtomicUsize,
}

/// How long a scan runs before the line appears.
const DELAY: Duration = Duration::from_secs(1);

/// Whether a progress line may be drawn: stderr is a terminal and the run is
/// not in CI (`CI` set, as GitHub Actions, GitLab and most services set it).
pub fn wanted(stderr_is_terminal: bool, ci: Option<&std::ffi::OsStr>) -> bool {
    stderr_is_terminal && ci.is_none_or(|v| v.is_empty() || v == "false" || v == "0")
}

/// For this process: `wanted` with the real stderr and environment.
pub fn wanted_here() -> bool {
    wanted(
        std::io::stderr().is_terminal(),
        std::env::var_os("CI").as_deref(),
    )
}

/// A progress line drawn by its own thread until `finish`.
pub struct Progress {
    done: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Progress {
    /// The scan's line: files scanned, candidate references so far.
    pub fn start(counters: Arc<ScanCounters>) -> Progress {
        // Candidates: what extraction found so far, before the catalog and
        // the policy decide which are references.
        Progress::start_with(move || {
            format!(
                "scanning: {} files, {} candidate references",
                crate::text::group_thousands(counters.files.load(Ordering::Relaxed) as u64),
                crate::text::group_thousands(counters.references.load(Ordering::Relaxed) as u64)
            )
        })
    }

    /// A line showing what `message` says, redrawn ten times a second.
    pub fn start_with(message: impl Fn() -> String + Send + 'static) -> Progress {
        let (done, finished) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            if finished.recv_timeout(DELAY) != Err(mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            loop {
                bar.set_message(message());
                bar.tick();
                match finished.recv_timeout(Duration::from_millis(100)) {
                    Err(mpsc::RecvTimeoutError::Timeout) => continue,
                    _ => break,
                }
            }
            bar.finish_and_clear();
        });
        Progress { done, thread }
    }

    /// Clears the line (if it was drawn) before anything else is printed.
    pub fn finish(self) {
        let _ = self.done.send(());
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_on_a_terminal_outside_ci() {
        assert!(wanted(true, None));
        assert!(!wanted(false, None));
        assert!(!wanted(true, Some("true".as_ref())));
        assert!(!wanted(true, Some("1".as_ref())));
        assert!(wanted(true, Some("false".as_ref())));
    }

    #[test]
    fn a_quick_scan_draws_nothing_and_finishes_at_once() {
        let started = std::time::Instant::now();
        Progress::start(Arc::new(ScanCounters::default())).finish();
        assert!(started.elapsed() < DELAY);
    }
}
