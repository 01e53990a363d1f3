"""The close commits of HEAD's history, found once and extended from the last HEAD seen
(lifecycle.md, "Keeping it fast"), so that `jw validate`, `jw status` and `jw add` do not read
the whole log on every run.

What is remembered is git's own answer, not a conclusion drawn from it: the commits whose
message says `Jw-Kind: review`, in topological order, as `git log` listed them for the HEAD
remembered, plus which tag commits are in that history and which commit each tag object marks.
The rule (history/closes.py, `closes_from`) runs on them every time, so the answer is the one a
fresh `find_closes` gives:

- Same HEAD: a commit id names its whole history, so nothing is read but HEAD and the tags.
- A HEAD that descends from the remembered one through commits that are not merges: only
  `git log <remembered>..HEAD` is read and appended. A linear extension leaves git's
  topological order of the older commits as it was; a merge can interleave a side branch with
  them (which close is "first" could change), so a merge means reading the whole log again.
- Any other HEAD (a reset, a rebase, an amended commit, another repository at the same path):
  the whole log is read again and remembered in place of the old one.
- The `review/` tags, which can move or vanish at any time, are listed on every run. Their
  object ids come with HEAD in one `git rev-parse`; which commit a tag object marks never
  changes (an id names its content), so `git for-each-ref` runs only for a tag object not seen.

The file is kept outside the repository, in this user's cache folder (`$XDG_CACHE_HOME/jw/closes`,
else `~/.cache/jw/closes`): nothing committed to or written into a working tree can stand in for
it. It is JSON (no code runs on reading it), opened without following links, size-capped, must
belong to this user, and anything unexpected in it is a miss: the whole log is read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from jwcli import __version__
from jwcli.history import git
from jwcli.history.closes import TAG_PREFIX, Closes, closes_from, find_closes, shallow_clone
from jwcli.load.private import read_own_file

MAX_BYTES = 64 * 1024 * 1024
# The modules whose code decides what is remembered and how it is read back.
_SOURCES = ("history/closes.py", "history/closes_cache.py", "history/git.py")
_TRAILERS = frozenset(git.TRAILER_KEYS)
_HEX = frozenset("0123456789abcdef")


def remembered_closes(root: Path) -> Closes:
    """`find_closes(root)` for HEAD, reading as little of the log as the remembered state
    allows."""
    state = git.head_and_tags(root, TAG_PREFIX)
    if state is None:  # no commits, or git said something unexpected: ask the usual way
        return find_closes(root, remember=False)
    head, shallow, tag_ids = state
    if shallow:
        raise shallow_clone()
    data = _read(root)
    seen: str | None = data.get("head")
    review: list[list[Any]] = data.get("review", [])
    known: dict[str, bool] = data.get("ancestors", {})
    peeled: dict[str, str] = data.get("peeled", {})
    if seen != head:
        if (
            seen is not None
            and git.is_ancestor(root, seen, head)
            and not git.has_merges(root, seen, head)
        ):
            review = review + _rows(git.review_commits(root, f"{seen}..{head}"))
            # a commit in the old history is in the new one; one that was not may be now
            known = {commit: True for commit, inside in known.items() if inside}
        else:
            review, known = _rows(git.review_commits(root, head)), {}
    if any(obj not in peeled for obj in tag_ids.values()):
        listed = git.tag_objects(root, TAG_PREFIX)  # a tag object not seen: peel them all again
        tag_ids = {name: obj for name, (obj, _) in listed.items()}
        peeled = {obj: commit or "" for obj, commit in listed.values()}
    asked = dict(known)

    def is_ancestor(commit: str) -> bool:
        if commit not in asked:
            asked[commit] = git.is_ancestor(root, commit, head)
        return asked[commit]

    tags = {name: peeled[obj] for name, obj in tag_ids.items() if peeled.get(obj)}
    commits = [git.TrailerCommit(c, when, dict(t)) for c, when, t in review]
    closes = closes_from(head, commits, tags, is_ancestor)
    fresh = {"head": head, "review": review, "ancestors": asked, "peeled": peeled}
    if any(data.get(k) != v for k, v in fresh.items()):
        _write(root, {"key": _key(), **fresh})
    return closes


def _rows(commits: list[git.TrailerCommit]) -> list[list[Any]]:
    return [[c.id, c.committed, c.trailers] for c in commits]


def _folder() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.path.join(os.path.expanduser("~"), ".cache") if os.path.expanduser("~") != "~" else ""
    )
    return Path(base) / "jw" / "closes" if base else None


def _key() -> str:
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for rel in _SOURCES:
        with contextlib.suppress(OSError):
            digest.update((package / rel).read_bytes())
    return digest.hexdigest()


def _path(root: Path) -> Path | None:
    folder = _folder()
    if folder is None:
        return None
    name = hashlib.blake2b(os.fsencode(root.resolve()), digest_size=16).hexdigest()
    return folder / f"{name}.json"


def _read(root: Path) -> dict[str, Any]:
    """The remembered state of `root`'s repository, or {} when there is none to trust."""
    path = _path(root)
    if path is None:
        return {}
    raw = read_own_file(path, MAX_BYTES)
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("key") != _key() or not _well_formed(data):
        return {}
    return data


def _well_formed(data: dict[str, Any]) -> bool:
    head, review = data.get("head"), data.get("review")
    ancestors, peeled = data.get("ancestors"), data.get("peeled")
    if not isinstance(head, str) or not _oid(head) or not isinstance(review, list):
        return False
    for row in review:
        if not (isinstance(row, list) and len(row) == 3):
            return False
        commit, when, trailers = row
        if not (_oid(commit) and isinstance(when, str) and isinstance(trailers, dict)):
            return False
        if not all(k in _TRAILERS and isinstance(v, str) for k, v in trailers.items()):
            return False
    if not isinstance(ancestors, dict) or not isinstance(peeled, dict):
        return False
    return all(_oid(c) and isinstance(v, bool) for c, v in ancestors.items()) and all(
        _oid(o) and isinstance(c, str) and (c == "" or _oid(c)) for o, c in peeled.items()
    )


def _oid(value: Any) -> bool:
    return isinstance(value, str) and len(value) in (40, 64) and _HEX.issuperset(value)


def _write(root: Path, data: dict[str, Any]) -> None:
    """Replace the remembered state atomically; a failure to write is ignored (it is optional)."""
    path = _path(root)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".closes-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(data))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return
