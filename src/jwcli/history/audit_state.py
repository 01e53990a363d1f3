"""What the audit's walk over the history knows when it reaches a commit, as plain JSON data, so
that the next `jw audit` after new commits walks only those (`git log <remembered>..HEAD`) and
picks up where the last walk stopped, instead of walking the whole history again.

The state is remembered in the per-user cache with the report (see audit_cache); decoding checks
every field's type, and anything unexpected makes the whole remembered audit a miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jwcli.quarters import Quarter


@dataclass(slots=True)
class WalkState:
    """The walk's memory of the history up to `head` (the rules' view of the past)."""

    head: str = ""
    first: dict[str, tuple[str, str]] = field(default_factory=dict)  # record id -> commit, blob
    belongs: dict[str, frozenset[Quarter]] = field(default_factory=dict)  # id -> its quarters
    authors: dict[str, str] = field(default_factory=dict)  # assessment path -> who added it
    runs: set[tuple[str | None, str | None]] = field(default_factory=set)  # run costs
    spent: set[str | None] = field(default_factory=set)  # services with a cost or saving
    signing_now: bool = False  # the last readable charter version requires signed commits
    flagged: set[tuple[str, str, str, str]] = field(default_factory=set)  # flags raised once
    closed: frozenset[Quarter] = frozenset()  # quarters closed by `head`'s ancestors
    governed: bool = False  # `head` is or descends from the charter's first agreement


@dataclass(frozen=True, slots=True)
class Resume:
    """Where a walk over new commits starts: the remembered head and its state."""

    head: str
    closed: frozenset[Quarter]
    governed: bool


def encode(state: WalkState) -> dict[str, Any]:
    labels: dict[frozenset[Quarter], list[str]] = {}  # a few dozen distinct sets

    def quarters(qs: frozenset[Quarter]) -> list[str]:
        if qs not in labels:
            labels[qs] = sorted(str(q) for q in qs)
        return labels[qs]

    return {
        "head": state.head,
        "first": {rid: list(v) for rid, v in state.first.items()},
        "belongs": {rid: quarters(qs) for rid, qs in state.belongs.items()},
        "authors": state.authors,
        "runs": sorted([list(r) for r in state.runs], key=str),
        "spent": sorted(state.spent, key=str),
        "signing_now": state.signing_now,
        "flagged": sorted(list(k) for k in state.flagged),
        "closed": quarters(state.closed),
        "governed": state.governed,
    }


class Malformed(ValueError):
    """The remembered state is not what `encode` writes: the caller treats it as a miss."""


def decode(data: Any) -> WalkState:
    if not isinstance(data, dict):
        raise Malformed("state")
    sets: dict[tuple[str, ...], frozenset[Quarter]] = {}

    def quarters(value: Any) -> frozenset[Quarter]:
        key = tuple(_strings(value))
        if key not in sets:
            found = [Quarter.from_label(label) for label in key]
            if any(q is None for q in found):
                raise Malformed("quarter")
            sets[key] = frozenset(q for q in found if q is not None)
        return sets[key]

    first = _mapping(data.get("first"))
    belongs = _mapping(data.get("belongs"))
    authors = _mapping(data.get("authors"))
    state = WalkState(
        head=_text(data.get("head")),
        first={},
        belongs={rid: quarters(v) for rid, v in belongs.items()},
        authors={path: _text(email) for path, email in authors.items()},
        runs={_pair(r) for r in _list(data.get("runs"))},
        spent={_optional(s) for s in _list(data.get("spent"))},
        signing_now=_flag(data.get("signing_now")),
        flagged={_four(k) for k in _list(data.get("flagged"))},
        closed=quarters(data.get("closed")),
        governed=_flag(data.get("governed")),
    )
    for rid, value in first.items():
        commit, blob = _strings(value)
        state.first[rid] = (commit, blob)
    return state


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed("mapping")
    return value  # JSON object keys are always strings


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Malformed("list")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Malformed("text")
    return value


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Malformed("flag")
    return value


def _strings(value: Any) -> list[str]:
    items = _list(value)
    if not all(isinstance(v, str) for v in items):
        raise Malformed("strings")
    return items


def _pair(value: Any) -> tuple[str | None, str | None]:
    items = _list(value)
    if len(items) != 2:
        raise Malformed("pair")
    return _optional(items[0]), _optional(items[1])


def _four(value: Any) -> tuple[str, str, str, str]:
    items = _strings(value)
    if len(items) != 4:
        raise Malformed("flag key")
    return items[0], items[1], items[2], items[3]
