"""`jw import KIND FILE`: spreadsheet rows as records, all or nothing, located at their cells."""

from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import pytest

from tests.helpers import BASELINES, commit_files, git, jw, snapshot, write_repo

TODAY = "2025-10-15"  # fiscal year from April: 2025-Q2 is July to September 2025


def _repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo", {"baselines.yaml": BASELINES, "records/.gitkeep": ""})


def _git_repo(tmp_path: Path) -> Path:
    root = _repo(tmp_path)
    git(root, "init", "-q")
    commit_files(root, {}, "start")
    return root


def _run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return jw("-C", str(root), "--today", TODAY, "import", *args)


def _records(root: Path) -> dict[str, str]:
    """Every record file written, by id, without the schema comment line."""
    found = {}
    for path in sorted((root / "records").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found[path.stem] = "".join(text.splitlines(keepends=True)[1:])
    return found


def test_a_windows_1252_semicolon_csv_with_a_pound_sign_imports(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = (
        "Date;Service;Party;Period;Amount;Summary\r\n"
        "2025-07-31;helpdesk;north;Q2 2025;1250.50;Helpdesk charge, July (£1,250.50)\r\n"
        "2025-08-31;helpdesk;south;2025q2;980;Helpdesk charge, August: £980\r\n"
    )
    data = text.encode("cp1252")
    assert b"\xa3" in data  # the pound sign is one Windows-1252 byte, not UTF-8
    (tmp_path / "ledger.csv").write_bytes(data)
    result = _run(root, "cost", str(tmp_path / "ledger.csv"), "--no-commit")
    assert result.exit_code == 0, result.stderr
    found = _records(root)
    assert len(found) == 2
    july = next(t for i, t in found.items() if i.startswith("2025-07-31-helpdesk-charge-july-"))
    assert july == (
        "kind: cost\n"
        "date: 2025-07-31\n"
        "service: helpdesk\n"
        "party: north\n"
        "period: 2025-Q2\n"
        "amount: 1250.50\n"
        'summary: "Helpdesk charge, July (£1,250.50)"\n'
    )
    august = next(t for i, t in found.items() if i.startswith("2025-08-31-"))
    assert "period: 2025-Q2\n" in august and "amount: 980\n" in august
    assert 'summary: "Helpdesk charge, August: £980"\n' in august
    for record_id in found:
        assert record_id[-9] == "-" and all(c in "0123456789abcdef" for c in record_id[-8:])


def test_utf8_with_a_byte_order_mark_and_commas(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = (
        "\ufeffdate,kpi,period,value,summary\n2025-10-02,first-time-fix,2025-Q2,78.5,Q2 fix rate\n"
    )
    (tmp_path / "kpi.csv").write_text(text, encoding="utf-8")
    result = _run(root, "measurement", str(tmp_path / "kpi.csv"), "--no-commit")
    assert result.exit_code == 0, result.stderr
    (only,) = _records(root).values()
    assert "value: 78.5\n" in only and "kpi: first-time-fix\n" in only


def test_ten_bad_cells_are_all_reported_at_their_cells_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    root = _repo(tmp_path)
    before = snapshot(root)
    rows = [
        "date,service,party,period,amount,project,summary",
        # row 2: a bad date, an unknown service
        "2025-02-30,helpdesc,north,2025-Q2,100.00,,Bad date and service",
        # row 3: an unknown party, a quarter that is none, money with a separator
        '2025-07-01,helpdesk,nobody,2025-Q5,"1,200.00",,Three bad cells',
        # row 4: money with a currency sign, more than two decimals would be row 5
        "2025-07-01,helpdesk,north,2025-Q2,£40,,A currency sign",
        "2025-07-01,helpdesk,north,2025-Q2,12.345,,Three decimals",
        # row 6: an empty summary, an unknown project
        "2025-07-01,helpdesk,south,2025-Q2,10.00,no-such-project,",
        # row 7: an empty date
        ",helpdesk,south,2025-Q2,10.00,,No date",
        # row 8: a good row, which is not written either
        "2025-07-01,helpdesk,south,2025-Q2,10.00,,A good row",
    ]
    (tmp_path / "bad.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = _run(root, "cost", str(tmp_path / "bad.csv"), "--no-commit")
    assert result.exit_code == 1
    errors = [
        line.split(": error: ")[0] for line in result.stderr.splitlines() if ": error: " in line
    ]
    where = str(tmp_path / "bad.csv")
    expected = [
        f"{where}:2:1",  # date 2025-02-30
        f"{where}:2:2",  # service helpdesc
        f"{where}:3:3",  # party nobody
        f"{where}:3:4",  # 2025-Q5
        f"{where}:3:5",  # 1,200.00
        f"{where}:4:5",  # £40
        f"{where}:5:5",  # 12.345
        f"{where}:6:6",  # project no-such-project
        f"{where}:6:7",  # summary empty
        f"{where}:7:1",  # date empty
    ]
    assert sorted(errors) == sorted(expected), result.stderr
    assert f"{where}: 10 problems: nothing written" in result.stderr
    assert snapshot(root) == before


def test_importing_the_same_file_twice_adds_nothing(tmp_path: Path, isolated_git: dict) -> None:
    root = _git_repo(tmp_path)
    sheet = tmp_path / "costs.csv"
    sheet.write_text(
        "date,service,party,period,amount,summary\n"
        "2025-07-31,helpdesk,north,2025-Q2,1000.00,July charge\n"
        "2025-08-31,helpdesk,north,2025-Q2,1100.00,August charge\n",
        encoding="utf-8",
    )
    first = _run(root, "cost", str(sheet))
    assert first.exit_code == 0, first.stderr
    head = git(root, "rev-parse", "HEAD")
    message = git(root, "log", "-1", "--format=%B")
    digest = hashlib.sha256(sheet.read_bytes()).hexdigest()
    assert message.startswith("jw: import 2 cost records from costs.csv")
    assert f"Jw-Import-SHA256: {digest}" in message and "Jw-Import: costs.csv" in message
    files = git(root, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert len(files) == 2 and all(f.startswith("records/2025-Q2/") for f in files)
    before = snapshot(root)

    second = _run(root, "cost", str(sheet))
    assert second.exit_code == 0, second.stderr
    assert "nothing to add" in second.stderr and "2 already in the repository" in second.stderr
    assert f"{sheet}:2: already in the repository as records/2025-Q2/" in second.stderr
    assert git(root, "rev-parse", "HEAD") == head
    assert snapshot(root) == before


def test_an_id_column_names_records_and_rows_may_refer_to_each_other(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (tmp_path / "costs.csv").write_text(
        "id,date,service,party,period,amount,summary,supersedes\n"
        "2025-07-31-july,2025-07-31,helpdesk,north,2025-Q2,1000.00,July charge,\n"
        '2025-08-02-july-fixed,2025-08-02,helpdesk,north,2025-Q2,1010.00,"July charge, '
        'corrected",2025-07-31-july\n',
        encoding="utf-8",
    )
    result = _run(root, "cost", str(tmp_path / "costs.csv"), "--no-commit")
    assert result.exit_code == 0, result.stderr
    found = _records(root)
    assert set(found) == {"2025-07-31-july", "2025-08-02-july-fixed"}
    assert "supersedes: 2025-07-31-july\n" in found["2025-08-02-july-fixed"]


def test_an_id_already_used_by_other_content_is_refused(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    sheet = tmp_path / "costs.csv"
    sheet.write_text(
        "id,date,service,party,period,amount,summary\n"
        "2025-07-31-july,2025-07-31,helpdesk,north,2025-Q2,1000.00,July charge\n",
        encoding="utf-8",
    )
    assert _run(root, "cost", str(sheet), "--no-commit").exit_code == 0
    before = snapshot(root)
    sheet.write_text(sheet.read_text().replace("1000.00", "1000.01"), encoding="utf-8")
    result = _run(root, "cost", str(sheet), "--no-commit")
    assert result.exit_code == 1
    assert f"{sheet}:2:1: error: record id `2025-07-31-july` already exists with other content"
    assert "already exists with other content" in result.stderr
    assert snapshot(root) == before


def test_two_identical_rows_without_ids_are_one_problem(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    line = "2025-07-31,helpdesk,north,2025-Q2,1000.00,July charge\n"
    (tmp_path / "c.csv").write_text("date,service,party,period,amount,summary\n" + line * 2)
    result = _run(root, "cost", str(tmp_path / "c.csv"), "--no-commit")
    assert result.exit_code == 1
    assert f"{tmp_path / 'c.csv'}:3: error: the same content as row 2" in result.stderr


def test_cells_starting_like_formulas_are_kept_as_text(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (tmp_path / "l.csv").write_text(
        "date,party,summary,tags\n"
        '2025-07-31,acme,"=HYPERLINK(""http://x.example"",""click"")",+1; @team\n'
        "2025-08-01,acme,-5 days on the patching backlog,\n"
        # the `'` a spreadsheet-safe CSV (jw export's) puts before formula-like text
        "2025-08-02,acme,'@channel: patching done,\n",
        encoding="utf-8",
    )
    result = _run(root, "lesson", str(tmp_path / "l.csv"), "--no-commit")
    assert result.exit_code == 0, result.stderr
    texts = list(_records(root).values())
    assert any('summary: "=HYPERLINK(\\"http://x.example\\",\\"click\\")"\n' in t for t in texts)
    assert any('tags:\n  - "+1"\n  - "@team"\n' in t for t in texts)
    assert any('summary: "-5 days on the patching backlog"\n' in t for t in texts)
    assert any('summary: "@channel: patching done"\n' in t for t in texts)


def test_quarters_in_every_spelling_and_columns_by_forgiving_names(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (tmp_path / "m.csv").write_text(
        "Date , KPI,PERIOD,Value,Summary\n"
        "2025-07-05,first-time-fix,Q1 2025,70,a\n"
        "2025-10-05,first-time-fix,2025Q2,71,b\n"
        "2026-01-05,first-time-fix,q3-2025,72,c\n",
        encoding="utf-8",
    )
    result = _run(root, "measurement", str(tmp_path / "m.csv"), "--no-commit", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "would add 3 measurement records" in result.stderr
    assert not list((root / "records").rglob("*.yaml"))  # --dry-run writes nothing
    result = _run(root, "measurement", str(tmp_path / "m.csv"), "--no-commit")
    periods = sorted(
        line for t in _records(root).values() for line in t.splitlines() if "period" in line
    )
    assert periods == ["period: 2025-Q1", "period: 2025-Q2", "period: 2025-Q3"]


def test_unknown_columns_are_problems_until_mapped_or_ignored(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    sheet = tmp_path / "ledger.csv"
    sheet.write_text(
        "Posted,Service,Party,Period,Net,Description,Cost centre\n"
        "2025-07-31,helpdesk,north,2025-Q2,1000.00,July charge,CC-114\n",
        encoding="utf-8",
    )
    result = _run(root, "cost", str(sheet), "--no-commit")
    assert result.exit_code == 1
    assert f"{sheet}:1:7: error: column `Cost centre` is not a field of a cost" in result.stderr
    assert f"{sheet}:1: error: no column for the required fields date, amount, summary" in (
        result.stderr
    )
    result = _run(
        root,
        "cost",
        str(sheet),
        "--no-commit",
        "--map",
        "Posted=date",
        "--map",
        "net=amount",
        "--map",
        "Description=summary",
        "--map",
        "cost centre=",
    )
    assert result.exit_code == 0, result.stderr
    (only,) = _records(root).values()
    assert "amount: 1000.00\n" in only and "summary: July charge\n" in only
    bad = _run(root, "cost", str(sheet), "--map", "Net=amout")
    assert bad.exit_code == 2 and "`amout` is not a field of a cost" in bad.stderr


def _xlsx(path: Path, sheet: str, rows: list[list[object]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)


def test_xlsx_real_dates_and_numbers_and_problems_at_sheet_cells(tmp_path: Path) -> None:
    import datetime as dt

    root = _repo(tmp_path)
    head = ["Date", "Service", "Party", "Period", "Amount", "Summary"]
    good = tmp_path / "good.xlsx"
    _xlsx(
        good,
        "Ledger",
        [head, [dt.datetime(2025, 7, 31), "helpdesk", "north", "2025 Q2", 1200.5, "July"]],
    )
    result = _run(root, "cost", str(good), "--sheet", "Ledger", "--no-commit")
    assert result.exit_code == 0, result.stderr
    (only,) = _records(root).values()
    assert "date: 2025-07-31\n" in only and "amount: 1200.50\n" in only

    bad = tmp_path / "bad.xlsx"
    _xlsx(
        bad,
        "Q2 costs",
        [
            head,
            [dt.datetime(2025, 7, 31, 9, 30), "helpdesk", "north", "2025-Q2", 12.345, "x"],
            [45870, "helpdesk", "north", "2025-Q2", "=B3*2", "y"],
        ],
    )
    result = _run(root, "cost", str(bad), "--no-commit")
    assert result.exit_code == 1
    where = f"{bad}:'Q2 costs'!"
    assert f"{where}A2: error: date: holds a date and time" in result.stderr
    assert f"{where}E2: error: amount: `12.345` has more than 2 decimal places" in (result.stderr)
    assert f"{where}A3: error: date: holds the number 45870, not a date" in result.stderr
    assert f"{where}E3: error: amount: holds the formula `=B3*2`" in result.stderr
    missing = _run(root, "cost", str(bad), "--sheet", "Nope")
    assert missing.exit_code == 2 and "its sheets: Q2 costs" in missing.stderr


def test_late_rows_are_errors_naming_their_quarter_until_late_is_given(
    tmp_path: Path, isolated_git: dict
) -> None:
    root = _git_repo(tmp_path)
    # 2025-Q1 (April to June 2025) was signed off by a close commit
    git(
        root,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "jw: close 2025-Q1\n\nJw-Kind: review\nJw-Quarter: 2025-Q1",
    )
    closed_on = git(root, "log", "-1", "--format=%cs")
    sheet = tmp_path / "late.csv"
    sheet.write_text(
        "date,service,party,period,amount,summary\n"
        "2025-07-20,helpdesk,north,2025-Q2,500.00,On time\n"
        "2025-07-20,helpdesk,north,2025-Q1,400.00,June invoice late\n",
        encoding="utf-8",
    )
    before = snapshot(root)
    result = _run(root, "cost", str(sheet))
    assert result.exit_code == 1
    assert (
        f"{sheet}:3: error: belongs to 2025-Q1, which was signed off on {closed_on}: a late "
        "record; rerun with --late to add it"
    ) in result.stderr
    assert f"{sheet}:2:" not in result.stderr
    assert snapshot(root) == before
    result = _run(root, "cost", str(sheet), "--late")
    assert result.exit_code == 0, result.stderr
    assert "Jw-Late: 2025-Q1" in git(root, "log", "-1", "--format=%B")


def test_not_a_kind_and_not_a_spreadsheet(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = _run(root, "invoice", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and "`invoice` is not a record kind" in result.stderr
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = _run(root, "cost", str(tmp_path / "old.xls"))
    assert result.exit_code == 2 and "old Excel .xls workbook" in result.stderr
    assert "Traceback" not in result.output


def test_the_installed_command_runs(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (tmp_path / "c.csv").write_bytes(io.BytesIO(b"date,party,summary\n").getvalue())
    proc = subprocess.run(
        ["python", "-m", "jwcli", "-C", str(root), "import", "claim", str(tmp_path / "c.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert f"{tmp_path / 'c.csv'}:1: error: no rows below the header" in proc.stderr


@pytest.mark.parametrize("kind", ["commitment", "meeting"])
def test_lists_and_mappings_read_as_jw_export_writes_them(tmp_path: Path, kind: str) -> None:
    root = _repo(tmp_path)
    if kind == "commitment":
        text = 'date,party,due,to,summary\n2025-07-01,acme,2025-09-30,"north, south",Patch\n'
        expect = "to: [north, south]\n"
    else:
        text = (
            "date,type,attendees,decisions,summary\n"
            '2025-07-01,check-in,"north=Ann Lee, Raj Patel; acme=Sam Jones",'
            '"Keep the SLA, for now; Review in August",Check-in\n'
        )
        expect = (
            "attendees:\n  north: [Ann Lee, Raj Patel]\n  acme: [Sam Jones]\n"
            "decisions:\n  - Keep the SLA, for now\n  - Review in August\n"
        )
    (tmp_path / "x.csv").write_text(text, encoding="utf-8")
    result = _run(root, kind, str(tmp_path / "x.csv"), "--no-commit")
    assert result.exit_code == 0, result.stderr
    (only,) = _records(root).values()
    assert expect in only


def test_utf16_text_from_excel_imports(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    text = "date\tparty\tsummary\r\n2025-07-31\tacme\tPatching done — on time\r\n"
    (tmp_path / "u.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    result = _run(root, "claim", str(tmp_path / "u.txt"), "--no-commit")
    assert result.exit_code == 0, result.stderr
    (only,) = _records(root).values()
    assert 'summary: "Patching done — on time"\n' in only


def test_a_problem_the_repository_finds_is_shown_at_the_mapped_cell(tmp_path: Path) -> None:
    """An update dated before its commitment is found by the repository's checks, not by the
    row's own: it is still reported at the cell of the mapped column."""
    root = write_repo(
        tmp_path / "repo",
        {
            "baselines.yaml": BASELINES,
            "records/2025-Q2/2025-07-01-patching.yaml": (
                '{"kind": "commitment", "date": "2025-07-01", "party": "acme", '
                '"due": "2025-09-30", "summary": "Patch"}'
            ),
        },
    )
    before = snapshot(root)
    sheet = tmp_path / "u.csv"
    sheet.write_text(
        "When,commitment,status,summary\n2025-06-01,2025-07-01-patching,delivered,Done early\n",
        encoding="utf-8",
    )
    result = _run(root, "update", str(sheet), "--map", "When=date", "--no-commit")
    assert result.exit_code == 1
    assert f"{sheet}:2:1: error: date: " in result.stderr, result.stderr
    assert snapshot(root) == before


def test_an_import_never_writes_through_a_linked_folder(tmp_path: Path) -> None:
    """A partner could commit `records/2025-Q2 -> /elsewhere`: the import must not follow it."""
    root = _repo(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "records" / "2025-Q2").symlink_to(outside, target_is_directory=True)
    (tmp_path / "c.csv").write_text(
        "date,service,party,period,amount,summary\n2025-07-31,helpdesk,north,2025-Q2,10.00,July\n",
        encoding="utf-8",
    )
    result = _run(root, "cost", str(tmp_path / "c.csv"), "--no-commit")
    assert result.exit_code != 0
    assert list(outside.iterdir()) == []
    assert "Traceback" not in result.output


def test_a_workbook_that_unpacks_too_large_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jwcli.importing.sheets as sheets

    root = _repo(tmp_path)
    book = tmp_path / "small.xlsx"
    _xlsx(book, "Costs", [["date", "summary"], ["2025-07-01", "x"]])
    monkeypatch.setattr(sheets, "MAX_UNPACKED", 1024)  # a zip bomb claims far more than this
    result = _run(root, "claim", str(book))
    assert result.exit_code == 2
    assert "jw reads workbooks up to 0 MB unpacked" in result.stderr
