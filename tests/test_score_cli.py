"""`jw score` through the CLI: the JSON contract of commands.md, quarters, parties, exit codes,
the 80-column table, CSV, --explain, and data that looks like Rich markup."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from jwcli.output import CSV_COLUMNS
from tests.helpers import BASELINES, CHARTER, jw, rec, write_repo

TOP_KEYS = {
    "relationship",
    "quarter",
    "start",
    "end",
    "health",
    "parties",
    "alignment",
    "triggers",
    "as_of",
    "health_rag",
    "signed_off",
    "provisional",
}
PARTY_KEYS = {"party", "overall", "behaviours", "name", "overall_rag"}
BEHAVIOUR_KEYS = {
    "id",
    "score",
    "rag",
    "trend",
    "components",
    "indicator_x",
    "records",
    "title",
    "confidence",
}
COST_KEYS = BEHAVIOUR_KEYS | {"savings_progress", "budget_adherence"}
COMPONENT_KEYS = {"indicator", "observations", "peer_rating"}
ALIGNMENT_KEYS = {"party", "behaviour", "spread", "self_gap"}
TRIGGER_KEYS = {
    "trigger",
    "party",
    "metric",
    "value",
    "level",
    "name",
    "action",
    "behaviours",
    "threshold",
    "respond_by",
    "answered_by",
    "acknowledged_by",
    "provisional",
}
BEHAVIOUR_ORDER = [
    "objectives-met",
    "cost-optimisation",
    "objectives-aligned",
    "commercial-trust",
    "flexible-charter",
    "critical-friend",
    "innovation",
    "evidence-based",
    "peer-reputation",
    "internal-alignment",
]


def _repo(tmp_path: Path, charter: str = CHARTER) -> Path:
    """2025-Q2 (July-September 2025): acme misses one of two commitments (on-time 0.5 < 0.8 fires
    `slipping-commitments`), peers disagree about acme's critical-friend (5 vs 2: spread 3)."""
    return write_repo(
        tmp_path / "repo",
        {
            "charter.yaml": charter,
            "baselines.yaml": BASELINES,
            "records/com-1.yaml": rec("commitment", "2025-07-01", party="acme", due="2025-08-01"),
            "records/com-1-done.yaml": rec(
                "update", "2025-08-01", commitment="com-1", status="delivered"
            ),
            "records/com-2.yaml": rec("commitment", "2025-07-01", party="acme", due="2025-08-01"),
            "records/com-2-miss.yaml": rec(
                "update", "2025-08-02", commitment="com-2", status="missed"
            ),
            "records/obs-1.yaml": rec(
                "observation",
                "2025-08-03",
                party="north",
                behaviours=["critical-friend"],
                effect="positive",
            ),
            "records/cost-north.yaml": rec(
                "cost",
                "2025-10-01",
                service="helpdesk",
                party="north",
                period="2025-Q2",
                amount=90000,
            ),
            "assessments/2025-Q2/north.yaml": (
                "quarter: 2025-Q2\nassessor: north\ndate: 2025-09-20\nratings:\n"
                "  acme:\n    critical-friend: {rating: 5, evidence: [obs-1]}\n"
            ),
            "assessments/2025-Q2/south.yaml": (
                "quarter: 2025-Q2\nassessor: south\ndate: 2025-09-20\nratings:\n"
                "  acme:\n    critical-friend: {rating: 2, evidence: [obs-1]}\n"
            ),
        },
    )


