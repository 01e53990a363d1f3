"""The cache cannot be made to lie, hang or crash (issue 14, item 8).

`.jw/cache/` sits in the working tree, which anyone who can write the tree controls: another
account on a shared checkout, an earlier job in a persistent CI workspace, a partner who commits
`.jw/`. Only files MAC'd with this user's secret (kept outside the repository) are trusted;
links, FIFOs and oversized files are never read; every entry is type-checked. Anything wrong
is a miss: the outputs are exactly those of `--no-cache`.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jwcli.load import cache, repo, tree
from jwcli.model.records import Claim
from tests.helpers import jw
from tests.test_cache import (  # noqa: F401 - `cached` and `reads` are fixtures
    EXTRA,
    TODAY,
    _age,
    _cache_files,
    _outputs,
    _repo,
    cached,
)

# the claim loses its `party`, which every claim needs: one error
INVALID = """\
kind: claim
date: 2025-08-01
summary: The supplier says the new triage cut repeat calls
"""


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the loader parses."""
    seen: list[str] = []
    real = repo._read

    def spy(root: Any, rel: str, findings: Any) -> Any:
        seen.append(rel)
        return real(root, rel, findings)

    monkeypatch.setattr(repo, "_read", spy)
    return seen


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, rather than hang the suite, if jw blocks on a FIFO or reads an endless file."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError("jw blocked on a cache file")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _validated(root: Path, *flags: str) -> tuple[int, str]:
    done = jw("-C", str(root), *TODAY, *flags, "validate", "--format", "json")
    return done.exit_code, done.stdout


def _use_key_of(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))


def _shards(root: Path) -> list[Path]:
    return [p for p in _cache_files(root) if p.name.startswith("files-")]


@pytest.mark.usefixtures("cached")
def test_a_cache_forged_by_someone_else_cannot_make_invalid_data_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    today = TODAY[1]
    # The attacker runs jw on the valid tree with their own key, then breaks the claim and
    # re-keys the cache to the broken file's stat, so it says "the valid claim, no findings".
    _use_key_of(monkeypatch, tmp_path / "attacker")
    assert jw("-C", str(root), *TODAY, "validate").exit_code == 0
    (root / EXTRA).write_text(INVALID, encoding="utf-8")
    _age(root)
    listing = tree.scan(root)
    new_key = dict(listing.records)[EXTRA]
    for shard in _shards(root):
        value = cache.read(str(shard))
        assert value is not None
        if EXTRA in value["entries"]:
            old_key, model = value["entries"][EXTRA]
            assert isinstance(model, Claim) and old_key != new_key
            value["entries"][EXTRA] = (new_key, model)
            assert cache.write(str(root), shard.name, value)
    files_read = len(listing.records) + len(listing.keys)
    cache.store_findings(listing, today, [], files_read, [])
    # Against a jw that trusted its working tree, the forgery works: the attacker's own jw
    # reports nothing wrong with the broken claim.
    fooled = jw("-C", str(root), *TODAY, "validate", "--format", "json")
    assert fooled.exit_code == 0
    assert EXTRA not in fooled.stdout

    # This user's jw has another key: the forged files are misses, and the error is reported.
    _use_key_of(monkeypatch, tmp_path / "user")
    checked = jw("-C", str(root), *TODAY, "validate", "--format", "json")
    assert checked.exit_code == 1
    assert f'"path": "{EXTRA}"' in checked.stdout and "party" in checked.stdout
    assert _outputs(root, tmp_path / "warm") == _outputs(root, tmp_path / "cold", "--no-cache")


@pytest.mark.usefixtures("cached", "deadline")
@pytest.mark.parametrize("what", ["links to /dev/zero", "FIFOs", "huge sparse files"])
def test_cache_files_that_are_not_plain_small_files_are_never_read(
    tmp_path: Path, what: str, parsed: list[str]
) -> None:
    root = _repo(tmp_path)
    expected = _outputs(root, tmp_path / "expected", "--no-cache")
    _outputs(root, tmp_path / "first")  # learn the names the cache files have
    names = [p.name for p in _cache_files(root)]
    assert len(names) >= 3 and "findings.pickle" in names
    for name in names:  # as a clone would have them, committed
        path = root / ".jw" / "cache" / name
        path.unlink()
        if what == "links to /dev/zero":
            path.symlink_to("/dev/zero")
        elif what == "FIFOs":
            os.mkfifo(path)
        else:
            with path.open("wb") as handle:
                handle.truncate(2**40)  # a terabyte, sparse: no disk used
    time.sleep(0.03)
    parsed.clear()
    assert _outputs(root, tmp_path / "got") == expected
    assert parsed, "nothing was parsed again"
    # each was replaced by a real cache file, which the next run uses
    for name in names:
        info = (root / ".jw" / "cache" / name).lstat()
        assert stat.S_ISREG(info.st_mode) and info.st_size < 10**7
    parsed.clear()
    assert _outputs(root, tmp_path / "again") == expected
    assert parsed == []


