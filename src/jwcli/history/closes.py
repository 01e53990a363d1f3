"""Closed quarters and late records, read from git (lifecycle.md, "Signed-off quarters" and
"Late records").

Interface (plain functions over the repository root; git only through `history.git`):

- `find_closes(root, rev="HEAD") -> Closes`: one `git log` pass over the evaluated history.
  Quarter Q's **close commit** is the first commit in topological order whose trailers are
  `Jw-Kind: review` and `Jw-Quarter: Q`; Q is closed from it on. `Closes.closed[Q]` is a `Close`
  with its commit, the date it was evaluated as of (`Jw-Today`, else the committer date), the
  state of the `review/Q` tag (`"ok"`, `"missing"`, `"moved"`) and any second close commit.
  `Closes.elsewhere[Q]` is a `review/Q` tag outside the evaluated history with no close commit
  in it: Q is *not* closed ("closed on another branch: merge it").
- `changes_since(root, close, rev)`: what differs in charter.yaml, baselines.yaml, records/ and
  assessments/ between a close commit and `rev` (a commit, or None for the working tree,
  untracked and ignored files included), as one `git diff` with the moves matched by record
  id: `TreeChanges` (added, modified, deleted, and the close's blob of each changed file).
- `Closes.latest()`: the last close commit in topological order (where "Changed after
  sign-off" counts from); `Closes.previous(Q)`: the close of the latest quarter before Q.
- `late_records(rel, quarter, changes) -> list[Late]`: the records of the loaded snapshot `rel`
  that are late for the closed `quarter` given those changes, and the assessment files for it
  added after the close.
- `late_reasons(record, quarter, by_id, fsm)`: why one record (for example a record being
  added, not yet in any tree) would be late for a closed quarter; empty when it is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from jwcli.errors import GitProblem

# The names from load.tree, not model.relationship: `jw validate` on an unchanged tree asks for
# the closes without importing pydantic and the models (~50 ms of a ~0.6 s run at 100k).
from jwcli.load.tree import ASSESSMENTS as ASSESSMENTS_DIR
from jwcli.load.tree import BASELINES as BASELINES_FILE
from jwcli.load.tree import CHARTER as CHARTER_FILE
from jwcli.load.tree import RECORDS as RECORDS_DIR
from jwcli.quarters import Quarter

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from jwcli.history import git
    from jwcli.model.records import AnyRecord
    from jwcli.model.relationship import Relationship

TAG_PREFIX = "review/"
CLOSE_KIND = "review"


@dataclass(frozen=True, slots=True)
class Close:
    """The close commit of one quarter, as seen from the evaluated history."""

    quarter: Quarter
    commit: str
    as_of: dt.date  # Jw-Today, else the committer date: what the signed-off figures use
    committed: dt.date  # the day the close commit was made
    tag_status: str  # "ok" (review/Q marks the commit), "missing" or "moved"
    tag_commit: str | None  # where review/Q points, when it exists
    second_closes: tuple[str, ...] = ()  # later commits that close Q again (an audit error)
    order: int = 0  # position among the close commits, in topological order (oldest first)

    @property
    def tag(self) -> str:
        return f"{TAG_PREFIX}{self.quarter}"


@dataclass(frozen=True, slots=True)
class Closes:
    """Every closed quarter of the evaluated history (`rev`, a full commit id, or None when the
    repository has no commits)."""

    rev: str | None
    closed: dict[Quarter, Close] = field(default_factory=dict)
    # review/Q tags outside the evaluated history, for quarters it does not close
    elsewhere: dict[Quarter, str] = field(default_factory=dict)

    def is_closed(self, quarter: Quarter) -> bool:
        return quarter in self.closed

    def previous(self, quarter: Quarter) -> Close | None:
        """The latest close of a quarter before `quarter`, if any."""
        older = [q for q in self.closed if q < quarter]
        return self.closed[max(older)] if older else None

    def ordered(self) -> list[Close]:
        return sorted(self.closed.values(), key=lambda c: c.quarter)

    def latest(self) -> Close | None:
        """The most recent close commit of the history (topological order): the sign-off
        point that "Changed after sign-off" counts from."""
        return max(self.closed.values(), key=lambda c: c.order, default=None)


NO_CLOSES = Closes(None)


def find_closes(
    root: Path,
    rev: str = "HEAD",
    read: Sequence[git.TrailerCommit] | None = None,
    *,
    remember: bool = True,
) -> Closes:
    """The closed quarters of the history of `rev` (one `git log` pass, plus one ancestry check
    per `review/` tag that does not mark its quarter's close commit). `read`: the commits of
    that history in topological order, parents first, when the caller has read them already
    (`jw audit` reads the whole log anyway), so the log is not read twice.

    For HEAD, the close commits found are remembered in this user's cache and extended from the
    last HEAD seen (history/closes_cache.py); `remember=False` always reads the whole history.
    Either way the answer is the same."""
    from jwcli.history import git

    if rev == "HEAD" and read is None and remember:
        from jwcli.history.closes_cache import remembered_closes

        return remembered_closes(root)
    head = git.head_commit(root) if rev == "HEAD" else git.resolve_commit(root, rev)
    if head is None:
        return NO_CLOSES
    if git.is_shallow(root):
        raise shallow_clone()
    review = git.review_commits(root, head) if read is None else read
    tags = git.tags(root, TAG_PREFIX)
    return closes_from(head, review, tags, lambda commit: git.is_ancestor(root, commit, head))


def shallow_clone() -> GitProblem:
    return GitProblem(
        "this is a shallow clone: the history that says which quarters were signed off "
        "is not all here",
        hint="git fetch --unshallow (in CI: check out with fetch-depth: 0)",
    )


def closes_from(
    head: str,
    review: Iterable[git.TrailerCommit],
    tags: Mapping[str, str],
    is_ancestor: Callable[[str], bool],
) -> Closes:
    """The closes of `head`'s history given its commits that may close a quarter (topological
    order, parents first), the `review/` tags (name -> commit) and whether a commit is in that
    history: the rule itself, with no git in it."""
    firsts: dict[Quarter, git.TrailerCommit] = {}
    seconds: dict[Quarter, list[str]] = {}
    order: dict[str, int] = {}
    for c in review:
        order[c.id] = len(order)
        if c.trailers.get("Jw-Kind", "").strip().lower() != CLOSE_KIND:
            continue
        quarter = Quarter.from_label(c.trailers.get("Jw-Quarter", "").strip())
        if quarter is None:
            continue
        if quarter in firsts:
            seconds.setdefault(quarter, []).append(c.id)
        else:
            firsts[quarter] = c
    tagged_at = {}
    for name, commit in tags.items():
        quarter = Quarter.from_label(name[len(TAG_PREFIX) :])
        if quarter is not None and str(quarter) == name[len(TAG_PREFIX) :]:
            tagged_at[quarter] = commit
    closed: dict[Quarter, Close] = {}
    for quarter, c in firsts.items():
        committed = dt.datetime.fromisoformat(c.committed).date()
        as_of = _date(c.trailers.get("Jw-Today")) or committed
        tagged = tagged_at.get(quarter)
        status = "ok" if tagged == c.id else ("missing" if tagged is None else "moved")
        closed[quarter] = Close(
            quarter,
            c.id,
            as_of,
            committed,
            status,
            tagged,
            tuple(seconds.get(quarter, ())),
            order[c.id],
        )
    elsewhere = {
        q: commit for q, commit in tagged_at.items() if q not in closed and not is_ancestor(commit)
    }
    return Closes(head, closed, elsewhere)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


# --- what changed since a close ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TreeChanges:
    """Differences under records/ and assessments/ between a close commit and a later state.

    A record moved unchanged (same id, same content) is neither added nor deleted; moved and
    changed, it is `modified` at its new path. Paths are relative to the repository's root."""

    close: str
    added: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()  # changed content (path at the later state)
    deleted: tuple[str, ...] = ()  # paths in the close tree whose record is gone
    # (path in the close tree, blob id there) of every modified or deleted file
    before: tuple[tuple[str, str], ...] = ()

    @property
    def touched(self) -> tuple[str, ...]:
        return (*self.added, *self.modified, *self.deleted)


