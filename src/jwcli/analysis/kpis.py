"""KPI values per quarter and their RAG against the target in force for the quarter (scoring.md).

A KPI is measured after its quarter ends: until the quarter's measurement grace ends, a KPI with
no measurement is *awaiting* (left out of attainment and of the red count), not red.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from jwcli.analysis.index import RelIndex, index_of
from jwcli.analysis.quarters import awaiting_measurement, last_quarters
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
    """A KPI in one quarter: its value (None when unmeasured), RAG and the target it is judged
    against (a milestone's, when one is in force: `target_by` names it)."""

    kpi: Kpi
    quarter: Quarter
    value: Decimal | None
    rag: Rag | None  # None when unmeasured
    measurement: str | None  # id of the measurement that gave the value
    target: Decimal | None = None  # the target in force for the quarter
    target_by: str | None = None  # the milestone's `by` when a milestone is in force
    awaiting: bool = False  # unmeasured while the quarter's measurement grace runs

    @property
    def red_or_unmeasured(self) -> bool:
        return not self.awaiting and self.rag in ("red", None)

    @property
    def target_text(self) -> str:
        """Which target the RAG is judged against: "milestone 2026-Q2: 75" or "target 80"."""
        target = self.kpi.target if self.target is None else self.target
        if self.target_by is not None:
            return f"milestone {self.target_by}: {target}"
        return f"target {target}"


def kpi_rag(kpi: Kpi, value: Decimal, quarter: Quarter | None = None) -> Rag:
    """Green on the right side of the target in force for `quarter` (the final target when no
    quarter is given), amber within `amber_within` of it, else red."""
    target = kpi.target if quarter is None else kpi.target_for(quarter)[0]
    if kpi.direction == "higher":
        if value >= target:
            return "green"
        return "amber" if value >= target - kpi.amber_within else "red"
    if value <= target:
        return "green"
    return "amber" if value <= target + kpi.amber_within else "red"


def _status(
    idx: RelIndex,
    kpi: Kpi,
    quarter: Quarter,
    today: dt.date | None = None,
    closed_on: dt.date | None = None,
) -> KpiStatus:
    target, by = kpi.target_for(quarter)
    found = idx.measurements.get((kpi.id, quarter))
    if not found:
        awaiting = today is not None and awaiting_measurement(
            quarter, idx.charter, today, closed_on
        )
        return KpiStatus(kpi, quarter, None, None, None, target, by, awaiting)
    _, rid, measurement = found[-1]  # sorted by (date, id): the latest-dated one counts
    rag = kpi_rag(kpi, measurement.value, quarter)
    return KpiStatus(kpi, quarter, measurement.value, rag, rid, target, by)


def kpi_status(
    rel: Relationship,
    kpi_id: str,
    quarter: Quarter,
    today: dt.date | None = None,
    closed_on: dt.date | None = None,
) -> KpiStatus:
    """One KPI's value for a quarter: its measurement for that period with the latest `date`.

    With `today`, an unmeasured KPI whose grace has not ended is marked awaiting."""
    idx = index_of(rel)
    kpi = next(k for k in idx.charter.kpis if k.id == kpi_id)
    return _status(idx, kpi, quarter, today, closed_on)


def kpi_statuses(
    rel: Relationship,
    quarter: Quarter,
    owner: str | None = None,
    today: dt.date | None = None,
    closed_on: dt.date | None = None,
) -> list[KpiStatus]:
    """Every charter KPI (owned by `owner`, when given) in one quarter, in charter order."""
    idx = index_of(rel)
    return [
        _status(idx, k, quarter, today, closed_on)
        for k in idx.charter.kpis
        if owner is None or k.owner == owner
    ]


def kpi_series(
    rel: Relationship,
    kpi_id: str,
    quarter: Quarter,
    count: int = 8,
    today: dt.date | None = None,
) -> list[KpiStatus]:
    """One KPI over `count` quarters ending with `quarter`, oldest first (for trend charts)."""
    idx = index_of(rel)
    kpi = next(k for k in idx.charter.kpis if k.id == kpi_id)
    return [_status(idx, kpi, q, today) for q in last_quarters(quarter, count)]


def kpi_attainment(statuses: list[KpiStatus]) -> Fraction | None:
    """Green 1, amber 0.5, red or unmeasured 0, averaged over the KPIs not awaiting their
    measurement; None when there are none (no KPIs, or every one awaiting)."""
    judged = [s for s in statuses if not s.awaiting]
    if not judged:
        return None
    return sum((ATTAINMENT[s.rag] for s in judged), Fraction(0)) / len(judged)
