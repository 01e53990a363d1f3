"""history/git.py: the git faults of quality.md case 13, and reading history back.

Each fault is met through `preflight` (what commands check before writing) and through
`commit_paths` (what happens when the state changes under a running command): exit 3, the fix
in the hint, the written file kept, the lock file never touched.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jwcli.errors import ExitCode, GitProblem, UsageError
from jwcli.history import git as jgit
from tests.helpers import commit_files, git


def repo(tmp_path: Path, *, commits: bool = True) -> Path:
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    if commits:
        commit_files(root, {"charter.yaml": "relationship: x\n"}, "first")
    return root


def new_record(root: Path, name: str = "records/2025-05-10-a.yaml") -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("kind: lesson\n")
    return name


def staged(root: Path) -> str:
    return git(root, "status", "--porcelain")


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(GitProblem) as caught:
        jgit.preflight(folder, for_write=False)
    assert caught.value.exit_code == ExitCode.ENVIRONMENT
    assert "not inside a git repository" in caught.value.message
    assert caught.value.hint is not None and "git init" in caught.value.hint


def test_no_commits_yet(isolated_git: dict[str, str], tmp_path: Path) -> None:
    root = repo(tmp_path, commits=False)
    for for_write in (False, True):
        with pytest.raises(GitProblem, match="no commits yet") as caught:
            jgit.preflight(root, for_write=for_write)
        assert caught.value.hint is not None and "first commit" in caught.value.hint
    jgit.preflight(root, for_write=True, first_commit=True)  # jw init may make the first one
    assert jgit.head_commit(root) is None


def test_no_user_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    empty = home / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
    ):
        monkeypatch.delenv(var, raising=False)
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    git(
        root,
        "-c",
        "user.name=Set Up",
        "-c",
        "user.email=setup@example.org",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "first",
    )

    with pytest.raises(GitProblem, match="does not know who you are") as caught:
        jgit.preflight(root, for_write=True)
    assert caught.value.hint is not None and "user.email" in caught.value.hint
    jgit.preflight(root, for_write=False)  # reading needs no identity

    path = new_record(root)
    with pytest.raises(GitProblem, match="does not know who you are") as caught:
        jgit.commit_paths(root, [path], "jw: add lesson")
    assert "written and kept" in caught.value.message
    assert (root / path).read_text() == "kind: lesson\n"


def test_index_lock_is_reported_and_never_deleted(
    isolated_git: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jgit, "LOCK_WAIT_S", 0.1)  # jw waits for a lock briefly
    root = repo(tmp_path)
    lock = root / ".git" / "index.lock"
    lock.write_text("")
    with pytest.raises(GitProblem, match="another git process may be running") as caught:
        jgit.preflight(root, for_write=True)
    assert caught.value.hint is not None and "delete the file yourself" in caught.value.hint
    assert lock.exists()

    path = new_record(root)
    with pytest.raises(GitProblem, match=r"index\.lock") as caught:
        jgit.commit_paths(root, [path], "jw: add lesson")
    assert "written and kept, not staged" in caught.value.message
    assert lock.exists() and (root / path).exists()
    jgit.preflight(root, for_write=False)  # reading is not blocked by the lock


def test_a_failing_pre_commit_hook_keeps_the_file_staged(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root = repo(tmp_path)
    head = jgit.head_commit(root)
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'yamllint: line too long' >&2\nexit 1\n")
    hook.chmod(0o755)
    path = new_record(root)
    jgit.preflight(root, for_write=True)  # a hook is only known to fail when it runs

    with pytest.raises(GitProblem) as caught:
        jgit.commit_paths(root, [path], "jw: add lesson", {"Jw-Kind": "lesson"})

    problem = caught.value
    assert problem.exit_code == ExitCode.ENVIRONMENT
    assert "pre-commit hook refused the commit" in problem.message
    assert "yamllint: line too long" in problem.message  # the hook's own words
    assert f"{path}: written and kept, staged but not committed" in problem.message
    assert problem.hint is not None and "git commit" in problem.hint
    assert (root / path).read_text() == "kind: lesson\n"
    assert staged(root) == f"A  {path}"
    assert jgit.head_commit(root) == head


def test_detached_head(isolated_git: dict[str, str], tmp_path: Path) -> None:
    root = repo(tmp_path)
    commit_files(root, {"b.txt": "b\n"}, "second")
    git(root, "checkout", "-q", "--detach", "HEAD~1")
    with pytest.raises(GitProblem, match="HEAD is detached") as caught:
        jgit.preflight(root, for_write=True)
    assert caught.value.hint is not None and "git switch" in caught.value.hint
    jgit.preflight(root, for_write=False)  # an audit of a detached HEAD is fine


def test_a_merge_in_progress_blocks_writing(isolated_git: dict[str, str], tmp_path: Path) -> None:
    root = repo(tmp_path)
    git(root, "switch", "-q", "-c", "side")
    commit_files(root, {"charter.yaml": "relationship: side\n"}, "side")
    git(root, "switch", "-q", "main")
    commit_files(root, {"charter.yaml": "relationship: main\n"}, "main")
    proc = jgit.run(["merge", "side"], root, check=False)
    assert proc.returncode != 0  # a conflict leaves the merge half done
    with pytest.raises(GitProblem, match="a merge is in progress"):
        jgit.preflight(root, for_write=True)


def test_commit_paths_commits_only_its_paths_with_trailers(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root = repo(tmp_path)
    (root / "other.txt").write_text("not mine\n")
    git(root, "add", "other.txt")
    path = new_record(root, "records/-rf.yaml")  # a name that looks like an option
    commit = jgit.commit_paths(
        root, [path], "jw: add lesson -rf", {"Jw-Kind": "lesson", "Jw-Record": "-rf"}
    )
    assert commit == jgit.head_commit(root)
    assert git(root, "show", "--name-only", "--format=", commit) == path
    assert staged(root) == "A  other.txt"  # someone else's staged file stays staged, uncommitted
    log = jgit.Log(root).commits()
    assert log[-1].id == commit
    assert log[-1].trailers == {"Jw-Kind": "lesson", "Jw-Record": "-rf"}
    assert log[-1].subject == "jw: add lesson -rf"
    with pytest.raises(ValueError):
        jgit.commit_paths(root, [path], "x", {"Jw-Record": "two\nlines"})


def test_log_reads_odd_paths_and_names(isolated_git: dict[str, str], tmp_path: Path) -> None:
    root = repo(tmp_path)
    odd = "records/tab\there\nnewline \x01 é.yaml"
    commit = commit_files(
        root, {odd: "x: 1\n"}, "Odd \x01 subject", author=("Zoë \x01 O'Neil", "zoe@example.org")
    )
    last = jgit.Log(root).commits()[-1]
    assert last.id == commit
    assert last.author == "Zoë \x01 O'Neil"
    assert [(c.status, c.path) for c in last.changes] == [("A", odd)]
    assert last.changes[0].old is None and last.changes[0].new == git(
        root, "rev-parse", f"HEAD:{odd}"
    )


def test_parents_come_before_children_whatever_the_dates(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root = repo(tmp_path)
    # a child dated before its parent (a wrong clock): the order still follows the graph
    a = commit_files(root, {"a.txt": "a\n"}, "a", date="2030-01-01T00:00:00+00:00")
    b = commit_files(root, {"b.txt": "b\n"}, "b", date="2020-01-01T00:00:00+00:00")
    ids = [c.id for c in jgit.Log(root).commits()]
    assert ids.index(a) < ids.index(b)


def test_read_tree_and_blobs_at_a_revision(isolated_git: dict[str, str], tmp_path: Path) -> None:
    root = repo(tmp_path)
    first = commit_files(root, {"records/a.yaml": "v: 1\n", "records/sub/b.yaml": "v: 2\n"}, "1")
    commit_files(root, {"records/a.yaml": "v: 3\n", "records/sub/b.yaml": None}, "2")
    (root / "records" / "a.yaml").write_text("uncommitted\n")

    assert jgit.read_tree(root, first, "records") == {
        "records/a.yaml": b"v: 1\n",
        "records/sub/b.yaml": b"v: 2\n",
    }
    assert jgit.read_tree(root, "HEAD", "records") == {"records/a.yaml": b"v: 3\n"}
    assert jgit.read_tree(root, first)["charter.yaml"] == b"relationship: x\n"
    blobs = jgit.read_blobs(root, [f"{first}:records/a.yaml", "HEAD:records/sub/b.yaml"])
    assert blobs == {f"{first}:records/a.yaml": b"v: 1\n", "HEAD:records/sub/b.yaml": None}
    with pytest.raises(UsageError):
        jgit.read_tree(root, "no-such-revision")


def test_head_dirty_tag_and_commit_date(isolated_git: dict[str, str], tmp_path: Path) -> None:
    root = repo(tmp_path)
    head = commit_files(root, {"a.txt": "a\n"}, "a", date="2026-07-05T23:30:00-05:00")
    assert jgit.head_commit(root) == head
    assert jgit.resolve_commit(root, "HEAD") == head
    # the committer's own calendar day, not UTC's (which is already 6 July)
    assert jgit.commit_date(root, "HEAD") == dt.date(2026, 7, 5)
    assert jgit.is_dirty(root) is False
    (root / "new.txt").write_text("n\n")
    assert jgit.is_dirty(root) is True

    jgit.tag(root, "review/2026-Q1", "Review of 2026-Q1 closed")
    assert jgit.tags(root, "review/") == {"review/2026-Q1": head}
    with pytest.raises(GitProblem, match="already exists"):
        jgit.tag(root, "review/2026-Q1", "again")
    with pytest.raises(UsageError):
        jgit.tag(root, "-d", "an option, not a name")
    assert jgit.tags(root, "review/") == {"review/2026-Q1": head}


def test_fsck_finds_a_corrupted_object(isolated_git: dict[str, str], tmp_path: Path) -> None:
    root = repo(tmp_path)
    assert jgit.fsck(root) == []
    blob = git(root, "rev-parse", "HEAD:charter.yaml")
    loose = root / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"garbage")
    problems = jgit.fsck(root)
    assert problems and any(blob in line for line in problems)
