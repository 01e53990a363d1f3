"""The commitment state machine (data-format.md, "Commitment state") and the on-time rate.

Standard test charter: fiscal year from April, effective 2025-04-01, so 2025-Q2 is
2025-07-01..2025-09-30 and 2025-Q3 is 2025-10-01..2025-12-31.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

from jwcli.analysis.commitments import commitment_states, commitment_summary
from jwcli.analysis.scoring import score_quarter
from jwcli.quarters import Quarter
from tests.helpers import load_checked, rec, write_repo

Q2 = Quarter(2025, 2)
Q3 = Quarter(2025, 3)


def _commit(due: str, party: str = "acme", date: str = "2025-07-01", **extra: object) -> str:
    return rec("commitment", date, party=party, due=due, **extra)


def _update(commitment: str, date: str, status: str, **extra: object) -> str:
    return rec("update", date, commitment=commitment, status=status, **extra)


def _objectives_met_x(root: Path, quarter: Quarter, today: str, party: str = "acme"):  # type: ignore[no-untyped-def]
    rel = load_checked(root, today)
    card = score_quarter(rel, quarter, dt.date.fromisoformat(today))
    return card.party(party).behaviour("objectives-met")


def test_renegotiation_on_the_due_date_moves_it_after_does_not(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            # renegotiated ON its due date: "on or before" the due, so the due moves to Oct 15
            "records/com-a.yaml": _commit("2025-08-15"),
            "records/upd-a1.yaml": _update(
                "com-a", "2025-08-15", "renegotiated", new_due="2025-10-15"
            ),
            "records/upd-a2.yaml": _update("com-a", "2025-10-10", "delivered"),
            # renegotiated the day AFTER its due: already late, the due stays Aug 15
            "records/com-b.yaml": _commit("2025-08-15"),
            "records/upd-b1.yaml": _update(
                "com-b", "2025-08-16", "renegotiated", new_due="2025-10-15"
            ),
            "records/upd-b2.yaml": _update("com-b", "2025-10-10", "delivered"),
        },
    )
    rel = load_checked(root, "2026-01-15")
    states = {s.id: s for s in commitment_states(rel, dt.date(2025, 12, 31))}
    assert states["com-a"].effective_due == dt.date(2025, 10, 15)
    assert states["com-a"].status == "on-time"  # delivered Oct 10 <= Oct 15
    assert states["com-b"].effective_due == dt.date(2025, 8, 15)
    assert states["com-b"].status == "late"  # delivered Oct 10 > Aug 15

    # Q2 counts only com-b (com-a moved to Q3): 0 on time of 1 due -> x = 0, indicator 1 + 0 = 1
    b = _objectives_met_x(root, Q2, "2026-01-15")
    assert b.indicator_x == 0
    assert b.components["indicator"].reported == 1
    # Q3 counts only com-a: 1 of 1 -> x = 1, indicator 1 + 4 = 5
    b = _objectives_met_x(root, Q3, "2026-01-15")
    assert b.indicator_x == 1
    assert b.components["indicator"].reported == 5


def test_withdrawn_on_or_before_due_is_left_out_after_due_is_a_miss(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/com-w1.yaml": _commit("2025-08-15"),
            "records/upd-w1.yaml": _update("com-w1", "2025-08-15", "withdrawn"),  # on the due
            "records/com-w2.yaml": _commit("2025-08-15"),
            "records/upd-w2.yaml": _update("com-w2", "2025-08-20", "withdrawn"),  # 5 days late
            "records/com-ok.yaml": _commit("2025-08-20"),
            "records/upd-ok.yaml": _update("com-ok", "2025-08-20", "delivered"),  # on its due
        },
    )
    rel = load_checked(root, "2025-10-15")
    states = {s.id: s for s in commitment_states(rel, dt.date(2025, 9, 30))}
    assert states["com-w1"].status == "withdrawn"
    assert states["com-w2"].status == "missed"
    assert states["com-ok"].status == "on-time"
    # due in Q2: com-w2 (not on time) and com-ok (on time); com-w1 removed -> x = 1/2,
    # indicator 1 + 4 × 0.5 = 3
    b = _objectives_met_x(root, Q2, "2025-10-15")
    assert b.indicator_x == Fraction(1, 2)
    assert b.components["indicator"].reported == 3
    assert set(b.records) == {"com-w2", "upd-w2", "com-ok", "upd-ok"}


def test_delivery_on_due_is_on_time_day_after_is_late_and_miss_then_late_is_late(
    tmp_path: Path,
) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/com-1.yaml": _commit("2025-08-01"),
            "records/upd-1.yaml": _update("com-1", "2025-08-01", "delivered"),
            "records/com-2.yaml": _commit("2025-08-01"),
            "records/upd-2.yaml": _update("com-2", "2025-08-02", "delivered"),
            "records/com-3.yaml": _commit("2025-08-01"),
            "records/upd-3a.yaml": _update("com-3", "2025-08-02", "missed"),
            "records/upd-3b.yaml": _update("com-3", "2025-08-30", "delivered"),
            "records/com-4.yaml": _commit("2025-08-01"),
            "records/upd-4.yaml": _update("com-4", "2025-08-03", "missed"),
        },
    )
    rel = load_checked(root, "2025-10-15")
    states = {s.id: s for s in commitment_states(rel, dt.date(2025, 9, 30))}
    assert [states[c].status for c in ("com-1", "com-2", "com-3", "com-4")] == [
        "on-time",
        "late",
        "late",
        "missed",
    ]
    summary = commitment_summary(rel, "acme", Q2, dt.date(2025, 10, 15))
    # 4 due: 1 on time, 2 late, 1 missed -> rate 1/4
    assert (summary.due, summary.on_time, summary.late, summary.missed) == (4, 1, 2, 1)
    assert summary.rate == Fraction(1, 4)


def test_only_what_is_known_on_the_as_of_date_counts(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/com-1.yaml": _commit("2025-08-01"),
            "records/upd-1.yaml": _update("com-1", "2025-08-05", "delivered"),  # late
            "records/com-2.yaml": _commit("2025-08-05"),
            "records/upd-2.yaml": _update("com-2", "2025-08-05", "delivered"),  # on time
            "records/com-3.yaml": _commit("2025-08-09"),
            "records/upd-3.yaml": _update("com-3", "2025-08-12", "delivered"),  # after 08-10
            "records/com-4.yaml": _commit("2025-08-20"),
            "records/upd-4.yaml": _update("com-4", "2025-08-19", "delivered"),
        },
    )
    # Scored on 2025-08-10 (mid-quarter, so as-of = today): com-4 is not due yet; com-3's
    # delivery on 08-12 is not known, so it is overdue. Due: com-1 (late), com-2 (on time),
    # com-3 (overdue) -> x = 1/3.
    rel = load_checked(root, "2025-08-10")
    b = _objectives_met_x(root, Q2, "2025-08-10")
    assert b.indicator_x == Fraction(1, 3)
    states = {s.id: s for s in commitment_states(rel, dt.date(2025, 8, 10))}
    assert states["com-3"].status == "overdue"
    assert states["com-4"].status == "open"  # due 08-20, its delivery on 08-19 not yet known
    # Scored after the quarter (as-of = 09-30): com-3 late, com-4 on time -> 2 of 4 = 1/2.
    b = _objectives_met_x(root, Q2, "2025-10-15")
    assert b.indicator_x == Fraction(1, 2)


def test_superseded_commitment_and_update_are_ignored(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            # com-orig had a typo in its due date; com-fix corrects it (supersedes). The update
            # still names com-orig and follows the correction to com-fix.
            "records/com-orig.yaml": _commit("2025-08-01"),
            "records/com-fix.yaml": _commit("2025-09-01", supersedes="com-orig"),
            "records/upd-late.yaml": _update("com-orig", "2025-08-20", "delivered"),
            # a second commitment whose delivery date was recorded wrongly, then corrected
            "records/com-x.yaml": _commit("2025-08-01"),
            "records/upd-x1.yaml": _update("com-x", "2025-08-10", "delivered"),
            "records/upd-x2.yaml": _update("com-x", "2025-07-30", "delivered", supersedes="upd-x1"),
        },
    )
    # com-fix: due Sep 1, delivered Aug 20 -> on time (com-orig ignored, else it would be late).
    # com-x: the corrected delivery Jul 30 <= Aug 1 -> on time. x = 2/2 = 1.
    b = _objectives_met_x(root, Q2, "2025-10-15")
    assert b.indicator_x == 1
    assert "com-orig" not in b.records and "upd-x1" not in b.records
    assert {"com-fix", "upd-late", "com-x", "upd-x2"} <= set(b.records)


def test_no_commitments_due_means_no_indicator_not_zero(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"records/com-1.yaml": _commit("2025-11-01")})
    b = _objectives_met_x(root, Q2, "2025-10-15")
    assert b.indicator_x is None
    assert b.components["indicator"] is None
    assert b.score is None
