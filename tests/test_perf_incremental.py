"""Incremental validation (issue 15.1): after one change, the per-record checks re-check the
changed record and the records that name it, and keep every other record's findings from the
last run; the findings are always exactly those of `--no-cache`.

A story on one repository: a commitment that an update and a claim name is moved after its
update, turned into another kind, deleted and restored; then the charter changes and the day
moves on (both re-check everything).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest

from jwcli.checks import records, run
from jwcli.load import cache
from jwcli.model.relationship import Relationship
from tests.helpers import jw
from tests.test_cache import _repo, cached  # noqa: F401 - `cached` is a fixture

COMMITMENT = "records/2025-Q2/c-north-1.yaml"
NAMING = {"u-north-1", "cl-north"}  # the update (commitment:) and the claim (evidence:)
ORIGINAL = """\
kind: commitment
date: 2025-07-02
summary: Licence audit
party: north
due: 2025-09-10
"""
_tick = [1_700_000_000]


@pytest.fixture
def scopes(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str] | None]:
    """The `only` each run of the per-record checks was given (None: every record)."""
    seen: list[frozenset[str] | None] = []
    real = records.scope

    def spy(rel: Relationship, only: Collection[str] | None) -> Any:
        seen.append(None if only is None else frozenset(only))
        return real(rel, only)

    monkeypatch.setattr(records, "scope", spy)
    return seen


def _put(root: Path, rel: str, text: str | None) -> None:
    path = root / rel
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
        _tick[0] += 1
        os.utime(path, ns=(_tick[0] * 10**9, _tick[0] * 10**9))
    time.sleep(0.03)  # past the change's ctime (RACY_NS is 0 here)


def _validate(root: Path, today: str, *flags: str) -> tuple[int, list[dict[str, Any]]]:
    done = jw("-C", str(root), "--today", today, *flags, "validate", "--format", "json")
    return done.exit_code, json.loads(done.stdout)["findings"]


def _on(findings: list[dict[str, Any]], record_id: str) -> list[str]:
    return [f["message"] for f in findings if f["path"].endswith(f"/{record_id}.yaml")]


@pytest.mark.usefixtures("cached")
@pytest.mark.parametrize("rewrite_after", [0, run.REWRITE_AFTER])
def test_one_change_rechecks_the_record_and_those_naming_it(
    tmp_path: Path,
    scopes: list[frozenset[str] | None],
    rewrite_after: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the state rewritten after every run, exactly the changed record and those naming
    it are re-checked; with it kept while few records changed (the default), also those that
    changed since it was written, and the findings are the same."""
    monkeypatch.setattr(run, "REWRITE_AFTER", rewrite_after)
    exact = rewrite_after == 0

    def rechecked(expected: set[str]) -> bool:
        return scopes[0] == frozenset(expected) if exact else expected <= (scopes[0] or set())

    root = _repo(tmp_path)
    today = "2025-10-15"
    first = _validate(root, today)
    assert first[0] == 0 and scopes and set(scopes) == {None}  # no state yet: every record
    assert (root / ".jw" / "cache" / "checks.pickle").is_file()

    def step(text: str | None) -> tuple[int, list[dict[str, Any]]]:
        _put(root, COMMITMENT, text)
        scopes.clear()
        warm = _validate(root, today)
        assert warm == _validate(root, today, "--no-cache")
        return warm

    # 1. moved after its update (2025-09-12): the unchanged update is now wrong
    later = ORIGINAL.replace("date: 2025-07-02", "date: 2025-09-20")
    code, found = step(later)
    assert code == 1 and rechecked({"c-north-1", *NAMING})
    assert _on(found, "u-north-1") == [
        "update dated 2025-09-12, before its commitment `c-north-1` was made (2025-09-20)"
    ]

    # 2. no longer a commitment: the update names the wrong kind of record
    claim = "kind: claim\ndate: 2025-07-02\nsummary: Licence audit\nparty: north\n"
    code, found = step(claim)
    assert code == 1 and rechecked({"c-north-1", *NAMING})
    assert any(
        "is a claim record, but `commitment` must name a commitment" in m
        for m in _on(found, "u-north-1")
    )

    # 3. deleted: both records that named it now name nothing
    code, found = step(None)
    assert code == 1 and rechecked(NAMING)
    assert "`c-north-1` names no record in records/" in _on(found, "u-north-1")
    assert "`c-north-1` names no record in records/" in _on(found, "cl-north")

    # 4. restored: back to the first run's findings
    assert step(ORIGINAL) == first
    assert rechecked({"c-north-1", *NAMING})

    # 5. an unrelated record: only itself
    claim_path = "records/2025-Q2/cl-north.yaml"
    text = (root / claim_path).read_text(encoding="utf-8")
    _put(root, claim_path, text.replace("evidence: [c-north-1]", "evidence: []"))
    scopes.clear()
    warm = _validate(root, today)
    assert warm == _validate(root, today, "--no-cache") and rechecked({"cl-north"})
    _put(root, claim_path, text)

    # 6. the charter changed: every record (its parties, services and KPIs are in every check)
    charter = (root / "charter.yaml").read_text(encoding="utf-8")
    _put(root, "charter.yaml", charter + "# reviewed\n")
    scopes.clear()
    assert _validate(root, today) == _validate(root, today, "--no-cache")
    assert scopes[0] is None

    # 7. another day: every record (future dates and overdue commitments move with it)
    scopes.clear()
    assert _validate(root, "2025-08-05") == _validate(root, "2025-08-05", "--no-cache")
    assert scopes[0] is None