def _bad_entries(good_key: int, model: Any, foreign: Any) -> list[Any]:
    return [
        "not an entry",
        7,
        None,
        (good_key,),
        (good_key, model, "extra"),
        ("key", model),
        (good_key, "a string where a model should be"),
        (good_key, {"kind": "claim"}),
        (float(good_key), model),
        (good_key, foreign),  # a record's model for the charter, the charter's for a record
    ]


@pytest.mark.usefixtures("cached")
def test_entries_of_the_wrong_shape_under_a_valid_mac_are_misses(
    tmp_path: Path, parsed: list[str]
) -> None:
    root = _repo(tmp_path)
    expected = _outputs(root, tmp_path / "expected", "--no-cache")
    _outputs(root, tmp_path / "first")
    stored = {shard.name: cache.read(str(shard)) for shard in _shards(root)}
    models = {
        rel: model for value in stored.values() for rel, (_, model) in value["entries"].items()
    }
    charter, claim = models["charter.yaml"], models[EXTRA]
    broken = 0
    for name, value in sorted(stored.items()):
        for rel, (key, model) in sorted(value["entries"].items()):
            foreign = claim if rel == "charter.yaml" else charter
            shapes = _bad_entries(key, model, foreign)
            # the charter and the claim get the last shape (a model of the wrong class); every
            # other entry one shape in turn
            shape = shapes[-1] if rel in ("charter.yaml", EXTRA) else shapes[broken % len(shapes)]
            value["entries"][rel] = shape
            broken += 1
        assert cache.write(str(root), name, value)
    assert broken >= 20
    for remembered in (root / ".jw" / "cache").glob("results-*"):  # score and review load models
        remembered.unlink()
    parsed.clear()
    assert _outputs(root, tmp_path / "got") == expected
    assert len(set(parsed)) == len(models)  # every entry was a miss


@pytest.mark.usefixtures("cached")
@pytest.mark.parametrize(
    "state",
    [
        {"findings": "none"},
        {"findings": [("charter.yaml", "x", "schema", "fatal", 1, 1, (), False)]},
        {"findings": [("charter.yaml", "x", "schema", "error", "1", 1, (), False)]},
        {"findings": [(1, 2)]},
        {"files_read": "many"},
        {"attachments": [(3, None)]},
        {"attachments": "none"},
        {"today": dt.date(2025, 10, 15)},
    ],
)
def test_a_findings_file_of_the_wrong_shape_under_a_valid_mac_is_a_miss(
    tmp_path: Path, state: dict[str, Any]
) -> None:
    root = _repo(tmp_path)
    expected_validate = _validated(root, "--no-cache")
    assert _validated(root) == expected_validate
    path = root / ".jw" / "cache" / "findings.pickle"
    stored = cache.read(str(path))
    assert stored is not None and stored["findings"]  # the warnings of the example
    stored.update(state)
    assert cache.write(str(root), path.name, stored)
    assert _validated(root) == expected_validate


@pytest.mark.usefixtures("cached")
@pytest.mark.parametrize("how", ["readable by others", "a link", "another size"])
def test_a_key_file_anyone_else_could_have_made_is_not_used(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "xdg"
    (home / "jw").mkdir(parents=True)
    key = home / "jw" / "key"
    if how == "readable by others":
        key.write_bytes(b"k" * 32)
        key.chmod(0o644)
    elif how == "a link":
        target = tmp_path / "elsewhere"
        target.write_bytes(b"k" * 32)
        target.chmod(0o600)
        key.symlink_to(target)
    else:
        key.write_bytes(b"k" * 31)
        key.chmod(0o600)
    _use_key_of(monkeypatch, home)
    root = _repo(tmp_path)
    expected = _outputs(root, tmp_path / "expected", "--no-cache")
    assert _outputs(root, tmp_path / "got") == expected
    assert _cache_files(root) == []  # without a usable key, nothing is cached


def test_the_key_is_made_private_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_key_of(monkeypatch, tmp_path / "xdg")
    first = cache.user_key()
    assert first is not None and len(first) == 32
    info = (tmp_path / "xdg" / "jw" / "key").stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    cache._keys.clear()
    assert cache.user_key() == first
