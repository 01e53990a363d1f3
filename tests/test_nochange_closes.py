"""Close commits remembered by HEAD and extended from the last HEAD seen (lifecycle.md, "Keeping
it fast"): on a real git history that grows, is amended, reset, merged, re-tagged and replaced,
the remembered answer is at every step the one a fresh read of the whole log gives, and the log
is read only as far as it must be."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jwcli.history import closes_cache
from jwcli.history import git as jwgit
from jwcli.history.closes import find_closes
from jwcli.quarters import Quarter
from tests.helpers import commit_files, git, jw, rec, write_repo

CLOSE = "Review {q}\n\nJw-Kind: review\nJw-Quarter: {q}\nJw-Today: {today}"
Q1, Q2, Q3 = Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3)


class Spy:
    """Counts git processes and records which ranges of the log were read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.processes = 0
        self.logs: list[str] = []
        run, review_commits = jwgit.run, jwgit.review_commits

        def counting_run(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.processes += 1
            return run(*args, **kwargs)

        def logged(root: Path, rev: str) -> list[jwgit.TrailerCommit]:
            self.logs.append(rev)
            return review_commits(root, rev)

        monkeypatch.setattr(jwgit, "run", counting_run)
        monkeypatch.setattr(jwgit, "review_commits", logged)

    def reset(self) -> None:
        self.processes = 0
        self.logs = []


def _close(root: Path, quarter: Quarter, today: str) -> str:
    return commit_files(
        root, {f"reviews/{quarter}.md": f"# {quarter}\n"}, CLOSE.format(q=quarter, today=today)
    )


def _same_as_fresh(root: Path) -> None:
    remembered = find_closes(root)
    fresh = find_closes(root, remember=False)
    assert remembered == fresh
    # and asked again, now from memory alone
    assert find_closes(root) == fresh


def _repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q")
    commit_files(root, {"charter.yaml": "x: 1\n"}, "Charter")
    return root


def test_the_log_is_read_once_then_only_from_the_last_head_seen(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "r")
    spy = Spy(monkeypatch)
    first = _close(root, Q1, "2025-07-10")
    git(root, "tag", "-a", "-m", "signed", "review/2025-Q1", first)
    closes = find_closes(root)
    assert spy.logs == [first]  # nothing remembered yet: the whole log
    assert (closes.closed[Q1].commit, closes.closed[Q1].tag_status) == (first, "ok")

    # nothing changed: no log at all, and one git process (HEAD and the tags together)
    spy.reset()
    assert find_closes(root) == closes
    assert (spy.logs, spy.processes) == ([], 1)

    # two commits on top: only those two are read (one log over the range)
    commit_files(root, {"a.txt": "a\n"}, "work")
    second = _close(root, Q2, "2025-10-10")
    spy.reset()
    closes = find_closes(root)
    assert spy.logs == [f"{first}..{second}"]
    assert sorted(closes.closed) == [Q1, Q2]
    assert closes.closed[Q2].tag_status == "missing"
    assert closes.latest() is not None and closes.latest().commit == second  # type: ignore[union-attr]
    assert closes == find_closes(root, remember=False)

    # Q1 closed a second time: the first close stays, the second is reported
    again = _close(root, Q1, "2025-10-20")
    assert find_closes(root).closed[Q1].second_closes == (again,)
    _same_as_fresh(root)


def test_an_amended_or_reset_head_reads_the_whole_log_again(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "r")
    first = _close(root, Q1, "2025-07-10")
    second = _close(root, Q2, "2025-10-10")
    assert sorted(find_closes(root).closed) == [Q1, Q2]
    spy = Spy(monkeypatch)

    # the last close amended into an ordinary commit: the remembered HEAD is gone
    git(root, "commit", "-q", "--amend", "-m", "not a review after all")
    amended = git(root, "rev-parse", "HEAD")
    closes = find_closes(root)
    assert spy.logs == [amended]
    assert sorted(closes.closed) == [Q1]
    _same_as_fresh(root)

    # back to before the first close: nothing is closed
    spy.reset()
    git(root, "reset", "-q", "--hard", f"{first}~1")
    assert find_closes(root).closed == {}
    assert spy.logs == [git(root, "rev-parse", "HEAD")]
    _same_as_fresh(root)

    # and forward again to the old commits (a descendant of the HEAD just seen)
    git(root, "reset", "-q", "--hard", second)
    assert sorted(find_closes(root).closed) == [Q1, Q2]
    _same_as_fresh(root)


def test_tags_are_checked_every_run(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "r")
    first = _close(root, Q1, "2025-07-10")
    later = commit_files(root, {"b.txt": "b\n"}, "after the close")
    git(root, "tag", "-a", "-m", "signed", "review/2025-Q1", first)
    assert find_closes(root).closed[Q1].tag_status == "ok"

    # moved to a later commit (same HEAD: the history is not read again, the tag is)
    spy = Spy(monkeypatch)
    git(root, "tag", "-f", "-a", "-m", "moved", "review/2025-Q1", later)
    close = find_closes(root).closed[Q1]
    assert (close.tag_status, close.tag_commit, spy.logs) == ("moved", later, [])
    _same_as_fresh(root)

    # moved back as a lightweight tag, then deleted
    spy.reset()
    git(root, "tag", "-f", "review/2025-Q1", first)
    assert find_closes(root).closed[Q1].tag_status == "ok"
    git(root, "tag", "-d", "review/2025-Q1")
    close = find_closes(root).closed[Q1]
    assert (close.tag_status, close.tag_commit, spy.logs) == ("missing", None, [])
    _same_as_fresh(root)


def test_a_close_on_another_branch_and_its_merge(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    _close(root, Q1, "2025-07-10")
    git(root, "switch", "-q", "-c", "side")
    side = _close(root, Q3, "2026-01-10")
    git(root, "tag", "review/2025-Q3", side)
    git(root, "switch", "-q", "main")
    main_close = _close(root, Q2, "2025-10-10")
    # Q3's tag marks a commit outside main's history: not closed, "closed on another branch"
    closes = find_closes(root)
    assert sorted(closes.closed) == [Q1, Q2] and closes.elsewhere == {Q3: side}
    _same_as_fresh(root)

    # merged: a merge may reorder the log, so the whole log is read; Q3 is closed now
    git(root, "merge", "-q", "--no-edit", "side")
    closes = find_closes(root)
    assert sorted(closes.closed) == [Q1, Q2, Q3] and closes.elsewhere == {}
    _same_as_fresh(root)
    assert main_close in {c.commit for c in closes.closed.values()}


def test_another_repository_at_the_same_path(tmp_path: Path, isolated_git: dict[str, str]) -> None:
    root = _repo(tmp_path / "r")
    _close(root, Q1, "2025-07-10")
    _close(root, Q2, "2025-10-10")
    assert sorted(find_closes(root).closed) == [Q1, Q2]
    shutil.rmtree(root)
    _repo(root)
    other = _close(root, Q3, "2026-01-10")
    closes = find_closes(root)
    assert list(closes.closed) == [Q3] and closes.closed[Q3].commit == other
    _same_as_fresh(root)
    # and one without commits at all
    shutil.rmtree(root)
    root.mkdir()
    git(root, "init", "-q")
    assert find_closes(root).closed == {}


def test_a_damaged_or_forged_memory_is_not_trusted(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    close = _close(root, Q1, "2025-07-10")
    assert list(find_closes(root).closed) == [Q1]
    path = closes_cache._path(root)
    assert path is not None and path.is_file()
    assert str(tmp_path) not in str(path)  # outside the repository, in the user's cache

    data = json.loads(path.read_text())
    # a row that is not a commit id: the whole memory is ignored
    data["review"] = [["not-an-id", "2025-07-10T00:00:00+00:00", {"Jw-Kind": "review"}]]
    path.write_text(json.dumps(data))
    assert find_closes(root).closed[Q1].commit == close
    path.write_text("{not json")
    assert find_closes(root).closed[Q1].commit == close
    # a link in its place is not followed
    path.unlink()
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps(data))
    path.symlink_to(target)
    assert find_closes(root).closed[Q1].commit == close
    _same_as_fresh(root)


def _claim(date: str) -> str:
    return rec("claim", date, party="acme")  # no evidence: an `unevidenced` warning


def test_validate_hides_and_shows_closed_warnings_as_the_history_changes(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = tmp_path / "repo"
    write_repo(
        root,
        {
            "records/2025-Q2/2025-07-01-agreed.yaml": rec(
                "amendment", "2025-07-01", version=1, agreed_by=["north", "south", "acme"]
            ),
            "records/2025-Q2/2025-07-02-claim.yaml": _claim("2025-07-02"),
        },
    )
    git(root, "init", "-q")
    commit_files(root, {}, "data")

    def shown() -> list[str]:
        result = jw("-C", str(root), "--today", "2026-11-29", "validate")
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()

    assert len(shown()) == 1  # open quarter: the warning is printed
    commit_files(root, {}, "Review 2025-Q2\n\nJw-Kind: review\nJw-Quarter: 2025-Q2\n")
    assert shown() == []  # closed: held back
    git(root, "reset", "-q", "--hard", "HEAD~1")
    assert len(shown()) == 1  # the close undone: printed again


def test_a_merge_that_puts_an_older_close_first_is_read_whole(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    """Q1 closed on a branch (remembered there) and, unseen, on main; main then merges the
    branch. In git's topological order of the merge, main's close comes first: appending the
    new commits to the remembered ones would put the branch's close first instead."""
    root = _repo(tmp_path / "r")
    git(root, "switch", "-q", "-c", "branch")
    on_branch = _close(root, Q1, "2025-07-10")
    assert find_closes(root).closed[Q1].commit == on_branch
    git(root, "switch", "-q", "main")
    on_main = _close(root, Q1, "2025-07-11")
    git(root, "merge", "-q", "--no-edit", "branch")
    close = find_closes(root).closed[Q1]
    assert (close.commit, close.second_closes) == (on_main, (on_branch,))
    _same_as_fresh(root)


def test_no_cache_neither_reads_nor_writes_the_memory(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = tmp_path / "repo"
    write_repo(root, {"records/2025-Q2/2025-07-02-claim.yaml": _claim("2025-07-02")})
    git(root, "init", "-q")
    commit_files(root, {}, "data")
    commit_files(root, {}, "Review 2025-Q2\n\nJw-Kind: review\nJw-Quarter: 2025-Q2\n")
    path = closes_cache._path(root)
    assert path is not None
    cold = jw("-C", str(root), "--no-cache", "--today", "2026-11-29", "validate")
    assert not path.exists()
    warm = jw("-C", str(root), "--today", "2026-11-29", "validate")
    assert path.is_file()
    assert cold.exit_code == warm.exit_code == 0
    assert (cold.stdout, cold.stderr) == (warm.stdout, warm.stderr)
    assert "in closed quarter 2025-Q2 not shown" in warm.stderr