@pytest.mark.usefixtures("cached")
def test_a_damaged_or_foreign_state_rechecks_everything(
    tmp_path: Path, scopes: list[frozenset[str] | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    today = "2025-10-15"
    _validate(root, today)
    state_file = root / ".jw" / "cache" / "checks.pickle"
    state = cache.read(str(state_file), plain=True)
    assert state is not None and "u-north-1" in state["ids"]
    # a state whose entry has the wrong shape, under this user's own MAC
    state["dependents"]["c-north-1"] = ("u-north-1", 7)
    assert cache.write(str(root), state_file.name, state, plain=True)
    _put(root, COMMITMENT, ORIGINAL.replace("date: 2025-07-02", "date: 2025-09-20"))
    scopes.clear()
    assert _validate(root, today) == _validate(root, today, "--no-cache")
    assert scopes[0] is None
    # one written with someone else's key
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
    assert cache.write(str(root), state_file.name, state, plain=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    _put(root, COMMITMENT, ORIGINAL)
    scopes.clear()
    assert _validate(root, today) == _validate(root, today, "--no-cache")
    assert scopes[0] is None


@pytest.mark.usefixtures("cached")
def test_switching_branches_gives_the_findings_of_a_fresh_run(
    tmp_path: Path, scopes: list[frozenset[str] | None]
) -> None:
    """A story on a real history: a branch where the commitment others name is deleted and
    another where it is moved after its update; checking out each in turn rewrites those files
    under the cache, which must notice every time."""
    from tests.helpers import git, git_env

    root = _repo(tmp_path)
    env = git_env(tmp_path / "home")
    today = "2025-10-15"
    git(root, "init", "-q", env=env)
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "-m", "the quarter's records", env=env)
    git(root, "checkout", "-q", "-b", "deleted", env=env)
    git(root, "rm", "-q", COMMITMENT, env=env)
    git(root, "commit", "-q", "-m", "withdraw the licence audit", env=env)
    git(root, "checkout", "-q", "-b", "moved", "main", env=env)
    (root / COMMITMENT).write_text(ORIGINAL.replace("2025-07-02", "2025-09-20"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "the audit was agreed later", env=env)
    git(root, "checkout", "-q", "main", env=env)
    time.sleep(0.03)
    main = _validate(root, today)
    assert main[0] == 0

    seen = {}
    for branch in ("deleted", "moved", "main", "moved", "deleted", "main"):
        git(root, "checkout", "-q", branch, env=env)
        time.sleep(0.03)
        scopes.clear()
        warm = _validate(root, today)
        assert warm == _validate(root, today, "--no-cache"), branch
        assert scopes and scopes[0] is not None  # incremental, not a full re-check
        seen.setdefault(branch, warm)
        assert seen[branch] == warm  # each branch always gives the same findings
    assert seen["main"] == main
    assert "`c-north-1` names no record in records/" in _on(seen["deleted"][1], "u-north-1")
    assert any("before its commitment" in m for m in _on(seen["moved"][1], "u-north-1"))
