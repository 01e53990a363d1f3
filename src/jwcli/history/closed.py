"""The quarters signed off in the repository's history, for `jw validate` to hold back their
warnings (lifecycle.md, "Warnings belong to quarters").

history/closes.py owns the rule (the first commit with trailers `Jw-Kind: review` and
`Jw-Quarter: Q`); this is the one question `jw validate` asks of it. Validation must work on any
folder: outside git, without git, or in a shallow clone (where the history that says which
quarters were signed off is incomplete) no quarter counts as closed, so every warning is printed.
"""

from __future__ import annotations

from pathlib import Path

from jwcli.errors import GitProblem


def closed_quarters(root: Path) -> frozenset[str]:
    """Labels of the quarters closed in HEAD's history; none when that cannot be known."""
    from jwcli.history.closes import find_closes

    try:
        return frozenset(str(q) for q in find_closes(root).closed)
    except GitProblem:
        return frozenset()
