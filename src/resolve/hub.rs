//! Opt-in Hugging Face Hub lookups (`--online`), for the `org/name` ids the
//! catalog and the local sources leave unknown: `GET {endpoint}/api/models/
//! {org}/{name}`, whose card metadata carries `license` (or `license_name`
//! for `other`), `base_model` and `gated`. Nothing but the id leaves the
//! machine (and `HF_TOKEN` as a bearer token, when set). Answers are cached
//! one JSON file per id; `--offline` reads the cache and never connects.
//!
//! Faults never fail a run: at most [`IN_FLIGHT`] requests at once, a
//! timeout per request, retries with backoff on 429 and 5xx honouring
//! `Retry-After`, bodies capped at [`MAX_BODY`], renamed repositories
//! followed (at most [`MAX_REDIRECTS`]) and malformed JSON taken as no answer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::cards::{env_path, Card};

/// Requests in flight at once, at most.
pub const IN_FLIGHT: usize = 8;
/// A response body larger than this is no answer.
pub const MAX_BODY: u64 = 1 << 20;
/// Renamed repositories are followed this many times, at most.
pub const MAX_REDIRECTS: usize = 5;
/// Retries after a 429 or 5xx.
const RETRIES: u32 = 3;
/// A `Retry-After` longer than this is not waited for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// All the lookups of a run, retries included, end within this: a rate-limited
/// or failing Hub never holds a CI job for long. What is left fails, and the
/// next run goes on from the cache.
const BUDGET: Duration = Duration::from_secs(120);
/// Base models followed per model: a merge of hundreds is cut here.
const MAX_BASES: usize = 8;
/// The public Hub, unless `HF_ENDPOINT` names a mirror.
pub const PUBLIC_HUB: &str = "https://huggingface.co";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Look up what the cache does not hold (or holds too old).
    Online,
    /// The cache only; never connect.
    Offline,
}

#[derive(Debug, Clone)]
pub struct HubOptions {
    pub mode: Mode,
    /// `HF_ENDPOINT` or the public Hub, without a trailing `/`.
    pub endpoint: String,
    /// `HF_TOKEN`, or the token file `huggingface_hub` writes.
    pub token: Option<String>,
    /// One JSON file per id.
    pub cache_dir: Option<PathBuf>,
    /// Cached answers younger than this are used without a request.
    pub max_age: Duration,
    pub timeout: Duration,
    /// The time all lookups of the run may take ([`BUDGET`]), counted
    /// from when these options were made: once per run, whatever the rounds.
    pub budget: Duration,
    pub deadline: std::time::Instant,
    /// Draw a progress line on stderr while lookups run.
    pub progress: bool,
}

impl HubOptions {
    /// The options the environment gives: `HF_ENDPOINT`, `HF_TOKEN` (or
    /// `HF_TOKEN_PATH`, `HF_HOME/token`, `~/.cache/huggingface/token`),
    /// `MODELGATE_CACHE` (or `XDG_CACHE_HOME/modelgate/hub`, `~/.cache/…`).
    pub fn from_env(mode: Mode, max_age: Duration) -> HubOptions {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let endpoint = var("HF_ENDPOINT")
            .unwrap_or_else(|| PUBLIC_HUB.to_string())
            .trim_end_matches('/')
            .to_string();
        let token = var("HF_TOKEN").or_else(|| {
            let path = env_path("HF_TOKEN_PATH")
                .or_else(|| super::cards::hf_home().map(|home| home.join("token")))?;
            let token = std::fs::read_to_string(path).ok()?;
            Some(token.trim().to_string()).filter(|t| !t.is_empty())
        });
        let cache_dir = env_path("MODELGATE_CACHE")
            .or_else(|| platform_cache_dir().map(|c| c.join("modelgate").join("hub")));
        // Shorter limits for the tests, which cannot wait 10 s or 2 min.
        let millis = |name: &str, default: Duration| {
            var(name)
                .and_then(|ms| ms.parse().ok())
                .map_or(default, Duration::from_millis)
        };
        let timeout = millis("MODELGATE_HUB_TIMEOUT_MS", Duration::from_secs(10));
        let budget = millis("MODELGATE_HUB_BUDGET_MS", BUDGET);
        HubOptions {
            mode,
            endpoint,
            token,
            cache_dir,
            max_age,
            timeout,
            budget,
            deadline: std::time::Instant::now() + budget,
            progress: crate::progress::wanted_here(),
        }
    }
}

/// The platform's cache folder: `XDG_CACHE_HOME` wherever it is set, else
/// `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows, `~/.cache`.
fn platform_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = env_path("XDG_CACHE_HOME") {
        return Some(dir);
    }
    if cfg!(windows) {
        return env_path("LOCALAPPDATA");
    }
    let home = env_path("HOME")?;
    Some(if cfg!(target_os = "macos") {
        home.join("Library/Caches")
    } else {
        home.join(".cache")
    })
}

