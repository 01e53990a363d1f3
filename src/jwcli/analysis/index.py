"""One pass over a loaded repository: the active records, indexed the ways analysis asks for them.

A record superseded by another is ignored by every analysis (data-format.md). References between
records (an update's `commitment`, an innovation's `innovation`, a saving's `saving`) are followed
through corrections to the record that replaced their target, so correcting a commitment does not
orphan its updates.

Building the index is linear in the number of records; `index_of` keeps the last one built for a
`Relationship` so that the scorecard and the review pack share it.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from jwcli.model.assessments import Assessment
from jwcli.model.baselines import Baselines, SavingsTarget
from jwcli.model.charter import Charter
from jwcli.model.records import (
    Claim,
    Commitment,
    Cost,
    Escalation,
    Innovation,
    Measurement,
    Meeting,
    Observation,
    Saving,
    Update,
)
from jwcli.model.relationship import RecordEntry, Relationship
from jwcli.model.scores import RatingRef
from jwcli.quarters import Quarter


@dataclass(frozen=True, slots=True)
class EscalationStep:
    """One step of the escalation ladder taken: the latest record of a `supersedes` chain.

    `taken_on` is the date of the chain's first record: a later record that supersedes it to
    give the `outcome` closes the step, it does not make the step late.
    """

    id: str
    taken_on: dt.date
    level: int
    parties: tuple[str, ...]
    triggers: tuple[str, ...]  # the triggers it names (none: a step taken for another reason)
    quarter: Quarter | None  # the quarter it is about, when written
    outcome: str | None
    chain: tuple[str, ...]  # every record id of the chain, oldest first


class RelIndex:
    """The active records of a relationship, indexed by kind, party and quarter."""

    def __init__(self, rel: Relationship) -> None:
        if rel.charter is None:
            raise ValueError("analysis needs a loaded charter; validate the repository first")
        self.rel = rel
        self.charter: Charter = rel.charter
        self.baselines: Baselines = rel.baselines or Baselines()
        self.fsm = self.charter.fiscal_year_start
        self.party_ids: list[str] = self.charter.party_ids()
        # results derived from this index (e.g. the scoring engine per as-of date), reused
        self.memo: dict[object, object] = {}

        entries = rel.records
        superseded_by: dict[str, list[str]] = defaultdict(list)
        for entry in entries.values():
            for old in entry.record.superseded_ids:
                if old in entries:
                    superseded_by[old].append(entry.id)
        self.superseded_by: dict[str, str] = {
            old: max(new, key=lambda i: (entries[i].record.date, i))
            for old, new in superseded_by.items()
        }
        self.active: dict[str, RecordEntry] = {
            rid: e for rid, e in entries.items() if rid not in superseded_by
        }

        self.commitments: dict[str, Commitment] = {}
        self.updates_of: dict[str, list[tuple[dt.date, str, Update]]] = defaultdict(list)
        self.measurements: dict[tuple[str, Quarter], list[tuple[dt.date, str, Measurement]]] = (
            defaultdict(list)
        )
        self.run_costs: dict[tuple[str, str, Quarter], list[tuple[str, Cost]]] = defaultdict(list)
        # per project, sorted by period: (period, id, cost), and the running total after each
        self.project_costs: dict[str, list[tuple[Quarter, str, Cost]]] = defaultdict(list)
        self.project_totals: dict[str, list[Decimal]] = {}
        self.project_periods: dict[str, list[Quarter]] = {}  # for bisecting to a quarter
        self.project_ids: dict[str, list[str]] = {}
        # the first listed baseline of a (service, party) and target of a service count
        # (validation keeps one of each)
        self.baseline_annual: dict[tuple[str, str], Decimal] = {}
        for base in self.baselines.costs:
            self.baseline_annual.setdefault((base.service, base.party), base.annual)
        self.target_rates: dict[str, Decimal] = {}
        self.savings_targets: dict[str, SavingsTarget] = {}
        for goal in self.baselines.savings_targets:
            self.target_rates.setdefault(goal.service, goal.rate)
            self.savings_targets.setdefault(goal.service, goal)
        # the last day of membership of each party that has left (lifecycle.md)
        self.left: dict[str, dt.date] = {p.id: p.left for p in self.charter.parties if p.left}
        self.observations: dict[tuple[str, Quarter], list[tuple[str, Observation]]] = defaultdict(
            list
        )
        self.claims: dict[tuple[str, Quarter], list[tuple[str, Claim]]] = defaultdict(list)
        self.meetings: dict[Quarter, list[tuple[str, Meeting]]] = defaultdict(list)
        self.innovations: dict[tuple[str, Quarter], list[tuple[str, Innovation]]] = defaultdict(
            list
        )
        self.innovation_root: dict[str, str] = {}
        self.savings: dict[str, Saving] = {}
        self.saving_root: dict[str, str] = {}
        self.escalations: list[EscalationStep] = []
        self.escalation_dates: list[dt.date] = []  # taken_on of each step, for bisecting
        # every (quarter, party) a commitment's effective due may fall in (due and each new_due)
        self.commitments_by_quarter: dict[tuple[Quarter, str], set[str]] = defaultdict(set)
        self._quarters: dict[dt.date, Quarter] = {}

        of = self.quarter_of
        updates: list[tuple[str, Update]] = []
        # `kind` decides the model class (one class per kind, none subclassed), so `cast` narrows
        # for the type checker where an isinstance test on a pydantic model (ABCMeta) would cost
        # more than the rest of the loop; branches in order of how common each kind is.
        # the active record ids of each kind, in the order of `active`
        self.ids_of_kind: dict[str, list[str]] = defaultdict(list)
        for rid, entry in self.active.items():
            r = entry.record
            kind = r.kind
            self.ids_of_kind[kind].append(rid)
            if kind == "measurement":
                r = cast(Measurement, r)
                self.measurements[(r.kpi, r.period)].append((r.date, rid, r))
            elif kind == "cost":
                r = cast(Cost, r)
                if r.project is None:
                    self.run_costs[(r.party, r.service, r.period)].append((rid, r))
                else:
                    self.project_costs[r.project].append((r.period, rid, r))
            elif kind == "observation":
                r = cast(Observation, r)
                self.observations[(r.party, of(r.date))].append((rid, r))
            elif kind == "update":
                updates.append((rid, cast(Update, r)))
            elif kind == "meeting":
                r = cast(Meeting, r)
                self.meetings[of(r.date)].append((rid, r))
            elif kind == "commitment":
                r = cast(Commitment, r)
                self.commitments[rid] = r
                self.commitments_by_quarter[(of(r.due), r.party)].add(rid)
            elif kind == "saving":
                self.savings[rid] = cast(Saving, r)
            elif kind == "claim":
                r = cast(Claim, r)
                self.claims[(r.party, of(r.date))].append((rid, r))
            elif kind == "innovation":
                r = cast(Innovation, r)
                self.innovations[(r.party, of(r.date))].append((rid, r))
        for rid, update in updates:
            target = self.resolve(update.commitment)
            if target is not None and target in self.commitments:
                self.updates_of[target].append((update.date, rid, update))
                if update.new_due is not None:
                    party = self.commitments[target].party
                    self.commitments_by_quarter[(of(update.new_due), party)].add(target)
        for found in self.updates_of.values():
            found.sort(key=lambda t: (t[0], t[1]))
        self.update_dates: dict[str, list[dt.date]] = {
            cid: [t[0] for t in found] for cid, found in self.updates_of.items()
        }
        # commitment states depend on how many of its updates are known: computed once per count
        self.commitment_cores: dict[tuple[str, int], object] = {}
        for values in self.measurements.values():
            values.sort(key=lambda t: (t[0], t[1]))
        for project, costs in self.project_costs.items():
            costs.sort(key=lambda t: (t[0], t[1]))
            totals, running = [], Decimal(0)
            for _, _, cost in costs:
                running += cost.amount
                totals.append(running)
            self.project_totals[project] = totals
            self.project_periods[project] = [q for q, _, _ in costs]
            self.project_ids[project] = [rid for _, rid, _ in costs]
        for rid in self.ids_of_kind.get("innovation", ()):
            self._root(rid, "innovation", self.innovation_root)
        for rid in self.ids_of_kind.get("saving", ()):
            self._root(rid, "saving", self.saving_root)
        self._index_escalations()

        self.ratings: dict[Quarter, list[RatingRef]] = defaultdict(list)
        # the same ratings, in the same order, by (quarter, rated party) and (quarter, assessor)
        self.ratings_of: dict[tuple[Quarter, str], list[RatingRef]] = defaultdict(list)
        self.ratings_by: dict[tuple[Quarter, str], list[RatingRef]] = defaultdict(list)
        self._peer_ratings: dict[tuple[Quarter, str], list[RatingRef]] = {}
        self.assessments: dict[tuple[Quarter, str], Assessment] = {}
        for a_entry in rel.assessments:
            a = a_entry.assessment
            self.assessments[(a.quarter, a.assessor)] = a
            for party, ratings in a.ratings.items():
                for behaviour, rating in ratings.items():
                    ref = RatingRef(
                        a.assessor,
                        party,
                        behaviour,
                        rating.rating,
                        tuple(rating.evidence),
                        a_entry.path,
                    )
                    self.ratings[a.quarter].append(ref)
                    self.ratings_of[(a.quarter, party)].append(ref)
                    self.ratings_by[(a.quarter, a.assessor)].append(ref)

    def target_rate(self, service: str, quarter: Quarter) -> tuple[Decimal | None, str | None]:
        """The savings target rate in force for `quarter` and the milestone `by` it comes from."""
        goal = self.savings_targets.get(service)
        if goal is None:
            return None, None
        return goal.rate_for(quarter)

    def active_of(self, kind: str) -> Iterator[tuple[str, RecordEntry]]:
        """(id, entry) of the active records of one kind, in the order of `active`."""
        active = self.active
        return ((rid, active[rid]) for rid in self.ids_of_kind.get(kind, ()))

    def quarter_of(self, day: dt.date) -> Quarter:
        found = self._quarters.get(day)
        if found is None:
            found = self._quarters[day] = Quarter.of(day, self.fsm)
        return found

    def resolve(self, record_id: str) -> str | None:
        """The active record that `record_id` is, or was corrected into; None when there is none."""
        seen: set[str] = set()
        current = record_id
        while current in self.superseded_by:
            if current in seen:
                return None  # records superseding each other in a circle: none is active
            seen.add(current)
            current = self.superseded_by[current]
        return current if current in self.active else None

    def _root(self, record_id: str, link: str, roots: dict[str, str]) -> str:
        """The first record of the chain (`innovation:` or `saving:` links) `record_id` is in.

        `roots` keeps every answer found, so walking every record of a chain costs one step per
        record in all, not one walk per record (a 20,000-link chain would otherwise take minutes).
        A link that loops back ends the chain at the record that closes the loop.
        """
        path: list[str] = []
        on_path: set[str] = set()
        current = record_id
        while current not in roots:
            path.append(current)
            on_path.add(current)
            parent_ref = getattr(self.active[current].record, link, None)
            parent = self.resolve(parent_ref) if isinstance(parent_ref, str) else None
            if parent is None or parent in on_path:
                roots[current] = current
                break
            current = parent
        root = roots[current]
        for rid in path:
            roots[rid] = root
        return root

    def _index_escalations(self) -> None:
        entries = self.rel.records
        predecessors: dict[str, list[str]] = defaultdict(list)
        for old, new in self.superseded_by.items():
            predecessors[new].append(old)
        for rid in self.ids_of_kind.get("escalation", ()):
            record = cast(Escalation, self.active[rid].record)
            chain = [rid]
            in_chain = {rid}
            todo = list(predecessors.get(rid, ()))
            while todo:
                old = todo.pop()
                if old in in_chain:
                    continue
                chain.append(old)
                in_chain.add(old)
                todo.extend(predecessors.get(old, ()))
            chain.sort(key=lambda i: (entries[i].record.date, i))
            self.escalations.append(
                EscalationStep(
                    id=rid,
                    taken_on=entries[chain[0]].record.date,
                    level=record.level,
                    parties=tuple(record.parties),
                    triggers=record.trigger_ids,
                    quarter=record.quarter,
                    outcome=record.outcome,
                    chain=tuple(chain),
                )
            )
        self.escalations.sort(key=lambda s: (s.taken_on, s.id))
        self.escalation_dates = [s.taken_on for s in self.escalations]

    def peer_ratings(self, quarter: Quarter, party: str) -> list[RatingRef]:
        """Ratings of `party` for `quarter` by assessors other than the party itself."""
        key = (quarter, party)
        found = self._peer_ratings.get(key)
        if found is None:
            found = [r for r in self.ratings_of.get(key, ()) if r.assessor != party]
            self._peer_ratings[key] = found
        return list(found)

    def ratings_given(self, quarter: Quarter, assessor: str) -> list[RatingRef]:
        return list(self.ratings_by.get((quarter, assessor), ()))


_ATTRIBUTE = "_jw_analysis_index"


def index_of(rel: Relationship) -> RelIndex:
    """The index of `rel`, built once and kept on `rel` while its contents keep their size.

    Kept on the object itself so that it lives and dies with it; a repository changed in place
    (records or assessments added or removed, charter or baselines replaced) is indexed again.
    """
    stamp = (len(rel.records), len(rel.assessments), id(rel.charter), id(rel.baselines))
    hit = rel.__dict__.get(_ATTRIBUTE)
    if isinstance(hit, tuple) and hit[0] == stamp and isinstance(hit[1], RelIndex):
        return hit[1]
    with gc_paused():
        idx = RelIndex(rel)
    rel.__dict__[_ATTRIBUTE] = (stamp, idx)
    return idx


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work that makes many small objects.

    Analysis makes no reference cycles worth collecting mid-way; on 100,000 records the
    collector's passes over the loaded models cost more than the analysis itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
