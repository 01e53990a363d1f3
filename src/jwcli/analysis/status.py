"""`jw status`: what needs attention today, from the validated data (commands.md).

- the next quarterly review: the earliest quarter ended and not yet reviewed (a `quarterly-review`
  meeting dated after its end and on or before today is its review), which must meet within
  `review_within_days` of its end; its pack is due `pack_due_days_before` that;
- check-ins: days since the last `check-in` meeting (or the charter's `effective` date) against
  `check_in_every_days`; every gap between check-ins that ended in the current quarter (and the
  gap up to today) misses one check-in for each whole cadence beyond the first;
- commitments overdue (past their effective due with no delivered, missed or withdrawn update) or
  still open and due
  within `DUE_SOON_DAYS` (the commitment state of data-format.md as of today);
- KPIs without a measurement for the last completed quarter once its measurement grace has ended
  (those still within it are listed as awaiting);
- triggers fired in any quarter and neither answered nor acknowledged by an escalation naming
  them (late ones marked), and escalations naming a trigger that neither fired nor is at risk
  for that party and quarter (lifecycle.md).

`--check` fails when something is overdue: the pack or the review, a commitment, a measurement
after its grace, or a missed trigger (until the next close commit after its respond-by).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jwcli.analysis import triggers as trig
from jwcli.analysis.commitments import CommitmentState, commitment_states
from jwcli.analysis.index import index_of
from jwcli.analysis.kpis import kpi_statuses
from jwcli.analysis.quarters import (
    first_scored_quarter,
    grace_end,
    is_scored,
    last_completed_quarter,
)
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
class EscalationWarning:
    """An escalation naming a trigger that neither fired nor is at risk, for any party it names,
    in the quarter it is about: it answers nothing, probably by mistake."""

    escalation: str
    trigger: str
    party: str  # the parties it names, comma-separated
    quarter: Quarter

    @property
    def message(self) -> str:
        return (
            f"escalation {self.escalation} names trigger {self.trigger} for {self.party} in "
            f"{self.quarter}, but it neither fired nor is at risk there: check `trigger` and "
            "`quarter` (the quarter it is about)"
        )


@dataclass(frozen=True, slots=True)
class Status:
    today: dt.date
    relationship: str
    review: ReviewDue | None  # None when the charter has no quarterly review
    check_ins: CheckIns
    overdue: tuple[CommitmentState, ...]
    due_soon: tuple[CommitmentState, ...]
    kpi_quarter: Quarter
    unmeasured_kpis: tuple[str, ...]  # KPI ids, charter order; after grace, from `effective`
    unanswered_triggers: tuple[FiredTrigger, ...]  # every quarter's, oldest first
    awaiting_kpis: tuple[str, ...] = ()  # unmeasured but still within the measurement grace
    measure_by: dt.date | None = None  # the last day of the grace for `kpi_quarter`
    escalation_warnings: tuple[EscalationWarning, ...] = ()
    # the unanswered triggers that fail `--check`: missed, and no close commit since
    failing_triggers: tuple[FiredTrigger, ...] = ()
    # records since the last sign-off that change a closed quarter (filled in from git by the
    # command: analysis reads no history): (quarter, record id, path, why)
    late_since_close: tuple[tuple[str, str, str, str], ...] = ()
    last_close: str | None = None  # "2026-Q1, closed on 2026-08-05"

    @property
    def overdue_items(self) -> list[str]:
        """What `jw status --check` fails on, one line each (empty: nothing overdue)."""
        found = []
        r = self.review
        if r is not None:
            if r.days_left < 0:
                found.append(f"the {r.quarter} quarterly review was due by {r.meet_by}")
            if not r.pack_written and self.today > r.pack_due:
                found.append(f"the {r.quarter} review pack was due by {r.pack_due}")
        found += [f"commitment {s.id} was due {s.effective_due}" for s in self.overdue]
        if self.unmeasured_kpis:
            found.append(
                f"KPIs without a measurement for {self.kpi_quarter}: "
                + ", ".join(self.unmeasured_kpis)
            )
        found += [
            f"trigger {t.trigger} for {t.party} in {t.quarter} was to be answered by {t.respond_by}"
            for t in self.failing_triggers
        ]
        return found

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
            "unanswered_triggers": [
                {
                    **t.to_json(),
                    "quarter": t.quarter,
                    "late": t.missed(self.today),
                }
                for t in self.unanswered_triggers
            ],
            "awaiting_kpis": list(self.awaiting_kpis),
            "measure_by": self.measure_by.isoformat() if self.measure_by else None,
            "escalation_warnings": [
                {
                    "escalation": w.escalation,
                    "trigger": w.trigger,
                    "party": w.party,
                    "quarter": str(w.quarter),
                    "message": w.message,
                }
                for w in self.escalation_warnings
            ],
            "late_since_last_close": [
                {"quarter": q, "id": rid, "path": path, "why": why}
                for q, rid, path, why in self.late_since_close
            ],
            "overdue": self.overdue_items,
        }


def status(
    rel: Relationship, today: dt.date, closes: Mapping[Quarter, dt.date] | None = None
) -> Status:
    """What needs attention on `today` in a loaded, valid repository (`closes`: the day each
    closed quarter was signed off, from its close commit)."""
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
        every,
        last,
        days_since,
        _missed_check_ins(charter.effective, check_ins, today, fsm, every),
        since + dt.timedelta(days=every),
    )

    states = commitment_states(rel, today)
    # A commitment already recorded as missed (or withdrawn late) is settled history, counted in
    # the rates; "needs attention" is what nobody has answered for yet.
    overdue = tuple(s for s in states if s.status == "overdue")
    soon_limit = today + dt.timedelta(days=DUE_SOON_DAYS)
    due_soon = tuple(s for s in states if s.status == "open" and s.effective_due <= soon_limit)

    last_quarter = last_completed_quarter(today, fsm)
    closes = dict(closes or {})
    unmeasured: tuple[str, ...] = ()
    awaiting: tuple[str, ...] = ()
    measure_by = None
    if is_scored(last_quarter, charter):
        statuses = kpi_statuses(rel, last_quarter, today=today, closed_on=closes.get(last_quarter))
        unmeasured = tuple(k.kpi.id for k in statuses if k.value is None and not k.awaiting)
        awaiting = tuple(k.kpi.id for k in statuses if k.awaiting)
        measure_by = grace_end(last_quarter, charter, closes.get(last_quarter))
    triggers, warnings = _triggers(rel, today, closes)
    close_days = sorted(closes.values())
    failing = tuple(
        t for t in triggers if t.missed(today) and not any(d > t.respond_by for d in close_days)
    )

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
        awaiting,
        measure_by,
        warnings,
        failing,
    )


def unanswered_triggers(
    rel: Relationship, today: dt.date, closes: Mapping[Quarter, dt.date] | None = None
) -> tuple[FiredTrigger, ...]:
    """Every quarter's fired triggers that no escalation has answered or acknowledged, oldest
    first: what guided `jw add escalation` offers to answer."""
    return _triggers(rel, today, dict(closes or {}))[0]


def _triggers(
    rel: Relationship, today: dt.date, closes: Mapping[Quarter, dt.date]
) -> tuple[tuple[FiredTrigger, ...], tuple[EscalationWarning, ...]]:
    """Every quarter's fired triggers that no escalation has answered or acknowledged, and the
    escalations naming a trigger that neither fired nor is at risk where they point."""
    from jwcli.analysis.scoring import score_quarter

    idx = index_of(rel)
    charter = idx.charter
    fsm = charter.fiscal_year_start
    first = first_scored_quarter(charter)
    current = Quarter.of(today, fsm)
    unanswered: list[FiredTrigger] = []
    named: set[tuple[str, str, Quarter]] = set()  # (trigger, party, quarter) fired or at risk
    quarter = first
    while quarter <= current:
        card = score_quarter(rel, quarter, today, closes)
        for t in card.triggers:
            named.add((t.trigger, t.party, quarter))
            if not t.provisional and t.answered_by is None and t.acknowledged_by is None:
                unanswered.append(t)
        quarter = quarter.next()
    warnings = []
    for step in idx.escalations:
        if step.taken_on > today or not step.triggers:
            continue
        about = trig.step_quarter(step, charter, closes)
        for trigger_id in step.triggers:
            # one meeting may take different steps of the ladder for different parties: a
            # trigger is named by mistake only when it fired for none of the parties listed
            if not any((trigger_id, party, about) in named for party in step.parties):
                who = ", ".join(step.parties)
                warnings.append(EscalationWarning(step.id, trigger_id, who, about))
    return tuple(unanswered), tuple(warnings)


def _missed_check_ins(
    effective: dt.date, held: list[dt.date], today: dt.date, fsm: int, every: int
) -> int:
    """Check-ins missed this quarter: after each check-in (or `effective`, before the first),
    one falls due every `every` days until the next is held (or today); each that fell due in
    this quarter, before the next was held, was missed (a 45-day gap at a 14-day cadence
    misses three)."""
    start = Quarter.of(today, fsm).start(fsm)
    points = [effective, *(d for d in held if d >= effective), today]
    missed = 0
    for before, after in itertools.pairwise(points):
        # due dates before + k * every, k >= 1, with start <= due < after
        first = max(1, -(-(start - before).days // every))
        last = ((after - before).days - 1) // every
        missed += max(0, last - first + 1)
    return missed


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
