"""baselines.yaml: cost baselines before sharing, market analysis, targets and project budgets."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from jwcli.model.common import Date, Money, Number, Slug, Strict, Text, empty_list


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


class SavingsTarget(Strict):
    service: Slug
    rate: Annotated[Number, Field(gt=0, le=1)]
    by: Date
    notes: str | None = None


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
