"""The commitment state machine (data-format.md, "Commitment state") and on-time rates.

As of a date, a commitment's updates dated on or before it apply in order of (date, id):
- `renegotiated` dated on or before the current effective due moves the due to `new_due`; dated
  after it, it changes nothing (the commitment is already late);
- `withdrawn` dated on or before the effective due removes the commitment from every rate; dated
  after it, it does not erase the miss;
- the first `delivered` decides: on time when dated on or before the effective due, else late;
- `missed` records the miss; a delivery after it is judged by its date like any other.
A delivery or an in-time withdrawal settles the commitment: later updates do not reopen it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from jwcli.analysis.index import RelIndex, index_of
from jwcli.analysis.quarters import Period, period
from jwcli.model.relationship import Relationship
from jwcli.quarters import Quarter

CommitmentStatus = Literal["on-time", "late", "missed", "overdue", "open", "withdrawn"]
STATUSES: tuple[CommitmentStatus, ...] = (
    "on-time",
    "late",
    "missed",
    "overdue",
    "open",
    "withdrawn",
)


@dataclass(frozen=True, slots=True)
class CommitmentState:
    """A commitment as known on `as_of`.

    status: `on-time` / `late` (delivered by / after the effective due), `missed` (a `missed`
    update, or withdrawn only after it was due, and not delivered), `overdue` (past the effective
    due with no delivery or miss recorded), `open` (not yet due), `withdrawn` (in time).
    """

    id: str
    party: str
    summary: str
    due: dt.date
    effective_due: dt.date
    status: CommitmentStatus
    delivered_on: dt.date | None
    as_of: dt.date
    updates: tuple[str, ...]  # the updates known on `as_of`, in the order they applied

    @property
    def on_time(self) -> bool:
        return self.status == "on-time"

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn"

    @property
    def records(self) -> tuple[str, ...]:
        return (self.id, *self.updates)

    def counts_in(self, start: dt.date, end: dt.date) -> bool:
        """Whether it counts in a rate for the dates start..end (data-format.md)."""
        return (
            not self.withdrawn
            and start <= self.effective_due <= end
            and self.effective_due <= self.as_of
        )


@dataclass(frozen=True, slots=True)
class _Core:
    """What a commitment's known updates settle, whatever the as-of date."""

    effective: dt.date
    delivered: dt.date | None
    missed: bool
    withdrawn: bool
    withdrawn_late: bool
    applied: tuple[str, ...]


def _core(idx: RelIndex, commitment_id: str, known: int) -> _Core:
    key = (commitment_id, known)
    cached = idx.commitment_cores.get(key)
    if isinstance(cached, _Core):
        return cached
    effective = idx.commitments[commitment_id].due
    delivered: dt.date | None = None
    missed = withdrawn = withdrawn_late = False
    updates = idx.updates_of.get(commitment_id, [])[:known]
    for date, _, update in updates:
        if delivered is not None or withdrawn:
            continue
        if update.status == "renegotiated":
            if update.new_due is not None and date <= effective:
                effective = update.new_due
        elif update.status == "withdrawn":
            if date <= effective:
                withdrawn = True
            else:
                withdrawn_late = True
        elif update.status == "missed":
            missed = True
        else:
            delivered = date
    core = _Core(
        effective, delivered, missed, withdrawn, withdrawn_late, tuple(u for _, u, _ in updates)
    )
    idx.commitment_cores[key] = core
    return core


def _status(core: _Core, as_of: dt.date) -> CommitmentStatus:
    if core.withdrawn:
        return "withdrawn"
    if core.delivered is not None:
        return "on-time" if core.delivered <= core.effective else "late"
    if core.missed or core.withdrawn_late:
        return "missed"
    return "overdue" if core.effective < as_of else "open"


def commitment_state(
    idx: RelIndex, commitment_id: str, as_of: dt.date, core: _Core | None = None
) -> CommitmentState:
    """The state of one active commitment on `as_of` (`core`: its known updates, when worked
    out already)."""
    c = idx.commitments[commitment_id]
    if core is None:
        known = bisect_right(idx.update_dates.get(commitment_id, ()), as_of)
        core = _core(idx, commitment_id, known)
    status = _status(core, as_of)
    return CommitmentState(
        id=commitment_id,
        party=c.party,
        summary=c.summary,
        due=c.due,
        effective_due=core.effective,
        status=status,
        delivered_on=core.delivered,
        as_of=as_of,
        updates=core.applied,
    )


