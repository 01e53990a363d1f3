"""`jw score` against the signed-off state: the scorecard of a quarter and, when the quarter is
closed, its sign-off with every figure that differs now (lifecycle.md).

An unfinished quarter cannot have been closed, so it is scored without reading any history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from jwcli.model.relationship import Relationship
from jwcli.model.scores import Scorecard
from jwcli.model.signoff import SignedOff
from jwcli.quarters import Quarter


@dataclass(frozen=True, slots=True)
class ScoreResult:
    card: Scorecard
    signed_off: SignedOff | None


def score(
    root: Path, rel: Relationship, quarter: Quarter, today: dt.date, party: str | None = None
) -> ScoreResult:
    """The scorecard of `quarter` (narrowed to `party` when given) with its sign-off."""
    from jwcli.actions.signoff import signed_off
    from jwcli.actions.snapshot import loaded
    from jwcli.analysis.quarters import is_finished
    from jwcli.analysis.scoring import score_quarter

    card = score_quarter(rel, quarter, today)
    sign_off = None
    if is_finished(quarter, today, rel.fiscal_year_start):
        sign_off = signed_off(loaded(root, rel, today), quarter, card)
    if party is not None:
        card = card.for_party(party)
        if sign_off is not None:
            kept = tuple(c for c in sign_off.changed if c.party in (None, party))
            sign_off = replace(sign_off, changed=kept)
    return ScoreResult(card, sign_off)
