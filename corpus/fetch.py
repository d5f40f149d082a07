#!/usr/bin/env python3
"""Fetch the pinned corpus projects into $MODELGATE_CORPUS_DIR (default ~/.cache/modelgate-corpus).

For each project in projects.tsv (or the names given): when <cache>/src/<name>/ is missing,
download the pinned archive (pip or npm) unless it is already in <cache>/dl or <cache>/npm,
check its SHA-256 against the table, and unpack it into <cache>/src/<name>/ with the archive's
top folder stripped. Archives already present are always re-hashed. Quiet when nothing is
to do; exit 1 on any error (a mismatching archive is deleted).

Usage: fetch.py [--list] [NAME ...]
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLE = HERE / "projects.tsv"
COLUMNS = ["name", "registry", "package", "version", "sha256", "archive"]


class FetchError(Exception):
    pass


def cache_dir():
    return Path(os.environ.get("MODELGATE_CORPUS_DIR") or "~/.cache/modelgate-corpus").expanduser()


def read_table(path=TABLE):
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines[0].split("\t") != COLUMNS:
        raise FetchError(f"{path}: header must be {' '.join(COLUMNS)}")
    return [dict(zip(COLUMNS, line.split("\t"))) for line in lines[1:] if line.strip()]


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(row, dest):
    spec = f"{row['package']}=={row['version']}" if row["registry"] == "pypi" else f"{row['package']}@{row['version']}"
    if row["registry"] == "pypi":
        cmd = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
               "--no-cache-dir", "--quiet", spec, "-d", str(dest)]
    elif row["registry"] == "npm":
        cmd = ["npm", "pack", spec, "--pack-destination", str(dest), "--silent"]
    else:
        raise FetchError(f"{row['name']}: unknown registry {row['registry']!r}")
    dest.mkdir(parents=True, exist_ok=True)
    print(f"fetch: downloading {spec}", file=sys.stderr)
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        raise FetchError(f"{row['name']}: `{' '.join(cmd)}` failed (exit {done.returncode})")


def fetch_archive(row, cache):
    """The verified archive of one row, downloaded if absent."""
    archive = cache / row["archive"]
    if not archive.is_file():
        download(row, archive.parent)
        if not archive.is_file():
            raise FetchError(f"{row['name']}: download did not produce {archive}")
    actual = sha256(archive)
    if actual != row["sha256"]:
        archive.unlink()
        raise FetchError(f"{row['name']}: {archive} has SHA-256 {actual}, expected {row['sha256']} (deleted)")
    return archive


def stripped_name(member, archive):
    """The member's path below the top folder ('' for the top folder), refusing unsafe names."""
    parts = member.name.split("/")
    if member.name.startswith("/") or ".." in parts:
        raise FetchError(f"{archive}: unsafe member {member.name!r}")
    return "/".join(p for p in parts[1:] if p not in ("", "."))


def unpack(archive, dest):
    """Unpack into dest via a temporary sibling, so that a failed unpack leaves no src/<name>/."""
    tmp = dest.with_name(f".{dest.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        extract(archive, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tmp.rename(dest)


def extract(archive, dest):
    """Extract regular files and directories with the top folder stripped; skip links and devices."""
    dirs = []
    with tarfile.open(archive) as tar:
        for member in tar:
            rel = stripped_name(member, archive)
            if not rel or not (member.isfile() or member.isdir()):
                continue  # the top folder itself, symlinks, hard links, devices
            target = dest / rel
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                dirs.append((target, member.mode & 0o777 | 0o700))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            target.chmod(member.mode & 0o777 | 0o600)
            os.utime(target, (member.mtime, member.mtime))
    for target, mode in dirs:
        target.chmod(mode)


def ensure(row, cache):
    """Make <cache>/src/<name>/ exist; verify the archive whenever it is present."""
    src = cache / "src" / row["name"]
    archive = cache / row["archive"]
    if src.is_dir() and not archive.is_file():
        return
    archive = fetch_archive(row, cache)
    if not src.is_dir():
        unpack(archive, src)
        print(f"fetch: unpacked {row['name']} {row['version']} into {src}", file=sys.stderr)


def select(rows, names):
    known = {row["name"]: row for row in rows}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise FetchError(f"unknown project(s): {', '.join(unknown)} (see {TABLE})")
    return [known[n] for n in names] if names else rows


def run(names=(), cache=None):
    cache = cache or cache_dir()
    for row in select(read_table(), list(names)):
        ensure(row, cache)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="projects to fetch (default: all)")
    parser.add_argument("--list", action="store_true", help="print the project table and exit")
    args = parser.parse_args(argv)
    try:
        if args.list:
            print(TABLE.read_text(encoding="utf-8"), end="")
            return 0
        run(args.names)
    except (FetchError, OSError, tarfile.TarError) as e:
        print(f"fetch: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
