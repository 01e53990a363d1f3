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
from typing import TypeVar

from jwcli.errors import GitProblem

Q = TypeVar("Q")

# Up to this many files are named to git one by one; more, and it is given their folders.
NAMED_FILES_MAX = 32


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
        # what changed between two commits, which git answers without looking at the work
        # tree. The others (changed in the work tree, untracked), and a record added since a
        # close (it may be another moved there, which needs every deletion), are asked of the
        # work tree, one narrow `git diff` per quarter that has them. (Before: a `git diff` of
        # the whole work tree per closed quarter, 25 s at 100k with 40 closed quarters.)
        everything = sorted(set().union(*(asked[str(q)] for q in wanted)))
        specs = _specs(everything)
        tracked = git.tracked(root, specs)
        untracked = {p for p in everything if p not in tracked}
        dirty = {c.path for c in git.diff_trees(root, "HEAD", None, specs)}
        clean = set(everything) - untracked - dirty
        late: set[str] = set()
        # A folder whose tree is the same at the close and at HEAD holds nothing changed since
        # (content or mode): one `cat-file` answers that for every folder of every quarter, and
        # only quarters with a changed folder are compared file by file.
        head = closes.rev
        folders = {q: {_folder(p) for p in asked[str(q)] & clean} for q in wanted}
        closes_at = {q: c.commit for q, c in wanted.items()}
        kept = _unchanged(root, head, closes_at, folders)
        pairs = [
            (close.commit, [] if kept[q] else _specs(asked[str(q)] & clean))
            for q, close in wanted.items()
        ]
        diffs = git.diffs_to(root, head, pairs)
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


def _specs(paths: Set[str] | list[str]) -> list[str]:
    """`paths`, or their folders when there are many (git matches every pathspec against every
    file it looks at: 300 files named at 100k cost 0.53 s, their folders 0.15 s)."""
    if len(paths) <= NAMED_FILES_MAX:
        return sorted(paths)
    return sorted({path.rpartition("/")[0] or path for path in paths})


def _folder(path: str) -> str:
    return path.rpartition("/")[0]


def _unchanged(
    root: Path, head: str, commits: Mapping[Q, str], folders: Mapping[Q, Set[str]]
) -> dict[Q, bool]:
    """For each quarter, whether every one of its folders has the same tree at its close
    commit and at `head`."""
    from jwcli.history import git

    plain = {q: all("\n" not in f for f in fs) for q, fs in folders.items()}
    specs = [
        f"{rev}:./{f}"
        for q, fs in folders.items()
        if plain[q]
        for rev in (commits[q], head)
        for f in fs
    ]
    ids = git.object_ids(root, specs)
    kept: dict[Q, bool] = {}
    for q, fs in folders.items():
        then = [ids[f"{commits[q]}:./{f}"] for f in fs] if plain[q] else [None]
        now = [ids[f"{head}:./{f}"] for f in fs] if plain[q] else [None]
        kept[q] = None not in then and then == now
    return kept