def commitment_states(
    rel: Relationship, as_of: dt.date, party: str | None = None
) -> list[CommitmentState]:
    """Every active commitment (of `party`, when given) as known on `as_of`, by effective due."""
    idx = index_of(rel)
    states = [
        commitment_state(idx, cid, as_of)
        for cid, c in idx.commitments.items()
        if party is None or c.party == party
    ]
    states.sort(key=lambda s: (s.effective_due, s.id))
    return states


def commitments_in(
    rel: Relationship, as_of: dt.date, statuses: Collection[str]
) -> list[CommitmentState]:
    """`commitment_states(rel, as_of)` with only the given statuses, in the same order; the
    others are never built (the review lists only the overdue ones out of every commitment)."""
    idx = index_of(rel)
    states = []
    for cid in idx.commitments:
        core = _core(idx, cid, bisect_right(idx.update_dates.get(cid, ()), as_of))
        if _status(core, as_of) in statuses:
            states.append(commitment_state(idx, cid, as_of, core))
    states.sort(key=lambda s: (s.effective_due, s.id))
    return states


def due_between(
    idx: RelIndex, party: str, quarters: Iterable[Period], as_of: dt.date
) -> list[CommitmentState]:
    """The party's commitments that count in the given quarters as known on `as_of`."""
    found: dict[str, CommitmentState] = {}
    for p in quarters:
        for cid in idx.commitments_by_quarter.get((p.quarter, party), ()):
            if cid in found:
                continue
            state = commitment_state(idx, cid, as_of)
            if state.counts_in(p.start, p.end) and not _after_left(idx, party, state.effective_due):
                found[cid] = state
    return sorted(found.values(), key=lambda s: (s.effective_due, s.id))


def _after_left(idx: RelIndex, party: str, due: dt.date) -> bool:
    """A commitment due after its party left counts in no rate (lifecycle.md)."""
    left = idx.left.get(party)
    return left is not None and due > left


def tally(
    idx: RelIndex, party: str, quarters: Iterable[Period], as_of: dt.date
) -> tuple[int, int, list[str]]:
    """(due, on time, record ids) of what `due_between` would list, without building states.

    The trailing on-time rate looks at four quarters for every party in every quarter scored;
    this keeps it cheap.
    """
    seen: set[str] = set()
    due = on_time = 0
    records: list[str] = []
    for p in quarters:
        for cid in idx.commitments_by_quarter.get((p.quarter, party), ()):
            if cid in seen:
                continue
            core = _core(idx, cid, bisect_right(idx.update_dates.get(cid, ()), as_of))
            effective = core.effective
            if core.withdrawn or not p.start <= effective <= p.end or effective > as_of:
                continue
            if _after_left(idx, party, effective):
                continue
            seen.add(cid)
            due += 1
            if core.delivered is not None and core.delivered <= effective:
                on_time += 1
            records.append(cid)
            records.extend(core.applied)
    return due, on_time, records


def on_time_rate(states: Iterable[CommitmentState]) -> Fraction | None:
    """On time over due; None when nothing is due (a rate of nothing is not zero)."""
    listed = list(states)
    if not listed:
        return None
    return Fraction(sum(1 for s in listed if s.on_time), len(listed))


@dataclass(frozen=True, slots=True)
class CommitmentSummary:
    """One party's commitments due in a quarter (for the review pack's commitments section)."""

    party: str
    due: int  # counted in the rate: effective due in the quarter, on or before as-of, not withdrawn
    on_time: int
    late: int
    missed: int  # missed or overdue with nothing recorded
    open: int  # due on the as-of date itself and not yet delivered
    rate: Fraction | None
    states: tuple[CommitmentState, ...]


def commitment_summary(
    rel: Relationship, party: str, quarter: Quarter, today: dt.date
) -> CommitmentSummary:
    """Due / delivered on time / late / missed / open for one party in one quarter."""
    idx = index_of(rel)
    p = period(quarter, idx.fsm, today)
    states = due_between(idx, party, [p], p.as_of)
    return CommitmentSummary(
        party=party,
        due=len(states),
        on_time=sum(1 for s in states if s.status == "on-time"),
        late=sum(1 for s in states if s.status == "late"),
        missed=sum(1 for s in states if s.status in ("missed", "overdue")),
        open=sum(1 for s in states if s.status == "open"),
        rate=on_time_rate(states),
        states=tuple(states),
    )


def missed_and_overdue(rel: Relationship, as_of: dt.date) -> list[CommitmentState]:
    """Every commitment missed or past its effective due without delivery, as of `as_of`."""
    return [s for s in commitment_states(rel, as_of) if s.status in ("missed", "overdue")]
