"""A quarter's close, on a real git history, as `jw status` sees it: the close ends the
measurement grace, and a missed trigger stops failing `--check` once a close commit follows it.

Standard test charter: fiscal year from April (2025-Q1 is April-June 2025); level 1 triggers are
answered within 14 days, so a trigger of 2025-Q1 is due an answer by 2025-07-14.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import BASELINES, CHARTER, commit_files, git, jw, rec

CLOSE = "jw: close review {q}\n\nJw-Kind: review\nJw-Quarter: {q}\nJw-Today: {today}"


def status(root: Path, *args: str) -> tuple[int, dict[str, object], str]:
    result = jw("-C", str(root), "--today", "2025-07-20", "status", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_a_close_ends_the_grace_and_settles_a_missed_trigger_for_check(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    commit_files(
        root,
        {
            "charter.yaml": CHARTER,
            "baselines.yaml": BASELINES,
            # acme's only Q1 commitment, due 05-01, never delivered: `slipping-commitments`
            "records/2025-Q1/2025-04-02-rota.yaml": rec(
                "commitment", "2025-04-02", party="acme", due="2025-05-01"
            ),
            "records/2025-Q1/2025-04-20-missed.yaml": rec(
                "update", "2025-04-20", commitment="2025-04-02-rota", status="missed"
            ),
        },
        "Q1 records",
        date="2025-07-01T09:00:00+00:00",
    )
    # 07-20: the trigger's respond-by (07-14) has passed: missed, and --check fails on it; the
    # KPI is still within its grace (to 07-30): awaiting, not overdue
    code, data, err = status(root, "--check")
    assert code == 1
    assert data["awaiting_kpis"] == ["first-time-fix"] and data["unmeasured_kpis"] == []
    assert "trigger slipping-commitments for acme in 2025-Q1" in err
    # the quarter is closed on 07-18: the close ends the grace, so the KPI unmeasured at the
    # close counts now; and the missed trigger no longer fails --check (a close followed it)
    commit_files(
        root,
        {"reviews/2025-Q1/review.md": "# 2025-Q1\n"},
        CLOSE.format(q="2025-Q1", today="2025-07-18"),
        date="2025-07-18T09:00:00+00:00",
    )
    code, data, err = status(root, "--check")
    assert data["unmeasured_kpis"] == ["first-time-fix"] and data["awaiting_kpis"] == []
    assert code == 1 and "KPIs without a measurement for 2025-Q1" in err
    assert "trigger slipping-commitments" not in err
    # still listed for people to see, marked late
    (listed,) = data["unanswered_triggers"]  # type: ignore[misc]
    assert (listed["trigger"], listed["quarter"], listed["late"]) == (
        "slipping-commitments",
        "2025-Q1",
        True,
    )
    # the late measurement arrives: nothing is overdue any more
    commit_files(
        root,
        {
            "records/2025-Q1/2025-07-19-ftf.yaml": rec(
                "measurement", "2025-07-19", kpi="first-time-fix", period="2025-Q1", value=81
            )
        },
        "Q1 measurement, late\n\nJw-Late: 2025-Q1",
        date="2025-07-19T09:00:00+00:00",
    )
    code, data, err = status(root, "--check")
    assert code == 0, err