/// What the Hub says about a model repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubModel {
    /// The id the Hub answered for (another one when the repository was renamed).
    pub id: String,
    pub license: Option<String>,
    pub license_name: Option<String>,
    pub license_link: Option<String>,
    pub base_models: Vec<String>,
    pub base_model_relation: Option<String>,
    pub gated: bool,
}

impl HubModel {
    /// As a model card, for the resolution local cards go through.
    pub fn card(&self, endpoint: &str) -> Card {
        Card {
            path: format!("{endpoint}/{}", self.id),
            license: self.license.clone(),
            license_name: self.license_name.clone(),
            base_models: self.base_models.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "kebab-case")]
pub enum Answer {
    Found(HubModel),
    /// 404.
    NotOnHub,
    /// 401 or 403: gated or private.
    Denied {
        status: u16,
    },
    /// No answer: a timeout, a refused connection, 5xx after retries,
    /// malformed JSON, too large a body, too many redirects, or `--offline`
    /// with nothing cached.
    Failed {
        reason: String,
    },
}

pub use crate::model::HubLookups as HubCounts;

/// The answers for `ids` (canonical `org/name`, each once), with the counts.
pub fn look_up(ids: &[String], options: &HubOptions) -> (BTreeMap<String, Answer>, HubCounts) {
    let mut answers = BTreeMap::new();
    let mut counts = HubCounts::default();
    let mut to_fetch = Vec::new();
    for id in ids {
        match cached(id, options) {
            Some(answer) => {
                counts.cached += 1;
                answers.insert(id.clone(), answer);
            }
            None if options.mode == Mode::Offline => {
                counts.failed += 1;
                answers.insert(
                    id.clone(),
                    Answer::Failed {
                        reason: "not in the cache, and --offline never connects".to_string(),
                    },
                );
            }
            None => to_fetch.push(id.clone()),
        }
    }
    if to_fetch.is_empty() {
        return (answers, counts);
    }
    let fetched = fetch_all(&to_fetch, options);
    for (id, answer) in fetched {
        match &answer {
            Answer::Failed { .. } => counts.failed += 1,
            _ => counts.looked_up += 1,
        }
        store(&id, &answer, options);
        answers.insert(id, answer);
    }
    (answers, counts)
}

/// Fetches every id with at most [`IN_FLIGHT`] requests at once.
fn fetch_all(ids: &[String], options: &HubOptions) -> Vec<(String, Answer)> {
    let agent = agent(options);
    let next = AtomicUsize::new(0);
    let done = std::sync::Arc::new(AtomicUsize::new(0));
    let results = Mutex::new(Vec::with_capacity(ids.len()));
    let total = ids.len();
    let progress = options.progress.then(|| {
        let done = std::sync::Arc::clone(&done);
        crate::progress::Progress::start_with(move || {
            format!(
                "Hugging Face Hub: {} of {total} looked up",
                done.load(Ordering::Relaxed)
            )
        })
    });
    std::thread::scope(|scope| {
        for _ in 0..IN_FLIGHT.min(ids.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(id) = ids.get(i) else { break };
                let answer = if std::time::Instant::now() < options.deadline {
                    fetch(&agent, id, options)
                } else {
                    Answer::Failed {
                        reason: format!(
                            "the run's lookups took their {} s; the next run goes on from the cache",
                            options.budget.as_secs()
                        ),
                    }
                };
                if let Ok(mut results) = results.lock() {
                    results.push((id.clone(), answer));
                }
                done.fetch_add(1, Ordering::Relaxed);
            });
        }
    });
    if let Some(progress) = progress {
        progress.finish();
    }
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

