"""baselines.yaml: cost baselines before sharing, market analysis, targets and project budgets."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from jwcli.model.charter import SavingsMilestoneLike, target_in_force
from jwcli.model.common import Date, Money, Number, Slug, Strict, Text, empty_list
from jwcli.quarters import Quarter


class BaselineCost(Strict):
    service: Slug
    party: Slug
    annual: Money
    as_of: Date
    basis: Text
    breakdown: dict[str, Money] | None = None
    notes: str | None = None


class MarketPrice(Strict):
    service: Slug
    annual: Money
    source: Text
    date: Date
    notes: str | None = None


class SavingsMilestone(SavingsMilestoneLike):
    rate: Annotated[Number, Field(gt=0, le=1)]


class SavingsTarget(Strict):
    service: Slug
    rate: Annotated[Number, Field(gt=0, le=1)]
    by: Date
    milestones: list[SavingsMilestone] = empty_list()
    notes: str | None = None

    def rate_for(self, quarter: Quarter) -> tuple[Decimal, str | None]:
        """The rate in force for `quarter` and the milestone `by` it comes from (or None)."""
        value, by = target_in_force(list(self.milestones), self.rate, quarter)
        assert isinstance(value, Decimal | int)
        return Decimal(value), by


class Budget(Strict):
    project: Slug
    service: Slug
    owner: Slug
    budget: Money
    tolerance: Annotated[Number, Field(ge=0)]
    start: Date
    end: Date
    notes: str | None = None


class Baselines(Strict):
    costs: list[BaselineCost] = empty_list()
    market: list[MarketPrice] = empty_list()
    savings_targets: list[SavingsTarget] = empty_list()
    budgets: list[Budget] = empty_list()
    notes: str | None = None
