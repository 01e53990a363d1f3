"""Smaller validation paper cuts (issue 12, items 7 and 8): a record citing a broken record says
so; ids and folders that disagree with the record's date are warned about; a stray assessment
file is an error; saving and innovation chains keep their party; currencies are ISO 4217; a
duplicate trigger id is reported at the duplicate."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import CHARTER, jw, rec
from tests.helpers import write_agreed_repo as write_repo

TODAY = "2026-11-29"


def _run(root: Path) -> tuple[int, list[str]]:
    result = jw("-C", str(root), "--today", TODAY, "validate", "--all")
    return result.exit_code, result.stdout.splitlines()


def test_citing_a_record_with_errors_says_so(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            # `due` is not a date: this record does not load
            "records/2025-Q2/2025-07-01-p.yaml": rec(
                "commitment", "2025-07-01", party="acme", due="soon"
            ),
            "records/2025-Q2/2025-07-02-p-done.yaml": rec(
                "update", "2025-07-02", commitment="2025-07-01-p", status="delivered"
            ),
            "records/2025-Q2/2025-07-03-l.yaml": rec(
                "lesson", "2025-07-03", party="acme", evidence=["2025-07-01-p", "2025-07-01-none"]
            ),
        },
    )
    code, lines = _run(root)
    assert code == 1
    done = [x for x in lines if x.startswith("records/2025-Q2/2025-07-02-p-done.yaml")]
    assert len(done) == 1
    assert "`2025-07-01-p` names a record that has errors (see above)" in done[0]
    lesson = [x for x in lines if x.startswith("records/2025-Q2/2025-07-03-l.yaml")]
    assert any("`2025-07-01-p` names a record that has errors" in x for x in lesson), lesson
    assert any("`2025-07-01-none` names no record in records/" in x for x in lesson), lesson


def test_id_date_and_folder_quarter_disagreements_are_warnings(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            # id says 2025-07-01, date says 2025-07-11 (same quarter: only the id warning)
            "records/2025-Q2/2025-07-01-typo.yaml": rec("lesson", "2025-07-11", party="acme"),
            # fiscal year from April: 2025-10-02 is 2025-Q3, not the 2025-Q2 folder
            "records/2025-Q2/2025-10-02-moved.yaml": rec("lesson", "2025-10-02", party="acme"),
            # a cost belongs to its period, whatever its date
            "records/2025-Q2/2025-10-03-invoice.yaml": rec(
                "cost",
                "2025-10-03",
                service="helpdesk",
                party="acme",
                period="2025-Q2",
                amount=1,
                project="dc-migration",
            ),
            "baselines.yaml": """\
                budgets:
                  - {project: dc-migration, service: helpdesk, owner: acme, budget: 100.00,
                     tolerance: 0.1, start: 2025-04-01, end: 2026-03-31}
            """,
        },
    )
    code, lines = _run(root)
    assert code == 0, lines
    assert [x.split(": warning: ")[1] for x in lines if "2025-07-01-typo" in x] == [
        "dated 2025-07-11, but its id starts with 2025-07-01: check the date (the file name is "
        "kept: ids never change)"
    ]
    moved = [x.split(": warning: ")[1] for x in lines if "2025-10-02-moved" in x]
    assert moved == [
        "filed under 2025-Q2/ but it belongs to 2025-Q3 (its `date`): check it, and move the "
        "file if the folder is wrong"
    ]
    assert [x for x in lines if "2025-10-03-invoice" in x] == []


def test_a_stray_assessment_is_an_error(tmp_path: Path) -> None:
    assessment = "quarter: 2025-Q2\nassessor: north\ndate: 2025-09-20\nratings: {}\n"
    root = write_repo(tmp_path, {"assessments/north.yaml": assessment})
    code, lines = _run(root)
    assert code == 1
    assert lines == [
        "assessments/north.yaml:1:1: error: an assessment must be in its quarter's folder: "
        "move it to assessments/<quarter>/<assessor>.yaml"
    ]


def test_saving_and_innovation_chains_keep_their_party(tmp_path: Path) -> None:
    saving = {"service": "helpdesk", "amount": 100}
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q2/2025-07-01-s.yaml": rec(
                "saving", "2025-07-01", party="north", stage="identified", **saving
            ),
            "records/2025-Q2/2025-08-01-s2.yaml": rec(
                "saving",
                "2025-08-01",
                party="south",
                stage="agreed",
                saving="2025-07-01-s",
                **saving,
            ),
            "records/2025-Q2/2025-07-01-i.yaml": rec(
                "innovation", "2025-07-01", party="acme", status="proposed"
            ),
            "records/2025-Q2/2025-08-01-i2.yaml": rec(
                "innovation",
                "2025-08-01",
                party="acme",
                status="trialled",
                innovation="2025-07-01-i",
            ),
        },
    )
    code, lines = _run(root)
    assert code == 1
    errors = [x for x in lines if ": error: " in x]
    assert len(errors) == 1 and errors[0].startswith("records/2025-Q2/2025-08-01-s2.yaml:1:")
    assert "`2025-07-01-s` is `north`'s saving, this record `south`'s" in errors[0]


def test_currency_must_be_iso_4217(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"charter.yaml": CHARTER.replace("currency: GBP", "currency: ABC")})
    code, lines = _run(root)
    assert code == 1
    assert lines == [
        "charter.yaml:5:11: error: `ABC` is not an ISO 4217 currency code: write it in capitals, "
        "e.g. GBP, EUR, USD"
    ]
    root2 = write_repo(
        tmp_path / "eur", {"charter.yaml": CHARTER.replace("currency: GBP", "currency: EUR")}
    )
    assert _run(root2)[0] == 0


def test_a_duplicate_trigger_id_is_reported_at_the_duplicate(tmp_path: Path) -> None:
    charter = CHARTER + (
        "    - id: slipping-commitments\n      metric: on-time-rate\n      below: 0.5\n"
        "      level: 2\n"
    )
    root = write_repo(tmp_path, {"charter.yaml": charter})
    line = len(charter.splitlines()) - 3  # the second `- id: slipping-commitments`
    code, lines = _run(root)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"charter.yaml:{line}:11: error: trigger id")
