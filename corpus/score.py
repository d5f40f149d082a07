#!/usr/bin/env python3
"""Score modelgate's `list` output against the hand labels in corpus/labels/.

For every project with labels/<name>.tsv and labels/<name>.files.tsv, run
`modelgate list <cache>/src/<name> --format json --include-docs` and report recall
(matched labels / labels) and precision (matched reports / reports in the files listed
in <name>.files.tsv), overall outside docs, per kind, per signal and per project, then
every miss and every extra. See corpus/README.md for the matching rules.

Exit status: 0 scored; 1 below --min-recall/--min-precision or a regression against
--baseline; 2 malformed labels or nothing could be scored (missing source, modelgate
failed).
"""
import argparse
import json
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

sys.dont_write_bytecode = True  # importing fetch must not leave corpus/__pycache__ behind
import fetch  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LABEL_COLUMNS = ["path", "line", "column", "text", "kind", "dynamic", "signal", "note"]
FILE_COLUMNS = ["path", "status", "note"]
KINDS = ("code", "config", "notebook", "shell", "docker", "dotenv", "docs", "model-card",
         "checkpoint-file", "modelfile")
SIGNALS = ("api", "lexicon", "flow", "known-name", "embedded", "route", "checkpoint-file", "test-model")
STATUSES = ("labelled", "negative")
QUOTES = "\"'`"
TOLERANCE = 0.005       # allowed drop against --baseline
MIN_KIND_LABELS = 10    # kinds with fewer labels are not compared against --baseline
EMPTY = {"labels": 0, "found": 0, "reported": 0, "correct": 0, "recall": None, "precision": None}


class ScoreError(Exception):
    """Nothing could be scored (setup problem): exit 2."""


class Malformed(Exception):
    """Label files that break LABELLING.md: exit 2, with every problem listed."""


@dataclass(frozen=True)
class Label:
    project: str
    path: str
    line: int
    column: int
    text: str
    kind: str
    dynamic: bool
    signal: str
    note: str


# ---------------------------------------------------------------- label files

def read_tsv(path, columns, problems):
    """(where, row dict) for each data row; header and column-count problems are collected."""
    name = f"{path.parent.name}/{path.name}"
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines[0].rstrip("\r").split("\t") != columns:
        problems.append(f"{name}:1: header must be: {' '.join(columns)} (tab-separated)")
        return []
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            problems.append(f"{name}:{number}: {len(cells)} columns, expected {len(columns)}")
        else:
            rows.append((f"{name}:{number}", dict(zip(columns, cells))))
    return rows


def source_lines(root, rel, cache):
    """The lines of a project file (split on \\n only, like modelgate), or None if absent."""
    if rel not in cache:
        file = root / rel
        cache[rel] = file.read_text(encoding="utf-8", errors="replace").split("\n") if file.is_file() else None
    return cache[rel]


def path_problem(rel):
    if not rel or rel.startswith(("/", "./")) or "\\" in rel or str(PurePosixPath(rel)) != rel:
        return f"path {rel!r} must be relative to the project root with / separators"
    return None


def text_problem(row, lines):
    """Why the row's text is not at its line and column (None when it is)."""
    line, column, text = int(row["line"]), int(row["column"]), row["text"]
    if line > len(lines):
        return f"line {line} is past the end of {row['path']} ({len(lines)} lines)"
    at = lines[line - 1].rstrip("\r")[column - 1:]
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]  # as written inside a JSON string (notebooks)
    if not text or not (at.startswith(text) or at.startswith(escaped)):
        return f"text {text!r} is not at {row['path']}:{line}:{column} (found {at[:len(text) + 10]!r})"
    return None


def positive(cell):
    return cell.isascii() and cell.isdigit() and int(cell) > 0


def row_problem(row, root, cache):
    """The first thing wrong with a label row, or None."""
    if not (positive(row["line"]) and positive(row["column"])):
        return f"line and column must be positive integers, got {row['line']!r}, {row['column']!r}"
    if row["kind"] not in KINDS:
        return f"kind {row['kind']!r} is not one of {', '.join(KINDS)}"
    if row["dynamic"] not in ("true", "false"):
        return f"dynamic must be true or false, got {row['dynamic']!r}"
    if row["signal"] not in SIGNALS:
        return f"signal {row['signal']!r} is not one of {', '.join(SIGNALS)}"
    if problem := path_problem(row["path"]):
        return problem
    lines = source_lines(root, row["path"], cache)
    return f"no file {row['path']} in {root}" if lines is None else text_problem(row, lines)


