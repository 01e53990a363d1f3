from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import git_env


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Point git at a throwaway config and identity for the duration of one test."""
    env = git_env(tmp_path / "_home")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("JW_TODAY", raising=False)
    yield env


@pytest.fixture(autouse=True)
def _no_ambient_today(monkeypatch: pytest.MonkeyPatch) -> None:
    if "JW_TODAY" in os.environ:
        monkeypatch.delenv("JW_TODAY")


@pytest.fixture(autouse=True)
def _private_cache_key(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """jw's per-user cache secret lives under XDG_CACHE_HOME: keep the tests' out of the home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "_xdg_cache"))


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Switch the cache on for a small repository (trusting files as soon as they are written)
    and count the loads of the models: a remembered result loads none."""
    from jwcli.load import cache, repo, tree

    monkeypatch.setattr(cache, "MIN_FILES", 0)
    monkeypatch.setattr(tree, "RACY_NS", 0)
    counted: list[int] = []
    real = repo.load_repo

    def spy(*args: Any, **kwargs: Any) -> Any:
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, "load_repo", spy)
    return counted
