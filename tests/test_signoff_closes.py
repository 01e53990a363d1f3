"""history/closes.py: close commits from trailers, the review/ tag's state, late records."""

from __future__ import annotations

from pathlib import Path

from jwcli.history.closes import changes_since, find_closes, late_reasons, late_records
from jwcli.load.repo import load_repo
from jwcli.quarters import Quarter
from tests.helpers import BASELINES, CHARTER, commit_files, git, rec

Q1 = Quarter(2025, 1)  # fiscal_year_start 4: April to June 2025
Q2 = Quarter(2025, 2)
CLOSE = "jw: close review {q}\n\nJw-Kind: review\nJw-Quarter: {q}\nJw-Today: {today}"


def _close(root: Path, quarter: Quarter, today: str, date: str) -> str:
    commit = commit_files(
        root,
        {f"reviews/{quarter}/review.md": f"# {quarter}\n"},
        CLOSE.format(q=quarter, today=today),
        date=date,
    )
    return commit


def _repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q")
    commit_files(
        root,
        {
            "charter.yaml": CHARTER,
            "baselines.yaml": BASELINES,
            "records/2025-Q1/cost-1.yaml": rec(
                "cost",
                "2025-07-02",
                service="helpdesk",
                party="north",
                period="2025-Q1",
                amount=1000,
            ),
            "records/2025-Q1/meas-1.yaml": rec(
                "measurement", "2025-07-03", kpi="first-time-fix", period="2025-Q1", value=70
            ),
        },
        "Charter and Q1 data",
    )
    return root


