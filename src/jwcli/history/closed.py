"""The quarters signed off in the repository's history, for `jw validate` to hold back their
warnings (lifecycle.md, "Warnings belong to quarters").

history/closes.py owns the rule (the first commit with trailers `Jw-Kind: review` and
`Jw-Quarter: Q`); this is the one question `jw validate` asks of it. Validation must work on any
folder: outside git, without git, or in a shallow clone (where the history that says which
quarters were signed off is incomplete) no quarter counts as closed, so every warning is printed.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from pathlib import Path

from jwcli.errors import GitProblem


def closed_quarters(
    root: Path, asked: Mapping[str, Set[str]]
) -> tuple[frozenset[str], frozenset[str]]:
    """Labels of the quarters closed in HEAD's history, and the late files among `asked`:
    `asked[Q]` holds the files with warnings of quarter Q that could be held back, and such a
    file is late when it is not as Q's close left it (added, moved in or changed since): its
    warnings are printed wherever they belong. Only Q's own close counts for Q's files: a
    record added during Q3 is not late because Q2 closed before it. Nothing when that cannot
    be known."""
    from jwcli.history import git
    from jwcli.history.closes import changes_since, find_closes

    try:
        closes = find_closes(root)
        closed = frozenset(str(q) for q in closes.closed)
        wanted = {q: paths for q, paths in asked.items() if q in closed and paths}
        late: set[str] = set()
        if not wanted:
            return closed, frozenset()
        # Which of these files git does not track does not depend on the close: asked once.
        # (Every one of them is in the work tree: its findings come from reading it.)
        everything = sorted(set().union(*wanted.values()))
        tracked = git.tracked(root, everything)
        untracked = {p for p in everything if p not in tracked}
        for quarter, close in closes.closed.items():
            paths = wanted.get(str(quarter))
            if paths:  # one narrow `git diff` per closed quarter that has warnings
                changes = changes_since(root, close.commit, None, about=paths, untracked=untracked)
                late.update(p for p in (*changes.added, *changes.modified) if p in paths)
        return closed, frozenset(late)
    except GitProblem:
        return frozenset(), frozenset()
