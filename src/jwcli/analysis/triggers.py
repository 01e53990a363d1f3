"""The charter's escalation triggers: metric values, firing over consecutive quarters, answers.

A trigger compares one metric of one party with exactly one of `below`/`above`, strictly, using
the reported (rounded) figure. It fires when the condition held in each of `for_quarters`
consecutive quarters ending with the one scored; a missing value, or a quarter before the
charter's `effective` date, breaks the run. `behaviour-score` holds in a quarter when any
behaviour's score meets the condition, and names the behaviours that do in the scored quarter.

A fired trigger is answered only by an `escalation` step that names it (or a higher trigger on
the same metric), the party and the quarter (`quarter`, or its default), taken from the quarter's
first day to the trigger's respond-by (lifecycle.md, "Triggers and the escalations that answer
them"). A step naming no trigger answers nothing.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jwcli.analysis.index import EscalationStep
from jwcli.analysis.quarters import first_scored_quarter, grace_end
from jwcli.model.charter import Charter, Trigger
from jwcli.model.common import BEHAVIOURS
from jwcli.quarters import Quarter

# metrics that depend on KPI attainment: answered after the measurement grace, not the quarter
KPI_METRICS = frozenset({"kpi-red-count", "behaviour-score", "overall-score"})

Value = Decimal | int


@dataclass(frozen=True, slots=True)
class MetricValues:
    """One party's reported trigger metrics in one quarter; None where the value is missing."""

    on_time_rate: Decimal | None = None
    behaviour_scores: dict[str, Decimal] = field(default_factory=dict)
    overall_score: Decimal | None = None
    kpi_red_count: int | None = None
    budget_overrun: Decimal | None = None
    savings_rate: Decimal | None = None
    rating_spread: int | None = None
    unevidenced_claims: int | None = None

    def value(self, metric: str) -> Value | None:
        """The value of a single-valued metric (not `behaviour-score`)."""
        return {
            "on-time-rate": self.on_time_rate,
            "overall-score": self.overall_score,
            "kpi-red-count": self.kpi_red_count,
            "budget-overrun": self.budget_overrun,
            "savings-rate": self.savings_rate,
            "rating-spread": self.rating_spread,
            "unevidenced-claims": self.unevidenced_claims,
        }[metric]


@dataclass(frozen=True, slots=True)
class Condition:
    """Whether a trigger's condition held for one party in one quarter, and on what."""

    holds: bool
    value: Value | None
    behaviours: tuple[str, ...] | None = None


def threshold(trigger: Trigger) -> tuple[str, Decimal]:
    """("below", n) or ("above", n); validation guarantees exactly one is set."""
    if trigger.below is not None:
        return "below", trigger.below
    if trigger.above is None:
        raise ValueError(f"trigger {trigger.id} has neither `below` nor `above`")
    return "above", trigger.above


def _meets(value: Value, comparison: str, limit: Decimal) -> bool:
    return value < limit if comparison == "below" else value > limit


def condition(trigger: Trigger, values: MetricValues | None) -> Condition:
    """The trigger's condition for one party in one quarter (None: the quarter is not scored)."""
    if values is None:
        return Condition(False, None)
    comparison, limit = threshold(trigger)
    if trigger.metric == "behaviour-score":
        meeting = [
            (b, s) for b, s in values.behaviour_scores.items() if _meets(s, comparison, limit)
        ]
        if not meeting:
            return Condition(False, None)
        order = list(BEHAVIOURS)
        meeting.sort(key=lambda t: order.index(t[0]))
        pick = min if comparison == "below" else max
        return Condition(True, pick(s for _, s in meeting), tuple(b for b, _ in meeting))
    value = values.value(trigger.metric)
    if value is None:
        return Condition(False, None)
    return Condition(_meets(value, comparison, limit), value)


