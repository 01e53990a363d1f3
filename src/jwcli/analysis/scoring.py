"""The ten behaviours scored per party per quarter (shared/spec/scoring.md), and the scorecard.

Each behaviour has up to three components on the 1-5 scale, each present only when it has data:
the indicator `1 + 4x` from a rate x computed from records, observations `3 + 2(p - n)/(p + n)`,
and the mean peer rating. The score is their weighted mean (charter `scoring.weights`).

Quarters depend on the one before: the trend compares with the previous score, the
flexible-charter indicator looks at the triggers fired in the previous quarter, and a trigger
with `for_quarters: n` looks back n quarters. So a quarter is scored after every quarter since
the charter's `effective` date; the engine keeps each result, so that costs one pass per quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import cast

from jwcli.analysis import triggers as trig
from jwcli.analysis.alignment import alignment as alignment_entries
from jwcli.analysis.commitments import due_between, on_time_rate, tally
from jwcli.analysis.costs import (
    ProjectSpend,
    RunCost,
    budget_adherence,
    budget_overrun,
    project_spend,
    raw_savings_rate,
    run_costs,
    savings_progress,
)
from jwcli.analysis.index import RelIndex, gc_paused, index_of
from jwcli.analysis.kpis import ATTAINMENT, KpiStatus, kpi_attainment, kpi_statuses
from jwcli.analysis.quarters import (
    Period,
    current_quarter,
    first_scored_quarter,
    grace_end,
    is_finished,
    is_scored,
    last_completed_quarter,
    last_quarters,
    period,
)
from jwcli.model.common import BEHAVIOURS
from jwcli.model.relationship import Relationship
from jwcli.model.scores import (
    AlignmentFlag,
    BehaviourScore,
    Component,
    FiredTrigger,
    PartyScore,
    Rag,
    RatingRef,
    Scorecard,
    Trend,
    rate4,
    score2,
)
from jwcli.quarters import Quarter

__all__ = [
    "INNOVATION_WEIGHTS",
    "current_quarter",
    "last_completed_quarter",
    "rag_of",
    "score_history",
    "score_quarter",
    "scores_by_party",
    "trend_of",
]

INNOVATION_WEIGHTS: dict[str, Fraction] = {
    "proposed": Fraction(1, 4),
    "trialled": Fraction(1, 2),
    "adopted": Fraction(1),
    "abandoned": Fraction(1, 2),  # abandoned with lessons: failing fast is learning, not blame
}
_SCORED_MEETINGS = ("check-in", "quarterly-review")
_TREND_STEP = Decimal("0.25")


def rag_of(reported: Decimal | None, green_at: Decimal, amber_at: Decimal) -> Rag | None:
    """RAG of a reported (2-decimal) score."""
    if reported is None:
        return None
    if reported >= green_at:
        return "green"
    return "amber" if reported >= amber_at else "red"


def trend_of(now: Decimal | None, before: Decimal | None) -> Trend | None:
    """Up at +0.25 or more, down at -0.25 or less, else level; None when either is absent."""
    if now is None or before is None:
        return None
    change = now - before
    if change >= _TREND_STEP:
        return "up"
    if change <= -_TREND_STEP:
        return "down"
    return "level"


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _r4(x: Fraction | None) -> str:
    return "–" if x is None else str(rate4(x))


def _s2(x: Fraction | None) -> str:
    return "–" if x is None else str(score2(x))


@dataclass
class _Indicator:
    """An indicator rate x and what it was computed from."""

    x: Fraction | None
    records: list[str] = field(default_factory=list)
    ratings: list[RatingRef] = field(default_factory=list)
    inputs: list[tuple[str, str]] = field(default_factory=list)
    formula: str = ""
    parts: dict[str, Fraction | None] = field(default_factory=dict)
    note: str = ""
    by_default: bool = False  # innovation's x = 0 for a quarter without innovation records


@dataclass
class _PartyFacts:
    """What one party's behaviours were computed from, kept for the trigger metrics."""

    on_time: Fraction | None = None
    kpis: list[KpiStatus] = field(default_factory=list)
    run: list[RunCost] = field(default_factory=list)
    projects: list[ProjectSpend] = field(default_factory=list)
    unevidenced: int = 0