def test_a_close_commit_is_found_by_its_trailers_and_the_tag_checked(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    assert find_closes(root).closed == {}
    first = _close(root, Q1, "2025-07-10", "2025-07-10T09:00:00+00:00")
    git(root, "tag", "-a", "-m", "signed", "review/2025-Q1", first)
    closes = find_closes(root)
    close = closes.closed[Q1]
    assert (close.commit, close.tag_status, close.second_closes) == (first, "ok", ())
    assert str(close.as_of) == "2025-07-10"
    assert not closes.is_closed(Q2)

    # a second close commit for Q1 is reported; the first stays the close
    second = commit_files(
        root, {"x.txt": "x\n"}, CLOSE.format(q=Q1, today="2025-07-20"), date="2025-07-20T09:00:00Z"
    )
    close = find_closes(root).closed[Q1]
    assert (close.commit, close.second_closes) == (first, (second,))

    # the tag moved to the second commit, then deleted
    git(root, "tag", "-d", "review/2025-Q1")
    git(root, "tag", "review/2025-Q1", second)
    assert find_closes(root).closed[Q1].tag_status == "moved"
    git(root, "tag", "-d", "review/2025-Q1")
    assert find_closes(root).closed[Q1].tag_status == "missing"
    # the latest close is the last in the history, whatever its quarter
    _close(root, Quarter(2024, 4), "2025-07-21", "2025-07-21T09:00:00+00:00")
    closes = find_closes(root)
    latest = closes.latest()
    assert latest is not None and latest.quarter == Quarter(2024, 4)
    assert closes.previous(Q2) == closes.closed[Q1]
    # the history before the close does not see it closed
    assert find_closes(root, f"{first}~1").closed == {}


def test_a_tag_on_another_branch_does_not_close_the_quarter(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    git(root, "switch", "-q", "-c", "other")
    other = _close(root, Q1, "2025-07-10", "2025-07-10T09:00:00+00:00")
    git(root, "tag", "review/2025-Q1", other)
    git(root, "switch", "-q", "main")
    closes = find_closes(root)
    assert closes.closed == {}
    assert closes.elsewhere == {Q1: other}


def test_a_message_that_only_mentions_the_trailer_is_not_a_close(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    commit_files(root, {"x.txt": "x\n"}, "notes: Jw-Kind: review\n\nJw-Quarter: 2025-Q1 soon")
    assert find_closes(root).closed == {}


def test_late_records_by_period_supersedes_chain_due_date_and_assessments(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = _repo(tmp_path / "r")
    close = _close(root, Q1, "2025-07-10", "2025-07-10T09:00:00+00:00")
    commit_files(
        root,
        {
            # dated in Q2 but for Q1's period: late
            "records/2025-Q1/cost-2.yaml": rec(
                "cost",
                "2025-08-01",
                service="helpdesk",
                party="north",
                period="2025-Q1",
                amount=500,
            ),
            # corrects meas-1 (of Q1) through a Q2 reading: late through the chain
            "records/2025-Q2/meas-2.yaml": rec(
                "measurement", "2025-08-02", kpi="first-time-fix", period="2025-Q2", value=71
            ),
            "records/2025-Q2/meas-3.yaml": rec(
                "measurement",
                "2025-08-03",
                kpi="first-time-fix",
                period="2025-Q2",
                value=72,
                supersedes=["meas-2"],
            ),
            "records/2025-Q2/meas-4.yaml": rec(
                "measurement",
                "2025-08-04",
                kpi="first-time-fix",
                period="2025-Q2",
                value=73,
                supersedes="meas-3",
            ),
            # a commitment made in Q2, due in Q1: late
            "records/2025-Q2/comm-1.yaml": rec(
                "commitment", "2025-08-05", party="acme", due="2025-06-30"
            ),
            # an ordinary Q2 record: not late
            "records/2025-Q2/obs-1.yaml": rec(
                "observation",
                "2025-08-06",
                party="acme",
                behaviours=["communication"],
                effect="positive",
            ),
            # moved unchanged to another folder: the same record, not late
            "records/2025-Q1/meas-1.yaml": None,
            "records/moved/meas-1.yaml": rec(
                "measurement", "2025-07-03", kpi="first-time-fix", period="2025-Q1", value=70
            ),
            "assessments/2025-Q1/north.yaml": "quarter: 2025-Q1\nassessor: north\nratings: []\n",
        },
        "More data",
        date="2025-08-10T09:00:00+00:00",
    )
    changes = changes_since(root, close, "HEAD")
    assert changes.deleted == () and changes.modified == ()
    assert "records/moved/meas-1.yaml" not in changes.added
    rel = load_repo(root)
    found = {(x.id, x.reason) for x in late_records(rel, Q1, changes)}
    assert found == {
        ("cost-2", "belongs to 2025-Q1"),
        ("comm-1", "commitment due in 2025-Q1"),
        ("north", "assessment"),
    }
    # meas-4 -> meas-3 -> meas-2 are all Q2: late only when a link of the chain is Q1
    records = {rid: e.record for rid, e in rel.records.items()}
    fix5 = records["meas-4"].model_copy(update={"supersedes": ["meas-4", "meas-1"]})
    assert late_reasons(fix5, Q1, records, 4) == ["supersedes meas-1 of 2025-Q1"]
    fix6 = records["meas-4"].model_copy(update={"supersedes": "meas-4"})
    assert late_reasons(fix6, Q1, records, 4) == []

    # an untracked (even ignored) record in the working tree is seen as added
    (root / ".gitignore").write_text("records/2025-Q1/hidden.yaml\n")
    (root / "records/2025-Q1/hidden.yaml").write_text(
        rec("cost", "2025-08-11", service="helpdesk", party="south", period="2025-Q1", amount=9)
    )
    assert "records/2025-Q1/hidden.yaml" in changes_since(root, close, None).added


def test_a_shallow_clone_cannot_say_what_was_signed_off(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    import pytest

    from jwcli.errors import GitProblem

    root = _repo(tmp_path / "r")
    commit_files(root, {"x.txt": "x\n"}, "More", date="2025-07-02T09:00:00+00:00")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(shallow))
    with pytest.raises(GitProblem) as caught:
        find_closes(shallow)
    assert caught.value.exit_code == 3 and "git fetch --unshallow" in str(caught.value.hint)