def file_problem(row, root, files):
    """The first thing wrong with a row of <name>.files.tsv, or None."""
    if problem := path_problem(row["path"]):
        return problem
    if not (root / row["path"]).is_file():
        return f"no file {row['path']} in {root}"
    if row["status"] not in STATUSES:
        return f"status {row['status']!r} is not one of {', '.join(STATUSES)}"
    return f"{row['path']} is listed twice" if row["path"] in files else None


def read_file_list(path, root, problems):
    """{path: status} from <name>.files.tsv."""
    files = {}
    for where, row in read_tsv(path, FILE_COLUMNS, problems):
        if problem := file_problem(row, root, files):
            problems.append(f"{where}: {problem}")
        else:
            files[row["path"]] = row["status"]
    return files


def read_labels(path, project, root, problems):
    """The valid rows of <name>.tsv as Labels."""
    labels, seen, cache = [], set(), {}
    for where, row in read_tsv(path, LABEL_COLUMNS, problems):
        key = (row["path"], row["line"], row["column"], row["text"])
        problem = row_problem(row, root, cache) or ("duplicate of an earlier row" if key in seen else None)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        seen.add(key)
        labels.append(Label(project, row["path"], int(row["line"]), int(row["column"]), row["text"],
                            row["kind"], row["dynamic"] == "true", row["signal"], row["note"]))
    return labels


def load_project(labels_dir, project, root):
    """(labels, {path: status}, warnings) of one project; raises Malformed with every problem."""
    problems = []
    files = read_file_list(labels_dir / f"{project}.files.tsv", root, problems)
    labels = read_labels(labels_dir / f"{project}.tsv", project, root, problems)
    if problems:
        raise Malformed("\n".join(problems))
    return labels, files, consistency_warnings(project, labels, files)


def consistency_warnings(project, labels, files):
    """Label rows and the file list that disagree (scored anyway; worth fixing)."""
    labelled = {label.path for label in labels}
    warnings = [f"{project}: {p} has label rows but is not in {project}.files.tsv (precision not measured there)"
                for p in sorted(labelled - files.keys())]
    warnings += [f"{project}: {p} is marked {status} in {project}.files.tsv but has {'no ' if status == 'labelled' else ''}label rows"
                 for p, status in sorted(files.items()) if (status == "labelled") != (p in labelled)]
    return warnings


def labelled_projects(labels_dir, wanted):
    """Projects with both label files (restricted to `wanted` when given), and warnings."""
    names = sorted(p.name[:-4] for p in labels_dir.glob("*.tsv") if not p.name.endswith(".files.tsv"))
    complete = [n for n in names if (labels_dir / f"{n}.files.tsv").is_file()]
    warnings = [f"{n}: no {n}.files.tsv yet; not scored" for n in names if n not in complete and (not wanted or n in wanted)]
    missing = [n for n in wanted if n not in complete]
    if missing:
        raise ScoreError(f"no complete labels (<name>.tsv and <name>.files.tsv) for: {', '.join(missing)}")
    return [n for n in complete if not wanted or n in wanted], warnings


# ---------------------------------------------------------------- modelgate

def run_modelgate(binary, root, max_file_size):
    cmd = [str(binary), "list", str(root), "--format", "json", "--include-docs"]
    cmd += ["--max-file-size", max_file_size] if max_file_size else []
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise ScoreError(f"cannot run {binary}: {e}") from e
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as e:
        raise ScoreError(f"`{' '.join(cmd)}` exited {done.returncode} without JSON: {done.stderr.strip()[:500]}") from e


# ---------------------------------------------------------------- matching

def unquoted(text):
    return text.strip().strip(QUOTES)


def texts_match(label, ref):
    a, b = unquoted(label.text), unquoted(ref["text"])
    return bool(a and b) and (a in b or b in a)


def compatible(label, ref):
    return texts_match(label, ref) or (label.dynamic and ref["dynamic"])


def match(labels, refs):
    """Greedy one-to-one matching on equal path and line, closest columns first: {label index: ref index}."""
    at = defaultdict(list)
    for j, ref in enumerate(refs):
        at[(ref["path"], ref["line"])].append(j)
    pairs = sorted((abs(label.column - refs[j]["column"]), i, j)
                   for i, label in enumerate(labels) for j in at[(label.path, label.line)]
                   if compatible(label, refs[j]))
    matched, taken = {}, set()
    for _, i, j in pairs:
        if i not in matched and j not in taken:
            matched[i] = j
            taken.add(j)
    return matched