@dataclass
class _Eval:
    period: Period
    parties: dict[str, PartyScore]
    health: Fraction | None
    alignment: list[AlignmentFlag]
    metrics: dict[str, trig.MetricValues]
    fired: list[FiredTrigger]


class _Engine:
    """Scores quarters in order for one repository and one `today`, keeping every result."""

    def __init__(
        self, idx: RelIndex, today: dt.date, closes: Mapping[Quarter, dt.date] | None = None
    ) -> None:
        self.idx = idx
        self.today = today
        # the day each closed quarter was signed off: a close ends its measurement grace
        self.closes: dict[Quarter, dt.date] = dict(closes or {})
        self.charter = idx.charter
        self.evals: dict[Quarter, _Eval] = {}
        # the superseded records of each (party, quarter), for --explain's "left out"
        self._superseded: dict[tuple[str, Quarter], list[tuple[str, str]]] | None = None
        # per quarter: (id, invited parties, parties attending) of its check-ins and reviews
        self._scored_meetings: dict[Quarter, list[tuple[str, frozenset[str], frozenset[str]]]] = {}
        s = self.charter.scoring
        self.weights = {
            "indicator": Fraction(s.weights.indicator),
            "observations": Fraction(s.weights.observations),
            "peer_rating": Fraction(s.weights.peer_rating),
        }

    # -- quarters -------------------------------------------------------------------------

    def evaluate(self, quarter: Quarter) -> _Eval | None:
        """The scored quarter (None when it ends before the charter's `effective` date)."""
        if not is_scored(quarter, self.charter):
            return None
        if quarter not in self.evals:
            current = first_scored_quarter(self.charter)
            with gc_paused():
                while current <= quarter:
                    if current not in self.evals:
                        self.evals[current] = self._evaluate(current)
                    current = current.next()
        return self.evals[quarter]

    def scorecard(self, quarter: Quarter) -> Scorecard:
        p = period(quarter, self.idx.fsm, self.today)
        ev = self.evaluate(quarter)
        provisional = not is_finished(quarter, self.today, self.idx.fsm)
        if ev is None:
            parties = tuple(
                self._unscored(party.id)
                for party in self.charter.parties
                if party.member_during(p.start, p.end)
            )
            return Scorecard(
                self.charter.relationship,
                str(quarter),
                p.start,
                p.end,
                p.as_of,
                False,
                None,
                None,
                parties,
                (),
                (),
                provisional,
                self.today,
            )
        s = self.charter.scoring
        return Scorecard(
            relationship=self.charter.relationship,
            quarter=str(quarter),
            start=p.start,
            end=p.end,
            as_of=p.as_of,
            scored=True,
            health=ev.health,
            health_rag=rag_of(score2(ev.health), s.green_at, s.amber_at),
            parties=tuple(ev.parties[pid] for pid in self.idx.party_ids if pid in ev.parties),
            alignment=tuple(ev.alignment),
            triggers=tuple(ev.fired),
            provisional=provisional,
            today=self.today,
        )

    def _unscored(self, party_id: str) -> PartyScore:
        name = next(p.name for p in self.charter.parties if p.id == party_id)
        behaviours = tuple(
            BehaviourScore(
                b,
                title,
                None,
                None,
                None,
                dict.fromkeys(("indicator", "observations", "peer_rating")),
                None,
                (),
                (),
                0,
                note="before the charter's effective date",
            )
            for b, title in BEHAVIOURS.items()
        )
        return PartyScore(party_id, name, None, None, behaviours)

    def _evaluate(self, quarter: Quarter) -> _Eval:
        p = period(quarter, self.idx.fsm, self.today)
        previous = self.evals.get(quarter.previous())
        s = self.charter.scoring
        parties: dict[str, PartyScore] = {}
        facts: dict[str, _PartyFacts] = {}
        for party in self.charter.parties:
            # a party is scored only for quarters that overlap its membership (lifecycle.md)
            if not party.member_during(p.start, p.end):
                continue
            fact = _PartyFacts()
            behaviours = self._behaviours(party.id, p, previous, fact)
            present = [b.score for b in behaviours if b.score is not None]
            overall = _mean(present)
            parties[party.id] = PartyScore(
                party.id,
                party.name,
                overall,
                rag_of(score2(overall), s.green_at, s.amber_at),
                tuple(behaviours),
                tuple(self._left_out(party.id, p)),
            )
            facts[party.id] = fact
        overalls = [ps.overall for ps in parties.values() if ps.overall is not None]
        entries = [a for a in alignment_entries(self.idx.rel, quarter) if a.party in parties]
        metrics = {
            pid: self._metrics(parties[pid], facts[pid], [a for a in entries if a.party == pid])
            for pid in self.idx.party_ids
            if pid in parties
        }
        ev = _Eval(p, parties, _mean(overalls), [a for a in entries if a.flagged], metrics, [])
        self.evals[quarter] = ev  # the trigger history below reads this quarter's metrics
        ev.fired = self._fire(quarter, p)
        return ev

    # -- one party ------------------------------------------------------------------------

    def _behaviours(
        self, party: str, p: Period, previous: _Eval | None, fact: _PartyFacts
    ) -> list[BehaviourScore]:
        q = p.quarter
        indicators: dict[str, _Indicator | None] = {
            "objectives-met": self._objectives_met(party, p, fact),
            "cost-optimisation": self._cost_optimisation(party, q, fact),
            "objectives-aligned": self._objectives_aligned(party, q, fact),
            "commercial-trust": self._commercial_trust(party, p),
            "flexible-charter": self._flexible_charter(party, p, previous),
            "critical-friend": None,
            "innovation": self._innovation(party, q),
            "evidence-based": self._evidence_based(party, q, fact),
            "peer-reputation": None,
            "internal-alignment": self._internal_alignment(party, q),
        }
        peers = self.idx.peer_ratings(q, party)
        # one pass over the quarter's observations for all ten behaviours
        signed: dict[str, tuple[list[str], list[str]]] = {b: ([], []) for b in BEHAVIOURS}
        for rid, obs in self.idx.observations.get((party, q), []):
            if obs.by == party:
                continue  # a party's view of itself is not an observation of it (lifecycle.md)
            if obs.effect == "positive":
                side = 0
            elif obs.effect == "negative":
                side = 1
            else:
                continue
            for named in dict.fromkeys(obs.behaviours):  # a behaviour listed twice counts once
                if named in signed:
                    signed[named][side].append(rid)
        components: dict[str, dict[str, Component | None]] = {}
        for b in BEHAVIOURS:
            components[b] = {
                "indicator": self._indicator_component(indicators[b]),
                "observations": self._observation_component(*signed[b]),
                "peer_rating": self._peer_component(b, peers),
            }
        # A party the quarter holds nothing about shows "no data" everywhere: its silence is not
        # evidence of a lack of ideas (the innovation default of x = 0 needs some other data).
        innovation = indicators["innovation"]
        if (
            innovation is not None
            and innovation.by_default
            and not is_finished(q, self.today, self.idx.fsm)
        ):
            # the quarter may yet bring an idea: no record is not yet a zero (lifecycle.md)
            components["innovation"]["indicator"] = None
            indicators["innovation"] = _Indicator(None, note="quarter not finished, no record yet")
        elif innovation is not None and innovation.by_default:
            others = any(
                c is not None
                for b, comps in components.items()
                for name, c in comps.items()
                if not (b == "innovation" and name == "indicator")
            )
            if not others:
                components["innovation"]["indicator"] = None
                indicators["innovation"] = _Indicator(None, note="no data about the party")
        result = []
        for b, title in BEHAVIOURS.items():
            before = None
            # a party that was not a member last quarter has no trend (it joined this quarter)
            if previous is not None and party in previous.parties:
                before = previous.parties[party].behaviour(b).score
            result.append(self._behaviour(b, title, components[b], indicators[b], before))
        return result

    def _behaviour(
        self,
        behaviour: str,
        title: str,
        components: dict[str, Component | None],
        indicator: _Indicator | None,
        before: Fraction | None,
    ) -> BehaviourScore:
        s = self.charter.scoring
        weighted = [(self.weights[n], c) for n, c in components.items() if c is not None]
        total = sum((w for w, _ in weighted), Fraction(0))
        score = sum((w * c.value for w, c in weighted), Fraction(0)) / total if total else None
        records: set[str] = set()
        ratings: set[RatingRef] = set()
        if score is not None:
            for w, c in weighted:
                if w:
                    records.update(c.records)
                    ratings.update(c.ratings)
        reported = score2(score)
        return BehaviourScore(
            id=behaviour,
            title=title,
            score=score,
            rag=rag_of(reported, s.green_at, s.amber_at),
            trend=trend_of(reported, score2(before)),
            components=components,
            indicator_x=indicator.x if indicator is not None else None,
            records=tuple(sorted(records)),
            ratings=tuple(sorted(ratings, key=lambda r: (r.assessor, r.party, r.behaviour))),
            confidence=len(records) + len(ratings),
            parts=dict(indicator.parts) if indicator is not None else {},
            previous=before,
            note=indicator.note if indicator is not None else "",
        )

    # -- components -----------------------------------------------------------------------

    @staticmethod
    def _indicator_component(ind: _Indicator | None) -> Component | None:
        if ind is None or ind.x is None:
            return None
        value = 1 + 4 * ind.x
        return Component(
            "indicator",
            value,
            tuple(ind.records),
            tuple(ind.ratings),
            (*ind.inputs, ("x", _r4(ind.x))),
            f"{ind.formula}; 1 + 4x = {_s2(value)}" if ind.formula else f"1 + 4x = {_s2(value)}",
        )

    @staticmethod
    def _observation_component(positive: list[str], negative: list[str]) -> Component | None:
        pos, neg = len(positive), len(negative)
        if pos + neg == 0:
            return None
        value = 3 + Fraction(2 * (pos - neg), pos + neg)
        return Component(
            "observations",
            value,
            tuple(sorted(positive + negative)),
            (),
            (("positive", str(pos)), ("negative", str(neg))),
            f"3 + 2 × ({pos} − {neg}) / ({pos} + {neg}) = {_s2(value)}",
        )

    @staticmethod
    def _peer_component(behaviour: str, peers: list[RatingRef]) -> Component | None:
        if behaviour == "peer-reputation":
            used = peers  # all peer ratings of the party, every behaviour, pooled
        else:
            used = [r for r in peers if r.behaviour == behaviour]
        if not used:
            return None
        value = Fraction(sum(r.rating for r in used), len(used))
        shown = ", ".join(f"{r.assessor} {r.rating}" for r in used)
        return Component(
            "peer_rating",
            value,
            (),
            tuple(used),
            (("ratings", shown),),
            f"mean of {len(used)} peer rating{'s' * (len(used) != 1)} = {_s2(value)}",
        )

    # -- indicators -----------------------------------------------------------------------

    def _objectives_met(self, party: str, p: Period, fact: _PartyFacts) -> _Indicator:
        states = due_between(self.idx, party, [p], p.as_of)
        x = on_time_rate(states)
        fact.on_time = x
        on_time = sum(1 for s in states if s.on_time)
        if x is None:
            return _Indicator(None, note="no commitments due")
        return _Indicator(
            x,
            [r for s in states for r in s.records],
            [],
            [
                ("due", str(len(states))),
                ("on time", str(on_time)),
                *((s.id, s.status) for s in states),
            ],
            f"{on_time} of {len(states)} commitments due delivered on time",
        )

    def _commercial_trust(self, party: str, p: Period) -> _Indicator:
        quarters = [q for q in last_quarters(p.quarter, 4) if is_scored(q, self.charter)]
        periods = [period(q, self.idx.fsm, self.today) for q in quarters]
        due, on_time, records = tally(self.idx, party, periods, p.as_of)
        if due == 0:
            return _Indicator(None, note="no commitments due in the last four quarters")
        span = f"{quarters[0]}–{quarters[-1]}" if len(quarters) > 1 else str(quarters[0])
        return _Indicator(
            Fraction(on_time, due),
            records,
            [],
            [("quarters", span), ("due", str(due)), ("on time", str(on_time))],
            f"{on_time} of {due} due in {span} delivered on time",
        )

    def _cost_optimisation(self, party: str, q: Quarter, fact: _PartyFacts) -> _Indicator:
        run = run_costs(self.idx.rel, q, party)
        owned = project_spend(self.idx.rel, q, party)
        fact.run, fact.projects = run, owned
        progress = savings_progress(run)
        adherence = budget_adherence(owned)
        parts = {"savings_progress": progress, "budget_adherence": adherence}
        present = [v for v in parts.values() if v is not None]
        if not present:
            return _Indicator(
                None,
                parts=parts,
                note="no run costs against a baseline and target, no project spend",
            )
        records: list[str] = []
        inputs: list[tuple[str, str]] = []
        for c in run:
            if c.progress is not None:
                records.extend(c.records)
                inputs.append(
                    (
                        f"saving {c.service}",
                        f"baseline/4 {_money(c.baseline_quarter)}, actual {c.actual}, rate "
                        f"{_r4(c.saving_rate)}, "
                        + (f"milestone {c.target_by}: " if c.target_by else "target ")
                        + f"{c.target_rate}, progress {_r4(c.progress)}",
                    )
                )
        for pr in owned:
            if pr.active and pr.has_spend:
                records.extend(pr.records)
                inputs.append(
                    (
                        f"project {pr.project}",
                        f"spend to date {pr.spend}, limit {_money(pr.limit)} "
                        f"({'within' if pr.within else 'over'})",
                    )
                )
        inputs.append(("savings progress", _r4(progress)))
        inputs.append(("budget adherence", _r4(adherence)))
        return _Indicator(
            _mean(present), records, [], inputs, "mean of the present parts", parts=parts
        )

    def _objectives_aligned(self, party: str, q: Quarter, fact: _PartyFacts) -> _Indicator:
        closed_on = self.closes.get(q)
        statuses = kpi_statuses(self.idx.rel, q, owner=party, today=self.today, closed_on=closed_on)
        fact.kpis = statuses
        x = kpi_attainment(statuses)
        if not statuses:
            return _Indicator(None, note="owns no KPIs")
        inputs = [(s.kpi.id, _kpi_input(s)) for s in statuses]
        if x is None:
            until = grace_end(q, self.charter, closed_on)
            return _Indicator(
                None,
                inputs=inputs,
                note=f"every KPI it owns awaits its measurement (grace until {until})",
            )
        judged = sum(1 for s in statuses if not s.awaiting)
        return _Indicator(
            x,
            [s.measurement for s in statuses if s.measurement],
            [],
            inputs,
            f"KPI attainment over {judged} KPI{'s' * (judged != 1)}",
        )

    def _flexible_charter(self, party: str, p: Period, previous: _Eval | None) -> _Indicator:
        if previous is None:
            return _Indicator(None, note="no previous quarter scored")
        prev = previous.period
        counted = answered = 0
        records: list[str] = []
        inputs: list[tuple[str, str]] = []
        seen: set[str] = set()
        for fired in previous.fired:
            # at-risk triggers of an unfinished quarter do not count as fired
            if fired.party != party or fired.trigger in seen or fired.provisional:
                continue
            seen.add(fired.trigger)
            trigger = next(t for t in self.charter.escalation.triggers if t.id == fired.trigger)
            window_end = fired.respond_by
            step = trig.answering_step(
                self.idx.escalations,
                party,
                trigger,
                prev.quarter,
                self.charter,
                prev.start,
                min(window_end, p.as_of),
                self.idx.escalation_dates,
                self.closes,
            )
            if step is not None:
                counted += 1
                answered += 1
                records.append(step.id)
                inputs.append((fired.trigger, f"answered by {step.id} on {step.taken_on}"))
            elif window_end < p.as_of:
                counted += 1
                inputs.append((fired.trigger, f"not answered by {window_end}"))
            else:
                inputs.append((fired.trigger, f"left out: window open until {window_end}"))
        if counted == 0:
            note = "no triggers fired last quarter" if not seen else "answer windows still open"
            return _Indicator(None, inputs=inputs, note=note)
        return _Indicator(
            Fraction(answered, counted),
            records,
            [],
            inputs,
            f"{answered} of {counted} triggers fired in {prev.quarter} answered in time",
        )

    def _innovation(self, party: str, q: Quarter) -> _Indicator:
        target = Fraction(self.charter.scoring.innovation_target_per_quarter)
        if target == 0:
            return _Indicator(None, note="switched off (innovation_target_per_quarter: 0)")
        latest: dict[str, tuple[dt.date, str, str]] = {}
        for rid, rec in self.idx.innovations.get((party, q), []):
            root = self.idx.innovation_root[rid]
            key = (rec.date, rid, rec.status)
            if root not in latest or key > latest[root]:
                latest[root] = key
        total = sum((INNOVATION_WEIGHTS[status] for _, _, status in latest.values()), Fraction(0))
        x = min(Fraction(1), total / target)
        inputs = [(rid, status) for _, rid, status in sorted(latest.values())]
        inputs += [
            ("weights", _r4(total)),
            ("target", str(self.charter.scoring.innovation_target_per_quarter)),
        ]
        return _Indicator(
            x,
            sorted(rid for rid, _ in self.idx.innovations.get((party, q), [])),
            [],
            inputs,
            f"min(1, {_r4(total)} / {self.charter.scoring.innovation_target_per_quarter})",
            by_default=not latest,
        )

    def _evidence_based(self, party: str, q: Quarter, fact: _PartyFacts) -> _Indicator:
        claims = self.idx.claims.get((party, q), [])
        given = self.idx.ratings_given(q, party)
        total = len(claims) + len(given)
        uncited = [rid for rid, c in claims if not (c.evidence or c.attachments)]
        uncited += [r.label for r in given if not r.evidence]
        cited = total - len(uncited)
        fact.unevidenced = len(uncited)
        if total == 0:
            return _Indicator(None, note="no claims made nor ratings given")
        inputs = [
            ("claims", str(len(claims))),
            ("ratings given", str(len(given))),
            ("citing evidence", str(cited)),
        ]
        if uncited:
            inputs.append(("citing none", ", ".join(uncited)))
        return _Indicator(
            Fraction(cited, total),
            sorted(rid for rid, _ in claims),
            list(given),
            inputs,
            f"{cited} of {total} claims and ratings cite evidence",
        )

    def _internal_alignment(self, party: str, q: Quarter) -> _Indicator:
        scored = self._scored_meetings.get(q)
        if scored is None:  # worked out once per quarter, not once per party
            scored = self._scored_meetings[q] = [
                (
                    rid,
                    frozenset(m.invited if m.invited is not None else self._members_on(m.date)),
                    frozenset(p for p, present in m.attendees.items() if present),
                )
                for rid, m in self.idx.meetings.get(q, [])
                if m.type in _SCORED_MEETINGS
            ]
        invited: list[str] = []
        attended = 0
        for rid, guests, present in scored:
            if party not in guests:
                continue
            invited.append(rid)
            if party in present:
                attended += 1
        if not invited:
            return _Indicator(None, note="no check-ins or quarterly reviews it was invited to")
        return _Indicator(
            Fraction(attended, len(invited)),
            sorted(invited),
            [],
            [("invited", str(len(invited))), ("attended", str(attended))],
            f"attended {attended} of {len(invited)} meetings",
        )

    def _left_out(self, party: str, p: Period) -> list[tuple[str, str]]:
        """The party's records of the quarter that scoring did not use, with the reason: a
        correction replaced it, it is dated after the as-of date, a renegotiation came after
        the due date, it is the party's observation of itself."""
        idx = self.idx
        if self._superseded is None:  # grouped once, not scanned per party and quarter
            self._superseded = {}
            for rid, new in sorted(idx.superseded_by.items()):
                entry = idx.rel.records.get(rid)
                party_of = getattr(entry.record, "party", None) if entry is not None else None
                if entry is not None and isinstance(party_of, str):
                    key = (party_of, idx.quarter_of(entry.record.date))
                    self._superseded.setdefault(key, []).append((rid, f"superseded by {new}"))
        found: list[tuple[str, str]] = list(self._superseded.get((party, p.quarter), ()))
        for rid, obs in idx.observations.get((party, p.quarter), []):
            if obs.by == party:
                found.append((rid, "the party's observation of itself"))
        for state in due_between(idx, party, [p], p.as_of):
            for day, uid, update in idx.updates_of.get(state.id, []):
                if day > p.as_of:
                    found.append((uid, f"dated {day}, after the as-of date {p.as_of}"))
                elif update.status == "renegotiated" and uid not in state.updates:
                    continue
                elif update.status == "renegotiated" and day > state.effective_due:
                    found.append(
                        (uid, f"renegotiation dated {day}, after the due date: counts as late")
                    )
        return found

    def _members_on(self, day: dt.date) -> list[str]:
        """The parties that are members on `day`: who a meeting invites unless it says."""
        return [p.id for p in self.charter.parties if p.member_on(day)]

    # -- triggers -------------------------------------------------------------------------

    def _metrics(
        self, ps: PartyScore, fact: _PartyFacts, entries: list[AlignmentFlag]
    ) -> trig.MetricValues:
        spreads = [a.spread for a in entries if a.spread is not None]
        return trig.MetricValues(
            on_time_rate=rate4(fact.on_time),
            behaviour_scores={
                b.id: cast(Decimal, b.reported) for b in ps.behaviours if b.score is not None
            },
            overall_score=score2(ps.overall),
            kpi_red_count=(
                sum(1 for k in fact.kpis if k.red_or_unmeasured)
                if any(not k.awaiting for k in fact.kpis)
                else None  # owns none, or every one awaits its measurement
            ),
            budget_overrun=rate4(budget_overrun(fact.projects)),
            savings_rate=rate4(raw_savings_rate(fact.run)),
            rating_spread=max(spreads) if spreads else None,
            unevidenced_claims=fact.unevidenced,
        )

    def _fire(self, quarter: Quarter, p: Period) -> list[FiredTrigger]:
        fired: list[FiredTrigger] = []
        # in an unfinished quarter a trigger that would fire is only at risk (lifecycle.md);
        # earlier quarters of a run are finished whenever this one is
        provisional = not is_finished(quarter, self.today, self.idx.fsm)
        members = self.evals[quarter].metrics
        closed_on = self.closes.get(quarter)
        for trigger in self.charter.escalation.triggers:
            quarters = last_quarters(quarter, trigger.for_quarters)
            for pid in self.idx.party_ids:
                if pid not in members:
                    continue  # counted by triggers only while a member
                history: list[trig.MetricValues | None] = []
                for q in quarters:
                    ev = self.evals.get(q)
                    history.append(ev.metrics.get(pid) if ev is not None else None)
                result = trig.fires(trigger, history)
                if not result.holds or result.value is None:
                    continue
                comparison, limit = trig.threshold(trigger)
                level = self.charter.level(trigger.level)
                respond_by = trig.respond_by(self.charter, trigger, quarter, closed_on)
                steps, dates = self.idx.escalations, self.idx.escalation_dates
                step = trig.answering_step(
                    steps,
                    pid,
                    trigger,
                    quarter,
                    self.charter,
                    p.start,
                    min(respond_by, self.today),
                    dates,
                    self.closes,
                )
                late = None
                if step is None and respond_by < self.today:
                    # named after its respond-by: acknowledged, still counted unanswered
                    late = trig.answering_step(
                        steps,
                        pid,
                        trigger,
                        quarter,
                        self.charter,
                        respond_by + dt.timedelta(days=1),
                        self.today,
                        dates,
                        self.closes,
                    )
                fired.append(
                    FiredTrigger(
                        trigger=trigger.id,
                        party=pid,
                        metric=trigger.metric,
                        value=result.value,
                        comparison="below" if comparison == "below" else "above",
                        threshold=limit,
                        for_quarters=trigger.for_quarters,
                        level=trigger.level,
                        name=level.name if level else f"level {trigger.level}",
                        action=level.action if level else "",
                        behaviours=result.behaviours,
                        respond_by=respond_by,
                        answered_by=step.id if step else None,
                        provisional=provisional,
                        acknowledged_by=late.id if late else None,
                        quarter=str(quarter),
                    )
                )
        return fired


