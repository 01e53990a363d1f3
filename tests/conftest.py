from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """jw's per-user caches (the remembered audit) go to a folder of the test session's own."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
