"""Costs against the baseline, project spend against budget, and the savings funnel.

Run costs are `cost` records naming no `project`, compared with a quarter of the annual baseline;
project costs are compared with the project's budget and tolerance, never with the baseline.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from jwcli.analysis.index import RelIndex, index_of
from jwcli.model.baselines import Budget
from jwcli.model.relationship import Relationship
from jwcli.quarters import Quarter

SavingStage = Literal["identified", "agreed", "implemented", "realised"]
STAGES: tuple[SavingStage, ...] = ("identified", "agreed", "implemented", "realised")


@dataclass(frozen=True, slots=True)
class RunCost:
    """One party's run cost of one service it consumes, in one quarter, against its baseline.

    saving_rate = (baseline/4 - actual) / (baseline/4); progress = saving_rate / target rate,
    clamped to [0, 1]. Each is None when its inputs are missing.
    """

    service: str
    party: str
    quarter: Quarter
    baseline_annual: Decimal | None
    actual: Decimal | None  # sum of the party's run-cost records for the quarter
    records: tuple[str, ...]
    target_rate: Decimal | None  # the rate in force for the quarter (a milestone's, or the final)
    target_by: str | None = None  # the milestone's `by` when a milestone is in force
    # The derived figures are read several times per cost by scoring (progress, then the trigger
    # metric's rate) and each is a chain of Fraction divisions: worked out once, on creation.
    _base: Fraction | None = field(init=False, repr=False, compare=False)
    _saving: Fraction | None = field(init=False, repr=False, compare=False)
    _rate: Fraction | None = field(init=False, repr=False, compare=False)
    _progress: Fraction | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        base = None if self.baseline_annual is None else Fraction(self.baseline_annual) / 4
        saving = None if base is None or self.actual is None else base - Fraction(self.actual)
        rate = None if base is None or saving is None or base == 0 else saving / base
        object.__setattr__(self, "_base", base)
        object.__setattr__(self, "_saving", saving)
        object.__setattr__(self, "_rate", rate)
        progress = None
        if rate is not None and self.target_rate:  # a zero target raises on reading, as ever
            progress = min(Fraction(1), max(Fraction(0), rate / Fraction(self.target_rate)))
        object.__setattr__(self, "_progress", progress)

    @property
    def baseline_quarter(self) -> Fraction | None:
        return self._base

    @property
    def saving(self) -> Fraction | None:
        """Baseline/4 minus actual: what was saved this quarter (negative: it cost more)."""
        return self._saving

    @property
    def saving_rate(self) -> Fraction | None:
        return self._rate

    @property
    def progress(self) -> Fraction | None:
        if self._progress is not None or self._rate is None or self.target_rate is None:
            return self._progress
        return min(Fraction(1), max(Fraction(0), self._rate / Fraction(self.target_rate)))


def _run_cost(idx: RelIndex, service: str, party: str, quarter: Quarter) -> RunCost:
    baseline = idx.baseline_annual.get((service, party))
    target, by = idx.target_rate(service, quarter)
    costs = idx.run_costs.get((party, service, quarter), [])
    actual = sum((c.amount for _, c in costs), Decimal(0)) if costs else None
    return RunCost(
        service, party, quarter, baseline, actual, tuple(r for r, _ in costs), target, by
    )


def run_costs(rel: Relationship, quarter: Quarter, party: str | None = None) -> list[RunCost]:
    """Every (service, client party) pair of the charter in one quarter, in charter order."""
    idx = index_of(rel)
    return [
        _run_cost(idx, service.id, client, quarter)
        for service in idx.charter.services
        for client in service.clients
        if party is None or client == party
    ]


def savings_progress(costs: list[RunCost]) -> Fraction | None:
    """Mean progress over the services with a baseline, a target and costs; None if none has."""
    values = [c.progress for c in costs if c.progress is not None]
    return sum(values, Fraction(0)) / len(values) if values else None


def raw_savings_rate(costs: list[RunCost]) -> Fraction | None:
    """Mean saving rate (not divided by the target, not clamped) over services with data."""
    values = [c.saving_rate for c in costs if c.saving_rate is not None]
    return sum(values, Fraction(0)) / len(values) if values else None


@dataclass(frozen=True, slots=True)
class ProjectSpend:
    """A project's spend to date (every cost naming it, up to and including the quarter)."""

    budget: Budget
    quarter: Quarter
    active: bool  # its start-end overlaps the quarter
    spend: Decimal
    records: tuple[str, ...]

    @property
    def project(self) -> str:
        return self.budget.project

    @property
    def has_spend(self) -> bool:
        return bool(self.records)

    @property
    def limit(self) -> Fraction:
        """budget × (1 + tolerance): spend up to this is within budget."""
        return Fraction(self.budget.budget) * (1 + Fraction(self.budget.tolerance))

    @property
    def within(self) -> bool:
        return Fraction(self.spend) <= self.limit

    @property
    def overrun(self) -> Fraction | None:
        """spend / budget - 1 - tolerance: above 0 is beyond tolerance; None for a zero budget."""
        if self.budget.budget == 0:
            return None
        return (
            Fraction(self.spend) / Fraction(self.budget.budget)
            - 1
            - Fraction(self.budget.tolerance)
        )


