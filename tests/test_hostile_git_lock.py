"""Two partners' jw running at once: a commit waits briefly for the other's `index.lock`.

jw never deletes the lock. When the other git process lets go within a couple of seconds, the
commit goes through; when it does not, the refusal says how to fix it (see test_git.py).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from jwcli.errors import GitProblem
from jwcli.history import git as jgit
from tests.helpers import commit_files, git, jw, rec, write_repo


def _repo(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "rel", {})
    git(root, "init", "-q")
    commit_files(root, {}, "Charter")
    return root


def _release_later(lock: Path, seconds: float) -> threading.Timer:
    lock.write_text("")
    timer = threading.Timer(seconds, lock.unlink)
    timer.start()
    return timer


def test_jw_add_waits_for_a_concurrent_commit_to_release_the_lock(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    lock = root / ".git" / "index.lock"
    lock.write_text("")
    timers: list[threading.Timer] = []
    real = jgit.preflight

    def preflight(where: Path, **kwargs: bool) -> None:
        # the other process lets go 0.4 s after this jw is ready to commit
        if kwargs.get("for_write") and not timers:
            timers.append(threading.Timer(0.4, lock.unlink))
            timers[0].start()
        real(where, **kwargs)

    monkeypatch.setattr(jgit, "preflight", preflight)
    result = jw(
        "-C", str(root), "--today", "2025-08-01", "add", "lesson",
        "--party", "north", "--summary", "Waited my turn",
    )  # fmt: skip
    timers[0].join()
    assert result.exit_code == 0, result.output
    assert git(root, "log", "-1", "--format=%s").startswith("jw: add lesson")
    assert git(root, "status", "--porcelain") == ""


def test_commit_paths_retries_git_add_and_commit_on_the_lock(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path)
    path = "records/2025-Q2/2025-07-01-late.yaml"
    (root / path).parent.mkdir(parents=True)
    (root / path).write_text(rec("lesson", "2025-07-01", party="north"))
    timer = _release_later(root / ".git" / "index.lock", 0.3)
    commit = jgit.commit_paths(root, [path], "jw: add lesson")
    timer.join()
    assert git(root, "rev-parse", "HEAD") == commit


def test_a_lock_held_longer_is_refused_after_the_wait_and_kept(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    monkeypatch.setattr(jgit, "LOCK_WAIT_S", 0.3)
    lock = root / ".git" / "index.lock"
    lock.write_text("")
    started = time.monotonic()
    with pytest.raises(GitProblem, match="another git process may be running"):
        jgit.preflight(root, for_write=True)
    assert 0.3 <= time.monotonic() - started < 2.0
    assert lock.exists()
