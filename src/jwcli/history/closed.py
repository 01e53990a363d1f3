"""The quarters signed off in the repository's history, for `jw validate` to hold back their
warnings (lifecycle.md, "Warnings belong to quarters").

history/closes.py owns the rule (the first commit with trailers `Jw-Kind: review` and
`Jw-Quarter: Q`); this is the one question `jw validate` asks of it. Validation must work on any
folder: outside git, without git, or in a shallow clone (where the history that says which
quarters were signed off is incomplete) no quarter counts as closed, so every warning is printed.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from jwcli.errors import GitProblem


def closed_quarters(
    root: Path, asked: Collection[str] = ()
) -> tuple[frozenset[str], frozenset[str]]:
    """Labels of the quarters closed in HEAD's history, and the data files that are not as the
    close of a quarter in `asked` left them (added, moved in or changed since: late records,
    whose warnings are printed wherever they belong). Nothing when that cannot be known."""
    from jwcli.history.closes import changes_since, find_closes

    try:
        closes = find_closes(root)
        closed = frozenset(str(q) for q in closes.closed)
        since: set[str] = set()
        for quarter, close in closes.closed.items():
            if str(quarter) in asked:  # one `git diff` per closed quarter that has warnings
                changes = changes_since(root, close.commit, None)
                since.update(changes.added, changes.modified)
        return closed, frozenset(since)
    except GitProblem:
        return frozenset(), frozenset()