def fires(trigger: Trigger, history: Sequence[MetricValues | None]) -> Condition:
    """Whether the trigger fires in the last quarter of `history` (oldest first).

    The condition must hold in each of the last `for_quarters` entries; the result carries the
    value (and behaviours) of the last one.
    """
    if len(history) < trigger.for_quarters:
        return Condition(False, None)
    last = condition(trigger, history[-1])
    if not last.holds:
        return last
    for values in history[len(history) - trigger.for_quarters : -1]:
        if not condition(trigger, values).holds:
            return Condition(False, last.value, last.behaviours)
    return last


def respond_within(charter: Charter, level: int) -> int:
    found = charter.level(level)
    return found.respond_within_days if found is not None else 0


def respond_by(
    charter: Charter, trigger: Trigger, quarter: Quarter, closed_on: dt.date | None = None
) -> dt.date:
    """The last day an escalation answers the trigger fired in `quarter`: `respond_within_days`
    (of its level) after the quarter's last day, or, for metrics that depend on KPI attainment,
    after the end of the quarter's measurement grace (lifecycle.md)."""
    start = quarter.end(charter.fiscal_year_start)
    if trigger.metric in KPI_METRICS:
        start = grace_end(quarter, charter, closed_on)
    return start + dt.timedelta(days=respond_within(charter, trigger.level))


def step_quarter(
    step: EscalationStep, charter: Charter, closes: Mapping[Quarter, dt.date] | None = None
) -> Quarter:
    """The quarter an escalation is about: its `quarter`, else the quarter before the one of its
    date when that date is on or before the previous quarter's respond-by for the triggers it
    names (the latest of them), else its own date's quarter (lifecycle.md)."""
    if step.quarter is not None:
        return step.quarter
    return default_quarter(charter, step.taken_on, step.triggers, closes)


def default_quarter(
    charter: Charter,
    day: dt.date,
    trigger_ids: Sequence[str],
    closes: Mapping[Quarter, dt.date] | None = None,
) -> Quarter:
    """The quarter an escalation dated `day` naming `trigger_ids` is about when it does not say:
    the previous quarter while `day` is on or before that quarter's respond-by for the named
    triggers (the latest of them), else the quarter containing `day`. Never a quarter before the
    charter's first: nothing fires there, so nothing there could be answered."""
    own = Quarter.of(day, charter.fiscal_year_start)
    before = own.previous()
    named = [t for t in charter.escalation.triggers if t.id in trigger_ids]
    if named and before >= first_scored_quarter(charter):
        closed_on = closes.get(before) if closes else None
        latest = max(respond_by(charter, t, before, closed_on) for t in named)
        if day <= latest:
            return before
    return own


def answers(
    step: EscalationStep,
    party: str,
    trigger: Trigger,
    quarter: Quarter,
    charter: Charter,
    closes: Mapping[Quarter, dt.date] | None = None,
) -> bool:
    """Whether an escalation step answers `trigger` fired for `party` in `quarter`, by what it
    names: the party, the quarter, and the trigger itself or a trigger of a higher level on the
    same metric (climbing the ladder answers the steps below). Naming no trigger answers none."""
    if party not in step.parties or not step.triggers:
        return False
    if trigger.id not in step.triggers and not any(
        t.id in step.triggers and t.metric == trigger.metric and t.level > trigger.level
        for t in charter.escalation.triggers
    ):
        return False
    return step_quarter(step, charter, closes) == quarter


def answering_step(
    steps: Sequence[EscalationStep],
    party: str,
    trigger: Trigger,
    quarter: Quarter,
    charter: Charter,
    start: dt.date,
    until: dt.date,
    dates: Sequence[dt.date] | None = None,
    closes: Mapping[Quarter, dt.date] | None = None,
) -> EscalationStep | None:
    """The first escalation step taken from `start` to `until` (inclusive) answering the trigger
    fired for `party` in `quarter`.

    `steps` are sorted by `taken_on`; `dates` (their `taken_on`, when given) lets the search
    start at `start` instead of the first step.
    """
    first = bisect_left(dates, start) if dates is not None else 0
    for step in steps[first:]:
        if step.taken_on > until:
            break
        if step.taken_on >= start and answers(step, party, trigger, quarter, charter, closes):
            return step
    return None
