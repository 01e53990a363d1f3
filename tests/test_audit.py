"""`jw audit`: the audit trail read back from real git histories built in tmp_path.

Every history is made with `commit_files` (tests/helpers.py) under an isolated git config; the
flags are asserted as (rule, commit, path) so a flag on the wrong commit or file fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from jwcli.history import git as jgit
from tests.helpers import BASELINES, CHARTER, commit_files, git, jw

ANN = ("Ann Lee", "ann@north.example")
RAJ = ("Raj Patel", "raj@acme.example")
SUE = ("Sue Obi", "sue@south.example")

# fiscal_year_start: 4 in CHARTER, so 2025-Q1 is April-June 2025 and 2025-Q2 July-September.
OBS = """\
kind: observation
date: {date}
summary: {summary}
party: acme
behaviours: [critical-friend]
effect: positive
"""
COST = """\
kind: cost
date: 2025-07-05
summary: Service desk run cost for the quarter
service: helpdesk
party: north
period: 2025-Q1
amount: 90000.00
"""
AMENDMENT = """\
kind: amendment
date: {date}
summary: Charter version {version} agreed
version: {version}
agreed_by: [{parties}]
"""


def obs(date: str, summary: str = "Acme cleared the backlog early") -> str:
    return OBS.format(date=date, summary=summary)


def amendment(version: int, parties: str = "north, south, acme", date: str = "2025-08-01") -> str:
    return AMENDMENT.format(version=version, parties=parties, date=date)


def charter(**changes: str) -> str:
    """CHARTER with whole lines replaced: {"old line": "new line"}, each must occur once."""
    text = CHARTER
    for old, new in changes.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


AGREED_V1 = "records/2025-Q1/2025-04-01-charter-agreed.yaml"


def start(
    tmp_path: Path, files: dict[str, str | None] | None = None, *, agreed: bool = True
) -> tuple[Path, str]:
    """A repository whose first commit holds the charter, the baselines and (unless `agreed` is
    False) the amendment that agrees version 1, so the charter rules judge every later commit."""
    root = tmp_path / "rel"
    root.mkdir(parents=True)
    git(root, "init", "-q")
    agreement = {AGREED_V1: amendment(1, date="2025-04-01")} if agreed else {}
    first = commit_files(
        root,
        {"charter.yaml": CHARTER, "baselines.yaml": BASELINES, **agreement, **(files or {})},
        "Charter version 1",
        author=ANN,
        date="2025-04-01T09:00:00+01:00",
    )
    return root, first


def close(root: Path, quarter: str, *, tag: bool = True, date: str = "2025-07-20") -> str:
    """Close `quarter` as `jw review --close` does: a commit with the review trailers, tagged."""
    commit = commit_files(
        root,
        {f"reviews/{quarter}/review.md": f"# Review {quarter}\n"},
        f"jw: review {quarter} closed\n\nJw-Kind: review\nJw-Quarter: {quarter}\nJw-Today: {date}",
        date=f"{date}T12:00:00+00:00",
    )
    if tag:
        git(root, "tag", "-a", f"review/{quarter}", "-m", f"Review {quarter}", commit)
    return commit


def audit(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = jw("-C", str(root), "audit", "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def flags(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(f["rule"], f["commit"], f["path"]) for f in report["flags"]}


def test_commits_by_several_authors_are_listed_oldest_first_without_flags(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, c0 = start(tmp_path)
    p1 = "records/2025-Q1/2025-05-10-backlog.yaml"
    p2 = "records/2025-Q1/2025-05-20-challenge.yaml"
    c1 = commit_files(
        root, {p1: obs("2025-05-10")}, "Backlog", author=RAJ, date="2025-05-10T10:00:00+01:00"
    )
    c2 = commit_files(
        root,
        {p2: obs("2025-05-20", "South challenged licences")},
        "jw: add observation 2025-05-20-challenge\n\nJw-Kind: observation\n"
        "Jw-Record: 2025-05-20-challenge",
        author=SUE,
        date="2025-05-20T10:00:00+01:00",
    )
    commit_files(root, {"notes.txt": "not data\n"}, "A file outside the data", author=ANN)

    code, report = audit(root)

    assert code == 0
    assert report["flags"] == []
    assert [c["commit"] for c in report["commits"]] == [c0, c1, c2]  # the notes commit: no data
    assert [c["author"] for c in report["commits"]] == ["Ann Lee", "Raj Patel", "Sue Obi"]
    assert [c["email"] for c in report["commits"]] == [ANN[1], RAJ[1], SUE[1]]
    assert report["commits"][0]["charter"] is True and report["commits"][0]["baselines"] is True
    assert report["commits"][1]["added"] == [p1]
    assert report["commits"][1]["date"] == "2025-05-10T10:00:00+01:00"
    assert report["commits"][2]["trailers"] == {
        "Jw-Kind": "observation",
        "Jw-Record": "2025-05-20-challenge",
    }
    assert report["commits"][2]["signature"] is None  # signing not required: never checked


def test_an_edited_record_is_flagged_but_a_comment_only_edit_is_not(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    edited = "records/2025-Q1/2025-05-10-backlog.yaml"
    commented = "records/2025-Q1/2025-05-11-other.yaml"
    root, _ = start(tmp_path)
    first = commit_files(
        root, {edited: obs("2025-05-10"), commented: obs("2025-05-11")}, "Two", author=RAJ
    )
    change = commit_files(
        root, {edited: obs("2025-05-10", "Acme cleared SOME of the backlog")}, "Edit", author=SUE
    )
    commit_files(
        root,
        {
            commented: "# checked by Ann\n"
            + obs("2025-05-11").replace(
                "behaviours: [critical-friend]", "behaviours:\n  - critical-friend"
            )
        },
        "Layout only",
    )

    code, report = audit(root)

    assert code == 1
    assert flags(report) == {("record-modified", change, edited)}
    message = report["flags"][0]["message"]
    assert "2025-05-10-backlog" in message and first[:10] in message and "supersedes" in message
    # the layout-only commit is still in the trail, as a modification
    assert report["commits"][-1]["modified"] == [commented]


def test_a_deleted_record_is_flagged_and_a_moved_one_is_not(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    gone = "records/2025-05-10-backlog.yaml"
    old = "records/2025-05-11-other.yaml"
    new = "records/2025-Q1/2025-05-11-other.yaml"
    root, _ = start(tmp_path, {gone: obs("2025-05-10"), old: obs("2025-05-11")})
    deleting = commit_files(root, {gone: None}, "Remove an awkward record", author=SUE)
    commit_files(root, {old: None, new: obs("2025-05-11")}, "File it under its quarter")

    code, report = audit(root)

    assert code == 1
    assert flags(report) == {("record-deleted", deleting, gone)}
    assert report["commits"][-1]["added"] == [new] and report["commits"][-1]["deleted"] == [old]


def test_changes_to_a_closed_quarter_are_errors_and_late_records_notices(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    kept = "records/2025-Q1/2025-05-10-backlog.yaml"
    assessment = "assessments/2025-Q1/north.yaml"
    rating = (
        "quarter: 2025-Q1\nassessor: north\ndate: 2025-06-25\nratings:\n  acme:\n"
        "    critical-friend: {rating: 4, evidence: [2025-05-10-backlog]}\n"
    )
    root, _ = start(tmp_path, {kept: obs("2025-05-10"), assessment: rating})
    before_close = commit_files(
        root,
        {assessment: rating.replace("rating: 4", "rating: 3")},
        "North revises its rating before the review",
    )
    closed = close(root, "2025-Q1")
    # filed in the Q2 folder but dated in Q1 (May): the date decides the quarter
    backdated = "records/2025-Q2/2025-05-30-late-evidence.yaml"
    late = commit_files(root, {backdated: obs("2025-05-30")}, "Backdated evidence", author=RAJ)
    commit_files(root, {"records/2025-Q2/2025-07-15-new.yaml": obs("2025-07-15")}, "Q2 record")
    rerated = commit_files(
        root,
        {assessment: rating.replace("rating: 4", "rating: 5")},
        "North raises its rating after sign-off",
    )
    edited = commit_files(root, {kept: obs("2025-05-10", "Rewritten")}, "Edit a Q1 record")

    code, report = audit(root)

    assert code == 1
    assert flags(report) == {
        ("late", late, backdated),
        ("after-close", rerated, assessment),
        ("after-close", edited, kept),
        ("record-modified", edited, kept),
    }
    severity = {(f["rule"], f["commit"]): f["severity"] for f in report["flags"]}
    assert severity[("late", late)] == "notice"
    assert severity[("after-close", rerated)] == severity[("record-modified", edited)] == "error"
    (notice,) = report["notices"] and [f for f in report["flags"] if f["rule"] == "late"]
    assert notice["quarter"] == "2025-Q1" and notice["acknowledged"] is False
    assert closed[:10] in notice["message"]
    assert all(before_close != f["commit"] for f in report["flags"])  # editing before close is fine
    assert report["closes"] == {"2025-Q1": closed}

    # a later close acknowledges the late record: --strict passes on it, the errors remain
    strict = jw("-C", str(root), "audit", "--strict")
    assert strict.exit_code == 1
    close(root, "2025-Q2", date="2025-10-20")
    _, report = audit(root)
    assert [f["acknowledged"] for f in report["flags"] if f["rule"] == "late"] == [True]


def test_a_tag_without_a_close_commit_closes_nothing(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, first = start(tmp_path)
    git(root, "tag", "review/2025-Q1")
    commit_files(root, {"records/2025-05-30-x.yaml": obs("2025-05-30")}, "Not late")
    code, report = audit(root)
    assert code == 0
    assert flags(report) == {("review-tag", first, "")}
    (flag,) = report["flags"]
    assert flag["severity"] == "notice" and "not a close commit" in flag["message"]


def test_a_missing_or_moved_tag_and_a_second_close_are_errors(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, _ = start(tmp_path)
    closed = close(root, "2025-Q1", tag=False)
    code, report = audit(root)
    assert code == 1
    assert flags(report) == {("review-tag", closed, "")}
    assert f"git tag -a review/2025-Q1 {closed[:12]}" in report["flags"][0]["message"]

    later = commit_files(root, {"records/2025-Q2/2025-07-15-new.yaml": obs("2025-07-15")}, "Q2")
    git(root, "tag", "review/2025-Q1", later)  # the tag marks another commit
    again = close(root, "2025-Q1", tag=False)
    code, report = audit(root)
    assert code == 1
    assert flags(report) == {("review-tag", closed, ""), ("second-close", again, "")}
    assert "points at" in next(f for f in report["flags"] if f["rule"] == "review-tag")["message"]

    # deleting the tag does not reopen the quarter: a late record is still found
    git(root, "tag", "-d", "review/2025-Q1")
    late = commit_files(root, {"records/2025-Q2/2025-06-30-x.yaml": obs("2025-06-30")}, "Late")
    _, report = audit(root)
    assert ("late", late, "records/2025-Q2/2025-06-30-x.yaml") in flags(report)


def test_charter_data_change_without_a_version_is_flagged_and_comments_are_not(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, _ = start(tmp_path)
    commit_files(
        root,
        {
            "charter.yaml": "# Charter of the Test Shared Services\n\n"
            + charter(
                **{
                    "    clients: [north, south]": "    clients:\n      - north\n      - south",
                    "relationship: Test Shared Services": "relationship: 'Test Shared Services'",
                }
            )
        },
        "Comments, quoting and list layout only",
    )
    renamed = commit_files(
        root,
        {"charter.yaml": charter(**{"    name: First-time fix rate": "    name: First fix rate"})},
        "Rename a KPI",
        author=SUE,
    )

    code, report = audit(root)

    assert code == 1
    assert flags(report) == {("charter-unversioned", renamed, "charter.yaml")}
    assert "still 1" in report["flags"][0]["message"]


def test_a_version_raised_with_an_amendment_by_every_party_is_clean(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, _ = start(tmp_path)
    commit_files(
        root,
        {
            "charter.yaml": charter(
                **{
                    "version: 1": "version: 2",
                    "    due: 2027-03-31\nescalation": "    due: 2027-06-30\nescalation",
                }
            ),
            "records/2025-08-01-charter-v2.yaml": amendment(2),
        },
        "Charter version 2: KPI due date moved",
    )
    code, report = audit(root)
    assert (code, report["flags"]) == (0, [])


def test_a_version_without_amendment_and_an_amendment_missing_a_party_are_flagged(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, _ = start(tmp_path)
    v2 = commit_files(root, {"charter.yaml": charter(**{"version: 1": "version: 2"})}, "v2")
    v3 = commit_files(root, {"charter.yaml": charter(**{"version: 1": "version: 3"})}, "v3")
    partial = "records/2025-08-02-charter-v3.yaml"
    agreed = commit_files(root, {partial: amendment(3, "north, acme")}, "v3 agreed, not by South")

    code, report = audit(root)

    assert code == 1
    assert flags(report) == {
        ("amendment-missing", v2, "charter.yaml"),  # version 2 was never agreed
        ("amendment-parties", v3, "charter.yaml"),  # version 3 only partly
    }
    assert agreed not in {f["commit"] for f in report["flags"]}
    assert "south" in next(f for f in report["flags"] if f["commit"] == v3)["message"]


def test_agreed_loosening_is_a_notice_and_tightening_nothing(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, _ = start(tmp_path)
    tightened = charter(**{"version: 1": "version: 2", "    target: 80": "    target: 85"})
    commit_files(
        root,
        {"charter.yaml": tightened, "records/2025-08-01-v2.yaml": amendment(2)},
        "Tighter target",
    )
    loosened = charter(
        **{
            "version: 1": "version: 3",
            "    target: 80": "    target: 70",
            "    amber_within: 5": "    amber_within: 8",
            "  triggers:\n    - id: slipping-commitments\n      metric: on-time-rate\n"
            "      below: 0.8\n      level: 1\n": "  triggers: []\n",
        }
    )
    c3 = commit_files(
        root, {"charter.yaml": loosened, "records/2025-08-02-v3.yaml": amendment(3)}, "Looser"
    )

    code, report = audit(root)

    assert code == 0
    messages = sorted(f["message"] for f in report["flags"])
    assert messages == [
        "agreed loosening: KPI `first-time-fix` amber_within widened from 5 to 8",
        "agreed loosening: KPI `first-time-fix` target loosened from 85 to 70 (higher is better)",
        "agreed loosening: trigger `slipping-commitments` removed",
    ]
    assert {(f["commit"], f["rule"], f["severity"]) for f in report["flags"]} == {
        (c3, "agreed-change", "notice")
    }
    assert jw("-C", str(root), "audit", "--strict").exit_code == 1


def test_a_party_leaving_is_agreed_by_the_parties_that_stay(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, _ = start(tmp_path)
    south_leaves = charter(
        **{
            "version: 1": "version: 2",
            "    role: client\n  - id: acme": (
                "    role: client\n    left: 2025-07-31\n  - id: acme"
            ),
        }
    )
    assert "left: 2025-07-31" in south_leaves
    path = "records/2025-08-01-v2.yaml"
    c2 = commit_files(
        root,
        {"charter.yaml": south_leaves, path: amendment(2, "north, acme")},
        "South leaves",
        date="2025-08-02T10:00:00+00:00",
    )
    code, report = audit(root)
    assert code == 0  # south is no member on the amendment's date: north and acme agree it
    assert flags(report) == {("agreed-change", c2, "charter.yaml")}
    assert "`left: 2025-07-31`" in report["flags"][0]["message"]


def test_a_baseline_moved_after_costs_and_a_widened_tolerance_are_flagged(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, _ = start(tmp_path)
    # before any cost is recorded, baselines may still be corrected
    commit_files(root, {"baselines.yaml": BASELINES.replace("400000.00", "410000.00")}, "Fix")
    commit_files(root, {"records/2025-Q2/2025-07-05-desk-cost.yaml": COST}, "Q1 costs")
    moved = commit_files(
        root, {"baselines.yaml": BASELINES.replace("400000.00", "450000.00")}, "Raise baseline"
    )
    widened = commit_files(
        root,
        {"baselines.yaml": BASELINES.replace("400000.00", "450000.00").replace("0.10", "0.15")},
        "More room on the migration budget",
    )

    code, report = audit(root)

    assert code == 1
    assert flags(report) == {
        ("baseline-moved", moved, "baselines.yaml"),
        ("breaking-change", widened, "baselines.yaml"),
    }
    widened_message = next(f["message"] for f in report["flags"] if f["commit"] == widened)
    assert "dc-migration" in widened_message and "0.10 to 0.15" in widened_message


def test_unsigned_commits_are_flagged_only_where_the_charter_requires_signing(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    signed_charter = CHARTER.replace(
        "escalation:", "governance:\n  require_signed_commits: true\nescalation:"
    )
    root, _ = start(tmp_path)
    before = commit_files(root, {"records/2025-05-10-a.yaml": obs("2025-05-10")}, "Before")
    required = commit_files(
        root,
        {
            "charter.yaml": signed_charter.replace("version: 1", "version: 2"),
            "records/2025-08-01-v2.yaml": amendment(2),
        },
        "Signing required from now on",
    )
    after = commit_files(root, {"records/2025-08-05-b.yaml": obs("2025-08-05")}, "After")

    code, report = audit(root)

    assert code == 1
    assert flags(report) == {
        ("unsigned", required, "charter.yaml"),
        ("unsigned", after, "records/2025-08-05-b.yaml"),
    }
    assert before not in {f["commit"] for f in report["flags"]}
    assert {c["signature"] for c in report["commits"]} == {"N"}  # %G?: no signature


def test_a_good_signature_is_not_flagged(
    isolated_git: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    try:
        subprocess.run(
            [
                "gpg",
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                "Ann Lee <ann@north.example>",
                "ed25519",
                "sign",
                "never",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        signed_charter = CHARTER.replace(
            "escalation:", "governance:\n  require_signed_commits: true\nescalation:"
        )
        root = tmp_path / "rel"
        root.mkdir()
        git(root, "init", "-q")
        git(root, "config", "user.signingkey", "ann@north.example")
        git(root, "config", "commit.gpgsign", "true")
        signed = commit_files(root, {"charter.yaml": signed_charter}, "Signed charter")
        git(root, "config", "commit.gpgsign", "false")
        unsigned = commit_files(root, {"records/2025-05-10-a.yaml": obs("2025-05-10")}, "Unsigned")

        code, report = audit(root)

        assert code == 1
        assert flags(report) == {("unsigned", unsigned, "records/2025-05-10-a.yaml")}
        letters = {c["commit"]: c["signature"] for c in report["commits"]}
        assert letters[signed] in ("G", "U") and letters[unsigned] == "N"
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], capture_output=True, check=False)


def test_since_a_revision_or_a_date_limits_the_trail(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    path = "records/2025-05-10-a.yaml"
    root, c0 = start(tmp_path, {path: obs("2025-05-10")})
    c1 = commit_files(
        root, {path: obs("2025-05-10", "edited")}, "Edit", date="2025-06-01T10:00:00+00:00"
    )
    c2 = commit_files(
        root,
        {"records/2025-06-03-b.yaml": obs("2025-06-03")},
        "Add",
        date="2025-06-03T10:00:00+00:00",
    )
    git(root, "tag", "checkpoint", c1)

    code, report = audit(root, "--since", "checkpoint")
    assert (code, [c["commit"] for c in report["commits"]], report["flags"]) == (0, [c2], [])

    code, report = audit(root, "--since", "2025-06-01")
    assert code == 1
    assert [c["commit"] for c in report["commits"]] == [c1, c2]
    assert flags(report) == {("record-modified", c1, path)}

    code, report = audit(root, "--since", c0)
    assert [c["commit"] for c in report["commits"]] == [c1, c2]

    assert jw("-C", str(root), "audit", "--since", "no-such-tag").exit_code == 2
    assert jw("-C", str(root), "audit", "--since", "2025-02-30").exit_code == 2
    assert jw("-C", str(root), "audit", "--format", "xml").exit_code == 2


def test_a_branch_merged_back_is_listed_once_and_flagged_once(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    shared = "records/2025-05-10-a.yaml"
    root, _ = start(tmp_path, {shared: obs("2025-05-10")})
    git(root, "switch", "-q", "-c", "acme")
    side_add = commit_files(root, {"records/2025-05-12-b.yaml": obs("2025-05-12")}, "B", author=RAJ)
    side_edit = commit_files(root, {shared: obs("2025-05-10", "edited")}, "Edit A", author=RAJ)
    git(root, "switch", "-q", "main")
    main_add = commit_files(root, {"records/2025-05-13-c.yaml": obs("2025-05-13")}, "C")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge Acme's records", "acme")

    code, report = audit(root)

    assert code == 1
    listed = [c["commit"] for c in report["commits"]]
    assert set(listed[1:]) == {side_add, side_edit, main_add}  # the merge adds nothing new
    assert listed.index(side_add) < listed.index(side_edit)
    assert flags(report) == {("record-modified", side_edit, shared)}


def test_a_relationship_in_a_subfolder_of_a_bigger_repository(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    top = tmp_path / "monorepo"
    top.mkdir()
    git(top, "init", "-q")
    commit_files(top, {"README.md": "code lives here\n"}, "Code")
    rel = "governance/"
    c1 = commit_files(
        top,
        {rel + "charter.yaml": CHARTER, rel + "records/2025-05-10-a.yaml": obs("2025-05-10")},
        "Charter",
    )
    c2 = commit_files(top, {rel + "records/2025-05-10-a.yaml": obs("2025-05-10", "x")}, "Edit")
    _, report = audit(top / "governance")
    assert [c["commit"] for c in report["commits"]] == [c1, c2]
    assert report["commits"][0]["added"] == ["records/2025-05-10-a.yaml"]
    assert flags(report) == {("record-modified", c2, "records/2025-05-10-a.yaml")}


def test_the_table_lists_commits_and_flags_with_markup_kept_inert(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    path = "records/2025-05-10-a.yaml"
    root, _ = start(tmp_path, {path: obs("2025-05-10")})
    edit = commit_files(root, {path: obs("2025-05-10", "x")}, "[bold red]Edit[/bold red] \x1b[2J")
    result = jw("-C", str(root), "audit")
    assert result.exit_code == 1
    assert f"{edit[:10]} 2025-06-01 Ann Lee" in result.stdout
    assert "[bold red]Edit[/bold red]" in result.stdout and "\x1b" not in result.stdout
    assert f"{edit[:10]} {path}: record-modified: record `2025-05-10-a` changed" in result.stdout
    assert "2 commits touching the data: 1 error, 0 notices" in result.stderr
    assert "    +2025-05-10-a" in result.stdout and "    ~2025-05-10-a" in result.stdout


def test_environment_problems_exit_3(isolated_git: dict[str, str], tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "charter.yaml").write_text(CHARTER)
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    result = jw("-C", str(plain), "audit", env=env)
    assert result.exit_code == 3 and "not inside a git repository" in result.stderr

    git(plain, "init", "-q")
    result = jw("-C", str(plain), "audit")
    assert result.exit_code == 3 and "no commits yet" in result.stderr

    commit_files(plain, {"README.md": "x\n"}, "Only a readme")
    git(plain, "rm", "-q", "--cached", "charter.yaml")
    git(plain, "commit", "-q", "-m", "untrack the charter")
    result = jw("-C", str(plain), "audit")
    assert result.exit_code == 3 and "charter.yaml is not committed" in result.stderr


def test_an_invalid_committed_charter_stops_the_audit_with_its_location(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    root, _ = start(tmp_path)
    commit_files(root, {"charter.yaml": charter(**{"version: 1": "version: two"})}, "Oops")
    result = jw("-C", str(root), "audit")
    assert result.exit_code == 1
    assert "charter.yaml:2:10: error:" in result.stdout  # `two` is at line 2, column 10
    assert "does not validate" in result.stderr


def test_fsck_reports_a_damaged_object_store(isolated_git: dict[str, str], tmp_path: Path) -> None:
    path = "records/2025-05-10-a.yaml"
    root, _ = start(tmp_path, {path: obs("2025-05-10")})
    clean = jw("-C", str(root), "audit", "--fsck")
    assert clean.exit_code == 0 and "git fsck clean" in clean.stderr

    blob = git(root, "rev-parse", f"HEAD:{path}")
    loose = root / ".git" / "objects" / blob[:2] / blob[2:]
    os.chmod(loose, 0o644)
    loose.write_bytes(b"this is not a zlib stream")
    damaged = jw("-C", str(root), "audit", "--fsck")
    assert damaged.exit_code == 3
    assert "damaged object store" in damaged.stderr and blob in damaged.stderr


def test_git_processes_do_not_grow_with_the_history(
    isolated_git: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def count_for(commits: int, name: str) -> int:
        root, _ = start(tmp_path / name)
        close(root, "2025-Q1")
        for i in range(commits):
            commit_files(
                root,
                {
                    f"records/2025-05-{i + 1:02d}-r.yaml": obs(f"2025-05-{i + 1:02d}"),
                    "baselines.yaml": BASELINES.replace("400000", str(400001 + i)),
                },
                f"Record {i}",
            )
        calls = 0
        real_run, real_popen = subprocess.run, subprocess.Popen

        def run(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return real_run(*args, **kwargs)

        def popen(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return real_popen(*args, **kwargs)

        monkeypatch.setattr(jgit.subprocess, "run", run)
        monkeypatch.setattr(jgit.subprocess, "Popen", popen)
        try:
            code, _ = audit(root)
        finally:
            monkeypatch.setattr(jgit.subprocess, "run", real_run)
            monkeypatch.setattr(jgit.subprocess, "Popen", real_popen)
        assert code == 0  # every record is late for 2025-Q1: the rules did read blobs
        return calls

    assert count_for(2, "small") == count_for(12, "larger")


def test_records_are_judged_by_their_parsed_content_not_their_lines(
    isolated_git: dict[str, str], tmp_path: Path
) -> None:
    """A continuation line inside a quoted `notes` reads like a top-level `date:` or `kind:` to
    a line search; the models see the record as `jw validate` does."""
    root, _ = start(tmp_path)
    close(root, "2025-Q1")
    disguised = "records/2025-Q2/2025-07-21-lesson.yaml"
    # a Q1 observation whose first `date:`-looking line says Q2
    text = 'notes: "see below\ndate: 2025-08-01\nkind: lesson"\n' + obs("2025-05-30")
    late = commit_files(root, {disguised: text}, "A backdated observation in disguise")
    # a cost whose first `kind:`-looking line says lesson: still a run cost for north
    cost = 'notes: "x\nkind: lesson"\n' + COST.replace("period: 2025-Q1", "period: 2025-Q2")
    commit_files(root, {"records/2025-Q2/2025-10-05-desk-cost.yaml": cost}, "Q2 cost")
    moved = commit_files(
        root, {"baselines.yaml": BASELINES.replace("400000.00", "450000.00")}, "Raise baseline"
    )
    code, report = audit(root)
    assert code == 1
    assert flags(report) == {
        ("late", late, disguised),
        ("baseline-moved", moved, "baselines.yaml"),
    }
