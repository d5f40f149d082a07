#!/usr/bin/env python3
"""modelgate's benchmark: `modelgate list --format json` and `modelgate check`
against ripgrep with the broad model-reference pattern set, on the small,
medium and large corpora, with default threads and with one thread (against
`rg -j1`), following the protocol of shared/bench/README.md: a warm-up run,
then the commands of a pair alternately (A B C A B C ...), medians and
ratios, and the peak resident memory of every command (from wait4's rusage,
per process). Also: start-up on a one-file repository, and whether the
output is identical with one thread and with all.

usage: python3 bench/bench.py [--runs N] [--corpora DIR] [--shared DIR] [--no-build]
                              [--json FILE] [small] [medium] [large]

Needs ripgrep (`rg`) and the corpora (built by shared/bench/build-corpus.sh;
`--build-corpora` runs it). Standard library only.
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BINARY = REPO / "target" / "release" / "modelgate"


def run_once(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, output discarded.

    The peak comes from GNU time, not from this process's wait4: on Linux a
    child's ru_maxrss keeps the high-water mark of the process it was forked
    from (this Python), which would hide anything smaller.
    """
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        status = subprocess.run(
            ["/usr/bin/time", "-f", "%M %x", "-o", rss.name, *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode
        wall = time.perf_counter() - start
        peak, code = rss.read().split()[-2:]
    if int(code) not in (0, 1) or status not in (0, 1):
        sys.exit(f"{' '.join(argv)} exited {code}")
    return wall, int(peak)


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, dict]:
    """Warm up, then run the commands alternately `runs` times each."""
    for argv in commands.values():
        run_once(argv)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, int] = {name: 0 for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, peak = run_once(argv)
            samples[name].append(wall)
            rss[name] = max(rss[name], peak)
    return {
        name: {
            "median_s": statistics.median(samples[name]),
            "min_s": min(samples[name]),
            "max_s": max(samples[name]),
            "peak_rss_mib": rss[name] / 1024,
            "runs": runs,
        }
        for name in commands
    }


def output_digest(argv: list[str]) -> str:
    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    return hashlib.sha256(out).hexdigest()


def corpus_stats(root: Path) -> tuple[int, int]:
    files = size = 0
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                files += 1
                size += os.path.getsize(path)
    return files, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="*", default=["small", "medium", "large"])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--corpora", type=Path, default=Path(os.environ.get("MODELGATE_CORPORA", "/tmp/perfcorpus")))
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "bench",
                        help="the folder with rg-broad-patterns.txt and build-corpus.sh")
    parser.add_argument("--build-corpora", action="store_true", help="run build-corpus.sh first")
    parser.add_argument("--no-build", action="store_true", help="use target/release/modelgate as it is")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    patterns = args.shared / "rg-broad-patterns.txt"
    if not patterns.is_file():
        sys.exit(f"{patterns} not found: pass --shared DIR (the folder of shared/bench)")
    if args.build_corpora:
        subprocess.run(["bash", str(args.shared / "build-corpus.sh"), str(args.corpora)], check=True)
    for name in args.corpus:
        if not (args.corpora / name).is_dir():
            sys.exit(f"{args.corpora / name} not found: run with --build-corpora (about 1.1 GB download)")
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=REPO, check=True)
    rg_version = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    mg_version = subprocess.run([str(BINARY), "--version"], capture_output=True, text=True).stdout.strip()

    results: dict = {"modelgate": mg_version, "ripgrep": rg_version, "cpus": os.cpu_count(), "corpora": {}}
    print(f"{mg_version} vs {rg_version}; {os.cpu_count()} CPUs; {args.runs} runs per command, alternating, after a warm-up\n")
    print("| corpus | files | threads | `list` | `check` | `rg -f broad` | list/rg | check/list | RSS list | RSS check | RSS rg |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.corpus:
        root = args.corpora / name
        files, size = corpus_stats(root)
        entry: dict = {"files": files, "bytes": size}
        for threads, mg_flag, rg_flag in (("default", [], []), ("1", ["--threads", "1"], ["-j1"])):
            commands = {
                "list": [str(BINARY), "list", str(root), "--format", "json", *mg_flag],
                "check": [str(BINARY), "check", str(root), "--format", "json", *mg_flag],
                "rg": ["rg", "-c", "--no-messages", *rg_flag, "-f", str(patterns), str(root)],
            }
            m = measure(commands, args.runs)
            entry[threads] = m
            print(
                f"| {name} | {files:,} | {threads} | {m['list']['median_s']:.3f} s | {m['check']['median_s']:.3f} s"
                f" | {m['rg']['median_s']:.3f} s | {m['list']['median_s'] / m['rg']['median_s']:.2f} |"
                f" {m['check']['median_s'] / m['list']['median_s']:.2f} | {m['list']['peak_rss_mib']:.0f} MiB"
                f" | {m['check']['peak_rss_mib']:.0f} MiB | {m['rg']['peak_rss_mib']:.0f} MiB |",
                flush=True,
            )
        one = output_digest([str(BINARY), "list", str(root), "--format", "json", "--threads", "1"])
        many = output_digest([str(BINARY), "list", str(root), "--format", "json"])
        entry["identical_output_1_vs_default_threads"] = one == many
        results["corpora"][name] = entry

    print()
    for name, entry in results["corpora"].items():
        same = "identical" if entry["identical_output_1_vs_default_threads"] else "DIFFERENT"
        print(f"- {name}: `list --format json` output with 1 thread and with all: {same}")

    # Start-up: a one-file repository, where nearly all the time is start-up.
    with tempfile.TemporaryDirectory() as tiny:
        Path(tiny, "app.py").write_text(
            'from transformers import AutoModel\nm = AutoModel.from_pretrained("gpt2")\n'
        )
        m = measure(
            {
                "check": [str(BINARY), "check", tiny, "--format", "json"],
                "rg": ["rg", "-c", "--no-messages", "-f", str(patterns), tiny],
            },
            max(args.runs, 30),
        )
    results["startup"] = m
    print(
        f"- start-up, `check` on a one-file repository: {m['check']['median_s'] * 1000:.1f} ms"
        f" vs `rg` {m['rg']['median_s'] * 1000:.1f} ms (difference {(m['check']['median_s'] - m['rg']['median_s']) * 1000:.1f} ms)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