def _json(root: Path, *args: str, today: str = "2025-10-20") -> dict:  # type: ignore[type-arg]
    result = jw("-C", str(root), "--today", today, "score", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.stdout
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_json_has_every_documented_key(tmp_path: Path) -> None:
    doc = _json(_repo(tmp_path), "--quarter", "2025-Q2")
    assert set(doc) == TOP_KEYS
    assert (doc["quarter"], doc["start"], doc["end"], doc["as_of"]) == (
        "2025-Q2",
        "2025-07-01",
        "2025-09-30",
        "2025-09-30",
    )
    assert [p["party"] for p in doc["parties"]] == ["north", "south", "acme"]
    for party in doc["parties"]:
        assert set(party) == PARTY_KEYS
        assert [b["id"] for b in party["behaviours"]] == BEHAVIOUR_ORDER
        for b in party["behaviours"]:
            assert set(b) == (COST_KEYS if b["id"] == "cost-optimisation" else BEHAVIOUR_KEYS)
            assert set(b["components"]) == COMPONENT_KEYS
    assert doc["alignment"] and all(set(a) == ALIGNMENT_KEYS for a in doc["alignment"])
    assert doc["triggers"] and all(set(t) == TRIGGER_KEYS for t in doc["triggers"])

    acme = next(p for p in doc["parties"] if p["party"] == "acme")
    om = acme["behaviours"][0]
    # 1 of 2 on time: x = 0.5, indicator 3.0, the only component: score 3.0, amber
    assert om["indicator_x"] == 0.5 and om["components"]["indicator"] == 3.0
    assert (om["score"], om["rag"], om["trend"]) == (3.0, "amber", None)
    assert om["records"] == ["com-1", "com-1-done", "com-2", "com-2-miss"]
    assert om["confidence"] == 4
    north = next(p for p in doc["parties"] if p["party"] == "north")
    cost = north["behaviours"][1]
    # (100000 - 90000) / 100000 = 0.1; / 0.2 = 0.5; no project of north's: adherence null
    assert (cost["savings_progress"], cost["budget_adherence"]) == (0.5, None)
    south = next(p for p in doc["parties"] if p["party"] == "south")
    assert south["behaviours"][0] == {
        "id": "objectives-met",
        "title": "Collaborative working objectives are being met",
        "score": None,
        "rag": None,
        "trend": None,
        "components": {"indicator": None, "observations": None, "peer_rating": None},
        "indicator_x": None,
        "records": [],
        "confidence": 0,
    }
    assert doc["alignment"] == [
        {"party": "acme", "behaviour": "critical-friend", "spread": 3, "self_gap": None}
    ]
    assert doc["triggers"] == [
        {
            "trigger": "slipping-commitments",
            "party": "acme",
            "metric": "on-time-rate",
            "value": 0.5,
            "level": 1,
            "name": "Cup of coffee conversation",
            "action": "Informal one-to-one between relationship leads.",
            "behaviours": None,
            "threshold": 0.8,
            "respond_by": "2025-10-14",
            "answered_by": None,
            "acknowledged_by": None,
            "provisional": False,
        }
    ]


@pytest.mark.parametrize(
    "spelling", ["2025-Q2", "2025Q2", "2025 Q2", "Q2-2025", "Q2 2025", "q2 2025", "2025-q2", "last"]
)
def test_quarter_spellings(tmp_path: Path, spelling: str) -> None:
    # today 2025-10-20 is in 2025-Q3 (fiscal year from April): `last` is 2025-Q2
    assert _json(_repo(tmp_path), "--quarter", spelling)["quarter"] == "2025-Q2"


def test_default_and_current_quarter(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert _json(root)["quarter"] == "2025-Q3"
    doc = _json(root, "--quarter", "current")
    # the current quarter is judged as of today
    assert (doc["quarter"], doc["as_of"]) == ("2025-Q3", "2025-10-20")


def test_party_filter_keeps_health_of_the_whole_relationship(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    whole = _json(root, "--quarter", "2025-Q2")
    north = _json(root, "--quarter", "2025-Q2", "--party", "north")
    assert [p["party"] for p in north["parties"]] == ["north"]
    assert north["alignment"] == [] and north["triggers"] == []
    assert north["health"] == whole["health"] is not None
    acme = _json(root, "--quarter", "2025-Q2", "--party", "acme")
    assert [t["party"] for t in acme["triggers"]] == ["acme"]


@pytest.mark.parametrize("bad", ["2025-Q5", "Q2", "spring", "2025-13", "20250-Q1"])
def test_bad_quarter_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    result = jw("-C", str(_repo(tmp_path)), "score", "--quarter", bad)
    assert result.exit_code == 2
    assert "YYYY-Qn" in result.stderr and "last or current" in result.stderr
    assert result.stdout == ""


def test_unknown_party_and_format_are_usage_errors(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = jw("-C", str(root), "score", "--party", "west")
    assert result.exit_code == 2
    assert "west" in result.stderr and "north, south, acme" in result.stderr
    result = jw("-C", str(root), "score", "--format", "xml")
    assert result.exit_code == 2


def test_invalid_data_exits_1_with_the_findings(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "records" / "obs-bad.yaml").write_text(
        rec(
            "observation", "2025-08-03", party="west", behaviours=["innovation"], effect="positive"
        ),
        encoding="utf-8",
    )
    result = jw("-C", str(root), "--today", "2025-10-20", "score", "--format", "json")
    assert result.exit_code == 1
    assert "records/obs-bad.yaml" in result.stdout + result.stderr
    assert not result.stdout.lstrip().startswith("{")


def test_table_fits_80_columns_and_shows_no_data_as_a_dash(tmp_path: Path) -> None:
    result = jw(
        "-C",
        str(_repo(tmp_path)),
        "--today",
        "2025-10-20",
        "score",
        "--quarter",
        "2025-Q2",
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output  # a fired trigger is not a failure
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Health" in result.stdout
    row = next(line for line in lines if "Objectives met" in line)
    # north and south have no commitments: "–", never 0; acme 3.00 amber
    assert row.count("–") == 2 and "3.00 A" in row and "0.00" not in row
    assert "slipping-commitments" in result.stdout and "Cup of coffee conversation" in result.stdout
    assert "respond by 2025-10-14" in result.stdout
    assert "spread 3" in result.stdout


def test_many_parties_still_fit_80_columns(tmp_path: Path) -> None:
    extra = "".join(
        f"  - id: borough-council-number-{i}\n    name: Borough {i}\n    role: client\n"
        for i in range(5)
    )
    charter = CHARTER.replace("services:\n", extra + "services:\n", 1)
    for args in ([], ["--explain"]):
        result = jw(
            "-C",
            str(_repo(tmp_path, charter)),
            "--today",
            "2025-10-20",
            "score",
            "--quarter",
            "2025-Q2",
            *args,
            env={"COLUMNS": "80"},
        )
        assert result.exit_code == 0, result.output
        assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_rich_markup_in_names_is_printed_as_written(tmp_path: Path) -> None:
    charter = CHARTER.replace(
        "name: North District Council", 'name: "North [/bold] Council [red]x[/red]"'
    ).replace("relationship: Test Shared Services", 'relationship: "Shared [bold]ICT"')
    result = jw(
        "-C",
        str(_repo(tmp_path, charter)),
        "--today",
        "2025-10-20",
        "score",
        "--quarter",
        "2025-Q2",
        "--explain",
        env={"COLUMNS": "120"},
    )
    assert result.exit_code == 0, result.output
    assert "North [/bold] Council [red]x[/red]" in result.stdout
    assert "Shared [bold]ICT" in result.stdout


def test_explain_lists_components_inputs_and_record_ids(tmp_path: Path) -> None:
    result = jw(
        "-C",
        str(_repo(tmp_path)),
        "--today",
        "2025-10-20",
        "score",
        "--quarter",
        "2025-Q2",
        "--party",
        "acme",
        "--explain",
        env={"COLUMNS": "100"},
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "1 of 2 commitments due delivered on time" in out
    assert "records: com-1, com-1-done, com-2, com-2-miss" in out
    assert "com-2: missed" in out
    assert "ratings: north 5, south 2" in out
    assert "owns no KPIs" not in out  # acme owns first-time-fix
    # 20 days after the quarter: within the 30-day measurement grace, left out, not 0
    assert "every KPI it owns awaits its measurement (grace until 2025-10-30)" in out


def test_csv_one_row_per_party_and_behaviour(tmp_path: Path) -> None:
    result = jw(
        "-C",
        str(_repo(tmp_path)),
        "--today",
        "2025-10-20",
        "score",
        "--quarter",
        "2025-Q2",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 3 * 10
    acme_om = dict(zip(CSV_COLUMNS, rows[1 + 2 * 10], strict=True))
    assert (acme_om["party"], acme_om["behaviour"], acme_om["score"], acme_om["rag"]) == (
        "acme",
        "objectives-met",
        "3.00",
        "amber",
    )
    assert acme_om["indicator_x"] == "0.5000"
    assert acme_om["records"] == "com-1 com-1-done com-2 com-2-miss"
    south_om = dict(zip(CSV_COLUMNS, rows[1 + 10], strict=True))
    assert south_om["score"] == "" and south_om["confidence"] == "0"


def test_quarter_before_effective_is_reported_not_scored(tmp_path: Path) -> None:
    doc = _json(_repo(tmp_path), "--quarter", "2024-Q4")
    assert doc["health"] is None and doc["triggers"] == []
    assert all(b["score"] is None for p in doc["parties"] for b in p["behaviours"])
    result = jw(
        "-C", str(_repo(tmp_path)), "--today", "2025-10-20", "score", "--quarter", "2024-Q4"
    )
    assert result.exit_code == 0 and "not scored" in result.stdout


@pytest.mark.parametrize("command", ["score", "review", "export"])
def test_a_quarter_that_has_not_begun_is_a_usage_error(tmp_path: Path, command: str) -> None:
    root = write_repo(tmp_path / "r", {"baselines.yaml": BASELINES})
    # fiscal year from April: 2026-Q4 is January-March 2027, after today 2026-11-29
    args = ["-C", str(root), "--today", "2026-11-29", command, "--quarter", "2026-Q4"]
    if command != "score":
        args += ["--out", str(tmp_path / "out")]
    result = jw(*args)
    assert result.exit_code == 2, result.output
    assert "2026-Q4 starts on 2027-01-01, after today (2026-11-29)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_reader_that_goes_away_is_not_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jwcli import output

    def closed_pipe(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    # What `jw score --format json | head -c 10` meets once head has gone.
    monkeypatch.setattr(output, "scorecard_json", closed_pipe)
    root = write_repo(tmp_path / "r", {"baselines.yaml": BASELINES})
    result = jw("-C", str(root), "--today", "2026-11-29", "score", "--format", "json")
    assert result.exit_code == 1
    assert "internal error" not in result.stderr


def test_the_collector_freeze_does_not_outlive_the_command(tmp_path: Path) -> None:
    import gc

    root = write_repo(tmp_path / "r", {"baselines.yaml": BASELINES})
    result = jw("-C", str(root), "--today", "2026-11-29", "score", "--format", "json")
    assert result.exit_code == 0, result.output
    # load_valid freezes the loaded models for the command's sake; an in-process caller must get
    # them back as ordinary, collectable objects.
    assert gc.get_freeze_count() == 0
