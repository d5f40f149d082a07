//! The GitHub Action's installer (`ci/install-release`) against a local HTTP
//! server serving a release packed by `ci/package-release`: a verified
//! download is installed; a bad checksum, a missing checksum, a missing asset,
//! an unreleased version or an unknown platform builds from source instead
//! (a stand-in `cargo` records the call). Also: `cargo binstall`'s metadata
//! names the same files.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const TARGET: &str = "x86_64-unknown-linux-musl";
const ARCHIVE: &str = "modelgate-v0.1.0-x86_64-unknown-linux-musl.tar.gz";

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Serves `files` (URL path → body) over HTTP/1.1, 404 for anything else,
/// and logs every request line.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(files: BTreeMap<String, Vec<u8>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // The headers, up to the blank line.
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let request_line = request_line.trim_end().to_string();
                let path = request_line.split(' ').nth(1).unwrap_or("").to_string();
                log.lock().unwrap().push(request_line);
                let (status, body) = match files.get(&path) {
                    Some(body) => ("200 OK", body.clone()),
                    None => ("404 Not Found", b"Not Found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Server { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// The real binary, packed as the release workflow packs it.
fn release() -> (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let dist = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg(here().join("ci/package-release"))
        .args(["v0.1.0", TARGET])
        .arg(dist.path())
        .env("MODELGATE_BINARY", env!("CARGO_BIN_EXE_modelgate"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let archive = std::fs::read(dist.path().join(ARCHIVE)).unwrap();
    let checksum = std::fs::read(dist.path().join(format!("{ARCHIVE}.sha256"))).unwrap();
    (dist, archive, checksum)
}

struct Install {
    output: Output,
    root: PathBuf,
    /// The arguments the stand-in `cargo` was called with, if it was.
    cargo: Option<String>,
    _scratch: tempfile::TempDir,
}

impl Install {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// Runs the installer as the Action does, on a Linux x86_64 runner unless
/// `env` says otherwise; `cargo` on PATH is a stand-in that "builds" a
/// binary printing `built from source`.
fn install(server: &Server, version: &str, env: &[(&str, &str)], with_cargo: bool) -> Install {
    let scratch = tempfile::tempdir().unwrap();
    let bin = scratch.path().join("fake-bin");
    std::fs::create_dir(&bin).unwrap();
    let cargo_log = scratch.path().join("cargo.log");
    if with_cargo {
        let script = format!(
            "#!/bin/sh\necho \"$*\" > '{}'\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\"\nprintf '#!/bin/sh\\necho built from source\\n' > \"$root/bin/modelgate\"\nchmod +x \"$root/bin/modelgate\"\n",
            cargo_log.display()
        );
        let cargo = bin.join("cargo");
        std::fs::write(&cargo, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let root = scratch.path().join("root");
    let mut command = Command::new("bash");
    command
        .arg(here().join("ci/install-release"))
        // The system's tools, and the stand-in cargo instead of the real one.
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("MODELGATE_VERSION", version)
        .env("MODELGATE_ROOT", &root)
        .env("MODELGATE_SOURCE", here())
        .env("MODELGATE_RELEASE_URL", format!("{}/download", server.url))
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    Install {
        output,
        root,
        cargo: std::fs::read_to_string(&cargo_log).ok(),
        _scratch: scratch,
    }
}

fn served(archive: Vec<u8>, checksum: Option<Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert(format!("/download/v0.1.0/{ARCHIVE}"), archive);
    if let Some(checksum) = checksum {
        files.insert(format!("/download/v0.1.0/{ARCHIVE}.sha256"), checksum);
    }
    files
}

fn gets(paths: &[&str]) -> Vec<String> {
    paths
        .iter()
        .map(|p| format!("GET /download/v0.1.0/{p} HTTP/1.1"))
        .collect()
}

fn assert_built_from_source(run: &Install) {
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stderr());
    assert_eq!(
        run.cargo.as_deref().map(str::trim_end),
        Some(
            format!(
                "install --locked --path {} --root {}",
                here().display(),
                run.root.display()
            )
            .as_str()
        )
    );
    assert!(
        run.stdout().ends_with("built from source\n"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_verified_release_is_installed_without_building() {
    let (_dist, archive, checksum) = release();
    let server = Server::start(served(archive, Some(checksum)));
    let run = install(&server, "v0.1.0", &[], true);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stderr());
    assert_eq!(run.cargo, None, "cargo was not called");
    assert_eq!(
        server.requests(),
        gets(&[ARCHIVE, &format!("{ARCHIVE}.sha256")])
    );
    assert_eq!(
        std::fs::read(run.root.join("bin/modelgate")).unwrap(),
        std::fs::read(env!("CARGO_BIN_EXE_modelgate")).unwrap()
    );
    let stdout = run.stdout();
    assert!(
        stdout.starts_with(&format!("modelgate: installed {ARCHIVE} (SHA-256 ")),
        "{stdout}"
    );
    // The installed binary ran: its --version closes the log.
    assert!(stdout.contains("\nmodelgate 0.1.0 (rule set "), "{stdout}");
}

#[test]
fn a_bad_checksum_discards_the_download_and_builds_from_source() {
    let (_dist, archive, _) = release();
    let wrong = format!("{}  {ARCHIVE}\n", "0".repeat(64)).into_bytes();
    let server = Server::start(served(archive, Some(wrong)));
    let run = install(&server, "0.1.0", &[], true);
    assert_built_from_source(&run);
    assert!(
        run.stderr().contains(&format!(
            "::warning::modelgate: the SHA-256 of {ARCHIVE} is "
        )),
        "{}",
        run.stderr()
    );
    assert!(run
        .stdout()
        .contains("checksum mismatch: building from source"));
}

#[test]
fn a_release_without_its_checksum_is_never_installed() {
    let (_dist, archive, _) = release();
    let server = Server::start(served(archive, None));
    let run = install(&server, "0.1.0", &[], true);
    assert_built_from_source(&run);
    assert!(
        run.stdout().contains(&format!("no checksum for {ARCHIVE}")),
        "{}",
        run.stdout()
    );
    assert_eq!(
        server.requests(),
        gets(&[ARCHIVE, &format!("{ARCHIVE}.sha256")])
    );
}

#[test]
fn a_missing_asset_builds_from_source() {
    let server = Server::start(BTreeMap::new());
    let run = install(&server, "0.1.0", &[], true);
    assert_built_from_source(&run);
    assert!(
        run.stdout()
            .contains(&format!("no release asset {ARCHIVE}")),
        "{}",
        run.stdout()
    );
    assert_eq!(server.requests(), gets(&[ARCHIVE]));
}

#[test]
fn a_branch_or_an_unknown_platform_builds_without_asking_the_server() {
    let server = Server::start(BTreeMap::new());
    let branch = install(&server, "main", &[], true);
    assert_built_from_source(&branch);
    assert!(branch
        .stdout()
        .contains("`main` is not a released version: building from source"));
    let platform = install(&server, "0.1.0", &[("RUNNER_OS", "FreeBSD")], true);
    assert_built_from_source(&platform);
    assert!(platform
        .stdout()
        .contains("no release binary for FreeBSD/X64: building from source"));
    assert_eq!(server.requests(), Vec::<String>::new());
}

#[test]
fn without_a_release_or_cargo_the_step_fails_and_says_why() {
    let server = Server::start(BTreeMap::new());
    let run = install(&server, "0.1.0", &[], false);
    assert_eq!(run.output.status.code(), Some(1));
    assert!(
        run.stderr()
            .contains("::error::modelgate: no release binary to install and cargo is not on PATH"),
        "{}",
        run.stderr()
    );
}

/// `cargo binstall` reads Cargo.toml's templates: they must name the archive
/// and the binary inside it exactly as `ci/package-release` writes them.
#[test]
fn binstall_metadata_names_the_released_files() {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(here().join("Cargo.toml")).unwrap()).unwrap();
    let package = &manifest["package"];
    let binstall = &package["metadata"]["binstall"];
    let fill = |template: &str, target: &str, ext: &str| {
        template
            .replace("{ repo }", package["repository"].as_str().unwrap())
            .replace("{ name }", "modelgate")
            .replace("{ version }", package["version"].as_str().unwrap())
            .replace("{ target }", target)
            .replace("{ bin }", "modelgate")
            .replace("{ binary-ext }", ext)
    };
    let releases = "https://github.com/modelgate/modelgate/releases/download/v0.1.0";
    assert_eq!(
        fill(binstall["pkg-url"].as_str().unwrap(), TARGET, ""),
        format!("{releases}/{ARCHIVE}")
    );
    let windows = "x86_64-pc-windows-msvc";
    let overrides = &binstall["overrides"][windows];
    assert_eq!(overrides["pkg-fmt"].as_str(), Some("zip"));
    assert_eq!(
        fill(overrides["pkg-url"].as_str().unwrap(), windows, ".exe"),
        format!("{releases}/modelgate-v0.1.0-{windows}.zip")
    );
    let (dist, _, _) = release();
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(dist.path().join(ARCHIVE))
        .output()
        .unwrap();
    let entries = String::from_utf8(listing.stdout).unwrap();
    let bin_dir = fill(binstall["bin-dir"].as_str().unwrap(), TARGET, "");
    assert!(
        entries.lines().any(|e| e == bin_dir),
        "{bin_dir} not in {entries}"
    );
    for file in ["README.md", "CHANGELOG.md", "LICENSE"] {
        assert!(
            entries
                .lines()
                .any(|e| e == format!("modelgate-v0.1.0-{TARGET}/{file}")),
            "{entries}"
        );
    }
}

/// The README's install lines pin the current release, by the names the
/// release workflow publishes.
#[test]
fn the_readme_pins_the_current_release() {
    let readme = std::fs::read_to_string(here().join("README.md")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    for pinned in [
        format!("uses: modelgate/modelgate@v{version}"),
        format!("rev: v{version}"),
        format!("releases/download/v{version}"),
        format!("ARCHIVE: modelgate-v{version}-{TARGET}.tar.gz"),
        "cargo install --locked modelgate".to_string(),
        "cargo binstall modelgate".to_string(),
    ] {
        assert!(readme.contains(&pinned), "README lacks `{pinned}`");
    }
    for stale in ["@main", "rev: main"] {
        assert!(!readme.contains(stale), "README still says `{stale}`");
    }
}