def _kpi_input(s: KpiStatus) -> str:
    """One KPI's line in `--explain`: its value, RAG and the target it was judged against."""
    if s.awaiting:
        return "awaiting measurement (left out until the grace ends)"
    if s.rag is None:
        return f"unmeasured (0); {s.target_text}"
    return f"{s.value} → {s.rag} ({ATTAINMENT[s.rag]}) against {s.target_text}"


def _money(value: Fraction | None) -> str:
    return "–" if value is None else str(score2(value))


def _engine(
    rel: Relationship, today: dt.date, closes: Mapping[Quarter, dt.date] | None = None
) -> _Engine:
    idx = index_of(rel)
    key = ("scoring-engine", today, tuple(sorted((closes or {}).items())))
    engine = idx.memo.get(key)
    if not isinstance(engine, _Engine):
        engine = _Engine(idx, today, closes)
        idx.memo[key] = engine
    return engine


def score_quarter(
    rel: Relationship,
    quarter: Quarter,
    today: dt.date,
    closes: Mapping[Quarter, dt.date] | None = None,
) -> Scorecard:
    """The scorecard of one quarter, judged as of its last day or `today`, whichever is earlier.

    Every member party and all ten behaviours are listed; a behaviour without data has score
    None. A quarter ending before the charter's `effective` date comes back with `scored=False`;
    an unfinished one is `provisional`. `closes` gives the day each closed quarter was signed
    off (its close ends the quarter's measurement grace).
    """
    return _engine(rel, today, closes).scorecard(quarter)


def score_history(
    rel: Relationship,
    quarter: Quarter,
    today: dt.date,
    count: int = 8,
    closes: Mapping[Quarter, dt.date] | None = None,
) -> list[Scorecard]:
    """The scorecards of `count` quarters ending with `quarter`, oldest first (for trend charts)."""
    engine = _engine(rel, today, closes)
    return [engine.scorecard(q) for q in last_quarters(quarter, count)]


def scores_by_party(card: Scorecard) -> dict[str, dict[str, Decimal | None]]:
    """party -> behaviour -> reported score: the heat map of a scorecard."""
    return {p.party: {b.id: b.reported for b in p.behaviours} for p in card.parties}
