"""`jw audit` after new commits walks only those, from where the remembered audit stopped, and
its report is exactly what an audit with nothing remembered says: stories on real git histories
that compare every report (JSON, flags in order, acknowledgements, exit codes with and without
`--strict`) against one made with an empty cache folder, and check which walk ran."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from jwcli.history import git as jgit
from tests.helpers import AGREEMENT, AGREEMENT_PATH, BASELINES, CHARTER, commit_files, git, jw

_fresh = itertools.count()


def rec(kind: str, day: str, extra: str = "") -> str:
    body = {
        "observation": "party: acme\nbehaviours: [critical-friend]\neffect: positive\n",
        "commitment": "party: acme\ndue: 2025-09-30\n",
    }[kind]
    return f"kind: {kind}\ndate: {day}\nsummary: A {kind} of {day}\n{body}{extra}"


def close(root: Path, quarter: str, date: str) -> str:
    """A close commit as `jw review --close` makes it, and its tag."""
    commit = commit_files(
        root,
        {f"reviews/{quarter}/review.md": f"# Review {quarter}\n"},
        f"jw: review {quarter} closed\n\nJw-Kind: review\nJw-Quarter: {quarter}\n",
        date=date,
    )
    git(root, "tag", "-a", f"review/{quarter}", "-m", f"Review {quarter}", commit)
    return commit


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The commit each history walk started after (None: the whole history)."""
    started: list[str | None] = []
    real = jgit.Log

    def spy(root: Path, *, signatures: bool = False, after: str | None = None) -> jgit.Log:
        started.append(after)
        return real(root, signatures=signatures, after=after)

    monkeypatch.setattr(jgit, "Log", spy)
    return started


def audit(root: Path, tmp_path: Path, walks: list[str | None], *extra: str) -> dict[str, Any]:
    """The remembered audit's report, asserted identical to a from-scratch one (and the same
    exit codes, also with --strict); returns it with its exit codes and, as "walks", where the
    history walks of the first run started."""
    walks.clear()
    runs = []
    for strict in ((), ("--strict",)):
        result = jw("-C", str(root), "audit", "--format", "json", *extra, *strict)
        assert result.exit_code in (0, 1), result.output
        runs.append(result)
        if not strict:
            started = list(walks)
    for i, strict in enumerate(((), ("--strict",))):
        cache = tmp_path / f"empty-cache-{next(_fresh)}"
        scratch = jw(
            "-C",
            str(root),
            "audit",
            "--format",
            "json",
            *extra,
            *strict,
            env={"XDG_CACHE_HOME": str(cache)},
        )
        assert (scratch.exit_code, scratch.stdout) == (runs[i].exit_code, runs[i].stdout)
    report: dict[str, Any] = json.loads(runs[0].stdout)
    report["exit"] = (runs[0].exit_code, runs[1].exit_code)
    report["walks"] = started
    return report


def rules(report: dict[str, Any]) -> list[tuple[str, str, bool]]:
    return [(f["rule"], f["path"], f["acknowledged"]) for f in report["flags"]]


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "rel"
    root.mkdir()
    git(root, "init", "-q")
    commit_files(
        root,
        {"charter.yaml": CHARTER, "baselines.yaml": BASELINES, AGREEMENT_PATH: AGREEMENT},
        "Charter agreed",
        date="2025-04-01T09:00:00+00:00",
    )
    return root


OBS = "records/2025-Q1/2025-05-10-obs.yaml"
LATE = "records/2025-Q1/2025-06-20-late.yaml"
LATE2 = "records/2025-Q1/2025-06-21-late.yaml"
FIX = "records/2025-Q2/2025-07-15-fix.yaml"
ASSESSMENT = "assessments/2025-Q1/north.yaml"


