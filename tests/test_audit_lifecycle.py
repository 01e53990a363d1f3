"""`jw audit` through the lifecycle of a relationship, on a real git history made by jw itself:
`jw init`, the charter filled in and agreed, two quarters of data, 2026-Q2 closed (the sign-off
story's fixture), then a late invoice, an agreed and an unagreed loosening and an edited record.

Audit exits 0 after the fill-in and the agreement (the draft's changes are not judged), 0 with
notices for the late cost and the agreed loosening, 1 for the edited record and the unagreed
loosening."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import git, jw
from tests.test_signoff_story import CHARTER, _jw, _ok, built, story

__all__ = ["built", "story"]  # the fixtures, shared with the sign-off story


def _audit(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = jw("-C", str(root), "audit", "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _rules(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule"], f["severity"]) for f in report["flags"]]


LATE_COST = (
    "add",
    "cost",
    "--service",
    "helpdesk",
    "--party",
    "north",
    "--period",
    "2026-Q2",
    "--amount",
    "5000",
    "--date",
    "2026-07-20",
    "--id",
    "late-invoice",
    "--summary",
    "Late Q2 invoice",
    "--late",
)


def test_audit_through_the_lifecycle(story: Path) -> None:
    root = story
    # filled in, agreed, two quarters and a close: nothing to report
    code, report = _audit(root)
    assert (code, report["flags"]) == (0, [])
    agreement = git(root, "log", "--format=%H", "--grep=amendment", "-1")
    assert report["first_agreement"] == agreement
    assert list(report["closes"]) == ["2026-Q2"]

    # a late invoice for the closed quarter: a notice under 2026-Q2, exit 0
    _ok(_jw(root, "2026-07-20", *LATE_COST))
    late_commit = git(root, "rev-parse", "HEAD")
    code, report = _audit(root)
    assert code == 0
    assert [(f["rule"], f["severity"], f["quarter"], f["commit"]) for f in report["flags"]] == [
        ("late", "notice", "2026-Q2", late_commit)
    ]
    table = jw("-C", str(root), "audit")
    assert table.exit_code == 0
    assert "Notices:\n  late for 2026-Q2:\n" in table.stdout
    # under the quarter's heading the line says why, without repeating the rule and quarter
    late_line = table.stdout.split("late for 2026-Q2:\n", 1)[1].splitlines()[0]
    assert late_line.startswith(f"    {late_commit[:10]} records/2026-Q2/")
    assert "late for" not in late_line and ": late:" not in late_line
    assert "belongs to 2026-Q2" in late_line
    assert "+2026-07-20-late-invoice" in table.stdout  # the commit's records are named
    assert "0 errors, 1 notice" in table.stderr
    assert jw("-C", str(root), "audit", "--strict").exit_code == 1

    # an agreed loosening: KPI target 80 -> 75 in version 2, agreed by both parties
    (root / "charter.yaml").write_text(
        CHARTER.replace("version: 1", "version: 2").replace("target: 80", "target: 75"),
        encoding="utf-8",
    )
    _ok(
        _jw(
            root,
            "2026-08-01",
            "add",
            "amendment",
            "--version",
            "2",
            "--agreed-by",
            "north,acme",
            "--summary",
            "Target eased while the new tooling beds in",
        )
    )
    assert git(root, "status", "--porcelain") == ""  # the charter was committed with the record
    amended = git(root, "rev-parse", "HEAD")
    code, report = _audit(root)
    assert code == 0
    assert _rules(report) == [("late", "notice"), ("agreed-change", "notice")]
    agreed = report["flags"][1]
    assert agreed["commit"] == amended and agreed["path"] == "charter.yaml"
    assert agreed["message"] == (
        "agreed loosening: KPI `first-time-fix` target loosened from 80 to 75 (higher is better)"
    )

    # an edited record of the closed quarter: errors, exit 1
    (cost_file,) = (root / "records").rglob("*q2-service-desk-invoice*.yaml") or (
        sorted(p for p in (root / "records").rglob("*.yaml") if "90000" in p.read_text())
    )
    cost_file.write_text(cost_file.read_text().replace("90000", "80000"), encoding="utf-8")
    git(root, "commit", "-qam", "Fix the Q2 invoice amount")
    edited = git(root, "rev-parse", "HEAD")
    code, report = _audit(root)
    assert code == 1
    assert {(f["rule"], f["commit"]) for f in report["flags"] if f["severity"] == "error"} == {
        ("record-modified", edited),
        ("after-close", edited),
    }

    # an unagreed loosening: amber_within widened without a new version
    (root / "charter.yaml").write_text(
        (root / "charter.yaml").read_text().replace("amber_within: 5", "amber_within: 10"),
        encoding="utf-8",
    )
    git(root, "commit", "-qam", "More room before amber")
    loosened = git(root, "rev-parse", "HEAD")
    code, report = _audit(root)
    assert code == 1
    assert [(f["rule"], f["severity"]) for f in report["flags"] if f["commit"] == loosened] == [
        ("charter-unversioned", "error"),
        ("breaking-change", "error"),
    ]
    assert "amber_within widened from 5 to 10" in report["flags"][-1]["message"]

    # a later close acknowledges the notices (the errors stay)
    _ok(_jw(root, "2026-10-05", "review", "--close", "-q", "2026-Q3"))
    code, report = _audit(root)
    assert code == 1
    notices = [f for f in report["flags"] if f["severity"] == "notice"]
    assert len(notices) == 2 and all(f["acknowledged"] for f in notices)
    assert jw("-C", str(root), "audit", "--strict").exit_code == 1  # for the errors
