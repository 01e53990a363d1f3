"""`jw status`: what needs attention today, worked out by hand from data-format.md.

CHARTER (tests/helpers.py) starts its fiscal year in April, is effective from 2025-04-01 and keeps
the governance defaults: check-ins every 14 days, the review within 30 days of the quarter's end,
the pack 5 days before it. So 2025-Q1 is April-June 2025 and ends on 2025-06-30.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import BASELINES, jw, rec, write_repo

ATTENDEES = {"north": ["Ann Lee"], "acme": ["Raj Patel"]}

RECORDS = {
    # check-ins: the last one on 2025-07-01
    "records/2025-06-20-check-in.yaml": rec(
        "meeting", "2025-06-20", type="check-in", attendees=ATTENDEES
    ),
    "records/2025-07-01-check-in.yaml": rec(
        "meeting", "2025-07-01", type="check-in", attendees=ATTENDEES
    ),
    # due 2025-06-30 with no update: overdue
    "records/2025-05-01-overdue.yaml": rec(
        "commitment", "2025-05-01", party="acme", due="2025-06-30"
    ),
    # renegotiated on 2025-06-25, before its due: the due moves to 2025-07-31 (11 days away)
    "records/2025-05-02-moved.yaml": rec(
        "commitment", "2025-05-02", party="north", due="2025-07-01"
    ),
    "records/2025-06-25-moved-update.yaml": rec(
        "update",
        "2025-06-25",
        commitment="2025-05-02-moved",
        status="renegotiated",
        new_due="2025-07-31",
    ),
    # renegotiated on 2025-06-20, after its due of 2025-06-15: too late, still overdue
    "records/2025-05-03-late.yaml": rec("commitment", "2025-05-03", party="acme", due="2025-06-15"),
    "records/2025-06-20-late-update.yaml": rec(
        "update",
        "2025-06-20",
        commitment="2025-05-03-late",
        status="renegotiated",
        new_due="2025-08-30",
    ),
    # recorded as missed on 2025-06-20: settled history, not something to chase
    "records/2025-05-06-missed.yaml": rec(
        "commitment", "2025-05-06", party="acme", due="2025-06-10"
    ),
    "records/2025-06-20-missed-update.yaml": rec(
        "update", "2025-06-20", commitment="2025-05-06-missed", status="missed"
    ),
    # delivered on 2025-07-05: nothing to do
    "records/2025-05-04-done.yaml": rec(
        "commitment", "2025-05-04", party="south", due="2025-07-10"
    ),
    "records/2025-07-05-done-update.yaml": rec(
        "update", "2025-07-05", commitment="2025-05-04-done", status="delivered"
    ),
    # delivered on 2025-07-22, after today: not known yet, so open and due in 5 days
    "records/2025-05-05-soon.yaml": rec(
        "commitment", "2025-05-05", party="south", due="2025-07-25"
    ),
    "records/2025-07-22-soon-update.yaml": rec(
        "update", "2025-07-22", commitment="2025-05-05-soon", status="delivered"
    ),
    # due 2025-09-30: beyond 14 days
    "records/2025-05-06-later.yaml": rec(
        "commitment", "2025-05-06", party="acme", due="2025-09-30"
    ),
}


def status(root: Path, today: str) -> dict[str, Any]:
    result = jw("-C", str(root), "--today", today, "status", "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def repo(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    return write_repo(tmp_path / "rel", {"baselines.yaml": BASELINES, **RECORDS, **(extra or {})})


def test_status_lists_what_needs_attention(tmp_path: Path) -> None:
    data = status(repo(tmp_path), "2025-07-20")

    # last completed quarter 2025-Q1 ends 2025-06-30: meet by +30 days = 2025-07-30, 10 days
    # from 2025-07-20; the pack is due 5 days before, 2025-07-25: not yet
    assert data["review"] == {
        "quarter": "2025-Q1",
        "meet_by": "2025-07-30",
        "days_left": 10,
        "pack_due": "2025-07-25",
        "pack_is_due": False,
        "pack_written": False,
    }
    # last check-in 2025-07-01, 19 days ago: one 14-day period has passed, next was 2025-07-15
    assert data["check_ins"] == {
        "every_days": 14,
        "last": "2025-07-01",
        "days_since": 19,
        "missed": 1,
        "next_due": "2025-07-15",
    }
    overdue = [(c["id"], c["due"], c["days"]) for c in data["commitments_overdue"]]
    assert overdue == [
        ("2025-05-03-late", "2025-06-15", -35),
        ("2025-05-01-overdue", "2025-06-30", -20),
    ]
    soon = [(c["id"], c["due"], c["days"]) for c in data["commitments_due_soon"]]
    assert soon == [("2025-05-05-soon", "2025-07-25", 5), ("2025-05-02-moved", "2025-07-31", 11)]
    assert data["kpi_quarter"] == "2025-Q1"
    # 20 days after 2025-06-30: within the 30-day measurement grace (until 2025-07-30)
    assert data["unmeasured_kpis"] == []
    assert data["awaiting_kpis"] == ["first-time-fix"] and data["measure_by"] == "2025-07-30"
    # acme had two commitments due in 2025-Q1 (06-15 and 06-30), neither delivered: on-time
    # rate 0/2 = 0 < 0.8, so `slipping-commitments` fires (level 1: respond within 14 days of
    # 2025-06-30, by 2025-07-14); no escalation answers it
    fired = [
        (t["trigger"], t["party"], t["respond_by"], t["answered_by"])
        for t in data["unanswered_triggers"]
    ]
    assert fired == [("slipping-commitments", "acme", "2025-07-14", None)]


def test_the_pack_falls_due_and_a_held_review_moves_on_to_the_next_quarter(tmp_path: Path) -> None:
    root = repo(tmp_path)
    # 2025-07-26 is on or after the pack's due date of 2025-07-25, 4 days before 2025-07-30
    data = status(root, "2025-07-26")
    assert (data["review"]["days_left"], data["review"]["pack_is_due"]) == (4, True)

    (root / "reviews" / "2025-Q1").mkdir(parents=True)
    (root / "reviews" / "2025-Q1" / "review.md").write_text("# Review\n")
    assert status(root, "2025-07-26")["review"]["pack_written"] is True

    held = {
        "records/2025-07-28-review.yaml": rec(
            "meeting", "2025-07-28", type="quarterly-review", attendees=ATTENDEES
        )
    }
    root = repo(tmp_path / "held", held)
    # Q1 reviewed on 2025-07-28; next is 2025-Q2 (July-September), meeting by 2025-09-30 + 30
    # = 2025-10-30, 94 days after 2025-07-28
    review = status(root, "2025-07-28")["review"]
    assert (review["quarter"], review["meet_by"], review["days_left"]) == (
        "2025-Q2",
        "2025-10-30",
        94,
    )
    # the review counts only from its own date: the day before, Q1's review was still ahead
    assert status(root, "2025-07-27")["review"]["quarter"] == "2025-Q1"


def test_measured_kpis_and_answered_triggers_are_not_listed(tmp_path: Path) -> None:
    extra = {
        "records/2025-07-02-ftf.yaml": rec(
            "measurement", "2025-07-02", kpi="first-time-fix", period="2025-Q1", value=78
        ),
        # level 1 answering the trigger on 2025-07-10, within its 2025-07-14 deadline
        "records/2025-07-10-coffee.yaml": rec(
            "escalation",
            "2025-07-10",
            level=1,
            parties=["acme", "north"],
            trigger="slipping-commitments",
        ),
    }
    data = status(repo(tmp_path, extra), "2025-07-20")
    assert data["unmeasured_kpis"] == []
    assert data["unanswered_triggers"] == []


def test_no_check_in_yet_counts_from_the_effective_date(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "rel", {"baselines.yaml": BASELINES})
    # effective 2025-04-01, today 2025-05-01: 30 days, two 14-day periods missed
    data = status(root, "2025-05-01")
    assert data["check_ins"] == {
        "every_days": 14,
        "last": None,
        "days_since": 30,
        "missed": 2,
        "next_due": "2025-04-15",
    }
    # 2025-05-01 is in the first quarter: no quarter has ended, so no KPI is due a measurement
    assert data["kpi_quarter"] == "2024-Q4" and data["unmeasured_kpis"] == []
    assert data["review"]["quarter"] == "2025-Q1" and data["review"]["meet_by"] == "2025-07-30"


def test_text_output_and_exit_codes(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = jw("-C", str(root), "--today", "2025-07-20", "status")
    assert result.exit_code == 0  # information, even with overdue work
    lines = result.stdout.splitlines()
    assert lines[0] == "Test Shared Services: status on 2025-07-20"
    assert "Next quarterly review: 2025-Q1, meet by 2025-07-30 (in 10 days)" in lines
    assert "Commitments overdue: 2" in lines
    assert "KPIs without a measurement for 2025-Q1: none" in lines
    assert "  awaiting measurement (grace until 2025-07-30): first-time-fix" in lines

    (root / "records" / "2025-07-19-broken.yaml").write_text("kind: commitment\ndate: 2025-07-19\n")
    broken = jw("-C", str(root), "--today", "2025-07-20", "status")
    assert broken.exit_code == 1
    assert "records/2025-07-19-broken.yaml" in broken.stdout
    assert jw("-C", str(root), "status", "--format", "xml").exit_code == 2