def record_id(path: str) -> str:
    return PurePosixPath(path).stem


def changes_since(
    root: Path,
    close: str,
    rev: str | None,
    *,
    about: Collection[str] | None = None,
    untracked: Collection[str] | None = None,
) -> TreeChanges:
    """One `git diff` between the close commit and `rev` (None: the working tree, untracked
    and ignored files included, since jw loads them), with moves matched by record id.

    `about`: only whether these files are added or modified is wanted. The diff is then made
    of them alone (at 100,000 files git stats a handful instead of all: 0.18 s -> 0.03 s),
    unless one of them is a record added with a known blob, which may be another record moved
    there unchanged: that needs every deletion, so then everything is diffed. The answer is
    exact for these files and may leave others out. `untracked`: the untracked files among
    them, when already listed."""
    from jwcli.history import git

    areas = [CHARTER_FILE, BASELINES_FILE, RECORDS_DIR, ASSESSMENTS_DIR]
    raw: list[git.Change] = []
    # plain pathspecs, not `:(literal)` (which GIT_LITERAL_PATHSPECS would turn into a name):
    # a pattern can only match more files than asked, which the caller does not look at
    narrow = about is not None and not any(p.startswith(":") for p in about)
    if about is not None and narrow:
        raw = git.diff_trees(root, close, rev, sorted(about))
        if rev is None:
            listed = git.untracked(root, sorted(about)) if untracked is None else untracked
            raw += [git.Change("A", path, None, None) for path in sorted(listed)]
        moved_in = (c.status == "A" and c.new and c.path.startswith(f"{RECORDS_DIR}/") for c in raw)
        narrow = not any(moved_in)
    if not narrow:
        raw = git.diff_trees(root, close, rev, areas)
        if rev is None:
            listed = git.untracked(root, areas) if untracked is None else untracked
            raw += [git.Change("A", path, None, None) for path in sorted(listed)]
    gone = {
        record_id(c.path): c
        for c in raw
        if c.status == "D" and c.path.startswith(f"{RECORDS_DIR}/")
    }
    added: list[str] = []
    modified: list[str] = []
    before: list[tuple[str, str]] = []
    moved_from: set[str] = set()
    for c in raw:
        if c.status == "D":
            continue
        if c.status == "A" and c.path.startswith(f"{RECORDS_DIR}/"):
            then = gone.get(record_id(c.path))
            if then is not None and then.old is not None:
                moved_from.add(then.path)
                # the working tree's side of a diff has no blob id: compare by content later
                if then.old != c.new or c.new is None:
                    modified.append(c.path)
                    before.append((then.path, then.old))
                continue
            added.append(c.path)
        elif c.status == "A":
            added.append(c.path)
        else:
            modified.append(c.path)
            if c.old is not None:
                before.append((c.path, c.old))
    deleted = [c.path for c in raw if c.status == "D" and c.path not in moved_from]
    before += [(c.path, c.old) for c in raw if c.path in deleted and c.old is not None]
    return TreeChanges(close, tuple(added), tuple(modified), tuple(deleted), tuple(before))