fn agent(options: &HubOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        // Redirects are followed by hand: a renamed repository's new id is recorded.
        .max_redirects(0)
        .http_status_as_error(false)
        // One kept-alive connection per worker: connections are reused, never
        // churned, so no more than IN_FLIGHT are ever open.
        .max_idle_connections(IN_FLIGHT)
        .max_idle_connections_per_host(IN_FLIGHT)
        .user_agent(concat!("modelgate/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// One id: the request, retries on 429/5xx, redirects to a renamed repository.
fn fetch(agent: &ureq::Agent, id: &str, options: &HubOptions) -> Answer {
    let mut path = format!("/api/models/{id}");
    let mut redirects = 0;
    let mut attempt = 0;
    loop {
        let url = format!("{}{path}", options.endpoint);
        let mut request = agent.get(&url).header("Accept", "application/json");
        if let Some(token) = &options.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = match request.call() {
            Ok(response) => response,
            Err(e) => {
                return Answer::Failed {
                    reason: describe(&e),
                }
            }
        };
        let status = response.status().as_u16();
        match status {
            200 => {
                let body = match response
                    .body_mut()
                    .with_config()
                    .limit(MAX_BODY)
                    .read_to_string()
                {
                    Ok(body) => body,
                    Err(e) => {
                        return Answer::Failed {
                            reason: describe(&e),
                        }
                    }
                };
                return match parse_model(&body) {
                    Some(model) => Answer::Found(model),
                    None => Answer::Failed {
                        reason: "the Hub's answer is not the JSON of a model".to_string(),
                    },
                };
            }
            301 | 302 | 307 | 308 => {
                redirects += 1;
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_string);
                let Some(next) = location.and_then(|l| same_endpoint_path(&l, &options.endpoint))
                else {
                    return Answer::Failed {
                        reason: format!(
                            "redirect ({status}) to another host or without a location"
                        ),
                    };
                };
                if redirects > MAX_REDIRECTS {
                    return Answer::Failed {
                        reason: format!("more than {MAX_REDIRECTS} redirects"),
                    };
                }
                path = next;
            }
            404 => return Answer::NotOnHub,
            401 | 403 => return Answer::Denied { status },
            429 | 500..=599 if attempt < RETRIES => {
                let wait = retry_after(&response).unwrap_or_else(|| backoff(attempt));
                if wait > MAX_RETRY_AFTER {
                    return Answer::Failed {
                        reason: format!("HTTP {status}, asked to retry in {} s", wait.as_secs()),
                    };
                }
                if std::time::Instant::now() + wait > options.deadline {
                    return Answer::Failed {
                        reason: format!(
                            "HTTP {status}, and a retry would pass the run's {} s for lookups; the next run goes on from the cache",
                            options.budget.as_secs()
                        ),
                    };
                }
                attempt += 1;
                std::thread::sleep(wait);
            }
            _ => {
                return Answer::Failed {
                    reason: format!("HTTP {status}"),
                }
            }
        }
    }
}

fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "no answer within the timeout".to_string(),
        ureq::Error::BodyExceedsLimit(_) => {
            format!("the answer is larger than {} KiB", MAX_BODY >> 10)
        }
        other => other.to_string(),
    }
}

/// 0.5 s, 1 s, 2 s …
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500u64 << attempt.min(6))
}

/// `Retry-After` in seconds (the HTTP-date form falls back to backoff).
fn retry_after(response: &ureq::http::Response<ureq::Body>) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A redirect's target as a path on the same endpoint, if it is one.
fn same_endpoint_path(location: &str, endpoint: &str) -> Option<String> {
    if let Some(path) = location.strip_prefix(endpoint) {
        return path.starts_with('/').then(|| path.to_string());
    }
    location.starts_with('/').then(|| location.to_string())
}

#[derive(Deserialize)]
struct RawModel {
    id: Option<String>,
    #[serde(rename = "modelId")]
    model_id: Option<String>,
    #[serde(rename = "cardData", default)]
    card_data: Option<serde_json::Value>,
    #[serde(default)]
    tags: Vec<serde_json::Value>,
    #[serde(default)]
    gated: serde_json::Value,
}

