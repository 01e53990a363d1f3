"""Result models of scoring: one behaviour, one party, the whole scorecard of a quarter.

Values are kept exact (`Fraction`); the reported figures (rounded half-up to 2 decimals, rates to
4) are computed by the properties below, and `to_json()` gives the document of
`jw score --format json` (shared/spec/commands.md) with exactly its keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

Rag = Literal["green", "amber", "red"]
Trend = Literal["up", "down", "level"]
ComponentName = Literal["indicator", "observations", "peer_rating"]
COMPONENTS: tuple[ComponentName, ...] = ("indicator", "observations", "peer_rating")
COST_PARTS = ("savings_progress", "budget_adherence")


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round exactly, half away from zero (ROUND_HALF_UP), to `places` decimals."""
    exact = Fraction(value)
    numerator, denominator = abs(exact.numerator) * 10**places, exact.denominator
    # floor(n/d + 1/2) in integers: (2n + d) // 2d
    units = (2 * numerator + denominator) // (2 * denominator)
    if exact < 0:
        units = -units
    return Decimal(units).scaleb(-places)


def score2(value: Fraction | None) -> Decimal | None:
    """A score as reported and judged: 2 decimals."""
    return None if value is None else round_half_up(value, 2)


def rate4(value: Fraction | None) -> Decimal | None:
    """A rate as reported and judged: 4 decimals."""
    return None if value is None else round_half_up(value, 4)


def json_number(value: Decimal | int | None) -> float | int | None:
    """A reported figure as a JSON number: integers stay integers, decimals keep their digits.

    The Decimal has already been rounded to 2 or 4 places, so the shortest float repr prints
    exactly those digits (3.41 stays 3.41); no arithmetic is done on the float.
    """
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if value == value.to_integral_value() and value.as_tuple().exponent == 0:
        return int(value)
    return float(value)


@dataclass(frozen=True, slots=True)
class RatingRef:
    """One rating in `assessments/<quarter>/<assessor>.yaml`."""

    assessor: str
    party: str
    behaviour: str
    rating: int
    evidence: tuple[str, ...]
    path: str

    @property
    def label(self) -> str:
        return f"{self.assessor}→{self.party}:{self.behaviour}"


@dataclass(frozen=True, slots=True)
class Component:
    """One of the three components of a behaviour score, present only when it has data.

    `value` is on the 1–5 scale; `inputs` are the figures it was computed from, in order, and
    `formula` says how (both for `--explain` and the review pack).
    """

    name: ComponentName
    value: Fraction
    records: tuple[str, ...] = ()
    ratings: tuple[RatingRef, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()
    formula: str = ""

    @property
    def reported(self) -> Decimal:
        return round_half_up(self.value, 2)


@dataclass(frozen=True, slots=True)
class BehaviourScore:
    id: str
    title: str
    score: Fraction | None
    rag: Rag | None
    trend: Trend | None
    components: dict[str, Component | None]
    indicator_x: Fraction | None
    records: tuple[str, ...]
    ratings: tuple[RatingRef, ...]
    confidence: int
    parts: dict[str, Fraction | None] = field(default_factory=dict)  # cost-optimisation only
    previous: Fraction | None = None  # the previous quarter's exact score, behind `trend`
    note: str = ""  # why the indicator is absent, when that is worth saying

    @property
    def reported(self) -> Decimal | None:
        return score2(self.score)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "score": json_number(self.reported),
            "rag": self.rag,
            "trend": self.trend,
            "components": {
                name: json_number(c.reported if c is not None else None)
                for name, c in ((n, self.components.get(n)) for n in COMPONENTS)
            },
            "indicator_x": json_number(rate4(self.indicator_x)),
            "records": list(self.records),
            "confidence": self.confidence,
        }
        if self.id == "cost-optimisation":
            for part in COST_PARTS:
                data[part] = json_number(rate4(self.parts.get(part)))
        return data


@dataclass(frozen=True, slots=True)
class PartyScore:
    party: str
    name: str
    overall: Fraction | None
    overall_rag: Rag | None
    behaviours: tuple[BehaviourScore, ...]
    # records about the party in the quarter that scoring left out, and why (for --explain)
    left_out: tuple[tuple[str, str], ...] = ()

    @property
    def reported(self) -> Decimal | None:
        return score2(self.overall)

    def behaviour(self, behaviour_id: str) -> BehaviourScore:
        return next(b for b in self.behaviours if b.id == behaviour_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "name": self.name,
            "overall": json_number(self.reported),
            "overall_rag": self.overall_rag,
            "behaviours": [b.to_json() for b in self.behaviours],
        }


