"""charter.yaml: the Relationship Charter (shared/spec/data-format.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from jwcli.model.common import (
    MAX_DAYS,
    MAX_FOR_QUARTERS,
    MAX_LEVEL,
    MAX_VERSION,
    Currency,
    Date,
    Number,
    QuarterLabel,
    Slug,
    Strict,
    Text,
    empty_list,
)
from jwcli.quarters import Quarter

TriggerMetric = Literal[
    "on-time-rate",
    "behaviour-score",
    "overall-score",
    "kpi-red-count",
    "budget-overrun",
    "savings-rate",
    "rating-spread",
    "unevidenced-claims",
]


class Party(Strict):
    id: Slug
    name: Text
    role: Literal["client", "supplier", "partner"]
    lead: str | None = None
    # Membership (lifecycle.md): no `joined` = a founding party, a member from the start;
    # `left` is the last day of membership.
    joined: Date | None = None
    left: Date | None = None
    notes: str | None = None

    def member_on(self, day: dt.date) -> bool:
        return (self.joined is None or self.joined <= day) and (
            self.left is None or day <= self.left
        )

    def member_during(self, start: dt.date, end: dt.date) -> bool:
        """Whether membership overlaps the days `start`..`end` (a quarter, a period)."""
        return (self.joined is None or self.joined <= end) and (
            self.left is None or start <= self.left
        )


class Service(Strict):
    id: Slug
    name: Text
    provider: Slug
    clients: list[Slug] = empty_list()
    notes: str | None = None


class Objective(Strict):
    id: Slug
    statement: Text
    business_objective: Text
    owner: Slug
    due: Date | None = None
    notes: str | None = None


class KpiMilestone(Strict):
    by: QuarterLabel
    target: Number


def target_in_force(
    milestones: Sequence[KpiMilestone | SavingsMilestoneLike], final: object, quarter: Quarter
) -> tuple[object, str | None]:
    """The milestone in force for `quarter` and its `by` label, else (`final`, None).

    A milestone is in force from the quarter after the previous milestone's `by` (or from the
    start) through its own `by` (lifecycle.md, "Milestones")."""
    for milestone in sorted(milestones, key=lambda m: m.by):
        by = Quarter.from_label(str(milestone.by))
        if by is not None and quarter <= by:
            value = milestone.target if isinstance(milestone, KpiMilestone) else milestone.rate
            return value, str(milestone.by)
    return final, None


class SavingsMilestoneLike(Strict):
    """The shape shared with baselines' savings milestones (`by`, `rate`)."""

    by: QuarterLabel
    rate: Number


class Kpi(Strict):
    id: Slug
    name: Text
    objective: Slug | None = None
    owner: Slug
    unit: Text
    direction: Literal["higher", "lower"]
    baseline: Number | None = None
    target: Number
    amber_within: Annotated[Number, Field(ge=0)] = Decimal(0)
    due: Date | None = None
    milestones: list[KpiMilestone] = empty_list()
    notes: str | None = None

    def target_for(self, quarter: Quarter) -> tuple[Decimal, str | None]:
        """The target in force for `quarter` and the milestone `by` it comes from (or None)."""
        value, by = target_in_force(self.milestones, self.target, quarter)
        assert isinstance(value, Decimal | int)
        return Decimal(value), by


class Governance(Strict):
    check_in_every_days: Annotated[int, Field(ge=1, le=MAX_DAYS)] = 14
    quarterly_review: bool = True
    review_within_days: Annotated[int, Field(ge=0, le=MAX_DAYS)] = 30
    pack_due_days_before: Annotated[int, Field(ge=0, le=MAX_DAYS)] = 5
    # KPIs are measured after their quarter ends: until this many days after its last day (or
    # its close, if earlier) an unmeasured KPI is awaiting measurement, not 0 (lifecycle.md).
    measurement_grace_days: Annotated[int, Field(ge=0, le=366)] = 30
    require_signed_commits: bool = False


class Weights(Strict):
    indicator: Annotated[Number, Field(ge=0)] = Decimal(1)
    observations: Annotated[Number, Field(ge=0)] = Decimal(1)
    peer_rating: Annotated[Number, Field(ge=0)] = Decimal(1)


class Scoring(Strict):
    green_at: Number = Decimal("3.5")
    amber_at: Number = Decimal("2.5")
    weights: Weights = Weights()
    innovation_target_per_quarter: Annotated[Number, Field(ge=0)] = Decimal(1)


class Level(Strict):
    level: Annotated[int, Field(ge=1, le=MAX_LEVEL)]
    name: Text
    respond_within_days: Annotated[int, Field(ge=0, le=MAX_DAYS)]
    action: Text


class Trigger(Strict):
    id: Slug
    metric: TriggerMetric
    below: Number | None = None
    above: Number | None = None
    for_quarters: Annotated[int, Field(ge=1, le=MAX_FOR_QUARTERS)] = 1
    level: Annotated[int, Field(ge=1, le=MAX_LEVEL)]
    notes: str | None = None


class Escalation(Strict):
    levels: list[Level] = empty_list()
    triggers: list[Trigger] = empty_list()


class Charter(Strict):
    relationship: Text
    version: Annotated[int, Field(ge=1, le=MAX_VERSION)]
    effective: Date
    fiscal_year_start: Annotated[int, Field(ge=1, le=12)] = 1
    currency: Currency
    parties: Annotated[list[Party], Field(min_length=1)]
    services: list[Service] = empty_list()
    objectives: list[Objective] = empty_list()
    kpis: list[Kpi] = empty_list()
    governance: Governance = Governance()
    scoring: Scoring = Scoring()
    escalation: Escalation = Escalation()
    notes: str | None = None

    def party_ids(self) -> list[str]:
        return [p.id for p in self.parties]

    def level(self, number: int) -> Level | None:
        return next((lv for lv in self.escalation.levels if lv.level == number), None)
