"""`jw validate` holds back the warnings of closed quarters except those of late files, files
not as their own quarter's close left them (lifecycle.md, "Warnings belong to quarters"). It
asks git about the files with such warnings only, once per closed quarter: the answer must be
the one a diff of the whole tree gives, for records moved, changed, added, staged or untracked."""

from __future__ import annotations

from pathlib import Path

import pytest

from jwcli.history import closed
from jwcli.history.closes import changes_since, find_closes
from tests.helpers import commit_files, git, jw, rec, write_repo

TODAY = "2026-11-29"
CLOSE = "Review {q}\n\nJw-Kind: review\nJw-Quarter: {q}\n"


def _claim(date: str, summary: str = "a claim") -> str:
    return rec("claim", date, party="acme", summary=summary)  # unevidenced: a warning


def _shown(root: Path) -> list[str]:
    result = jw("-C", str(root), "--today", TODAY, "validate")
    assert result.exit_code == 0, result.output
    return sorted(line.split(":", 1)[0] for line in result.stdout.splitlines())


def _repo(root: Path) -> Path:
    write_repo(
        root,
        {
            "records/2025-Q2/2025-07-01-agreed.yaml": rec(
                "amendment", "2025-07-01", version=1, agreed_by=["north", "south", "acme"]
            ),
            "records/2025-Q2/2025-07-02-claim-a.yaml": _claim("2025-07-02"),
            "records/2025-Q2/2025-07-03-claim-b.yaml": _claim("2025-07-03"),
        },
    )
    git(root, "init", "-q")
    commit_files(root, {}, "Q2 data")
    commit_files(root, {}, CLOSE.format(q="2025-Q2"))
    return root


@pytest.mark.parametrize("named", [32, 0])
def test_a_quarters_own_close_decides_what_is_late(
    tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch, named: int
) -> None:
    # named 0: git is given the folders, as when many files have warnings
    monkeypatch.setattr(closed, "NAMED_FILES_MAX", named)
    root = _repo(tmp_path / "r")
    # Q3's claim is added after Q2 closed, then Q3 closes: it is not late for Q3
    commit_files(root, {"records/2025-Q3/2025-10-02-claim-c.yaml": _claim("2025-10-02")}, "Q3")
    commit_files(root, {}, CLOSE.format(q="2025-Q3"))
    assert _shown(root) == []

    # a Q2 claim added after Q2's close: late, printed (committed or not)
    late = "records/2025-Q2/2025-07-04-claim-late.yaml"
    write_repo(root, {late: _claim("2025-07-04")}, charter=False)
    assert _shown(root) == [late]
    commit_files(root, {}, "late claim")
    assert _shown(root) == [late]
    git(root, "rm", "-q", late)
    commit_files(root, {}, "late claim withdrawn")

    # moved to another folder unchanged: the same record, not late; changed as well: late
    (root / "records/moved").mkdir()
    git(root, "mv", "records/2025-Q2/2025-07-02-claim-a.yaml", "records/moved/")
    assert _shown(root) == []
    commit_files(root, {}, "moved")
    assert _shown(root) == []
    moved = root / "records/moved/2025-07-02-claim-a.yaml"
    moved.write_text(_claim("2025-07-02", "a claim, reworded"))
    assert _shown(root) == ["records/moved/2025-07-02-claim-a.yaml"]
    git(root, "add", "-A")  # staged, not committed: still late
    assert _shown(root) == ["records/moved/2025-07-02-claim-a.yaml"]

    # a Q2 claim changed and committed after the close (found by comparing commits)
    b = "records/2025-Q2/2025-07-03-claim-b.yaml"
    commit_files(root, {b: _claim("2025-07-03", "b, reworded")}, "b changed after the close")
    assert _shown(root) == sorted([b, "records/moved/2025-07-02-claim-a.yaml"])


def test_asking_about_some_files_answers_as_the_whole_diff(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    close = find_closes(root).closed
    (commit,) = [c.commit for c in close.values()]
    # every kind of change after the close, committed, staged and in the work tree
    (root / "records/x").mkdir()
    git(root, "mv", "records/2025-Q2/2025-07-02-claim-a.yaml", "records/x/")  # moved as is
    write_repo(
        root, {"records/2025-Q2/2025-07-05-claim-new.yaml": _claim("2025-07-05")}, charter=False
    )
    commit_files(root, {"records/2025-Q2/2025-07-06-claim-c.yaml": _claim("2025-07-06")}, "c")
    (root / "records/2025-Q2/2025-07-03-claim-b.yaml").write_text(_claim("2025-07-03", "edited"))
    write_repo(
        root, {"records/2025-Q2/2025-07-07-claim-d.yaml": _claim("2025-07-07")}, charter=False
    )
    git(root, "add", "records/2025-Q2/2025-07-07-claim-d.yaml")
    whole = changes_since(root, commit, None)
    late = {*whole.added, *whole.modified}
    assert late == {
        "records/2025-Q2/2025-07-05-claim-new.yaml",  # untracked
        "records/2025-Q2/2025-07-06-claim-c.yaml",  # committed
        "records/2025-Q2/2025-07-03-claim-b.yaml",  # changed in the work tree
        "records/2025-Q2/2025-07-07-claim-d.yaml",  # staged
    }
    files = sorted(str(p.relative_to(root)) for p in (root / "records").rglob("*.yaml"))
    for path in files:
        narrow = changes_since(root, commit, None, about={path})
        assert (path in {*narrow.added, *narrow.modified}) == (path in late), path
    both = changes_since(root, commit, None, about=set(files))
    assert {*both.added, *both.modified} & set(files) == late


def test_a_record_changed_and_committed_after_its_close_is_late(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    b = "records/2025-Q2/2025-07-03-claim-b.yaml"
    commit_files(root, {b: _claim("2025-07-03", "b, reworded")}, "b changed after the close")
    assert _shown(root) == [b]
    # changed back to what the close signed off: no longer late
    commit_files(root, {b: _claim("2025-07-03")}, "b as it was")
    assert _shown(root) == []
