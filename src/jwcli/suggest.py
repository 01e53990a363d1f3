""" "Did you mean" for a misspelt id or word: the one nearest known spelling, if any is close."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(value: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known spelling closest to `value`, or None when nothing is close enough to help."""
    found = difflib.get_close_matches(value, [k for k in known if k != value], n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(value: str, known: Iterable[str], cutoff: float = 0.6) -> str:
    """` (did you mean `x`?)` to append to a message, or "" when nothing is close."""
    close = nearest(value, known, cutoff)
    return f" (did you mean `{close}`?)" if close else ""
