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

# Up to this many files are named to git one by one; more, and it is given their folders.
NAMED_FILES_MAX = 32
AREAS = ["charter.yaml", "baselines.yaml", "records", "assessments"]


def closed_quarters(
    root: Path, asked: Mapping[str, Set[str]], *, remember: bool = True
) -> tuple[frozenset[str], frozenset[str]]:
    """Labels of the quarters closed in HEAD's history, and the late files among `asked`:
    `asked[Q]` holds the files with warnings of quarter Q that could be held back, and such a
    file is late when it is not as Q's close left it (added, moved in or changed since): its
    warnings are printed wherever they belong. Only Q's own close counts for Q's files: a
    record added during Q3 is not late because Q2 closed before it. Nothing when that cannot
    be known. `remember`: use the close commits remembered from the last run (`find_closes`)."""
    from jwcli.history import git
    from jwcli.history.closes import changes_since, find_closes

    try:
        closes = find_closes(root, remember=remember)
        closed = frozenset(str(q) for q in closes.closed)
        wanted = {q: c for q, c in closes.closed.items() if asked.get(str(q))}
        if not wanted or closes.rev is None:
            return closed, frozenset()
        # Most of these files are as HEAD has them: for those, what changed since a close is
        # what changed between two commits, and one `git diff-tree` compares HEAD with every
        # close at once. The others (changed in the work tree, untracked), and a record added
        # since a close (it may be another moved there, which needs every deletion), are
        # asked of the work tree, one narrow `git diff` per quarter that has them.
        everything = sorted(set().union(*(asked[str(q)] for q in wanted)))
        # git matches every pathspec against every file it tracks: past a few dozen files,
        # naming the folders is cheaper (300 files at 100k: 0.53 s -> 0.15 s)
        specs = everything if len(everything) <= NAMED_FILES_MAX else AREAS
        tracked = git.tracked(root, specs)
        untracked = {p for p in everything if p not in tracked}
        dirty = {c.path for c in git.diff_trees(root, "HEAD", None, specs)}
        clean = set(everything) - untracked - dirty
        commits = [c.commit for c in wanted.values()]
        late: set[str] = set()
        diffs = git.diffs_to(root, closes.rev, commits, sorted(clean))
        for (quarter, close), changes in zip(wanted.items(), diffs, strict=True):
            paths = asked[str(quarter)]
            found = [c for c in changes if c.path in paths and c.path in clean]
            if paths <= clean and all(c.status in ("M", "T") for c in found):
                late.update(c.path for c in found)
                continue
            mine = untracked & paths
            since = changes_since(root, close.commit, None, about=paths, untracked=mine)
            late.update(p for p in (*since.added, *since.modified) if p in paths)
        return closed, frozenset(late)
    except GitProblem:
        return frozenset(), frozenset()
