"""The CSV and xlsx files `jw export` writes for each record kind import back unchanged.

A small repository holds every kind with the fields a round trip can lose: lists and mappings,
one id or several in `supersedes` and `trigger`, an escalation's own `quarter` beside the
export's derived one, one-off savings, multi-line notes, text that looks like a formula, money
with and without cents. For each kind, the kind's records are taken out and its exported table is
imported: every record must come back with its id and the same content (the other kinds stay,
since records refer to each other across kinds).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jwcli.importing.batch import same_record
from jwcli.load.repo import load_repo
from jwcli.model.records import RECORD_KINDS
from tests.helpers import BASELINES, jw, load_checked, rec, write_repo

TODAY = "2025-10-15"
Q1, Q2 = "records/2025-Q1", "records/2025-Q2"

RECORDS = {
    f"{Q1}/2025-05-02-amendment-v1.yaml": rec(
        "amendment", "2025-05-02", version=1, agreed_by=["north", "south", "acme"]
    ),
    f"{Q2}/2025-07-01-patching.yaml": rec(
        "commitment",
        "2025-07-01",
        party="acme",
        due="2025-09-30",
        to=["north", "south"],
        kpi="first-time-fix",
        objective="cut-cost",
        tags=["sla", "q2"],
        notes="Line one\nLine two",
        summary="Roll out the patching runbook: all estates",
    ),
    f"{Q2}/2025-07-02-formula-like.yaml": rec(
        "commitment",
        "2025-07-02",
        party="north",
        due="2025-08-31",
        summary="=SUM(A1) is text here, not a formula",
    ),
    f"{Q2}/2025-07-10-patching-moved.yaml": rec(
        "update",
        "2025-07-10",
        commitment="2025-07-01-patching",
        status="renegotiated",
        new_due="2025-09-15",
    ),
    f"{Q2}/2025-08-20-formula-delivered.yaml": rec(
        "update", "2025-08-20", commitment="2025-07-02-formula-like", status="delivered"
    ),
    f"{Q2}/2025-07-05-fix-rate-q1.yaml": rec(
        "measurement", "2025-07-05", kpi="first-time-fix", period="2025-Q1", value=70.25
    ),
    f"{Q2}/2025-07-06-fix-rate-q1-fixed.yaml": rec(
        "measurement",
        "2025-07-06",
        kpi="first-time-fix",
        period="2025-Q1",
        value=71,
        supersedes="2025-07-05-fix-rate-q1",
    ),
    f"{Q2}/2025-07-31-cost-project.yaml": rec(
        "cost",
        "2025-07-31",
        service="helpdesk",
        party="north",
        period="2025-Q2",
        amount=1200.5,
        project="dc-migration",
    ),
    f"{Q2}/2025-07-31-cost-run.yaml": rec(
        "cost", "2025-07-31", service="helpdesk", party="south", period="2025-Q2", amount=1200
    ),
    f"{Q2}/2025-08-01-cost-run-fixed.yaml": rec(
        "cost",
        "2025-08-01",
        service="helpdesk",
        party="south",
        period="2025-Q2",
        amount=1250,
        supersedes=["2025-07-31-cost-run"],
    ),
    f"{Q2}/2025-07-15-acme-challenge.yaml": rec(
        "observation",
        "2025-07-15",
        party="acme",
        behaviours=["critical-friend", "innovation"],
        effect="positive",
        by="north",
    ),
    f"{Q2}/2025-07-16-robots.yaml": rec(
        "innovation", "2025-07-16", party="acme", status="proposed"
    ),
    f"{Q2}/2025-08-16-robots-dropped.yaml": rec(
        "innovation",
        "2025-08-16",
        party="acme",
        status="abandoned",
        lessons="Too slow, and costly",
        innovation="2025-07-16-robots",
    ),
    f"{Q2}/2025-07-20-lesson.yaml": rec(
        "lesson",
        "2025-07-20",
        party="south",
        services=["helpdesk"],
        attachments=["https://example.org/lesson?a=1"],
    ),
    f"{Q2}/2025-07-21-check-in.yaml": rec(
        "meeting",
        "2025-07-21",
        type="check-in",
        attendees={"north": ["Ann Lee", "Raj Patel"], "acme": ["Sam Jones"]},
        invited=["north", "acme"],
        decisions=["Keep the SLA, for now", "Review in August"],
    ),
    f"{Q2}/2025-07-22-claim.yaml": rec(
        "claim",
        "2025-07-22",
        party="acme",
        evidence=["2025-07-15-acme-challenge"],
        attachments=["attachments/report.txt"],
    ),
    f"{Q2}/2025-07-23-saving.yaml": rec(
        "saving",
        "2025-07-23",
        service="helpdesk",
        party="north",
        amount=5000,
        one_off=True,
        stage="identified",
    ),
    f"{Q2}/2025-08-23-saving-agreed.yaml": rec(
        "saving",
        "2025-08-23",
        service="helpdesk",
        party="north",
        amount=5000.25,
        one_off=True,
        stage="agreed",
        saving="2025-07-23-saving",
    ),
    f"{Q2}/2025-07-24-coffee.yaml": rec(
        "escalation",
        "2025-07-24",
        level=1,
        parties=["acme", "north"],
        trigger=["slipping-commitments"],
        quarter="2025-Q1",
        outcome="Agreed a plan",
    ),
    "attachments/report.txt": "the report\n",
}


@pytest.fixture(scope="module")
def repo_and_exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = write_repo(
        tmp_path_factory.mktemp("repo") / "r", {"baselines.yaml": BASELINES, **RECORDS}
    )
    load_checked(root, TODAY)
    out = tmp_path_factory.mktemp("export")
    for fmt in ("csv", "xlsx"):
        result = jw(
            "-C", str(root), "--today", TODAY, "export", "--format", fmt, "--out", str(out / fmt)
        )
        assert result.exit_code == 0, result.stderr
    return root, out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(RECORD_KINDS))
def test_each_kind_round_trips_through_export_and_import(
    tmp_path: Path, repo_and_exports: tuple[Path, Path], fmt: str, kind: str
) -> None:
    source, exported = repo_and_exports
    original = load_repo(source)
    root = tmp_path / "copy"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".jw"))
    mine = [e for e in original.records.values() if e.record.kind == kind]
    assert mine, f"no {kind} record to round-trip"
    for entry in mine:
        (root / entry.path).unlink()
    if fmt == "csv":
        args = [str(exported / "csv" / f"records_{kind}.csv")]
    else:
        args = [str(exported / "xlsx" / "jw-export.xlsx"), "--sheet", f"records_{kind}"]
    result = jw("-C", str(root), "--today", TODAY, "import", kind, *args, "--no-commit")
    assert result.exit_code == 0, result.stderr
    back = load_repo(root)
    assert back.load_findings == []
    assert sorted(e.id for e in back.records.values() if e.record.kind == kind) == sorted(
        e.id for e in mine
    )
    for entry in mine:
        assert same_record(back.records[entry.id].record, entry.record), entry.id
    load_checked(root, TODAY)


def test_formula_like_text_guarded_with_an_apostrophe_imports_as_it_was(
    tmp_path: Path, repo_and_exports: tuple[Path, Path]
) -> None:
    """A spreadsheet-safe CSV writes `'=SUM(A1) ...` for text starting like a formula (as
    `jw export` does, so that opening it runs nothing); the import reads the text back."""
    import csv
    import io

    source, exported = repo_and_exports
    rows = list(csv.reader(io.StringIO((exported / "csv" / "records_commitment.csv").read_text())))
    guarded = [
        [
            ("'" + c) if c.startswith(("=", "+", "-", "@")) and not c[1:2].isdigit() else c
            for c in row
        ]
        for row in rows
    ]
    assert any(c.startswith("'=SUM") for row in guarded for c in row)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(guarded)
    sheet = tmp_path / "guarded.csv"
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    root = tmp_path / "copy"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".jw"))
    original = load_repo(source)
    for entry in original.records.values():
        if entry.record.kind == "commitment":
            (root / entry.path).unlink()
    result = jw(
        "-C", str(root), "--today", TODAY, "import", "commitment", str(sheet), "--no-commit"
    )
    assert result.exit_code == 0, result.stderr
    back = load_repo(root).records["2025-07-02-formula-like"].record
    assert back.summary == "=SUM(A1) is text here, not a formula"