# --- late records ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Late:
    """A record (or assessment file) late for a closed quarter, and why."""

    quarter: Quarter
    path: str
    id: str  # the record id, or the assessor for an assessment file
    reason: str  # "belongs to Q", "supersedes <id> of Q", "commitment due in Q", "assessment"


def late_reasons(
    record: AnyRecord,
    quarter: Quarter,
    lookup: Callable[[str], AnyRecord | None] | Mapping[str, AnyRecord],
    fiscal_year_start: int = 1,
) -> list[str]:
    """Why `record`, absent from `quarter`'s close tree, changes that closed quarter: it belongs
    to it, supersedes (through any chain) a record that belongs to it, or is a commitment due in
    it. `lookup` finds the other records by id. Empty when it is not late for `quarter`.

    An escalation that supersedes another only adds its outcome: it belongs to its own date's
    quarter and is never late through the chain (lifecycle.md)."""
    from jwcli.analysis.quarters import record_quarter

    find = lookup.get if isinstance(lookup, Mapping) else lookup
    fsm = fiscal_year_start
    reasons: list[str] = []
    if record_quarter(record, fsm) == quarter:
        reasons.append(f"belongs to {quarter}")
    if record.kind == "commitment" and Quarter.of(record.due, fsm) == quarter:
        reasons.append(f"commitment due in {quarter}")
    if record.kind != "escalation":
        seen: set[str] = set()
        todo = list(record.superseded_ids)
        while todo:
            target_id = todo.pop()
            if target_id in seen:
                continue
            seen.add(target_id)
            target = find(target_id)
            if target is None:
                continue
            if record_quarter(target, fsm) == quarter:
                reasons.append(f"supersedes {target_id} of {quarter}")
                break
            todo.extend(target.superseded_ids)
    return reasons


def late_records(rel: Relationship, quarter: Quarter, changes: TreeChanges) -> list[Late]:
    """The records of `rel` added since `quarter`'s close (per `changes`) that are late for it,
    and the assessment files for it added after the close."""
    fsm = rel.fiscal_year_start
    by_id = {rid: e.record for rid, e in rel.records.items()}
    added = set(changes.added)
    found: list[Late] = []
    for rid, entry in sorted(rel.records.items(), key=lambda t: t[1].path):
        if entry.path not in added:
            continue
        for reason in late_reasons(entry.record, quarter, by_id, fsm)[:1]:
            found.append(Late(quarter, entry.path, rid, reason))
    folder = f"{ASSESSMENTS_DIR}/{quarter}/"
    for path in sorted(added):
        if path.startswith(folder) and path.endswith((".yaml", ".yml")):
            found.append(Late(quarter, path, record_id(path), "assessment"))
    return found
