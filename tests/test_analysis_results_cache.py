"""The results cache of `jw score` and `jw review` (load/results.py, actions/remember.py) is
invisible: on a real git history, through the CLI, every run gives exactly what `--no-cache`
gives, and a repeated run on unchanged inputs loads no model at all. Each step of the story
changes one input the results depend on (a record edited, added or removed, a new commit, a
quarter closed, a late record after the close, `--today`, another quarter, party or format, the
charter amended, a tampered cache file) and must not be answered with the earlier result.

As in test_cache.py, the cache is switched on for a small repository (`MIN_FILES`) and files are
trusted as soon as they are written (`RACY_NS`); each change is followed by a short sleep so the
kernel's coarse ctime clock passes it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from jwcli.load import cache, results
from tests.helpers import commit_files, git, jw, write_repo
from tests.review_data import FILES, R

TODAY = ["--today", "2025-10-15"]
LATE = R + "cl-late.yaml"
LATE_CLAIM = "kind: claim\ndate: 2025-09-29\nparty: north\nsummary: Late claim\n"


def _settle() -> None:
    time.sleep(0.03)  # ctime is the coarse kernel clock: let it pass the last write


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    write_repo(root, FILES)
    commit_files(root, {}, "The quarter's data", date="2025-10-12T09:00:00+01:00")
    _settle()
    return root


def _score(root: Path, *args: str, cache_on: bool = True) -> tuple[int, str]:
    flags = [] if cache_on else ["--no-cache"]
    done = jw("-C", str(root), *TODAY, *flags, "score", *args)
    return done.exit_code, done.stdout + done.stderr


def _both_scores(root: Path, loads: list[int], *args: str) -> tuple[str, int]:
    """The cached run's output (asserted equal to --no-cache's) and how many loads it made."""
    loads.clear()
    code, warm = _score(root, *args)
    made = len(loads)
    assert (code, warm) == _score(root, *args, cache_on=False)
    assert code == 0, warm
    return warm, made


def _pack(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _both_reviews(root: Path, out: Path, loads: list[int], *args: str) -> tuple[Any, int]:
    """The files the cached run wrote (equal, byte for byte, to --no-cache's) and its loads."""
    loads.clear()
    warm = jw("-C", str(root), *TODAY, "review", "--out", str(out / "warm"), *args)
    made = len(loads)
    cold = jw("-C", str(root), *TODAY, "--no-cache", "review", "--out", str(out / "cold"), *args)
    assert warm.exit_code == cold.exit_code == 0, warm.output + cold.output
    assert warm.stdout.replace("warm", "cold") == cold.stdout
    assert _pack(out / "warm") == _pack(out / "cold")
    return _pack(out / "warm"), made


Q2 = ("--quarter", "2025-Q2", "--format", "json")


def test_score_story_on_a_git_history(tmp_path: Path, isolated_git: Any, loads: list[int]) -> None:
    root = _repo(tmp_path)
    first, made = _both_scores(root, loads, *Q2)
    assert made == 1  # computed: nothing remembered yet
    again, made = _both_scores(root, loads, *Q2)
    assert (again, made) == (first, 0)  # remembered: no model loaded
    assert json.loads(first)["signed_off"] is None

    # --party, --format and --explain only choose what is shown of the same result
    for shown in (
        ("--quarter", "2025-Q2", "--party", "north", "--format", "json"),
        ("--quarter", "2025-Q2", "--format", "csv"),
        ("--quarter", "2025-Q2", "--explain"),
    ):
        out, made = _both_scores(root, loads, *shown)
        assert made == 0 and out != first
    refused = jw("-C", str(root), *TODAY, "score", "--quarter", "2025-Q2", "--party", "nowhere")
    assert refused.exit_code == 2 and "unknown party `nowhere`" in refused.stderr

    # another quarter, another day: other results, never the remembered one
    q1, made = _both_scores(root, loads, "--quarter", "2025-Q1", "--format", "json")
    assert made == 1 and json.loads(q1)["quarter"] == "2025-Q1"
    loads.clear()
    later = jw("-C", str(root), "--today", "2025-10-02", "score", *Q2)
    assert later.exit_code == 0 and len(loads) == 1
    cold = jw("-C", str(root), "--today", "2025-10-02", "--no-cache", "score", *Q2)
    assert later.stdout == cold.stdout

    # a record edited: north's missed commitment delivered on time after all
    update = root / R / "u-north-1.yaml"
    text = update.read_text().replace("status: missed", "status: delivered")
    update.write_text(text.replace("2025-09-12", "2025-09-08"))
    _settle()
    edited, made = _both_scores(root, loads, *Q2)
    assert made == 1 and edited != first

    # a file added, then removed again
    (root / LATE).write_text(LATE_CLAIM)
    _settle()
    added, made = _both_scores(root, loads, *Q2)
    assert made == 1 and added != edited
    (root / LATE).unlink()
    _settle()
    removed, made = _both_scores(root, loads, *Q2)
    assert made == 1 and removed == edited

    # a new commit that changes no data: HEAD moved, so the history is read again
    commit_files(root, {"NOTES.md": "notes\n"}, "Notes", date="2025-10-13T09:00:00+01:00")
    _settle()
    committed, made = _both_scores(root, loads, *Q2)
    assert made == 1 and committed == edited

    # the charter amended: every figure may move
    charter = root / "charter.yaml"
    charter.write_text(charter.read_text().replace("below: 0.8", "below: 0.9"))
    _settle()
    amended, made = _both_scores(root, loads, *Q2)
    assert made == 1 and amended != edited


def test_a_close_and_a_late_record_after_it(
    tmp_path: Path, isolated_git: Any, loads: list[int]
) -> None:
    root = _repo(tmp_path)
    before, _ = _both_scores(root, loads, *Q2)
    _both_scores(root, loads, *Q2)
    closed = jw("-C", str(root), *TODAY, "review", "--close")
    assert closed.exit_code == 0, closed.output
    _settle()
    after, made = _both_scores(root, loads, *Q2)
    assert made == 1
    signed = json.loads(after)["signed_off"]
    assert signed is not None and signed["changed"] == []
    assert json.loads(before)["signed_off"] is None
    # remembered with its sign-off
    assert _both_scores(root, loads, *Q2) == (after, 0)

    # a late claim of the closed quarter, not committed: the working tree now differs from the
    # close, and the figures it moves are listed as changed since the sign-off
    (root / LATE).write_text(LATE_CLAIM)
    _settle()
    late, made = _both_scores(root, loads, *Q2)
    assert made == 1
    changed = json.loads(late)["signed_off"]["changed"]
    assert changed and all(c["causes"] == ["cl-late"] for c in changed)
    assert _both_scores(root, loads, *Q2) == (late, 0)

    # an open quarter beside the closed one: remembered without reading the working tree's
    # changes (they concern only the closed quarter's sign-off)
    q1 = ("--quarter", "2025-Q1", "--format", "json")
    open_quarter, made = _both_scores(root, loads, *q1)
    assert made == 1 and json.loads(open_quarter)["signed_off"] is None
    assert _both_scores(root, loads, *q1) == (open_quarter, 0)

    # committed: the data is the same but HEAD moved
    commit_files(root, {}, "Late claim", date="2025-10-14T09:00:00+01:00")
    _settle()
    assert _both_scores(root, loads, *Q2) == (late, 1)


def test_review_packs_are_byte_identical_and_close_is_never_remembered(
    tmp_path: Path, isolated_git: Any, loads: list[int]
) -> None:
    root = _repo(tmp_path)
    out = tmp_path / "out"
    first, made = _both_reviews(root, out / "1", loads, "-q", "2025-Q2")
    assert made == 1
    again, made = _both_reviews(root, out / "2", loads, "-q", "2025-Q2")
    assert (again, made) == (first, 0)
    # other formats: another entry, never a subset of the remembered files
    md, made = _both_reviews(root, out / "3", loads, "-q", "2025-Q2", "--format", "md")
    assert made == 1 and md == {"review.md": first["review.md"]}
    # a dirty tree is on the cover: a file outside the data makes the tree dirty
    (root / "NOTES.md").write_text("notes\n")
    _settle()
    dirty, made = _both_reviews(root, out / "4", loads, "-q", "2025-Q2")
    assert made == 1 and dirty != first
    (root / "NOTES.md").unlink()
    _settle()

    # --close is computed, committed and tagged even though the same pack is remembered (one
    # entry per set of options: the dirty pack replaced the clean one, which is made again)
    assert _both_reviews(root, out / "5", loads, "-q", "2025-Q2") == (first, 1)
    assert _both_reviews(root, out / "6", loads, "-q", "2025-Q2") == (first, 0)
    loads.clear()
    closed = jw("-C", str(root), *TODAY, "review", "--close")
    assert closed.exit_code == 0, closed.output
    assert len(loads) == 1
    assert git(root, "tag", "--list", "review/*") == "review/2025-Q2"
    _settle()
    # the closed pack is refused in its own folder, remembered or not
    for flags in ([], ["--no-cache"], []):
        refused = jw("-C", str(root), *TODAY, *flags, "review", "-q", "2025-Q2")
        assert refused.exit_code == 1 and "is closed" in refused.stderr
    # and a copy elsewhere shows the sign-off
    copy, made = _both_reviews(root, out / "7", loads, "-q", "2025-Q2")
    assert made == 1 and copy != first
    assert _both_reviews(root, out / "8", loads, "-q", "2025-Q2") == (copy, 0)
    # a file jw does not load, in the closed quarter's assessments, in a tree that was dirty
    # already: the pack lists it as changed after the sign-off (neither the tree's fingerprint
    # nor the dirty flag tells it apart)
    (root / "NOTES.md").write_text("notes\n")
    _settle()
    assert _both_reviews(root, out / "9", loads, "-q", "2025-Q2")[1] == 1
    (root / "assessments/2025-Q2/notes.txt").write_text("to discuss\n")
    _settle()
    noted, made = _both_reviews(root, out / "10", loads, "-q", "2025-Q2")
    assert made == 1 and b"assessments/2025-Q2/notes.txt" in noted["review.json"]


def test_a_tampered_results_file_is_a_miss(
    tmp_path: Path, isolated_git: Any, loads: list[int]
) -> None:
    root = _repo(tmp_path)
    first, _ = _both_scores(root, loads, *Q2)
    (stored,) = (root / ".jw" / "cache").glob("results-score-*")
    data = bytearray(stored.read_bytes())
    data[-10] ^= 0xFF  # one byte of the payload: the MAC no longer checks out
    stored.write_bytes(bytes(data))
    _settle()
    assert _both_scores(root, loads, *Q2) == (first, 1)

    # a file with a valid MAC (this user's) holding another result under the right key: only
    # a result of jw's own classes is taken, anything else is a miss
    options = ("2025-Q2", "2025-10-15")
    found = results.find(str(root), "score", options, ("?",))
    assert found is None  # the key is checked
    name = stored.name
    value = cache.read(str(stored), plain=True)
    assert value is not None
    value["value"]["result"] = results.pack_objects(("not a scorecard", None))
    assert cache.write(str(root), name, value, plain=True)
    _settle()
    assert _both_scores(root, loads, *Q2) == (first, 1)
    value = cache.read(str(stored), plain=True)
    assert value is not None
    value["value"]["result"] = b"cos\nsystem\n(S'echo owned'\ntR."  # a pickle that runs code
    assert cache.write(str(root), name, value, plain=True)
    _settle()
    assert _both_scores(root, loads, *Q2) == (first, 1)
    assert _both_scores(root, loads, *Q2) == (first, 0)  # rewritten by the miss


def test_signed_off_figures_are_remembered_by_their_close_commit(
    tmp_path: Path, isolated_git: Any, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jwcli.analysis import scoring

    root = _repo(tmp_path)
    assert jw("-C", str(root), *TODAY, "review", "--close").exit_code == 0
    scored: list[str] = []
    real = scoring.score_quarter

    def spy(rel: Any, quarter: Any, today: Any, *rest: Any) -> Any:
        scored.append(str(quarter))
        return real(rel, quarter, today, *rest)

    monkeypatch.setattr(scoring, "score_quarter", spy)
    second = R + "cl-late-2.yaml"
    expected = []
    for path in (LATE, second):
        # each late claim changes the data: the scorecard is computed again, and the figures
        # as signed off are computed only the first time
        (root / path).write_text(LATE_CLAIM.replace("Late claim", path))
        _settle()
        scored.clear()
        code, warm = _score(root, *Q2)
        assert code == 0 and json.loads(warm)["signed_off"]["changed"]
        expected.append(len(scored))
        assert (code, warm) == _score(root, *Q2, cache_on=False)
    assert expected == [2, 1]


def test_another_jw_does_not_take_the_results_of_this_one(
    tmp_path: Path, isolated_git: Any, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    first, _ = _both_scores(root, loads, *Q2)
    assert _both_scores(root, loads, *Q2) == (first, 0)
    # an upgrade that changes only the analysis (or a template) changes jw's code key
    monkeypatch.setattr(results, "_code_key", b"jw with other scoring rules")
    assert _both_scores(root, loads, *Q2) == (first, 1)
    assert _both_scores(root, loads, *Q2) == (first, 0)


def test_a_key_digests_the_same_however_its_values_are_shared() -> None:
    # Two runs build equal keys from objects shared differently (a string the command line
    # also holds, or one object twice): the digest must depend only on the values, or every
    # run in a new process is a miss.
    day = "2025-10-15"
    fresh = "".join(["2025-", "10-15"])
    assert fresh == day and fresh is not day
    assert results._digest((day, day)) == results._digest((day, fresh))
    assert results._name("score", ("2025-Q2", day)) == results._name("score", ("2025-Q2", fresh))


def test_outside_git_the_results_are_remembered_too(tmp_path: Path, loads: list[int]) -> None:
    root = write_repo(tmp_path / "plain", FILES)
    _settle()
    out = tmp_path / "out"
    first, made = _both_reviews(root, out / "1", loads, "-q", "2025-Q2", "--format", "md")
    assert made == 1 and b"history" in first["review.md"].lower()
    assert _both_reviews(root, out / "2", loads, "-q", "2025-Q2", "--format", "md") == (first, 0)
    scored, made = _both_scores(root, loads, *Q2)
    assert _both_scores(root, loads, *Q2) == (scored, 0)
