"""`jw export` adds ratings, alignment flags, baselines and market prices (issue 12, item 13)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.helpers import BASELINES, jw, write_repo

TODAY = "2025-11-29"  # fiscal year from April: 2025-Q2 (July-September) is complete
MARKET = """\
market:
  - service: helpdesk
    annual: 550000.50
    source: Framework price list
    date: 2025-02-01
"""
BREAKDOWN = """\
    breakdown:
      staff: 300000.00
      licences: 100000.00
"""


def _assessment(assessor: str, ratings: dict[str, dict[str, tuple[int, str]]]) -> str:
    lines = ["quarter: 2025-Q2", f"assessor: {assessor}", "date: 2025-10-03", "ratings:"]
    for party, behaviours in ratings.items():
        lines.append(f"  {party}:")
        for behaviour, (rating, note) in behaviours.items():
            lines.append(f"    {behaviour}:")
            lines.append(f"      rating: {rating}")
            if note:
                lines.append(f"      note: {note}")
    return "\n".join(lines) + "\n"


def _repo(tmp_path: Path) -> Path:
    baselines = BASELINES.replace("    basis: 6 FTE analysts, licences\n",
                                  "    basis: 6 FTE analysts, licences\n" + BREAKDOWN)  # fmt: skip
    return write_repo(
        tmp_path / "rel",
        {
            "baselines.yaml": baselines + MARKET,
            # acme's innovation: north rates it 5, south 2 (spread 3, misaligned); acme rates
            # itself 5 against a peer mean of 3.5 (gap 1.5, flagged too)
            "assessments/2025-Q2/north.yaml": _assessment(
                "north", {"acme": {"innovation": (5, "New portal"), "critical-friend": (3, "")}}
            ),
            "assessments/2025-Q2/south.yaml": _assessment(
                "south", {"acme": {"innovation": (2, ""), "critical-friend": (3, "")}}
            ),
            "assessments/2025-Q2/acme.yaml": _assessment(
                "acme", {"acme": {"innovation": (5, "Ours"), "critical-friend": (4, "")}}
            ),
        },
    )


def _csv(folder: Path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / f"{name}.csv").read_text("utf-8"))))


def test_the_four_tables_in_csv(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    out = tmp_path / "out"
    result = jw("-C", str(root), "--today", TODAY, "export", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    ratings = _csv(out, "ratings")
    assert list(ratings[0]) == ["quarter", "assessor", "party", "behaviour", "rating",
                                "evidence", "note"]  # fmt: skip
    # sorted by assessor: acme, north, south; each with its two ratings as written
    seen = [(r["assessor"], r["party"], r["behaviour"], r["rating"], r["note"]) for r in ratings]
    assert seen == [
        ("acme", "acme", "innovation", "5", "Ours"),
        ("acme", "acme", "critical-friend", "4", ""),
        ("north", "acme", "innovation", "5", "New portal"),
        ("north", "acme", "critical-friend", "3", ""),
        ("south", "acme", "innovation", "2", ""),
        ("south", "acme", "critical-friend", "3", ""),
    ]  # fmt: skip
    flags = _csv(out, "alignment")
    # only innovation is flagged: critical-friend's peers agree (3, 3), and acme's 4 is 1 above
    assert flags == [
        {
            "quarter": "2025-Q2",
            "party": "acme",
            "behaviour": "innovation",
            "spread": "3",
            "self_gap": "1.50",
            "peer_ratings": "2; 5",
            "self_rating": "5",
            "misaligned": "true",
            "self_gap_flagged": "true",
        }
    ]
    baselines = _csv(out, "baselines")
    assert [(b["service"], b["party"], b["annual"], b["as_of"]) for b in baselines] == [
        ("helpdesk", "north", "400000.00", "2025-03-31"),
        ("helpdesk", "south", "200000.00", "2025-03-31"),
    ]
    assert baselines[0]["breakdown"] == "staff: 300000.00; licences: 100000.00"
    assert _csv(out, "market") == [
        {
            "service": "helpdesk",
            "annual": "550000.50",
            "source": "Framework price list",
            "date": "2025-02-01",
            "notes": "",
        }
    ]


def test_the_new_tables_in_json_keep_exact_figures(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = jw("-C", str(root), "--today", TODAY, "export", "--format", "json", "--out", "-")
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout, parse_float=str)["tables"]
    assert {"ratings", "alignment", "baselines", "market"} <= set(tables)
    assert tables["market"]["rows"] == [
        {
            "service": "helpdesk",
            "annual": "550000.50",
            "source": "Framework price list",
            "date": "2025-02-01",
            "notes": None,
        }
    ]


def test_xlsx_has_a_sheet_for_each(tmp_path: Path) -> None:
    import openpyxl

    root = _repo(tmp_path)
    out = tmp_path / "out"
    result = jw("-C", str(root), "--today", TODAY, "export", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "jw-export.xlsx", read_only=True)
    for name in ("ratings", "alignment", "baselines", "market"):
        assert name in book.sheetnames
    rows = list(book["ratings"].iter_rows(values_only=True))
    assert rows[0] == ("quarter", "assessor", "party", "behaviour", "rating", "evidence", "note")
    assert len(rows) == 7
    assert list(out.iterdir()) == [out / "jw-export.xlsx"]  # no temporary file left behind
