"""`jw status`: what needs attention today, from the validated data (commands.md).

- the next quarterly review: the earliest quarter ended and not yet reviewed (a `quarterly-review`
  meeting dated after its end and on or before today is its review), which must meet within
  `review_within_days` of its end; its pack is due `pack_due_days_before` that;
- check-ins: days since the last `check-in` meeting (or the charter's `effective` date) against
  `check_in_every_days`; each whole period elapsed is one check-in missed;
- commitments overdue (past their effective due with no delivered, missed or withdrawn update) or
  still open and due
  within `DUE_SOON_DAYS` (the commitment state of data-format.md as of today);
- KPIs without a measurement for the last completed quarter;
- triggers fired in the last completed quarter and not answered by an escalation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jwcli.analysis.commitments import CommitmentState, commitment_states
from jwcli.analysis.index import index_of
from jwcli.analysis.kpis import kpi_statuses
from jwcli.analysis.quarters import first_scored_quarter, is_scored, last_completed_quarter
from jwcli.model.records import Meeting
from jwcli.model.relationship import REVIEWS_DIR, Relationship
from jwcli.model.scores import FiredTrigger
from jwcli.quarters import Quarter

DUE_SOON_DAYS = 14
PACK_FILES = ("review.md", "review.html", "review.json")


@dataclass(frozen=True, slots=True)
class ReviewDue:
    quarter: Quarter  # the quarter the next review is about
    meet_by: dt.date  # its end + review_within_days
    days_left: int  # negative when the meeting is late
    pack_due: dt.date  # meet_by - pack_due_days_before
    pack_is_due: bool  # today is on or after pack_due
    pack_written: bool  # reviews/<quarter>/ holds a pack


@dataclass(frozen=True, slots=True)
class CheckIns:
    every_days: int
    last: dt.date | None  # the last check-in meeting on or before today
    days_since: int  # since the last check-in, or since `effective` when there was none
    missed: int
    next_due: dt.date


@dataclass(frozen=True, slots=True)
class Status:
    today: dt.date
    relationship: str
    review: ReviewDue | None  # None when the charter has no quarterly review
    check_ins: CheckIns
    overdue: tuple[CommitmentState, ...]
    due_soon: tuple[CommitmentState, ...]
    kpi_quarter: Quarter
    unmeasured_kpis: tuple[str, ...]  # KPI ids, charter order; empty before `effective`
    unanswered_triggers: tuple[FiredTrigger, ...]

    def to_json(self) -> dict[str, object]:
        def commitment(s: CommitmentState) -> dict[str, object]:
            return {
                "id": s.id,
                "party": s.party,
                "summary": s.summary,
                "status": s.status,
                "due": s.effective_due.isoformat(),
                "days": (s.effective_due - self.today).days,
            }

        review = None
        if self.review is not None:
            r = self.review
            review = {
                "quarter": str(r.quarter),
                "meet_by": r.meet_by.isoformat(),
                "days_left": r.days_left,
                "pack_due": r.pack_due.isoformat(),
                "pack_is_due": r.pack_is_due,
                "pack_written": r.pack_written,
            }
        c = self.check_ins
        return {
            "today": self.today.isoformat(),
            "relationship": self.relationship,
            "review": review,
            "check_ins": {
                "every_days": c.every_days,
                "last": c.last.isoformat() if c.last else None,
                "days_since": c.days_since,
                "missed": c.missed,
                "next_due": c.next_due.isoformat(),
            },
            "commitments_overdue": [commitment(s) for s in self.overdue],
            "commitments_due_soon": [commitment(s) for s in self.due_soon],
            "kpi_quarter": str(self.kpi_quarter),
            "unmeasured_kpis": list(self.unmeasured_kpis),
            "unanswered_triggers": [t.to_json() for t in self.unanswered_triggers],
        }


def status(rel: Relationship, today: dt.date) -> Status:
    """What needs attention on `today` in a loaded, valid repository."""
    idx = index_of(rel)
    charter = idx.charter
    gov = charter.governance
    fsm = charter.fiscal_year_start
    meetings = sorted(
        (
            e.record
            for e in idx.active.values()
            if isinstance(e.record, Meeting) and e.record.date <= today
        ),
        key=lambda m: m.date,
    )

    review = None
    if gov.quarterly_review:
        quarter = _unreviewed(
            last_completed_quarter(today, fsm), first_scored_quarter(charter), meetings, fsm
        )
        meet_by = quarter.end(fsm) + dt.timedelta(days=gov.review_within_days)
        pack_due = meet_by - dt.timedelta(days=gov.pack_due_days_before)
        folder = rel.root / REVIEWS_DIR / str(quarter)
        review = ReviewDue(
            quarter,
            meet_by,
            (meet_by - today).days,
            pack_due,
            today >= pack_due,
            _pack_written(folder),
        )

    check_ins = [m.date for m in meetings if m.type == "check-in"]
    last = check_ins[-1] if check_ins else None
    since = last or charter.effective
    days_since = max((today - since).days, 0)
    every = gov.check_in_every_days
    checks = CheckIns(
        every, last, days_since, days_since // every, since + dt.timedelta(days=every)
    )

    states = commitment_states(rel, today)
    # A commitment already recorded as missed (or withdrawn late) is settled history, counted in
    # the rates; "needs attention" is what nobody has answered for yet.
    overdue = tuple(s for s in states if s.status == "overdue")
    soon_limit = today + dt.timedelta(days=DUE_SOON_DAYS)
    due_soon = tuple(s for s in states if s.status == "open" and s.effective_due <= soon_limit)

    last_quarter = last_completed_quarter(today, fsm)
    unmeasured: tuple[str, ...] = ()
    triggers: tuple[FiredTrigger, ...] = ()
    if is_scored(last_quarter, charter):
        unmeasured = tuple(k.kpi.id for k in kpi_statuses(rel, last_quarter) if k.value is None)
        from jwcli.analysis.scoring import score_quarter

        card = score_quarter(rel, last_quarter, today)
        triggers = tuple(t for t in card.triggers if t.answered_by is None)

    return Status(
        today,
        charter.relationship,
        review,
        checks,
        overdue,
        due_soon,
        last_quarter,
        unmeasured,
        triggers,
    )


def _unreviewed(last: Quarter, first: Quarter, meetings: list[Meeting], fsm: int) -> Quarter:
    """The quarter the next review is about: the last completed one, or the current one when
    the last one's review has met (or the first quarter when none has ended yet)."""
    if last < first:
        return first
    end = last.end(fsm)
    if any(m.type == "quarterly-review" and m.date > end for m in meetings):
        return last.next()
    return last


def _pack_written(folder: Path) -> bool:
    return any((folder / name).is_file() for name in PACK_FILES)