def project_spend(
    rel: Relationship, quarter: Quarter, owner: str | None = None
) -> list[ProjectSpend]:
    """Every budgeted project (owned by `owner`, when given) with its spend to date."""
    idx = index_of(rel)
    start, end = quarter.start(idx.fsm), quarter.end(idx.fsm)
    found = []
    for budget in idx.baselines.budgets:
        if owner is not None and budget.owner != owner:
            continue
        # sorted by period: the costs up to and including the quarter are a prefix
        upto = bisect_right(idx.project_periods.get(budget.project, ()), quarter)
        totals = idx.project_totals.get(budget.project, [])
        found.append(
            ProjectSpend(
                budget=budget,
                quarter=quarter,
                active=budget.start <= end and budget.end >= start,
                spend=totals[upto - 1] if upto else Decimal(0),
                records=tuple(idx.project_ids.get(budget.project, ())[:upto]),
            )
        )
    return found


def budget_adherence(projects: list[ProjectSpend]) -> Fraction | None:
    """Of the active projects with spend to date, the fraction within budget × (1 + tolerance)."""
    counted = [p for p in projects if p.active and p.has_spend]
    if not counted:
        return None
    return Fraction(sum(1 for p in counted if p.within), len(counted))


def budget_overrun(projects: list[ProjectSpend]) -> Fraction | None:
    """The largest overrun over the active projects with spend to date (the trigger metric)."""
    values = [p.overrun for p in projects if p.active and p.has_spend and p.overrun is not None]
    return max(values) if values else None


@dataclass(frozen=True, slots=True)
class SavingChain:
    """One saving followed through its stages: the newest record of the chain gives its stage."""

    id: str  # the newest record
    root: str  # the first record
    service: str
    party: str
    stage: SavingStage
    amount: Decimal
    one_off: bool
    date: dt.date
    chain: tuple[str, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class FunnelStage:
    stage: SavingStage
    chains: int
    annual: Decimal  # recurring savings (annual amounts)
    one_off: Decimal


@dataclass(frozen=True, slots=True)
class SavingsFunnel:
    as_of: dt.date
    chains: tuple[SavingChain, ...]
    stages: tuple[FunnelStage, ...]  # identified, agreed, implemented, realised
    by_service_party: dict[tuple[str, str], tuple[FunnelStage, ...]] = field(default_factory=dict)


def _stages(chains: list[SavingChain]) -> tuple[FunnelStage, ...]:
    out = []
    for stage in STAGES:
        at = [c for c in chains if c.stage == stage]
        out.append(
            FunnelStage(
                stage,
                len(at),
                sum((c.amount for c in at if not c.one_off), Decimal(0)),
                sum((c.amount for c in at if c.one_off), Decimal(0)),
            )
        )
    return tuple(out)


def saving_chains(rel: Relationship, as_of: dt.date) -> list[SavingChain]:
    """Each saving chain (records linked by `saving:`) at its latest stage known on `as_of`."""
    idx = index_of(rel)
    grouped: dict[str, list[str]] = defaultdict(list)
    for rid, saving in idx.savings.items():
        if saving.date <= as_of:
            grouped[idx.saving_root[rid]].append(rid)
    chains = []
    for root, ids in grouped.items():
        ids.sort(key=lambda i: (idx.savings[i].date, i))
        newest = idx.savings[ids[-1]]
        chains.append(
            SavingChain(
                id=ids[-1],
                root=root,
                service=newest.service,
                party=newest.party,
                stage=newest.stage,
                amount=newest.amount,
                one_off=newest.one_off,
                date=newest.date,
                chain=tuple(ids),
            )
        )
    chains.sort(key=lambda c: (c.service, c.party, c.root))
    return chains


def savings_funnel(rel: Relationship, as_of: dt.date) -> SavingsFunnel:
    """Totals per stage (only `realised` counts as achieved), overall and per service and party."""
    chains = saving_chains(rel, as_of)
    by_pair: dict[tuple[str, str], list[SavingChain]] = defaultdict(list)
    for c in chains:
        by_pair[(c.service, c.party)].append(c)
    return SavingsFunnel(
        as_of=as_of,
        chains=tuple(chains),
        stages=_stages(chains),
        by_service_party={pair: _stages(cs) for pair, cs in sorted(by_pair.items())},
    )


@dataclass(frozen=True, slots=True)
class MarketComparison:
    """A service's baselines summed over its clients, against what the market would charge."""

    service: str
    baseline_annual: Decimal  # sum of the clients' baselines
    market_annual: Decimal | None
    market_source: str | None


def market_comparison(rel: Relationship) -> list[MarketComparison]:
    idx = index_of(rel)
    out = []
    for service in idx.charter.services:
        baseline = sum(
            (c.annual for c in idx.baselines.costs if c.service == service.id), Decimal(0)
        )
        market = next((m for m in idx.baselines.market if m.service == service.id), None)
        out.append(
            MarketComparison(
                service.id,
                baseline,
                market.annual if market else None,
                market.source if market else None,
            )
        )
    return out
