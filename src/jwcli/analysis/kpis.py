"""KPI values per quarter and their RAG against the charter's target (scoring.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from jwcli.analysis.index import RelIndex, index_of
from jwcli.analysis.quarters import last_quarters
from jwcli.model.charter import Kpi
from jwcli.model.relationship import Relationship
from jwcli.model.scores import Rag
from jwcli.quarters import Quarter

ATTAINMENT: dict[str | None, Fraction] = {
    "green": Fraction(1),
    "amber": Fraction(1, 2),
    "red": Fraction(0),
    None: Fraction(0),  # unmeasured: untested is not aligned
}


@dataclass(frozen=True, slots=True)
class KpiStatus:
    """A KPI in one quarter: its value (None when unmeasured) and RAG."""

    kpi: Kpi
    quarter: Quarter
    value: Decimal | None
    rag: Rag | None  # None when unmeasured
    measurement: str | None  # id of the measurement that gave the value

    @property
    def red_or_unmeasured(self) -> bool:
        return self.rag in ("red", None)


def kpi_rag(kpi: Kpi, value: Decimal) -> Rag:
    """Green on the right side of the target, amber within `amber_within` of it, else red."""
    if kpi.direction == "higher":
        if value >= kpi.target:
            return "green"
        return "amber" if value >= kpi.target - kpi.amber_within else "red"
    if value <= kpi.target:
        return "green"
    return "amber" if value <= kpi.target + kpi.amber_within else "red"


def _status(idx: RelIndex, kpi: Kpi, quarter: Quarter) -> KpiStatus:
    found = idx.measurements.get((kpi.id, quarter))
    if not found:
        return KpiStatus(kpi, quarter, None, None, None)
    _, rid, measurement = found[-1]  # sorted by (date, id): the latest-dated one counts
    return KpiStatus(kpi, quarter, measurement.value, kpi_rag(kpi, measurement.value), rid)


def kpi_status(rel: Relationship, kpi_id: str, quarter: Quarter) -> KpiStatus:
    """One KPI's value for a quarter: its measurement for that period with the latest `date`."""
    idx = index_of(rel)
    kpi = next(k for k in idx.charter.kpis if k.id == kpi_id)
    return _status(idx, kpi, quarter)


def kpi_statuses(rel: Relationship, quarter: Quarter, owner: str | None = None) -> list[KpiStatus]:
    """Every charter KPI (owned by `owner`, when given) in one quarter, in charter order."""
    idx = index_of(rel)
    return [_status(idx, k, quarter) for k in idx.charter.kpis if owner is None or k.owner == owner]


def kpi_series(rel: Relationship, kpi_id: str, quarter: Quarter, count: int = 8) -> list[KpiStatus]:
    """One KPI over `count` quarters ending with `quarter`, oldest first (for trend charts)."""
    idx = index_of(rel)
    kpi = next(k for k in idx.charter.kpis if k.id == kpi_id)
    return [_status(idx, kpi, q) for q in last_quarters(quarter, count)]


def kpi_attainment(statuses: list[KpiStatus]) -> Fraction | None:
    """Green 1, amber 0.5, red or unmeasured 0, averaged; None when there are no KPIs."""
    if not statuses:
        return None
    return sum((ATTAINMENT[s.rag] for s in statuses), Fraction(0)) / len(statuses)
