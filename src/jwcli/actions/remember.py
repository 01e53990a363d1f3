"""What a `jw score` or `jw review` result depends on, gathered without loading a model, so a
repeated run on unchanged inputs is answered from load/results.py.

A result depends on:
- the files jw loads: the tree's fingerprint (every path and stat key, load/tree.py), trusted
  only when the tree is `settled` (no file changed within the racy window);
- jw's own code (load/results.py adds it) and every option that changes the output;
- what git says: HEAD (the history the audit and the closes are read from), the `review/` tags
  and the closed quarters found from them, and, when a quarter is closed, how the working tree's
  data differs from HEAD (the signed-off comparison diffs the working tree against each close
  commit: with HEAD fixed, that diff is fixed by the files that differ from HEAD, which are
  listed with their stat keys); for a review also whether the tree is dirty (its cover says so).

When any of it cannot be known (git fails, a shallow clone, a file too new to have a stat key)
nothing is looked up or stored: the command runs as without a cache and reports what it reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jwcli.history.closes import NO_CLOSES, Closes
from jwcli.load import tree as listing
from jwcli.load.tree import Tree, stat_path
from jwcli.quarters import Quarter


@dataclass(frozen=True, slots=True)
class GitState:
    """What git says about the working tree, read once and shared by the key and the run."""

    in_git: bool
    head: str | None
    when: dt.date | None  # HEAD's commit date
    dirty: bool
    closes: Closes
    parts: tuple[Any, ...]  # all of the above, and the data's changes since HEAD, as plain values


def git_state(
    root: Path, tree: Tree, *, dirty: bool, only: Quarter | None = None
) -> GitState | None:
    """The state of git for `root`, or None when it cannot be read in full (then the caller
    runs without the results cache). `dirty`: also ask whether the tree differs from HEAD.
    `only`: the result reads the sign-off of this quarter alone (a score), so the working
    tree's changes matter only when it is closed (at 100,000 files they cost ~0.4 s of git)."""
    from jwcli.actions.snapshot import data_dirty
    from jwcli.history import git
    from jwcli.history.closes import TAG_PREFIX, changes_since, find_closes

    try:
        if git.toplevel(root) is None:
            return GitState(False, None, None, False, NO_CLOSES, ("no git",))
        head = git.head_commit(root)
        if head is None:
            return GitState(True, None, None, False, NO_CLOSES, ("no commits",))
        when = git.commit_date(root, head)
        is_dirty = data_dirty(root) if dirty else False
        closes = find_closes(root, head)
        tags = tuple(sorted(git.tags(root, TAG_PREFIX).items()))
        changed: tuple[Any, ...] = ()
        if closes.closed and (only is None or only in closes.closed):
            since = changes_since(root, head, None)
            keys = []
            for path in (*since.added, *since.modified):
                key = stat_path(f"{tree.root}/{path}", tree.started_ns - listing.RACY_NS)
                if key is None:  # too new to vouch for its content
                    return None
                keys.append((path, key))
            changed = (since.added, since.modified, since.deleted, since.before, tuple(keys))
    except Exception:
        # the key is an optimisation: git that cannot be read means no cache, and the command
        # meets the same problem (or none, for an open quarter that reads no history) where it
        # would have without one
        return None
    parts = (head, is_dirty, tags, _closes_parts(closes), changed)
    return GitState(True, head, when, is_dirty, closes, parts)


def _closes_parts(closes: Closes) -> tuple[Any, ...]:
    return (
        tuple(
            (
                str(q),
                c.commit,
                c.as_of.isoformat(),
                c.committed.isoformat(),
                c.tag_status,
                c.tag_commit,
                c.second_closes,
                c.order,
            )
            for q, c in sorted(closes.closed.items())
        ),
        tuple(sorted((str(q), commit) for q, commit in closes.elsewhere.items())),
    )