def score_project(labels, files, refs):
    """(label, ref or None) for every label; (ref, label or None) for every ref in a listed file."""
    matched = match(labels, refs)
    by_ref = {j: labels[i] for i, j in matched.items()}
    label_results = [(label, refs[matched[i]] if i in matched else None) for i, label in enumerate(labels)]
    ref_results = [(ref, by_ref.get(j)) for j, ref in enumerate(refs) if ref["path"] in files]
    return label_results, ref_results


# ---------------------------------------------------------------- tables

def ratio(part, whole):
    return round(part / whole, 4) if whole else None


def tally(label_results, ref_results, label_key, ref_key):
    """{group: counts and ratios}; a key function returning None leaves the item out."""
    groups = defaultdict(lambda: dict(EMPTY))
    for label, ref in label_results:
        if (key := label_key(label)) is not None:
            groups[key]["labels"] += 1
            groups[key]["found"] += ref is not None
    for ref, label in ref_results:
        if (key := ref_key(ref, label)) is not None:
            groups[key]["reported"] += 1
            groups[key]["correct"] += label is not None
    for g in groups.values():
        g["recall"], g["precision"] = ratio(g["found"], g["labels"]), ratio(g["correct"], g["reported"])
    return dict(groups)


def ordered(groups, order, every=False):
    """Groups in `order`, then any others sorted; with every=True also the empty ones in `order`."""
    keys = [k for k in order if every or k in groups] + sorted(set(groups) - set(order))
    return {k: groups.get(k, dict(EMPTY)) for k in keys}


def attributed_kind(ref, label):
    return label.kind if label else ref["kind"]


def summarize(label_results, ref_results, counts, projects):
    outside_docs = tally(label_results, ref_results, lambda l: None if l.kind == "docs" else "all",
                         lambda r, l: None if attributed_kind(r, l) == "docs" else "all")
    return {
        "counts": counts,
        "overall": outside_docs.get("all", dict(EMPTY)),
        "kinds": ordered(tally(label_results, ref_results, lambda l: l.kind, attributed_kind), KINDS),
        "signals": ordered(tally(label_results, [], lambda l: l.signal, lambda r, l: None), SIGNALS),
        "projects": ordered(tally(label_results, ref_results, lambda l: None if l.kind == "docs" else l.project,
                                  lambda r, l: None if attributed_kind(r, l) == "docs" else r["project"]),
                            projects, every=True),
        "misses": [{"project": l.project, "path": l.path, "line": l.line, "column": l.column, "text": l.text,
                    "kind": l.kind, "dynamic": l.dynamic, "signal": l.signal, "note": l.note}
                   for l, r in label_results if r is None],
        "extras": [{k: r.get(k) for k in ("project", "path", "line", "column", "text", "kind", "context", "dynamic")}
                   for r, l in ref_results if l is None],
    }


def fmt(value):
    return "-" if value is None else f"{value:.3f}"


def table(title, groups, recall_only=False):
    head = f"{title:<34}{'labels':>7}{'found':>7}{'recall':>8}"
    lines = [head if recall_only else head + f"{'reported':>10}{'correct':>9}{'precision':>11}"]
    for name, g in groups.items():
        row = f"  {name:<32}{g['labels']:>7}{g['found']:>7}{fmt(g['recall']):>8}"
        lines.append(row if recall_only else row + f"{g['reported']:>10}{g['correct']:>9}{fmt(g['precision']):>11}")
    return "\n".join(lines)


def render(result, quiet):
    c = result["counts"]
    out = [f"{c['projects']} projects, {c['labels']} labels, {c['labelled_files']} labelled files, "
           f"{c['negative_files']} negative files",
           "", table("overall (outside docs)", {"all": result["overall"]}),
           "", table("per kind", result["kinds"]),
           "", table("per signal", result["signals"], recall_only=True),
           "", table("per project (outside docs)", result["projects"])]
    if not quiet:
        out += ["", f"misses ({len(result['misses'])})"]
        out += [f"  {m['project']}/{m['path']}:{m['line']}:{m['column']}  {m['text']}  {m['kind']}  {m['signal']}  {m['note']}"
                for m in result["misses"]]
        out += ["", f"extras ({len(result['extras'])})"]
        out += [f"  {e['project']}/{e['path']}:{e['line']}:{e['column']}  {e['text']}  {e['kind']}  {e['context']}"
                for e in result["extras"]]
    return "\n".join(out)


# ---------------------------------------------------------------- gates

def threshold_failures(overall, min_recall, min_precision):
    failures = []
    for metric, minimum in (("recall", min_recall), ("precision", min_precision)):
        value = overall[metric]
        if minimum is not None and (value is None or value < minimum):
            failures.append(f"overall {metric} {fmt(value)} is below {minimum}")
    return failures


