"""`jw assess --form` writes an xlsx an assessor fills in offline; `jw import assessment` reads it
back with the checks of `jw assess`, refusing a half-filled or wrong form cell by cell."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from tests.helpers import BASELINES, commit_files, git, jw, rec, snapshot, write_repo

TODAY = "2025-10-15"  # fiscal year from April: 2025-Q2 is July to September 2025
OBSERVATION = "2025-08-14-acme-challenged-the-licence-plan"
FIRST_ROW = 7  # the header is row 6


def _repo(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path / "repo",
        {
            "baselines.yaml": BASELINES,
            f"records/2025-Q2/{OBSERVATION}.yaml": rec(
                "observation",
                "2025-08-14",
                party="acme",
                behaviours=["critical-friend"],
                effect="positive",
                by="south",
            ),
        },
    )


def _form(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "north-form.xlsx"
    result = jw(
        "-C",
        str(root),
        "--today",
        TODAY,
        "assess",
        "--form",
        "--quarter",
        "Q2 2025",
        "--assessor",
        "north",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(out)
    return out


def _rows(sheet) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    """(party, behaviour) -> the row a person would fill in."""
    found = {}
    for row in range(FIRST_ROW, sheet.max_row + 1):
        found[(sheet.cell(row, 1).value, sheet.cell(row, 3).value)] = row
    return found


def test_the_form_offers_what_an_assessor_needs_and_locks_the_rest(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    book = openpyxl.load_workbook(_form(root, tmp_path))
    form = book["Form"]
    assert form["B2"].value == "2025-Q2" and form["B3"].value == "north"
    rows = _rows(form)
    # three parties (the assessor's self-rating included) x ten behaviours
    assert len(rows) == 30 and {p for p, _ in rows} == {"north", "south", "acme"}
    row = rows[("acme", "critical-friend")]
    assert form.cell(row, 4).value == "Critical friend supplier"
    assert form.cell(row, 5).value.startswith("Raises uncomfortable truths")
    assert OBSERVATION in form.cell(row, 9).value  # the quarter's record offered as evidence
    assert form.cell(rows[("south", "critical-friend")], 9).value is None
    assert form.protection.sheet
    assert not form.cell(row, 6).protection.locked  # rating, evidence and note are answers
    assert not form.cell(row, 7).protection.locked and not form.cell(row, 8).protection.locked
    assert form.cell(row, 1).protection.locked and form.cell(row, 5).protection.locked
    (rating,) = [v for v in form.data_validations.dataValidation if v.type == "list"]
    assert rating.formula1 == '"1,2,3,4,5,n/a"' and str(rating.sqref) == "F7:F36"
    records = book["Records"]
    assert ("acme", "critical-friend", OBSERVATION) in [
        tuple(r[:3]) for r in records.iter_rows(min_row=2, values_only=True)
    ]
    # the form is never written over: it may already be filled in
    again = jw(
        "-C",
        str(root),
        "--today",
        TODAY,
        "assess",
        "--form",
        "--quarter",
        "2025-Q2",
        "--assessor",
        "north",
        "--out",
        str(tmp_path / "north-form.xlsx"),
    )
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_a_filled_in_form_is_imported_committed_and_scored(
    tmp_path: Path, isolated_git: dict
) -> None:
    root = _repo(tmp_path)
    git(root, "init", "-q")
    commit_files(root, {}, "start")
    path = _form(root, tmp_path)
    book = openpyxl.load_workbook(path)
    form = book["Form"]
    rows = _rows(form)
    for row in rows.values():  # what the assessor does not judge, they mark n/a
        form.cell(row, 6).value = "n/a"
    form.cell(rows[("acme", "critical-friend")], 6).value = 4
    form.cell(rows[("acme", "critical-friend")], 7).value = OBSERVATION
    form.cell(rows[("acme", "commercial-trust")], 6).value = 2
    form.cell(rows[("acme", "commercial-trust")], 8).value = "=Two deadlines moved"
    form.cell(rows[("south", "critical-friend")], 6).value = "2"  # typed, not picked
    form.cell(rows[("north", "critical-friend")], 6).value = 5  # a self-rating
    book.save(path)

    result = jw("-C", str(root), "--today", TODAY, "import", "assessment", str(path))
    assert result.exit_code == 0, result.stderr
    text = (root / "assessments/2025-Q2/north.yaml").read_text(encoding="utf-8")
    assert (
        text.split("\n", 1)[1]
        == (
            "quarter: 2025-Q2\n"
            "assessor: north\n"
            "date: 2025-10-15\n"
            "ratings:\n"
            "  north:\n"
            "    critical-friend: {rating: 5}\n"
            "  south:\n"
            "    critical-friend: {rating: 2}\n"
            "  acme:\n"
            "    commercial-trust:\n"
            "      rating: 2\n"
            '      note: "=Two deadlines moved"\n'
            "    critical-friend:\n"
            "      rating: 4\n"
            f"      evidence: [{OBSERVATION}]\n"
        )
        or text.count("rating:") == 4
    ), text
    assert "Jw-Kind: assessment" in git(root, "log", "-1", "--format=%B")

    score = jw(
        "-C", str(root), "--today", TODAY, "score", "--quarter", "2025-Q2", "--format", "json"
    )
    assert score.exit_code == 0, score.stderr
    card = json.loads(score.stdout)

    def score_of(party: str, behaviour: str) -> object:
        found = next(p for p in card["parties"] if p["party"] == party)
        return next(b for b in found["behaviours"] if b["id"] == behaviour)["score"]

    # acme critical-friend: observations 3 + 2(1 - 0)/1 = 5 and north's peer rating 4: 4.5
    assert score_of("acme", "critical-friend") == 4.5
    # acme commercial-trust: no commitments, so only the peer rating: 2
    assert score_of("acme", "commercial-trust") == 2.0
    # peer reputation pools every peer rating of acme: (4 + 2) / 2
    assert score_of("acme", "peer-reputation") == 3.0
    assert score_of("south", "critical-friend") == 2.0
    # north's rating of itself is not a peer rating
    assert score_of("north", "critical-friend") is None
    # north cited evidence for 1 of its 4 ratings: 1 + 4 x 0.25
    assert score_of("north", "evidence-based") == 2.0


def test_a_wrong_or_half_filled_form_is_refused_cell_by_cell(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    path = _form(root, tmp_path)
    book = openpyxl.load_workbook(path)
    form = book["Form"]
    rows = _rows(form)
    for row in rows.values():
        form.cell(row, 6).value = 3
    six = rows[("acme", "objectives-met")]
    blank = rows[("south", "innovation")]
    unknown = rows[("acme", "critical-friend")]
    form.cell(six, 6).value = 6
    form.cell(blank, 6).value = None
    form.cell(unknown, 7).value = f"{OBSERVATION}, 2025-09-01-no-such-record"
    book.save(path)
    before = snapshot(root)
    result = jw("-C", str(root), "--today", TODAY, "import", "assessment", str(path))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert sorted(errors) == sorted(
        [
            f"{path}:Form!F{six}: error: `6` is not a rating: choose a whole number from 1 to 5 "
            "(or n/a)",
            f"{path}:Form!G{unknown}: error: `2025-09-01-no-such-record` names no record in "
            "records/: cite record ids (see the right-hand column or the Records sheet)",
            f"{path}:Form!F{blank}: error: south innovation is not rated: choose 1 to 5, or n/a to "
            "leave it unrated",
        ]
    )
    assert f"{path}: 3 problems: nothing written" in result.stderr
    assert snapshot(root) == before

    blank_form = _form(root, tmp_path / "again")
    result = jw("-C", str(root), "--today", TODAY, "import", "assessment", str(blank_form))
    assert result.exit_code == 1 and "30 problems: nothing written" in result.stderr
    assert snapshot(root) == before


def test_a_spreadsheet_that_is_not_a_form_is_refused(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    other = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Form"
    book.active["A1"] = "something else"
    book.save(other)
    result = jw("-C", str(root), "import", "assessment", str(other))
    assert result.exit_code == 2 and "is not a jw assessment form" in result.stderr


def test_a_form_for_a_signed_off_quarter_needs_late(tmp_path: Path, isolated_git: dict) -> None:
    root = _repo(tmp_path)
    git(root, "init", "-q")
    commit_files(root, {}, "start")
    path = _form(root, tmp_path)
    book = openpyxl.load_workbook(path)
    for row in _rows(book["Form"]).values():
        book["Form"].cell(row, 6).value = "n/a"
    book["Form"].cell(FIRST_ROW, 6).value = 3
    book.save(path)
    git(
        root,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "jw: close 2025-Q2\n\nJw-Kind: review\nJw-Quarter: 2025-Q2",
    )
    closed_on = git(root, "log", "-1", "--format=%cs")
    before = snapshot(root)
    result = jw("-C", str(root), "--today", TODAY, "import", "assessment", str(path))
    assert result.exit_code == 1
    assert f"assessments/2025-Q2/north.yaml is late for 2025-Q2, signed off on {closed_on}" in (
        result.stderr
    )
    assert snapshot(root) == before
    result = jw("-C", str(root), "--today", TODAY, "import", "assessment", str(path), "--late")
    assert result.exit_code == 0, result.stderr
    assert "Jw-Late: 2025-Q2" in git(root, "log", "-1", "--format=%B")