def test_new_commits_extend_the_remembered_audit(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    root = _repo(tmp_path)
    first = commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    report = audit(root, tmp_path, walks)
    assert report["flags"] == []
    assert report["walks"] == [None]  # nothing remembered: the whole history

    commit_files(
        root, {OBS: rec("observation", "2025-05-11")}, "Edited", date="2025-06-02T09:00:00+00:00"
    )
    q1 = close(root, "2025-Q1", "2025-07-02T09:00:00+00:00")
    commit_files(
        root, {LATE: rec("observation", "2025-06-20")}, "Late", date="2025-07-03T09:00:00+00:00"
    )
    commit_files(
        root,
        {FIX: rec("observation", "2025-07-15", "supersedes: 2025-05-10-obs\n")},
        "A correction of a Q1 record",
        date="2025-07-15T09:00:00+00:00",
    )
    commit_files(root, {ASSESSMENT: "{}\n"}, "Assessment", date="2025-07-16T09:00:00+00:00")
    report = audit(root, tmp_path, walks)
    # only the new commits were walked, from the remembered HEAD
    assert report["walks"] == [first]
    assert rules(report) == [
        ("record-modified", OBS, False),
        ("late", LATE, False),
        ("late", FIX, False),  # supersedes a record of the closed 2025-Q1
        ("late", ASSESSMENT, False),
    ]
    assert report["closes"] == {"2025-Q1": q1}
    assert report["exit"] == (1, 1)

    # another late record, the assessment changed by someone else after the close; then
    # 2025-Q2 closed, which acknowledges every notice before it, old and new
    commit_files(root, {LATE2: rec("commitment", "2025-06-21")}, "Late too")
    commit_files(
        root,
        {ASSESSMENT: "ratings: []\n"},
        "Changed by another",
        author=("Raj Patel", "raj@acme.example"),
        date="2025-07-20T09:00:00+00:00",
    )
    close(root, "2025-Q2", "2025-10-02T09:00:00+00:00")
    report = audit(root, tmp_path, walks)
    assert report["walks"] != [None]
    assert rules(report) == [
        ("record-modified", OBS, False),
        ("late", LATE, True),
        ("late", FIX, True),
        ("late", ASSESSMENT, True),
        ("late", LATE2, True),
        ("assessment-author", ASSESSMENT, False),
        ("after-close", ASSESSMENT, False),
    ]
    assert report["unacknowledged"] == 0


def test_a_moved_or_deleted_tag_is_seen_at_once(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    root = _repo(tmp_path)
    commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    commit_files(root, {OBS: rec("observation", "2025-05-11")}, "Edited")
    q1 = close(root, "2025-Q1", "2025-07-02T09:00:00+00:00")
    commit_files(root, {LATE: rec("observation", "2025-06-20")}, "Late")
    audit(root, tmp_path, walks)
    git(root, "tag", "-f", "-a", "review/2025-Q1", "-m", "moved", "HEAD")
    report = audit(root, tmp_path, walks)
    # listed at the close commit: after the edit before it, before the late record after it
    assert [f["rule"] for f in report["flags"]] == ["record-modified", "review-tag", "late"]
    assert report["flags"][1]["commit"] == q1
    git(root, "tag", "-d", "review/2025-Q1")
    commit_files(root, {FIX: rec("observation", "2025-07-15")}, "Q2 record")
    report = audit(root, tmp_path, walks)
    assert report["walks"] != [None]  # the new commit extended the remembered walk
    assert [f["rule"] for f in report["flags"]] == ["record-modified", "review-tag", "late"]
    assert "missing" in report["flags"][1]["message"]


def test_a_rewritten_history_is_walked_again(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    root = _repo(tmp_path)
    commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    commit_files(root, {OBS: rec("observation", "2025-05-11")}, "Edited")
    assert [f["rule"] for f in audit(root, tmp_path, walks)["flags"]] == ["record-modified"]

    # the edit amended away: the remembered HEAD is no ancestor of the new one
    commit_files(root, {OBS: rec("observation", "2025-05-10")}, "unused")
    git(root, "reset", "-q", "--hard", "HEAD~2")
    git(root, "commit", "-q", "--amend", "-m", "An observation, reworded")
    report = audit(root, tmp_path, walks)
    assert report["flags"] == []
    assert report["walks"][0] is not None  # tried to extend from the remembered HEAD,
    assert report["walks"][1:] == [None]  # then walked it all

    # the remembered HEAD gone from the object store altogether
    git(root, "reset", "-q", "--hard", "HEAD~1")
    git(root, "reflog", "expire", "--expire=now", "--all")
    git(root, "gc", "-q", "--prune=now")
    commit_files(root, {OBS: rec("observation", "2025-05-12")}, "Again")
    report = audit(root, tmp_path, walks)
    assert report["flags"] == []
    assert report["walks"][-1] is None


LOOSER = CHARTER.replace("version: 1\n", "version: 2\n").replace("target: 80", "target: 70")
AMENDMENT_2 = AGREEMENT.replace("version: 1", "version: 2").replace("version 1", "version 2")


def test_charter_and_amendment_changes_judge_old_commits_again(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    root = _repo(tmp_path)
    commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    audit(root, tmp_path, walks)
    # a loosening in a new commit, version raised but not agreed
    commit_files(root, {"charter.yaml": LOOSER}, "Looser target")
    report = audit(root, tmp_path, walks)
    assert report["walks"][-1] is None  # a charter change: everything judged again
    assert [f["rule"] for f in report["flags"]] == ["amendment-missing", "breaking-change"]

    # the amendment comes later, in a commit of its own: the old loosening is now agreed
    commit_files(root, {"records/2025-Q1/2025-06-01-v2.yaml": AMENDMENT_2}, "Version 2 agreed")
    report = audit(root, tmp_path, walks)
    assert report["walks"][-1] is None  # the amendments in force changed
    assert [(f["rule"], f["severity"]) for f in report["flags"]] == [("agreed-change", "notice")]

    # an ordinary record after that extends the remembered audit again
    commit_files(root, {LATE: rec("observation", "2025-06-20")}, "Another")
    again = audit(root, tmp_path, walks)
    assert again["flags"] == report["flags"]
    assert len(again["walks"]) == 1 and again["walks"][0] is not None


def test_a_merge_and_since(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    root = _repo(tmp_path)
    base = commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    audit(root, tmp_path, walks)
    git(root, "switch", "-q", "-c", "side")
    commit_files(root, {OBS: rec("observation", "2025-05-11")}, "Edited on a branch")
    git(root, "switch", "-q", "main")
    commit_files(root, {LATE: rec("observation", "2025-06-20")}, "On main")
    git(root, "merge", "-q", "--no-edit", "side")
    report = audit(root, tmp_path, walks)
    assert report["walks"][-1] is None  # a merge among the new commits: walked in full
    assert [f["rule"] for f in report["flags"]] == ["record-modified"]
    # --since reports a part of the history, never from what is remembered
    since = audit(root, tmp_path, walks, "--since", base)
    assert [f["rule"] for f in since["flags"]] == ["record-modified"]
    assert since["walks"] == [None]
    assert len(since["commits"]) == 2  # the edit and the commit on main; the merge adds nothing


def test_the_review_audit_section_extends_the_remembered_audit(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    root = _repo(tmp_path)
    first = commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    args = ("-C", str(root), "--today", "2025-07-01", "review", "--quarter", "2025-Q1")
    assert jw(*args, "--format", "json").exit_code == 0
    assert walks == [None]  # the first review read the whole history
    commit_files(root, {LATE: rec("observation", "2025-06-20")}, "Another")
    walks.clear()
    result = jw(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert walks == [first]  # the second read only the commit since
    # the section counts the new commit: the charter's, the observation's and this one, each
    # adding one record (the agreement, the observation, the new one), all by Ann Lee
    section = json.loads((root / "reviews/2025-Q1/review.json").read_text())["audit"]
    assert section["commits"] == 3
    assert section["authors"] == [
        {"author": "Ann Lee", "commits": 3, "records_added": 3, "records_changed": 0}
    ]


@pytest.mark.parametrize("damage", ["flipped", "older", "link"])
def test_a_damaged_or_stale_walk_state_is_a_miss(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None], damage: str
) -> None:
    from jwcli.history import audit_cache

    root = _repo(tmp_path)
    commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    audit(root, tmp_path, walks)
    state = audit_cache._path(root, "walk")
    assert state is not None and state.is_file()
    kept = state.read_bytes()
    commit_files(root, {OBS: rec("observation", "2025-05-11")}, "Edited")
    audit(root, tmp_path, walks)
    commit_files(root, {LATE: rec("observation", "2025-06-20")}, "Another")
    if damage == "flipped":  # one bit of the remembered walk changed
        data = bytearray(state.read_bytes())
        data[-5] ^= 1
        state.write_bytes(bytes(data))
    elif damage == "older":  # the walk of the run before, MAC and all: not this report's
        state.write_bytes(kept)
    else:
        target = tmp_path / "elsewhere.bin"
        target.write_bytes(state.read_bytes())
        state.unlink()
        state.symlink_to(target)
    report = audit(root, tmp_path, walks)
    assert report["walks"] == [None]  # walked in full, and (audit checks) the same report
    assert [f["rule"] for f in report["flags"]] == ["record-modified"]


def test_a_record_deleted_and_added_back_with_another_layout_is_not_modified(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    root = _repo(tmp_path)
    commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    audit(root, tmp_path, walks)
    commit_files(root, {OBS: None}, "Deleted")
    commit_files(root, {OBS: "# put back\n" + rec("observation", "2025-05-10")}, "Back")
    report = audit(root, tmp_path, walks)
    assert report["walks"] != [None]
    # the deletion is an error; the same data added back is not a modification
    assert [f["rule"] for f in report["flags"]] == ["record-deleted"]
    # and remembered facts of that version change nothing about a walk from scratch
    commit_files(root, {OBS: "# put back again\n" + rec("observation", "2025-05-10")}, "Layout")
    assert [f["rule"] for f in audit(root, tmp_path, walks)["flags"]] == ["record-deleted"]


def test_no_cache_reads_the_whole_history_and_says_the_same(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    from jwcli.history import audit_cache

    root = _repo(tmp_path)
    commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    remembered = audit(root, tmp_path, walks)
    kept = audit_cache._path(root, "report")
    assert kept is not None
    before = kept.read_bytes()
    commit_files(root, {OBS: rec("observation", "2025-05-11")}, "Edited")
    walks.clear()
    result = jw("--no-cache", "-C", str(root), "audit", "--format", "json")
    assert result.exit_code == 1, result.output
    assert walks == [None]  # the whole history, although an earlier audit is remembered
    assert kept.read_bytes() == before  # and the remembered one left as it was
    flags = json.loads(result.stdout)["flags"]
    assert [f["rule"] for f in flags] == ["record-modified"]
    assert remembered["flags"] == []
    # the next remembered run extends the remembered audit and says the same
    report = audit(root, tmp_path, walks)
    assert report["walks"] != [None] and report["flags"] == flags


def test_review_with_no_cache_neither_reads_nor_writes_the_audit_memory(
    isolated_git: dict[str, str], tmp_path: Path, walks: list[str | None]
) -> None:
    from jwcli.history import audit_cache

    root = _repo(tmp_path)
    commit_files(root, {OBS: rec("observation", "2025-05-10")}, "An observation")
    audit(root, tmp_path, walks)
    kept = audit_cache._path(root, "report")
    assert kept is not None
    before = kept.read_bytes()
    commit_files(root, {OBS: rec("observation", "2025-05-11")}, "Edited")
    walks.clear()
    out = tmp_path / "pack"
    result = jw(
        "--no-cache", "-C", str(root), "--today", "2025-08-01",
        "review", "--quarter", "2025-Q1", "--format", "json", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert walks == [None]  # the pack's audit section read the whole history
    assert kept.read_bytes() == before  # and left the remembered audit alone
