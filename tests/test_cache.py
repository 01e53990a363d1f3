"""The cache of validated files is invisible (shared/spec/quality.md, Performance): the same
findings, scores and review packs with it and with `--no-cache`, after edits, renames, deletions,
a jw upgrade and a damaged cache; `--no-cache` writes nothing; a cache that cannot be written
never fails a command; and the parallel parse gives the models and findings the serial one does.

The cache only engages on repositories of `cache.MIN_FILES` files or more and never keeps a file
changed within `tree.RACY_NS` of a run; the tests lower both so a small repository is cached,
and give every edit its own modification time so no edit can hide in one clock tick.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from jwcli.checks.validate import validate
from jwcli.load import cache, parallel, repo, tree
from jwcli.load.repo import load_repo
from tests.helpers import git, git_env, jw, write_repo
from tests.review_data import FILES

TODAY = ["--today", "2025-10-15"]
EXTRA = "records/2025-Q2/2025-08-01-extra-claim.yaml"
CLAIM = """\
kind: claim
date: 2025-08-01
summary: The supplier says the new triage cut repeat calls
party: acme
evidence: [{evidence}]
"""
_mtime = [1_600_000_000]


def _age(root: Path) -> None:
    """Every file gets a distinct, old modification time; then the clock moves past their ctime."""
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", ".jw")]
        for name in names:
            _mtime[0] += 1
            os.utime(os.path.join(folder, name), ns=(_mtime[0] * 10**9, _mtime[0] * 10**9))
    time.sleep(0.03)  # ctime is the coarse kernel clock: let it pass the writes


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MIN_FILES", 0)
    monkeypatch.setattr(tree, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the loader parses (charter, baselines, records and assessments alike)."""
    seen: list[str] = []
    real = repo._read

    def spy(root: Any, rel: str, findings: Any) -> Any:
        seen.append(rel)
        return real(root, rel, findings)

    monkeypatch.setattr(repo, "_read", spy)
    return seen


def _repo(tmp_path: Path) -> Path:
    evidence = next(
        p.rsplit("/", 1)[-1][:-5] for p in sorted(FILES) if p.startswith("records/2025-Q2/")
    )
    root = write_repo(tmp_path / "repo", {**FILES, EXTRA: CLAIM.format(evidence=evidence)})
    _age(root)
    return root


def _outputs(root: Path, out: Path, *flags: str) -> dict[str, Any]:
    """What the user sees: validate's JSON, score's JSON and the review pack's JSON."""
    base = ["-C", str(root), *TODAY, *flags]
    checked = jw(*base, "validate", "--format", "json")
    scored = jw(*base, "score", "--quarter", "2025-Q2", "--format", "json")
    reviewed = jw(*base, "review", "--quarter", "2025-Q2", "--format", "json", "--out", str(out))
    pack = out / "review.json"
    return {
        "validate": (checked.exit_code, checked.stdout),
        "score": (scored.exit_code, scored.stdout),
        "review": (
            reviewed.exit_code,
            pack.read_text(encoding="utf-8") if reviewed.exit_code == 0 else reviewed.stderr,
        ),
    }


def _cache_files(root: Path) -> list[Path]:
    folder = root / ".jw" / "cache"
    return sorted(p for p in folder.iterdir() if p.suffix == ".pickle") if folder.is_dir() else []


def _edit(root: Path) -> None:
    # the claim now cites no evidence: a warning appears
    _write(root / EXTRA, CLAIM.replace("evidence: [{evidence}]\n", ""))
    _mtime[0] += 1
    os.utime(root / EXTRA, ns=(_mtime[0] * 10**9, _mtime[0] * 10**9))


def _rename(root: Path) -> None:
    (root / EXTRA).rename(root / EXTRA.replace("extra-claim", "renamed-claim"))


def _delete(root: Path) -> None:
    (root / EXTRA).unlink()


def _garbage(root: Path) -> None:
    for path in _cache_files(root):
        path.write_bytes(os.urandom(path.stat().st_size))


def _truncate(root: Path) -> None:
    for path in _cache_files(root):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])


CHANGES = {
    "edit": _edit,
    "rename": _rename,
    "delete": _delete,
    "garbage": _garbage,
    "truncated": _truncate,
}


