"""Alignment between parties: how far apart the ratings of one party's behaviour are (scoring.md).

- spread: max - min of the peer ratings of a party on a behaviour; misaligned at 2 or more. A
  spread needs two peer ratings: one opinion cannot disagree with itself.
- self gap: the party's self-rating minus the mean of its peer ratings; flagged at +1.5 or more
  ("sees itself better than its partners do") or -1.5 or less, on the reported (2-decimal) gap.
"""

from __future__ import annotations

from fractions import Fraction

from jwcli.analysis.index import RelIndex, index_of
from jwcli.model.common import BEHAVIOURS
from jwcli.model.relationship import Relationship
from jwcli.model.scores import AlignmentFlag
from jwcli.quarters import Quarter


def _alignment(idx: RelIndex, quarter: Quarter, party: str, behaviour: str) -> AlignmentFlag:
    peers = tuple(
        sorted(r.rating for r in idx.peer_ratings(quarter, party) if r.behaviour == behaviour)
    )
    own = next(
        (
            r.rating
            for r in idx.ratings_of.get((quarter, party), ())
            if r.assessor == party and r.behaviour == behaviour
        ),
        None,
    )
    spread = peers[-1] - peers[0] if len(peers) >= 2 else None
    gap = Fraction(own) - Fraction(sum(peers), len(peers)) if own is not None and peers else None
    return AlignmentFlag(party, behaviour, spread, gap, peers, own)


def alignment(rel: Relationship, quarter: Quarter, party: str | None = None) -> list[AlignmentFlag]:
    """Spread and self gap of every party and behaviour that has ratings, flagged or not."""
    idx = index_of(rel)
    parties = [p for p in idx.party_ids if party is None or p == party]
    rated = {(r.party, r.behaviour) for r in idx.ratings.get(quarter, ())}
    return [_alignment(idx, quarter, p, b) for p in parties for b in BEHAVIOURS if (p, b) in rated]


def flagged(rel: Relationship, quarter: Quarter, party: str | None = None) -> list[AlignmentFlag]:
    """Only the entries the scorecard lists: misaligned spread or a self gap of 1.5 or more."""
    return [a for a in alignment(rel, quarter, party) if a.flagged]


def largest_spread(rel: Relationship, quarter: Quarter, party: str) -> int | None:
    """The `rating-spread` trigger metric: the largest spread over the party's behaviours."""
    spreads = [a.spread for a in alignment(rel, quarter, party) if a.spread is not None]
    return max(spreads) if spreads else None
