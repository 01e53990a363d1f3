"""Run every registered check over a loaded repository and locate every finding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

# Importing the check modules registers them.
from jwcli.checks import (  # noqa: F401
    assessments,
    baselines,
    charter,
    corrections,
    lifecycle,
    membership,
    milestones,
    records,
)
from jwcli.checks.registry import CHECKS
from jwcli.load.positions import locate
from jwcli.model.findings import Finding
from jwcli.model.relationship import ASSESSMENTS_DIR, RECORDS_DIR, Relationship
from jwcli.quarters import Quarter


def validate(rel: Relationship, today: dt.date) -> list[Finding]:
    findings = list(rel.load_findings)
    for run in CHECKS:
        findings.extend(run(rel, today))
    assign_quarters(rel, findings)
    locate(rel.root, findings)
    findings.sort(key=Finding.sort_key)
    return findings


def assign_quarters(rel: Relationship, findings: Iterable[Finding]) -> None:
    """Give each finding about a record or assessment the quarter that file belongs to
    (lifecycle.md, "Warnings belong to quarters"): a record's by `record_quarter`, an
    assessment's by its folder; a file that did not load by the quarter folder it sits in."""
    from jwcli.analysis.quarters import record_quarter

    fy = rel.fiscal_year_start
    assessed = {e.path: str(e.assessment.quarter) for e in rel.assessments}
    for f in findings:
        if f.quarter is not None:
            continue
        parts = f.path.split("/")
        if parts[0] == RECORDS_DIR and f.path.endswith(".yaml"):
            entry = rel.records.get(parts[-1][: -len(".yaml")])
            if entry is not None and entry.path == f.path:
                f.quarter = str(record_quarter(entry.record, fy))
                continue
        elif parts[0] == ASSESSMENTS_DIR and f.path in assessed:
            f.quarter = assessed[f.path]
            continue
        if len(parts) > 2 and Quarter.from_label(parts[-2]) is not None:
            f.quarter = parts[-2]


def has_errors(findings: list[Finding], strict: bool = False) -> bool:
    return any(f.is_error or strict for f in findings)
