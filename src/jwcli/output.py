"""Everything jw shows a person or a program: findings, tables, JSON. Nothing else prints."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from jwcli.model.findings import Finding


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_prop(text: str) -> str:
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def findings(found: Sequence[Finding], fmt: str, *, files: int) -> None:
    errors = sum(1 for f in found if f.is_error)
    warnings = len(found) - errors
    if fmt == "json":
        payload = {
            "files": files,
            "errors": errors,
            "warnings": warnings,
            "findings": [f.as_dict() for f in found],
        }
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    lines = []
    for f in found:
        if fmt == "github":
            level = "error" if f.is_error else "warning"
            lines.append(
                f"::{level} file={_github_prop(f.path)},line={f.line or 1},col={f.col or 1},"
                f"title={_github_prop('jw ' + f.rule)}::{_github_escape(f.message)}"
            )
        else:
            lines.append(f"{f.location()}: {f.severity}: {f.message}")
    if lines:
        sys.stdout.write("\n".join(lines) + "\n")
    summary = (
        f"{files} files checked: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    print(summary, file=sys.stderr)


def templates(items: Iterable[tuple[str, str]]) -> None:
    for name, description in items:
        print(f"{name:<24} {description}")


def initialised(result: Any) -> None:
    print(f"Created a relationship repository in {result.root}")
    for path in result.created:
        print(f"  {path}")
    if result.committed:
        print("  and a git repository with a first commit")
    print("Next: fill in charter.yaml and baselines.yaml, then run `jw validate`.")


def written(paths: Iterable[Path]) -> None:
    for path in paths:
        print(f"wrote {path}")
