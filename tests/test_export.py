"""`jw export`: the tables, exact figures in CSV and JSON, and an xlsx read back with openpyxl.

Expected figures are worked out by hand from the YAML written in each test (or read from the
example's files), never taken from jw's own output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jwcli.export.tables import build_export, exact_decimal
from jwcli.export.writers import cell_text, money_format, render_json, render_xlsx
from jwcli.load.yamlsafe import load_file
from jwcli.model.records import RECORD_KINDS
from tests.helpers import BASELINES, jw, load_checked, rec, write_repo

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "southshire-partnership"
EXAMPLE_TODAY = "2026-11-29"
TODAY = "2025-08-01"  # fiscal year from April: 2025-Q1 is April-June 2025, today is in 2025-Q2

COMPUTED = [
    "scorecard",
    "triggers",
    "commitments",
    "kpis",
    "costs",
    "projects",
    "savings",
    "savings_funnel",
    "ratings",
    "alignment",
    "baselines",
    "market",
]
TABLES = COMPUTED + [f"records_{kind}" for kind in RECORD_KINDS]

RECORDS = {
    "records/2025-Q1/2025-06-28-cost-north.yaml": rec(
        "cost", "2025-06-28", service="helpdesk", party="north", period="2025-Q1", amount=95000.57
    ),
    # written out: a trailing zero in the amount must survive the export as written
    "records/2025-Q1/2025-06-28-cost-south.yaml": """\
        kind: cost
        date: 2025-06-28
        service: helpdesk
        party: south
        period: 2025-Q1
        amount: 50000.10
        summary: Helpdesk, south, April to June
        """,
    "records/2025-Q1/2025-06-29-cost-migration.yaml": rec(
        "cost",
        "2025-06-29",
        service="helpdesk",
        party="acme",
        period="2025-Q1",
        amount=60000.25,
        project="dc-migration",
    ),
    "records/2025-Q1/2025-07-05-ftf.yaml": rec(
        "measurement", "2025-07-05", kpi="first-time-fix", period="2025-Q1", value=76.5
    ),
    "records/2025-Q1/2025-04-10-acme-runbook.yaml": rec(
        "commitment", "2025-04-10", party="acme", due="2025-06-30", to=["north", "south"]
    ),
    "records/2025-Q1/2025-06-20-runbook-done.yaml": rec(
        "update", "2025-06-20", commitment="2025-04-10-acme-runbook", status="delivered"
    ),
    "records/2025-Q1/2025-04-11-north-data.yaml": rec(
        "commitment", "2025-04-11", party="north", due="2025-05-31"
    ),
    "records/2025-Q1/2025-05-01-saving-found.yaml": rec(
        "saving",
        "2025-05-01",
        service="helpdesk",
        party="north",
        amount=1000.00,
        stage="identified",
    ),
    "records/2025-Q1/2025-06-01-saving-agreed.yaml": rec(
        "saving",
        "2025-06-01",
        service="helpdesk",
        party="north",
        amount=1200.50,
        stage="agreed",
        saving="2025-05-01-saving-found",
    ),
    "records/2025-Q1/2025-05-15-check-in.yaml": rec(
        "meeting",
        "2025-05-15",
        type="check-in",
        attendees={"north": ["Ann Lee", "Raj Patel"], "acme": ["Sam Jones"]},
    ),
    "records/2025-Q2/2025-07-02-formula.yaml": rec(
        "claim",
        "2025-07-02",
        party="acme",
        summary='=HYPERLINK("https://example.org","click")',
        evidence=["2025-06-20-runbook-done"],
    ),
}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "rel", {"baselines.yaml": BASELINES, **RECORDS})


def rows_of(table: object) -> list[dict[str, object]]:
    names = table.column_names  # type: ignore[attr-defined]
    return [dict(zip(names, row, strict=True)) for row in table.rows]  # type: ignore[attr-defined]


# -- the tables, through the library ------------------------------------------------------------


def test_costs_against_baseline_are_exact_to_the_penny(small: Path) -> None:
    export = build_export(load_checked(small, TODAY), dt.date.fromisoformat(TODAY))
    assert export.quarters == ("2025-Q1", "2025-Q2")
    costs = {(r["quarter"], r["party"]): r for r in rows_of(export.table("costs"))}
    north = costs[("2025-Q1", "north")]
    # baseline 400000.00 a year: 100000.00 a quarter; saving 100000.00 - 95000.57 = 4999.43
    assert north["baseline_quarter"] == Decimal("100000.00")
    assert north["actual"] == Decimal("95000.57")
    assert north["saving"] == Decimal("4999.43")
    # rate 4999.43 / 100000 = 0.0499943 -> 0.0500; progress 0.0499943 / 0.2 = 0.2499715 -> 0.2500
    assert north["saving_rate"] == Decimal("0.0500")
    assert north["progress"] == Decimal("0.2500")
    assert north["records"] == ("2025-06-28-cost-north",)
    south = costs[("2025-Q1", "south")]
    # 200000.00 / 4 = 50000.00, spent 50000.10: 10p over, progress clamped at 0
    assert (south["saving"], south["progress"]) == (Decimal("-0.10"), Decimal("0.0000"))
    assert costs[("2025-Q2", "north")]["actual"] is None  # no cost recorded: empty, not zero


def test_project_spend_limit_and_overrun(small: Path) -> None:
    export = build_export(load_checked(small, TODAY), dt.date.fromisoformat(TODAY))
    q1 = next(r for r in rows_of(export.table("projects")) if r["quarter"] == "2025-Q1")
    # budget 100000.00 with 10% tolerance: limit 110000.00; spend 60000.25 is within it;
    # overrun 60000.25 / 100000 - 1 - 0.10 = -0.4999975 -> -0.5000 (4 places, half away from 0)
    assert q1["limit"] == Decimal("110000.00")
    assert q1["spend_to_date"] == Decimal("60000.25")
    assert (q1["active"], q1["within_tolerance"]) == (True, True)
    assert q1["overrun"] == Decimal("-0.5000")


def test_kpis_commitments_and_savings(small: Path) -> None:
    export = build_export(load_checked(small, TODAY), dt.date.fromisoformat(TODAY))
    kpis = {r["quarter"]: r for r in rows_of(export.table("kpis"))}
    # higher is better, target 80, amber within 5: 76.5 is amber; 2025-Q2 is not measured
    assert (kpis["2025-Q1"]["value"], kpis["2025-Q1"]["rag"]) == (Decimal("76.5"), "amber")
    assert (kpis["2025-Q2"]["value"], kpis["2025-Q2"]["rag"]) == (None, None)

    states = {r["id"]: r for r in rows_of(export.table("commitments"))}
    done = states["2025-04-10-acme-runbook"]
    assert (done["status"], done["delivered_on"]) == ("on-time", dt.date(2025, 6, 20))
    assert done["to"] == ("north", "south") and done["updates"] == ("2025-06-20-runbook-done",)
    late = states["2025-04-11-north-data"]
    # due 2025-05-31, nothing recorded by 2025-08-01
    assert (late["status"], late["counts_in_rate"], late["due_quarter"]) == (
        "overdue",
        True,
        "2025-Q1",
    )

    (chain,) = rows_of(export.table("savings"))
    assert (chain["stage"], chain["amount"]) == ("agreed", Decimal("1200.50"))
    assert chain["chain"] == ("2025-05-01-saving-found", "2025-06-01-saving-agreed")
    funnel = {r["stage"]: r for r in rows_of(export.table("savings_funnel"))}
    assert list(funnel) == ["identified", "agreed", "implemented", "realised"]
    assert (funnel["agreed"]["savings"], funnel["agreed"]["annual"]) == (1, Decimal("1200.50"))
    assert (funnel["identified"]["savings"], funnel["identified"]["annual"]) == (0, Decimal("0.00"))


def test_record_tables_have_a_column_per_field_in_model_order(small: Path) -> None:
    export = build_export(load_checked(small, TODAY), dt.date.fromisoformat(TODAY))
    assert [t.name for t in export.tables] == TABLES
    cost = export.table("records_cost")
    assert cost.column_names == [
        "id", "date", "quarter", "summary",
        "service", "party", "period", "amount", "project",
        "evidence", "attachments", "tags", "supersedes", "notes",
        "superseded_by", "path",
    ]  # fmt: skip
    kinds = {c.name: c.kind for c in cost.columns}
    assert (kinds["amount"], kinds["date"], kinds["evidence"]) == ("money", "date", "list")
    measurement = {c.name: c.kind for c in export.table("records_measurement").columns}
    assert measurement["value"] == "number"
    saving = {c.name: c.kind for c in export.table("records_saving").columns}
    assert (saving["amount"], saving["one_off"]) == ("money", "bool")
    meeting = {c.name: c.kind for c in export.table("records_meeting").columns}
    assert meeting["attendees"] == "mapping"
    # every field of every kind is a column (besides `kind`, which the table is named after)
    for kind, model in RECORD_KINDS.items():
        names = set(export.table(f"records_{kind}").column_names)
        assert set(model.model_fields) - {"kind"} <= names, kind
    # 2025-06-29 is in 2025-Q1 (April to June, fiscal year from April)
    (migration,) = rows_of(cost)[2:3]
    assert (migration["id"], migration["quarter"]) == ("2025-06-29-cost-migration", "2025-Q1")
    assert migration["path"] == "records/2025-Q1/2025-06-29-cost-migration.yaml"


def test_a_quarter_narrows_every_table_and_judges_as_of_its_end(small: Path) -> None:
    rel = load_checked(small, TODAY)
    from jwcli.quarters import Quarter

    export = build_export(rel, dt.date.fromisoformat(TODAY), Quarter(2025, 2))
    assert (export.quarter, export.quarters, export.as_of) == (
        "2025-Q2",
        ("2025-Q2",),
        dt.date(2025, 8, 1),  # 2025-Q2 ends 2025-09-30, after today
    )
    # only the claim is dated in July-September
    assert [r[0] for r in export.table("records_claim").rows] == ["2025-07-02-formula"]
    assert export.table("records_cost").rows == []
    assert export.table("commitments").rows == []  # both were due in 2025-Q1
    assert {r[0] for r in export.table("scorecard").rows} == {"2025-Q2"}
    # 3 parties x 10 behaviours
    assert len(export.table("scorecard").rows) == 30


def test_exact_decimal_of_fractions() -> None:
    from fractions import Fraction

    assert exact_decimal(Fraction(123457, 400)) == Decimal("308.6425")  # 1234.57 / 4
    assert exact_decimal(Fraction(-1, 10)) == Decimal("-0.1")
    assert str(exact_decimal(Fraction(5))) == "5"


# -- writers -----------------------------------------------------------------------------------


def test_cells_as_text() -> None:
    assert cell_text(Decimal("1E+3")) == "1000"  # never exponent notation
    assert cell_text(Decimal("0.10")) == "0.10"
    assert cell_text(("a", "b")) == "a; b"
    assert cell_text({"north": ("Ann Lee", "Raj Patel"), "acme": ("Sam",)}) == (
        "north=Ann Lee, Raj Patel; acme=Sam"
    )
    assert (cell_text(True), cell_text(None), cell_text(dt.date(2025, 1, 2))) == (
        "true",
        "",
        "2025-01-02",
    )


def test_money_format_follows_the_charter_currency() -> None:
    assert money_format("GBP") == '"£"#,##0.00'
    assert money_format("EUR") == '"€"#,##0.00'
    assert money_format("CHF") == '#,##0.00" CHF"'


def test_same_data_gives_the_same_bytes(small: Path) -> None:
    rel = load_checked(small, TODAY)
    first = build_export(rel, dt.date.fromisoformat(TODAY))
    second = build_export(load_checked(small, TODAY), dt.date.fromisoformat(TODAY))
    assert render_json(first) == render_json(second)
    assert render_xlsx(first) == render_xlsx(second)


def test_progress_is_reported_up_to_the_total(small: Path) -> None:
    seen: list[tuple[int, int]] = []
    export = build_export(
        load_checked(small, TODAY),
        dt.date.fromisoformat(TODAY),
        on_progress=lambda d, t: seen.append((d, t)),
    )
    # 11 records and 2 quarters
    assert seen[-1] == (13, 13)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    written: list[tuple[int, int]] = []
    render_xlsx(export, on_progress=lambda d, t: written.append((d, t)))
    total = sum(len(t.rows) for t in export.tables)
    assert written[-1] == (total, total)


# -- through the CLI --------------------------------------------------------------------------


def test_csv_files_default_to_exports_in_the_repository(small: Path) -> None:
    result = jw("-C", str(small), "--today", TODAY, "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    out = small / "exports"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    raw = (out / "costs.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    north = next(r for r in rows if (r["quarter"], r["party"]) == ("2025-Q1", "north"))
    assert (north["actual"], north["saving"], north["baseline_quarter"]) == (
        "95000.57",
        "4999.43",
        "100000.00",
    )
    meetings = list(csv.DictReader((out / "records_meeting.csv").open(encoding="utf-8")))
    assert meetings[0]["attendees"] == "north=Ann Lee, Raj Patel; acme=Sam Jones"

    by_quarter = jw(
        "-C", str(small), "--today", TODAY, "export", "-q", "2025-Q1", "--format", "csv"
    )
    assert by_quarter.exit_code == 0, by_quarter.output
    assert (small / "exports" / "2025-Q1" / "scorecard.csv").is_file()


def test_json_to_stdout_round_trips_exactly(small: Path) -> None:
    result = jw("-C", str(small), "--today", TODAY, "export", "--format", "json", "--out", "-")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout, parse_float=Decimal)
    assert (doc["currency"], doc["as_of"], doc["quarter"]) == ("GBP", TODAY, None)
    assert list(doc["tables"]) == TABLES
    costs = doc["tables"]["records_cost"]
    assert {c["name"]: c["kind"] for c in costs["columns"]}["amount"] == "money"
    amounts = {r["id"]: r["amount"] for r in costs["rows"]}
    # numbers, not strings, and the digits as written
    assert amounts["2025-06-28-cost-south"] == Decimal("50000.10")
    assert str(amounts["2025-06-28-cost-south"]) == "50000.10"
    meeting = doc["tables"]["records_meeting"]["rows"][0]
    assert meeting["attendees"] == {"north": ["Ann Lee", "Raj Patel"], "acme": ["Sam Jones"]}
    assert meeting["decisions"] == []


def test_xlsx_of_a_euro_charter_and_text_that_looks_like_a_formula(tmp_path: Path) -> None:
    from tests.helpers import CHARTER

    root = write_repo(
        tmp_path / "rel",
        {
            "charter.yaml": CHARTER.replace("currency: GBP", "currency: EUR"),
            "baselines.yaml": BASELINES,
            **RECORDS,
        },
    )
    result = jw("-C", str(root), "--today", TODAY, "export", "--out", str(tmp_path / "x"))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "x" / "jw-export.xlsx")
    cost = book["records_cost"]
    header = [c.value for c in cost[1]]
    amount = cost.cell(row=2, column=header.index("amount") + 1)
    assert amount.value == pytest.approx(95000.57) and amount.number_format == '"€"#,##0.00'
    claim = book["records_claim"]
    summary = claim.cell(row=2, column=4)
    assert summary.value == '=HYPERLINK("https://example.org","click")'
    assert summary.data_type == "s"  # kept as text: a spreadsheet never runs it


def test_usage_errors_and_invalid_data(small: Path, tmp_path: Path) -> None:
    bad_format = jw("-C", str(small), "export", "--format", "ods")
    assert bad_format.exit_code == 2 and "csv, json or xlsx" in bad_format.stderr
    bad_quarter = jw("-C", str(small), "export", "--quarter", "2025-Q5")
    assert bad_quarter.exit_code == 2 and "not a quarter" in bad_quarter.stderr
    dash = jw("-C", str(small), "export", "--format", "csv", "--out", "-")
    assert dash.exit_code == 2
    broken = write_repo(
        tmp_path / "broken",
        {"records/a/2025-05-01-x.yaml": "kind: claim\ndate: 2025-05-01\npary: north\nsummary: x\n"},
    )
    invalid = jw("-C", str(broken), "--today", TODAY, "export")
    assert invalid.exit_code == 1
    assert "records/a/2025-05-01-x.yaml:3:1: error: unknown field `pary`" in invalid.stdout
    assert not (broken / "exports").exists()


# -- the example, against its own YAML ---------------------------------------------------------


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example-export")
    for fmt in ("csv", "json", "xlsx"):
        result = jw(
            "-C", str(EXAMPLE), "--today", EXAMPLE_TODAY, "export", "--format", fmt,
            "--out", str(out),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    return out


def _example_records(kind: str) -> dict[str, dict[str, object]]:
    found = {}
    for path in sorted((EXAMPLE / "records").rglob("*.yaml")):
        data, _ = load_file(path)
        if data["kind"] == kind:
            found[path.stem] = data
    return found


def _csv(out: Path, table: str) -> list[dict[str, str]]:
    with (out / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_example_csv_and_json_keep_every_amount_and_value_exactly(example_out: Path) -> None:
    doc = json.loads((example_out / "jw-export.json").read_text("utf-8"), parse_float=Decimal)
    checks = [("cost", "amount"), ("saving", "amount"), ("measurement", "value")]
    for kind, field in checks:
        source = _example_records(kind)
        assert source, kind
        from_csv = {r["id"]: r[field] for r in _csv(example_out, f"records_{kind}")}
        from_json = {r["id"]: r[field] for r in doc["tables"][f"records_{kind}"]["rows"]}
        assert set(from_csv) == set(from_json) == set(source)
        for rid, data in source.items():
            value = data[field]
            assert isinstance(value, int | Decimal)
            assert Decimal(from_csv[rid]) == value and from_csv[rid] == str(value), rid
            assert from_json[rid] == value and isinstance(from_json[rid], int | Decimal), rid


def test_example_costs_table_quarters_the_baselines_exactly(example_out: Path) -> None:
    baselines, _ = load_file(EXAMPLE / "baselines.yaml")
    annual = {(b["service"], b["party"]): b["annual"] for b in baselines["costs"]}
    costs = _csv(example_out, "costs")
    assert costs
    for row in costs:
        key = (row["service"], row["party"])
        if key not in annual:
            assert row["baseline_annual"] == ""
            continue
        assert Decimal(row["baseline_annual"]) == annual[key]
        assert Decimal(row["baseline_quarter"]) == annual[key] / 4
    # one by hand: ICT for the County, 38,400,000.00 a year; 2023-Q1 invoice 9,666,240.00
    row = next(
        r for r in costs if (r["quarter"], r["service"], r["party"]) == ("2023-Q1", "ict", "scc")
    )
    assert (row["baseline_quarter"], row["actual"], row["saving"]) == (
        "9600000.00",
        "9666240.00",
        "-66240.00",  # 9,600,000.00 - 9,666,240.00
    )


def test_example_xlsx_read_back_with_openpyxl(example_out: Path) -> None:
    book = openpyxl.load_workbook(example_out / "jw-export.xlsx")
    assert book.sheetnames == TABLES
    for name in TABLES:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:"), name
        assert all(sheet.column_dimensions[c.column_letter].width > 0 for c in sheet[1]), name

    sheet = book["records_cost"]
    header = [c.value for c in sheet[1]]
    assert header[:9] == [
        "id", "date", "quarter", "summary", "service", "party", "period", "amount", "project",
    ]  # fmt: skip
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    source = _example_records("cost")
    assert set(rows) == set(source)
    row = rows["2023-07-20-cost-ict-scc-2023-q1"]
    date, amount = row[header.index("date")], row[header.index("amount")]
    assert date.value == dt.datetime(2023, 7, 20) and date.is_date
    assert isinstance(amount.value, int | float) and not isinstance(amount.value, bool)
    assert Decimal(str(amount.value)) == Decimal("9666240.00") == source[row[0].value]["amount"]
    assert amount.number_format == '"£"#,##0.00'
    # every amount comes back as the number in the file (money has at most 2 decimals, so the
    # float the workbook stores prints back as the same decimal)
    for rid, data in source.items():
        cell = rows[rid][header.index("amount")]
        assert Decimal(repr(float(cell.value))) == data["amount"], rid

    commitments = book["commitments"]
    c_header = [c.value for c in commitments[1]]
    first = next(commitments.iter_rows(min_row=2, max_row=2))
    assert isinstance(first[c_header.index("counts_in_rate")].value, bool)
    assert first[c_header.index("effective_due")].is_date

    scorecard = book["scorecard"]
    s_header = [c.value for c in scorecard[1]]
    assert s_header[:6] == ["quarter", "party", "party_name", "behaviour", "title", "score"]
    # 15 scored quarters (2023-Q1 to 2026-Q3) x 4 parties x 10 behaviours
    assert scorecard.max_row - 1 == 15 * 4 * 10


def test_example_scorecard_matches_jw_score(example_out: Path) -> None:
    score = jw(
        "-C", str(EXAMPLE), "--today", EXAMPLE_TODAY, "score", "--quarter", "2025-Q1",
        "--format", "json",
    )  # fmt: skip
    assert score.exit_code == 0, score.output
    card = json.loads(score.stdout, parse_float=Decimal)
    exported = {
        (r["party"], r["behaviour"]): r
        for r in _csv(example_out, "scorecard")
        if r["quarter"] == "2025-Q1"
    }
    assert len(exported) == 40
    for party in card["parties"]:
        for b in party["behaviours"]:
            row = exported[(party["party"], b["id"])]
            expected = "" if b["score"] is None else b["score"]
            assert (Decimal(row["score"]) if row["score"] else "") == expected
            assert row["rag"] == (b["rag"] or "")
            assert Decimal(row["overall"]) == party["overall"]


# -- progress on stderr -------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_off_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from jwcli import output

    monkeypatch.setattr("sys.stderr", io.StringIO())
    with output.progress("Reading files") as tick:
        assert tick is None


def test_progress_draws_a_bar_on_a_terminal_only_once_work_is_slow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jwcli import output

    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    monkeypatch.setenv("TERM", "xterm")
    with output.progress("Reading files", after=3600) as tick:
        assert tick is not None
        tick(0, 20000)
        tick(10000, 20000)
    assert screen.getvalue() == ""  # quick work: no bar flashes by
    with output.progress("Reading files", after=0) as tick:
        tick(0, 20000)
        tick(10000, 20000)
    assert "Reading files" in screen.getvalue() and "10000/20000" in screen.getvalue()


def test_load_repo_reports_progress_every_256_files(tmp_path: Path) -> None:
    from jwcli.load.repo import load_repo

    files = {
        f"records/r/2025-05-01-claim-{n:03}.yaml": rec("claim", "2025-05-01", party="north")
        for n in range(300)
    }
    root = write_repo(tmp_path / "rel", files)
    seen: list[tuple[int, int]] = []
    rel = load_repo(root, on_progress=lambda done, total: seen.append((done, total)))
    assert len(rel.records) == 300
    assert seen == [(0, 300), (256, 300), (300, 300)]


def test_validate_and_export_report_progress_through_the_output_layer(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import contextmanager

    from jwcli import output

    reports: dict[str, list[tuple[int, int]]] = {}

    @contextmanager
    def recording(description: str, **_: object):  # type: ignore[no-untyped-def]
        seen = reports.setdefault(description, [])
        yield lambda done, total: seen.append((done, total))

    monkeypatch.setattr(output, "progress", recording)
    assert jw("-C", str(small), "--today", TODAY, "validate").exit_code == 0
    assert reports["Reading files"][-1] == (11, 11)  # the 11 record files
    out = small / "x"
    assert jw("-C", str(small), "--today", TODAY, "export", "--out", str(out)).exit_code == 0
    assert reports["Building the tables"][-1] == (13, 13)  # 11 records and 2 quarters
    assert reports["Writing xlsx"][-1][0] == reports["Writing xlsx"][-1][1] > 0
