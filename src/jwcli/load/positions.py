"""Fill in `line:col` for findings that know only their field path.

Keeping every node's position for 100,000 files would cost hundreds of megabytes, so positions
are looked up afterwards, re-reading only the files that have findings.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from jwcli.load.yamlsafe import Marks, YamlProblem, load_file
from jwcli.model.findings import Finding, Loc


def _position(marks: Marks, loc: Loc, at_key: bool) -> tuple[int, int]:
    probe = loc
    while probe and probe not in marks:
        probe = probe[:-1]
    mark = marks.get(probe)
    if mark is None:
        return 1, 1
    value_line, value_col, key_line, key_col = mark
    if at_key and probe == loc and key_line:
        return key_line, key_col
    return value_line, value_col


def locate(root: Path, findings: list[Finding]) -> None:
    pending: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.line is None:
            pending[finding.path].append(finding)
    for path, group in pending.items():
        try:
            _, marks = load_file(root / path, marks=True)
        except (YamlProblem, OSError):
            marks = None
        for finding in group:
            if marks is None:
                finding.line, finding.col = 1, 1
            else:
                finding.line, finding.col = _position(marks, finding.loc, finding.at_key)
