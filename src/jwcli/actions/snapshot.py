"""One snapshot of the repository for a workflow: the files (at the working tree or at a
revision), validated, plus what history says about them (closed quarters), read once and
passed down instead of going back and forth to git from several layers (architecture.md).

Open it with `working_tree(...)` or `revision(...)`, as a context manager: a revision's files
are materialised in a temporary folder that lives as long as the snapshot.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import TracebackType

from jwcli.checks.run import Outcome
from jwcli.errors import DataInvalid, GitProblem
from jwcli.history.closes import NO_CLOSES, Closes
from jwcli.model.findings import Finding
from jwcli.model.relationship import (
    ASSESSMENTS_DIR,
    BASELINES_FILE,
    CHARTER_FILE,
    RECORDS_DIR,
    REVIEWS_DIR,
    Relationship,
)
from jwcli.quarters import Quarter

# What jw reads from a revision: the data, never attachments or packs (they can be large).
DATA_PATHS = (CHARTER_FILE, BASELINES_FILE, f"{RECORDS_DIR}/", f"{ASSESSMENTS_DIR}/")


@dataclass
class Snapshot:
    root: Path  # the repository's working tree (where git runs and packs are written)
    rel: Relationship
    warnings: int  # how many warnings the data has (it has no errors)
    today: dt.date
    in_git: bool
    commit: str | None  # HEAD (working tree) or the revision; None without commits
    commit_date: dt.date | None
    from_revision: bool  # the files were read from git objects, not the working tree
    dirty: bool  # the working tree differs from HEAD outside reviews/ (working tree only)
    cache: bool = False  # results may be read from and kept in .jw/cache/ (load/results.py)
    _closes: Closes | None = None
    memo: dict[object, object] = field(default_factory=dict)  # results workflows share
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def closes(self) -> Closes:
        """The closed quarters of the evaluated history (one `git log` pass, on first use)."""
        if self._closes is None:
            if not self.in_git or self.commit is None:
                self._closes = NO_CLOSES
            else:
                from jwcli.history.closes import find_closes

                self._closes = find_closes(self.root, self.commit)
        return self._closes

    def close_days(self) -> dict[Quarter, dt.date]:
        """The day each closed quarter was signed off as of (its `Jw-Today`): a close ends
        the quarter's measurement grace, in every figure computed from this snapshot."""
        return {q: c.as_of for q, c in self.closes().closed.items()}

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def load_valid(root: Path, today: dt.date, cache: bool = False) -> tuple[Relationship, int]:
    """Load and validate the files under `root`; DataInvalid (with the errors) when any."""
    done = check_valid(root, today, cache, models=True)
    assert done.rel is not None  # models=True always loads them
    return done.rel, len(done.findings)


def check_valid(root: Path, today: dt.date, cache: bool = False, models: bool = False) -> Outcome:
    """Validate the files under `root` (loading the models only when something changed, unless
    `models`); DataInvalid (with the errors) when any."""
    from jwcli.checks.run import check_repo
    from jwcli.checks.validate import has_errors

    done = check_repo(root, today, cache=cache, models=models)
    findings = done.findings
    if has_errors(findings):
        errors: list[Finding] = [f for f in findings if f.is_error]
        raise DataInvalid(
            f"the data has {len(errors)} error{'s' * (len(errors) != 1)}: "
            "fix them (`jw validate`) first",
            list(errors),
        )
    return done


def models_of(done: Outcome, on_progress: Callable[[int, int], None] | None = None) -> Relationship:
    """The models of a validated tree: the ones `check_valid` loaded, else from the cache."""
    if done.rel is None:
        from jwcli.load.repo import load_repo

        assert done.tree is not None  # findings without models come only from the cache
        done.rel = load_repo(Path(done.tree.root), on_progress, cache=True, tree=done.tree)
    return done.rel


def working_tree(
    root: Path, today: dt.date, *, cache: bool = False, done: Outcome | None = None
) -> Snapshot:
    """The files as they are in the working tree (untracked ones included). `done`: the tree
    `check_valid` validated already (its models are loaded now if they were not)."""
    from jwcli.history import git

    if done is None:
        done = check_valid(root, today, cache, models=True)
    rel, warnings = models_of(done), len(done.findings)
    in_git = git.toplevel(root) is not None
    head = git.head_commit(root) if in_git else None
    when = git.commit_date(root, head) if head else None
    dirty = data_dirty(root) if head else False
    return Snapshot(root, rel, warnings, today, in_git, head, when, False, dirty)


def revision(root: Path, rev: str, today: dt.date | None = None) -> Snapshot:
    """The files committed at `rev` (only the data: charter, baselines, records, assessments);
    `today` defaults to the commit's date."""
    from jwcli.history import git

    if git.toplevel(root) is None:
        raise GitProblem(f"reading a revision needs git history, and {root} is not in git")
    git.preflight(root, for_write=False)
    commit = git.resolve_commit(root, rev)
    when = git.commit_date(root, commit)
    tmp = tempfile.TemporaryDirectory(prefix="jw-snapshot-")
    try:
        listed = git.list_tree(root, commit)
        entries = [e for e in listed if _is_data(e.path)]
        blobs = git.read_blobs(root, (e.oid for e in entries))
        files = {e.path: blobs[e.oid] or b"" for e in entries}
        # attachments are only checked to exist: an empty stand-in, never their bytes
        files.update({e.path: b"" for e in listed if e.path not in files})
        materialise(Path(tmp.name), files)
        rel, warnings = load_valid(Path(tmp.name), today or when)
    except BaseException:
        tmp.cleanup()
        raise
    snap = Snapshot(root, rel, warnings, today or when, True, commit, when, True, False)
    snap._tmp = tmp
    return snap


def _is_data(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in DATA_PATHS)


def materialise(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` (relative path -> bytes, from a git tree) under `folder`."""
    for rel_path, data in files.items():
        parts = PurePosixPath(rel_path).parts
        # paths come from git's tree: refuse anything that would leave the folder
        if ".." in parts or PurePosixPath(rel_path).is_absolute():
            continue
        target = folder.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def data_dirty(root: Path) -> bool:
    """Whether anything but jw's own packs (reviews/) differs from HEAD, untracked files included.

    `git.is_dirty` counts reviews/ too, which would make a second run report "uncommitted
    changes" only because the first one wrote its pack."""
    from jwcli.history import git

    proc = git.run_bytes(
        ["status", "--porcelain", "-z", "--", ".", f":(exclude){REVIEWS_DIR}/"], root
    )
    return bool(proc.stdout)


def loaded(root: Path, rel: Relationship, today: dt.date, warnings: int = 0) -> Snapshot:
    """A working-tree snapshot of models the caller already loaded and validated."""
    from jwcli.history import git

    in_git = git.toplevel(root) is not None
    head = git.head_commit(root) if in_git else None
    when = git.commit_date(root, head) if head else None
    return Snapshot(root, rel, warnings, today, in_git, head, when, False, False)