@pytest.mark.usefixtures("cached")
@pytest.mark.parametrize("change", ["nothing", *CHANGES, "upgrade"])
def test_the_cache_is_invisible(
    tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    root = _repo(tmp_path)
    before = _outputs(root, tmp_path / "first")
    assert before["validate"][0] == 0 and before["score"][0] == 0 and before["review"][0] == 0
    assert _cache_files(root), "the first run wrote no cache"
    if change == "upgrade":
        monkeypatch.setattr(cache, "_version_key", b"jw 99 with other models")
    elif change != "nothing":
        CHANGES[change](root)
        time.sleep(0.03)  # past the ctime of the change (RACY_NS is 0 here)
    reads.clear()
    warm = _outputs(root, tmp_path / "warm")
    warm_reads = list(reads)
    cold = _outputs(root, tmp_path / "cold", "--no-cache")
    assert warm == cold
    every = len(FILES) + 1 - (change == "delete")  # the files the loader parses cold
    if change == "nothing":
        # validate took the stored findings; score and review took every model from the cache
        assert warm_reads == [] and warm == before
    elif change in ("edit", "rename"):
        changed = EXTRA.replace("extra-claim", "renamed-claim") if change == "rename" else EXTRA
        assert set(warm_reads) == {changed}  # that one file, once per command
        if change == "edit":
            assert warm["validate"] != before["validate"]
    elif change == "delete":
        assert warm_reads == []
        assert warm["validate"] != before["validate"]
    else:
        # nothing in a damaged or foreign cache is trusted: every file is parsed again
        assert len(set(warm_reads)) == every
        assert warm == before
    reads.clear()
    assert _outputs(root, tmp_path / "again") == cold
    assert reads == [], "the cache was not rebuilt"


@pytest.mark.usefixtures("cached")
def test_no_cache_writes_no_cache(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _outputs(root, tmp_path / "out", "--no-cache")
    assert not (root / ".jw").exists()


@pytest.mark.usefixtures("cached")
def test_small_repositories_and_fresh_files_are_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    monkeypatch.setattr(cache, "MIN_FILES", len(FILES) + 2)
    assert jw("-C", str(root), *TODAY, "validate").exit_code == 0
    assert not (root / ".jw").exists()
    # Files changed within RACY_NS of a run may change again within one clock tick unseen.
    monkeypatch.setattr(cache, "MIN_FILES", 0)
    monkeypatch.setattr(tree, "RACY_NS", 10**15)
    assert jw("-C", str(root), *TODAY, "validate").exit_code == 0
    assert _cache_files(root) == []


@pytest.mark.usefixtures("cached")
@pytest.mark.parametrize("how", ["a file where .jw should be", "a failing write"])
def test_a_cache_that_cannot_be_written_does_not_fail_the_command(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    expected = _outputs(root, tmp_path / "expected", "--no-cache")
    if how == "a file where .jw should be":
        (root / ".jw").write_text("not a folder\n")
    else:
        from jwcli.write import files

        real = files.replace_own

        def read_only(path: Path, data: bytes) -> None:
            if ".jw" in Path(path).parts:  # the review pack itself is still written
                raise OSError(30, "Read-only file system")
            real(path, data)

        monkeypatch.setattr(files, "replace_own", read_only)
    assert _outputs(root, tmp_path / "got") == expected
    assert _cache_files(root) == []


@pytest.mark.usefixtures("cached")
def test_the_cache_stays_out_of_git_without_a_gitignore_line(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    env = git_env(tmp_path / "home")
    git(root, "init", "-q", env=env)
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "-m", "data", env=env)
    assert not (root / ".gitignore").exists()
    assert jw("-C", str(root), *TODAY, "validate").exit_code == 0
    assert _cache_files(root)
    assert git(root, "status", "--porcelain", "--untracked-files=all", env=env) == ""


def test_a_forged_cache_file_cannot_run_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.system, (f"touch {marker}",))

    # A well-formed file, even with this user's MAC (the unpickler is a second line of defence
    # behind it): right magic, version key and MAC, hostile payload.
    key = cache.user_key()
    assert key is not None
    header = cache._MAGIC + cache.version_key()
    payload = pickle.dumps({"folder": "records", "entries": Exploit()}, protocol=5)
    forged = tmp_path / "forged.pickle"
    forged.write_bytes(header + cache._mac(key, header, payload) + payload)
    assert cache.read(str(forged)) is None
    assert not marker.exists()
    # and a genuine value in the same framing is read back
    payload = pickle.dumps({"folder": "records", "entries": {}}, protocol=5)
    forged.write_bytes(header + cache._mac(key, header, payload) + payload)
    assert cache.read(str(forged)) == {"folder": "records", "entries": {}}
    # but not with a plain digest where the MAC should be (what anyone could compute)
    digest = hashlib.blake2b(payload, digest_size=32).digest()
    forged.write_bytes(header + digest + payload)
    assert cache.read(str(forged)) is None


# --- the parallel parse -------------------------------------------------------------------------

BAD = {
    "records/q/2025-06-02-dup-key.yaml": "kind: claim\nkind: claim\n",
    "records/q/2025-06-03-unknown-kind.yaml": "kind: rumour\ndate: 2025-06-03\nsummary: x\n",
    "records/q/2025-06-04-bad-date.yaml": "kind: claim\ndate: 2025-02-30\nsummary: x\nparty: n\n",
    "records/q/2025-06-05-anchor.yaml": "kind: &k claim\n",
    "records/q/2025-06-06-tab.yaml": "kind: claim\n\tdate: 2025-06-06\n",
    "records/q/Bad Name.yaml": "kind: claim\n",
    "records/q/2025-06-07-old.yml": "kind: claim\n",
    "records/r/2025-06-08-claim-00.yaml": "kind: claim\n",  # the same id as below
}


def test_the_parallel_parse_gives_the_serial_models_and_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        f"records/q/2025-06-08-claim-{n:02}.yaml": (
            f"kind: claim\ndate: 2025-06-08\nsummary: claim {n}\nparty: acme\n"
        )
        for n in range(40)
    }
    root = write_repo(tmp_path / "repo", {**files, **BAD})
    serial = load_repo(root, workers=1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 0)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    used: list[int] = []
    real = parallel.parse_in_parallel

    def spy(*args: Any) -> Any:
        found = real(*args)
        used.append(len(found))
        return found

    monkeypatch.setattr(parallel, "parse_in_parallel", spy)
    shared = load_repo(root, workers=2)
    # 40 good claims and 5 bad files reach the parser (the bad name, the .yml file and the
    # second use of an id are refused before it)
    assert used == [45]
    assert list(shared.records) == list(serial.records)
    assert all(
        shared.records[i].path == serial.records[i].path
        and shared.records[i].record == serial.records[i].record
        for i in serial.records
    )
    assert [(f.as_dict(), f.loc) for f in shared.load_findings] == [
        (f.as_dict(), f.loc) for f in serial.load_findings
    ]
    assert len(serial.load_findings) == len(BAD)  # one finding per bad file
    today = dt.date(2025, 10, 15)
    assert [f.as_dict() for f in validate(shared, today)] == [
        f.as_dict() for f in validate(serial, today)
    ]