/// The fields modelgate reads from `GET /api/models/{id}`; the card's
/// metadata first, the `license:`/`base_model:` tags where it is silent.
fn parse_model(body: &str) -> Option<HubModel> {
    let raw: RawModel = serde_json::from_str(body).ok()?;
    let id = raw.id.or(raw.model_id)?;
    let card = raw.card_data.unwrap_or(serde_json::Value::Null);
    let text = |key: &str| card.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let tags: Vec<&str> = raw.tags.iter().filter_map(|t| t.as_str()).collect();
    let license = text("license").or_else(|| {
        tags.iter()
            .find_map(|t| t.strip_prefix("license:"))
            .map(str::to_string)
    });
    let mut base_models: Vec<String> = match card.get("base_model") {
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        Some(serde_json::Value::Array(many)) => many
            .iter()
            .filter_map(|b| b.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    base_models.truncate(MAX_BASES);
    if base_models.is_empty() {
        // `base_model:org/name` or `base_model:finetune:org/name`.
        base_models = tags
            .iter()
            .filter_map(|t| t.strip_prefix("base_model:"))
            .map(|b| b.rsplit_once(':').map_or(b, |(_, id)| id).to_string())
            .filter(|b| b.contains('/'))
            .take(MAX_BASES)
            .collect();
    }
    let gated = match raw.gated {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::String(s) => !s.is_empty() && s != "false",
        _ => false,
    };
    Some(HubModel {
        id,
        license,
        license_name: text("license_name"),
        license_link: text("license_link"),
        base_models,
        base_model_relation: text("base_model_relation"),
        gated,
    })
}

/// A cache file: the answer and when it was fetched.
#[derive(Serialize, Deserialize)]
struct CacheEntry {
    id: String,
    /// Seconds since the Unix epoch.
    fetched: u64,
    answer: Answer,
}

fn cache_file(id: &str, options: &HubOptions) -> Option<PathBuf> {
    let dir = options.cache_dir.as_ref()?;
    let (org, name) = id.split_once('/')?;
    let safe = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (safe(org) && safe(name)).then(|| dir.join(format!("{org}--{name}.json")))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A cached answer young enough to use (any age with `--offline`).
fn cached(id: &str, options: &HubOptions) -> Option<Answer> {
    let path = cache_file(id, options)?;
    let text = std::fs::read_to_string(path).ok()?;
    let entry: CacheEntry = serde_json::from_str(&text).ok()?;
    let age = now().saturating_sub(entry.fetched);
    let fresh = options.mode == Mode::Offline || age < options.max_age.as_secs();
    (entry.id == id && fresh).then_some(entry.answer)
}

/// Writes a definite answer (a model, or not on the Hub) atomically: a
/// temporary file renamed over the entry, so parallel runs never read half
/// of one. A refused or failed lookup is not cached: a token or the network
/// may answer next time.
fn store(id: &str, answer: &Answer, options: &HubOptions) {
    if !matches!(answer, Answer::Found(_) | Answer::NotOnHub) {
        return;
    }
    let Some(path) = cache_file(id, options) else {
        return;
    };
    let entry = CacheEntry {
        id: id.to_string(),
        fetched: now(),
        answer: answer.clone(),
    };
    let Ok(text) = serde_json::to_string_pretty(&entry) else {
        return;
    };
    let _ = write_atomically(&path, text.as_bytes());
}

fn write_atomically(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no folder"))?;
    std::fs::create_dir_all(dir)?;
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let temporary = dir.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written =
        std::fs::write(&temporary, content).and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Answers by id, for the resolution that reads them.
pub type Answers = BTreeMap<String, Answer>;

/// Which of `names` are Hub-shaped `org/name` ids worth asking about.
pub fn is_hub_id(name: &str) -> bool {
    let Some((org, repo)) = name.split_once('/') else {
        return false;
    };
    let part = |p: &str| {
        !p.is_empty()
            && p.len() <= 96
            && p != "."
            && p != ".."
            && !p.starts_with(['.', '-'])
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    part(org) && part(repo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_model_answer_yields_its_card_facts() {
        let body = r#"{"id": "acme/tune", "gated": "manual", "tags": ["license:mit", "base_model:finetune:meta-llama/Llama-3.1-8B"],
            "cardData": {"license": "other", "license_name": "acme-1", "license_link": "LICENSE", "base_model_relation": "finetune"}}"#;
        assert_eq!(
            parse_model(body),
            Some(HubModel {
                id: "acme/tune".into(),
                license: Some("other".into()),
                license_name: Some("acme-1".into()),
                license_link: Some("LICENSE".into()),
                base_models: vec!["meta-llama/Llama-3.1-8B".into()],
                base_model_relation: Some("finetune".into()),
                gated: true,
            })
        );
        assert_eq!(parse_model("[1, 2]"), None);
        assert_eq!(parse_model("{\"cardData\": {}}"), None);
    }

    #[test]
    fn only_safe_ids_name_cache_files() {
        let options = HubOptions {
            mode: Mode::Offline,
            endpoint: PUBLIC_HUB.into(),
            token: None,
            cache_dir: Some(PathBuf::from("/cache")),
            max_age: Duration::ZERO,
            timeout: Duration::ZERO,
            budget: Duration::ZERO,
            deadline: std::time::Instant::now(),
            progress: false,
        };
        assert_eq!(
            cache_file("acme/tune-7B.v2", &options),
            Some(PathBuf::from("/cache/acme--tune-7B.v2.json"))
        );
        for bad in ["../x", "acme/..", "a/b/c", "acme/ x", "acme/", "/x"] {
            assert_eq!(cache_file(bad, &options), None, "{bad}");
        }
    }

    proptest! {
        /// Whatever a server answers, reading it never panics.
        #[test]
        fn any_answer_reads_without_panicking(body in ".{0,400}") {
            let _ = parse_model(&body);
        }

        #[test]
        fn any_card_values_read_without_panicking(
            license in prop::option::of(".{0,20}"),
            bases in prop::collection::vec(".{0,30}", 0..20),
            tag in ".{0,40}",
        ) {
            let body = serde_json::json!({
                "id": "a/b", "tags": [tag, 7, null],
                "cardData": {"license": license, "base_model": bases, "gated": [1]},
            });
            let model = parse_model(&body.to_string());
            prop_assert!(model.is_some_and(|m| m.base_models.len() <= MAX_BASES));
        }
    }
}
