"""The charter's escalation triggers: metric values, firing over consecutive quarters, answers.

A trigger compares one metric of one party with exactly one of `below`/`above`, strictly, using
the reported (rounded) figure. It fires when the condition held in each of `for_quarters`
consecutive quarters ending with the one scored; a missing value, or a quarter before the
charter's `effective` date, breaks the run. `behaviour-score` holds in a quarter when any
behaviour's score meets the condition, and names the behaviours that do in the scored quarter.

A fired trigger is answered by an `escalation` step that names the party, names the trigger (or,
naming none, is at least the trigger's level), and was taken from the quarter's first day to
`respond_within_days` (of the trigger's level) after its last day.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jwcli.analysis.index import EscalationStep
from jwcli.model.charter import Charter, Trigger
from jwcli.model.common import BEHAVIOURS

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


def respond_by(charter: Charter, trigger: Trigger, quarter_end: dt.date) -> dt.date:
    """The last day an escalation answers the trigger fired in the quarter ending `quarter_end`."""
    return quarter_end + dt.timedelta(days=respond_within(charter, trigger.level))


def answers(step: EscalationStep, party: str, trigger: Trigger) -> bool:
    """Whether an escalation step is about this party and this trigger (by id, or by level)."""
    if party not in step.parties:
        return False
    if step.triggers:
        return trigger.id in step.triggers
    return step.level >= trigger.level


def answering_step(
    steps: Sequence[EscalationStep],
    party: str,
    trigger: Trigger,
    start: dt.date,
    until: dt.date,
    dates: Sequence[dt.date] | None = None,
) -> EscalationStep | None:
    """The first escalation step taken from `start` to `until` answering the trigger.

    `steps` are sorted by `taken_on`; `dates` (their `taken_on`, when given) lets the search
    start at `start` instead of the first step.
    """
    first = bisect_left(dates, start) if dates is not None else 0
    for step in steps[first:]:
        if step.taken_on > until:
            break
        if step.taken_on >= start and answers(step, party, trigger):
            return step
    return None
