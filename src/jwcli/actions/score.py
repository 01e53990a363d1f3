"""`jw score` against the signed-off state: the scorecard of a quarter and, when the quarter is
closed, its sign-off with every figure that differs now (lifecycle.md).

An unfinished quarter cannot have been closed, so it is scored without reading any history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from jwcli.actions.remember import GitState
from jwcli.checks.run import Outcome
from jwcli.model.relationship import Relationship
from jwcli.model.scores import Scorecard
from jwcli.model.signoff import SignedOff
from jwcli.quarters import Quarter


@dataclass(frozen=True, slots=True)
class ScoreResult:
    card: Scorecard
    signed_off: SignedOff | None


def score(
    root: Path,
    rel: Relationship,
    quarter: Quarter,
    today: dt.date,
    party: str | None = None,
    state: GitState | None = None,
) -> ScoreResult:
    """The scorecard of `quarter` (narrowed to `party` when given) with its sign-off. `state`:
    what git says, when the caller has read it already."""
    from jwcli.actions.signoff import signed_off
    from jwcli.actions.snapshot import Snapshot, loaded
    from jwcli.analysis.quarters import is_finished
    from jwcli.analysis.scoring import score_quarter

    if not is_finished(quarter, today, rel.fiscal_year_start):
        # an unfinished quarter cannot have been closed: no history is read for it
        card = score_quarter(rel, quarter, today)
        sign_off = None
    else:
        if state is None:
            snap = loaded(root, rel, today)
        else:
            snap = Snapshot(
                root, rel, 0, today, state.in_git, state.head, state.when, False, False, True
            )
            snap._closes = state.closes
        card = score_quarter(rel, quarter, today, snap.close_days())
        sign_off = signed_off(snap, quarter, card)
    return narrowed(ScoreResult(card, sign_off), party)


def narrowed(result: ScoreResult, party: str | None) -> ScoreResult:
    """The result for one party (every party when None)."""
    if party is None:
        return result
    card, sign_off = result.card.for_party(party), result.signed_off
    if sign_off is not None:
        kept = tuple(c for c in sign_off.changed if c.party in (None, party))
        sign_off = replace(sign_off, changed=kept)
    return ScoreResult(card, sign_off)


def score_command(
    root: Path,
    done: Outcome,
    quarter: str,
    today: dt.date,
    *,
    cache: bool,
    load: Callable[[], Relationship],
) -> tuple[ScoreResult, tuple[str, ...]]:
    """`jw score`'s result for every party, and the charter's party ids, from a validated tree
    (`done`): remembered from an earlier run on the same inputs, else computed (and remembered)
    from the models `load` gives.

    The result is stored before it is narrowed to a party, so `--party`, `--format` and
    `--explain` (which only choose what is shown of it) share one entry."""
    from jwcli.actions.remember import git_state
    from jwcli.analysis.quarters import parse_quarter_argument, require_started
    from jwcli.load import results

    tree = done.tree
    key: tuple[object, ...] | None = None
    state = None
    options = (quarter, today.isoformat())
    if cache and tree is not None and tree.settled:
        # the history is part of the key even for an open quarter: simpler than telling them
        # apart before the charter (and its fiscal year) is loaded
        # an explicit quarter is known without the charter: if it is not closed, its score
        # reads no diff of the working tree (`last` and `current` need the fiscal year)
        state = git_state(root, tree, dirty=False, only=Quarter.from_argument(quarter))
        if state is not None:
            key = (tree.fingerprint, options, state.parts)
            found = results.find(tree.root, "score", options, key)
            if found is not None:
                stored = results.unpack_objects(found.get("result"))
                parties = found.get("parties")
                if (
                    type(stored) is tuple
                    and len(stored) == 2
                    and type(stored[0]) is Scorecard
                    and (stored[1] is None or type(stored[1]) is SignedOff)
                    and type(parties) is tuple
                    and all(type(p) is str for p in parties)
                ):
                    return ScoreResult(*stored), parties
    rel = load()
    charter = rel.charter
    assert charter is not None  # a valid tree has its charter
    chosen = parse_quarter_argument(quarter, today, charter.fiscal_year_start)
    assert chosen is not None  # the caller checked the spelling
    require_started(chosen, today, charter.fiscal_year_start)
    result = score(root, rel, chosen, today, state=state)
    parties = tuple(charter.party_ids())
    if key is not None and tree is not None:
        packed = results.pack_objects((result.card, result.signed_off))
        value = {"result": packed, "parties": parties}
        results.keep(tree.root, "score", options, key, value)
    return result, parties
