"""Validates CycloneDX documents with the strict 1.6 JSON validator of
cyclonedx-python-lib. Prints one line per file, `OK` or the error; exits 1
if any file is invalid.

usage: validate_cyclonedx.py BOM.json...
"""

import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator


def main(paths: list[str]) -> int:
    validator = JsonStrictValidator(SchemaVersion.V1_6)
    failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            error = validator.validate_str(f.read())
        if error is None:
            print(f"{path}: OK")
        else:
            failed += 1
            print(f"{path}: INVALID: {error!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