def regressions(result, baseline):
    """Drops of more than TOLERANCE against a previous --json result."""
    compared = [("overall", result["overall"], baseline.get("overall", {}))]
    compared += [(f"kind {k}", g, baseline.get("kinds", {}).get(k, {}))
                 for k, g in result["kinds"].items() if g["labels"] >= MIN_KIND_LABELS]
    return [f"{name} {metric} dropped from {fmt(before[metric])} to {fmt(now[metric])}"
            for name, now, before in compared for metric in ("recall", "precision")
            if now[metric] is not None and before.get(metric) is not None
            and now[metric] < before[metric] - TOLERANCE]


# ---------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--modelgate", type=Path, default=REPO / "target/release/modelgate", help="the binary to score")
    p.add_argument("--project", action="append", default=[], metavar="NAME", help="score only this project (repeatable)")
    p.add_argument("--labels", type=Path, default=HERE / "labels", metavar="DIR", help="label directory")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.add_argument("--quiet", action="store_true", help="tables only, no miss/extra lists")
    p.add_argument("--min-recall", type=float, metavar="X", help="exit 1 if overall recall is below X")
    p.add_argument("--min-precision", type=float, metavar="Y", help="exit 1 if overall precision is below Y")
    p.add_argument("--baseline", type=Path, metavar="FILE", help="a --json result; exit 1 on a drop > 0.005")
    p.add_argument("--no-fetch", action="store_true", help="do not fetch missing projects")
    p.add_argument("--max-file-size", metavar="SIZE", help="passed to modelgate (only if a labelled file is skipped)")
    return p.parse_args(argv)


def ensure_sources(projects, cache, no_fetch):
    missing = [p for p in projects if not (cache / "src" / p).is_dir()]
    if missing and not no_fetch:
        try:
            fetch.run(missing, cache)
        except (fetch.FetchError, OSError, fetch.tarfile.TarError) as e:
            raise ScoreError(f"fetch failed: {e}") from e
    missing = [p for p in projects if not (cache / "src" / p).is_dir()]
    if missing:
        raise ScoreError(f"no source for {', '.join(missing)} in {cache / 'src'} (run corpus/fetch.py)")


def collect(args, cache):
    """(all label results, all ref results, counts, projects, warnings) over the labelled projects."""
    projects, warnings = labelled_projects(args.labels, args.project)
    if not projects:
        raise ScoreError(f"no labelled project in {args.labels} (needs <name>.tsv and <name>.files.tsv)")
    ensure_sources(projects, cache, args.no_fetch)
    label_results, ref_results, problems = [], [], []
    counts = {"projects": len(projects), "labels": 0, "labelled_files": 0, "negative_files": 0}
    for project in projects:
        root = cache / "src" / project
        try:
            labels, files, notes = load_project(args.labels, project, root)
        except Malformed as e:
            problems.append(str(e))
            continue
        output = run_modelgate(args.modelgate, root, args.max_file_size)
        skipped = [s["path"] for s in output.get("skipped", []) if s["path"] in files]
        warnings += notes + [f"{project}: modelgate skipped listed file {p} (try --max-file-size)" for p in skipped]
        refs = [dict(ref, project=project) for ref in output["references"]]
        labelled, refs_scored = score_project(labels, files, refs)
        label_results += labelled
        ref_results += refs_scored
        counts["labels"] += len(labels)
        counts["labelled_files"] += sum(s == "labelled" for s in files.values())
        counts["negative_files"] += sum(s == "negative" for s in files.values())
    if problems:
        raise Malformed("\n".join(problems))
    return label_results, ref_results, counts, projects, warnings


def main(argv=None):
    args = parse_args(argv)
    try:
        label_results, ref_results, counts, projects, warnings = collect(args, fetch.cache_dir())
        baseline = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline else None
    except Malformed as e:
        print(f"score: malformed labels:\n{e}", file=sys.stderr)
        return 2
    except (ScoreError, OSError, json.JSONDecodeError) as e:
        print(f"score: error: {e}", file=sys.stderr)
        return 2
    result = summarize(label_results, ref_results, counts, projects)
    if args.quiet:
        del result["misses"], result["extras"]
    for warning in warnings:
        print(f"score: warning: {warning}", file=sys.stderr)
    print(json.dumps(result, indent=1) if args.json else render(result, args.quiet))
    failures = threshold_failures(result["overall"], args.min_recall, args.min_precision)
    failures += regressions(result, baseline) if baseline else []
    for failure in failures:
        print(f"score: FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
