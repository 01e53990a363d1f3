"""Run every registered check over a loaded repository and locate every finding."""

from __future__ import annotations

import datetime as dt

# Importing the check modules registers them.
from jwcli.checks import assessments, baselines, charter, records  # noqa: F401
from jwcli.checks.registry import CHECKS
from jwcli.load.positions import locate
from jwcli.model.findings import Finding
from jwcli.model.relationship import Relationship


def validate(rel: Relationship, today: dt.date) -> list[Finding]:
    findings = list(rel.load_findings)
    for run in CHECKS:
        findings.extend(run(rel, today))
    locate(rel.root, findings)
    findings.sort(key=Finding.sort_key)
    return findings


def has_errors(findings: list[Finding], strict: bool = False) -> bool:
    return any(f.is_error or strict for f in findings)