@dataclass(frozen=True, slots=True)
class AlignmentFlag:
    """A party and behaviour where the ratings disagree: wide spread or a large self gap."""

    party: str
    behaviour: str
    spread: int | None  # max - min of the peer ratings (two or more)
    self_gap: Fraction | None  # self-rating minus the mean of the peer ratings
    peer_ratings: tuple[int, ...]
    self_rating: int | None

    @property
    def misaligned(self) -> bool:
        return self.spread is not None and self.spread >= 2

    @property
    def gap_flagged(self) -> bool:
        gap = score2(self.self_gap)
        return gap is not None and (gap >= Decimal("1.5") or gap <= Decimal("-1.5"))

    @property
    def flagged(self) -> bool:
        return self.misaligned or self.gap_flagged

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "behaviour": self.behaviour,
            "spread": self.spread,
            "self_gap": json_number(score2(self.self_gap)),
        }


@dataclass(frozen=True, slots=True)
class FiredTrigger:
    """A charter trigger whose condition held for a party, with the ladder step it calls for."""

    trigger: str
    party: str
    metric: str
    value: Decimal | int  # the reported figure that was compared
    comparison: Literal["below", "above"]
    threshold: Decimal
    for_quarters: int
    level: int
    name: str
    action: str
    behaviours: tuple[str, ...] | None  # behaviour-score only
    respond_by: dt.date
    answered_by: str | None
    # at risk only: its quarter is unfinished, so it does not count as fired (lifecycle.md)
    provisional: bool = False
    # an escalation naming it after its respond-by: acknowledged, but still unanswered
    acknowledged_by: str | None = None
    quarter: str = ""  # the quarter it fired for

    def missed(self, today: dt.date) -> bool:
        """Its respond-by passed with no answer (an acknowledgement does not answer it)."""
        return not self.provisional and self.answered_by is None and self.respond_by < today

    def to_json(self) -> dict[str, Any]:
        return {
            "trigger": self.trigger,
            "party": self.party,
            "metric": self.metric,
            "value": json_number(self.value),
            "level": self.level,
            "name": self.name,
            "action": self.action,
            "behaviours": list(self.behaviours) if self.behaviours is not None else None,
            "threshold": json_number(self.threshold),
            "respond_by": self.respond_by.isoformat(),
            "answered_by": self.answered_by,
            # named after its respond-by: the step was taken, late (scoring counts it unanswered)
            "acknowledged_by": self.acknowledged_by,
            "provisional": self.provisional,
        }


@dataclass(frozen=True, slots=True)
class Scorecard:
    relationship: str
    quarter: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    scored: bool  # False for a quarter ending before the charter's `effective` date
    health: Fraction | None
    health_rag: Rag | None
    parties: tuple[PartyScore, ...]
    alignment: tuple[AlignmentFlag, ...]  # flagged entries only
    triggers: tuple[FiredTrigger, ...]
    # the quarter is unfinished on the date the data is evaluated as of (lifecycle.md)
    provisional: bool = False
    today: dt.date | None = None  # the date the data was evaluated as of (not in the JSON)

    @property
    def fired(self) -> tuple[FiredTrigger, ...]:
        """The triggers that count as fired: not those only at risk in an unfinished quarter."""
        return tuple(t for t in self.triggers if not t.provisional)

    @property
    def reported_health(self) -> Decimal | None:
        return score2(self.health)

    def party(self, party_id: str) -> PartyScore:
        return next(p for p in self.parties if p.party == party_id)

    def for_party(self, party_id: str) -> Scorecard:
        """The same scorecard narrowed to one party; `health` stays the whole relationship's."""
        return Scorecard(
            relationship=self.relationship,
            quarter=self.quarter,
            start=self.start,
            end=self.end,
            as_of=self.as_of,
            scored=self.scored,
            health=self.health,
            health_rag=self.health_rag,
            parties=tuple(p for p in self.parties if p.party == party_id),
            alignment=tuple(a for a in self.alignment if a.party == party_id),
            triggers=tuple(t for t in self.triggers if t.party == party_id),
            provisional=self.provisional,
            today=self.today,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "relationship": self.relationship,
            "quarter": self.quarter,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "provisional": self.provisional,
            "health": json_number(self.reported_health),
            "health_rag": self.health_rag,
            "parties": [p.to_json() for p in self.parties],
            "alignment": [a.to_json() for a in self.alignment],
            "triggers": [t.to_json() for t in self.triggers],
        }
