"""The sign-off story of lifecycle.md on a real git history: a repository made with `jw init`,
filled in and agreed, two quarters of data, 2026-Q2 closed, then a late invoice and a corrected
KPI reading; `jw score` and `jw review` say what changed since the sign-off.

The figures, worked out by hand from scoring.md for this charter (fiscal year = calendar year,
innovation switched off so only the behaviours with data count):
- north consumes the helpdesk (baseline 400,000 a year, 100,000 a quarter; savings target 0.2).
  Q2 run cost 90,000: saving rate (100,000 - 90,000) / 100,000 = 0.1, / 0.2 = 0.5 -> indicator
  1 + 4 * 0.5 = 3.00. With the late invoice of 5,000: 95,000 -> 0.05 / 0.2 = 0.25 -> 2.00.
  north has no other behaviour with data, so its overall moves 3.00 -> 2.00.
- acme owns the KPI first-time-fix (target 80, amber within 5). Q2 reading 70 is red: KPI
  attainment 0 -> objectives-aligned 1 + 4 * 0 = 1.00; corrected to 82, green: 1 -> 5.00.
  acme's overall moves 1.00 -> 5.00, and `red-kpis` (kpi-red-count above 0) stops firing.
- health, the mean of the overall scores: (3 + 1) / 2 = 2.00 -> (2 + 5) / 2 = 3.50.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.helpers import git, jw

CHARTER = """\
relationship: Story Partnership
version: 1
effective: 2026-01-01
fiscal_year_start: 1
currency: GBP
parties:
  - {id: north, name: North Council, role: client}
  - {id: acme, name: Acme Ltd, role: supplier}
services:
  - {id: helpdesk, name: Service desk, provider: acme, clients: [north]}
objectives:
  - id: cut-cost
    statement: Reduce the cost of the service desk by 20%
    business_objective: Medium-term financial plan line 4
    owner: north
    due: 2027-12-31
kpis:
  - id: first-time-fix
    name: First-time fix rate
    objective: cut-cost
    owner: acme
    unit: percent
    direction: higher
    baseline: 60
    target: 80
    amber_within: 5
    due: 2027-12-31
scoring:
  innovation_target_per_quarter: 0
escalation:
  levels:
    - {level: 1, name: Cup of coffee, respond_within_days: 14, action: Talk it through.}
  triggers:
    - {id: red-kpis, metric: kpi-red-count, above: 0, level: 1}
"""

BASELINES = """\
costs:
  - {service: helpdesk, party: north, annual: 400000.00, as_of: 2025-12-31, basis: 2025 outturn}
savings_targets:
  - {service: helpdesk, rate: 0.2, by: 2027-12-31}
"""


def _at(day: str) -> dict[str, str]:
    """Commits made by jw during a step carry this date (the story's calendar)."""
    stamp = f"{day}T10:00:00+00:00"
    return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


def _jw(root: Path, today: str, *args: str):  # type: ignore[no-untyped-def]
    return jw("-C", str(root), "--today", today, *args, env=_at(today))


def _ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output + result.stderr
    return str(result.stdout)


@pytest.fixture
def story(tmp_path: Path, isolated_git: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Init, fill in, agree, Q1 and Q2 data, Q2 closed on 2026-07-15."""
    import jwcli.actions.review

    # the real clock must be past the quarters of the story, whenever the suite runs
    monkeypatch.setattr(jwcli.actions.review, "real_today", lambda: dt.date(2026, 12, 1))
    root = tmp_path / "story"
    _ok(jw("init", str(root)))
    (root / "charter.yaml").write_text(CHARTER, encoding="utf-8")
    (root / "baselines.yaml").write_text(BASELINES, encoding="utf-8")
    git(root, "commit", "-qam", "Fill in the charter", env=_at("2026-01-02"))
    assert _ok(_jw(root, "2026-01-02", "validate")) is not None

    # agree: an amendment of version 1 agreed by every party; it commits nothing else
    out = _jw(
        root,
        "2026-01-05",
        "add",
        "amendment",
        "--version",
        "1",
        "--agreed-by",
        "north,acme",
        "--summary",
        "Charter agreed at the launch meeting",
    )
    _ok(out)
    assert git(root, "status", "--porcelain") == ""

    steps = [
        (
            "2026-04-03",
            "cost",
            "--service",
            "helpdesk",
            "--party",
            "north",
            "--period",
            "2026-Q1",
            "--amount",
            "100000",
            "--summary",
            "Q1 service desk invoice",
        ),
        (
            "2026-04-04",
            "measurement",
            "--kpi",
            "first-time-fix",
            "--period",
            "2026-Q1",
            "--value",
            "85",
            "--summary",
            "Q1 first-time fix",
        ),
        (
            "2026-07-05",
            "cost",
            "--service",
            "helpdesk",
            "--party",
            "north",
            "--period",
            "2026-Q2",
            "--amount",
            "90000",
            "--summary",
            "Q2 service desk invoice",
        ),
        (
            "2026-07-10",
            "measurement",
            "--kpi",
            "first-time-fix",
            "--period",
            "2026-Q2",
            "--value",
            "70",
            "--id",
            "q2-fix-rate",
            "--summary",
            "Q2 first-time fix",
        ),
    ]
    for day, kind, *options in steps:
        _ok(_jw(root, day, "add", kind, "--date", day, *options))

    # Q3 has not ended: it cannot be closed, whatever the data
    early = _jw(root, "2026-07-15", "review", "--close", "-q", "2026-Q3")
    assert early.exit_code == 1 and "has not ended yet" in early.stderr
    closed = _jw(root, "2026-07-15", "review", "--close", "-q", "2026-Q2")
    assert _ok(closed).endswith("tagged review/2026-Q2\n")
    body = git(root, "log", "-1", "--format=%B")
    assert "Jw-Kind: review\nJw-Quarter: 2026-Q2\nJw-Today: 2026-07-15" in body
    assert "Draft charter" not in body
    return root


def test_late_data_is_refused_without_late_and_shows_what_it_changes(story: Path) -> None:
    root = story
    before = git(root, "rev-parse", "HEAD")
    late_cost = (
        "add",
        "cost",
        "--service",
        "helpdesk",
        "--party",
        "north",
        "--period",
        "2026-Q2",
        "--amount",
        "5000",
        "--date",
        "2026-07-20",
        "--id",
        "late-invoice",
        "--summary",
        "Late Q2 invoice",
    )
    refused = _jw(root, "2026-07-20", *late_cost)
    assert refused.exit_code == 1
    assert "is late for 2026-Q2, signed off on 2026-07-15" in refused.stderr
    assert "belongs to 2026-Q2" in refused.stderr
    assert "north cost-optimisation: 3.00 -> 2.00" in refused.stderr
    assert "north overall: 3.00 -> 2.00" in refused.stderr
    assert "health: 2.00 -> 1.50" in refused.stderr  # (2 + 1) / 2, acme still red
    assert "rerun with --late" in refused.stderr
    assert git(root, "rev-parse", "HEAD") == before
    assert not list((root / "records").rglob("*late-invoice.yaml"))

    _ok(_jw(root, "2026-07-20", *late_cost, "--late"))
    assert "Jw-Late: 2026-Q2" in git(root, "log", "-1", "--format=%B")
    # filed under the quarter it belongs to (its period), not the one of its date
    assert (root / "records/2026-Q2/2026-07-20-late-invoice.yaml").is_file()

    # a second reading of the KPI for Q2 must say what it corrects
    reading = (
        "add",
        "measurement",
        "--kpi",
        "first-time-fix",
        "--period",
        "2026-Q2",
        "--value",
        "82",
        "--date",
        "2026-07-21",
        "--id",
        "fix-rate-corrected",
        "--summary",
        "Q2 first-time fix, recounted",
        "--late",
    )
    second = _jw(root, "2026-07-21", *reading)
    assert second.exit_code == 1
    assert "to correct it, add `supersedes: 2026-07-10-q2-fix-rate`" in second.stderr
    assert "rerun with --supersedes 2026-07-10-q2-fix-rate" in second.stderr
    _ok(_jw(root, "2026-07-21", *reading, "--supersedes", "2026-07-10-q2-fix-rate"))
    assert "Jw-Late: 2026-Q2" in git(root, "log", "-1", "--format=%B")

    # --late on data that is not late is ignored, with a note
    q3 = _jw(
        root,
        "2026-07-22",
        "add",
        "cost",
        "--service",
        "helpdesk",
        "--party",
        "north",
        "--period",
        "2026-Q3",
        "--amount",
        "1000",
        "--date",
        "2026-07-22",
        "--summary",
        "Q3 invoice",
        "--late",
    )
    _ok(q3)
    assert "--late ignored" in q3.stderr
    assert "Jw-Late" not in git(root, "log", "-1", "--format=%B")

    close = git(root, "rev-parse", "review/2026-Q2^{commit}")
    doc = json.loads(
        _ok(_jw(root, "2026-07-25", "score", "--quarter", "2026-Q2", "--format", "json"))
    )
    late_id, fix_id = "2026-07-20-late-invoice", "2026-07-21-fix-rate-corrected"
    assert doc["signed_off"] == {
        "commit": close,
        "tag": "review/2026-Q2",
        "date": "2026-07-15",
        "as_of": "2026-07-15",
        "changed": [
            {
                "party": None,
                "figure": "health",
                "was": 2.0,
                "now": 3.5,
                "causes": [late_id, fix_id],
            },
            {
                "party": "north",
                "figure": "cost-optimisation",
                "was": 3.0,
                "now": 2.0,
                "causes": [late_id],
            },
            {"party": "north", "figure": "overall", "was": 3.0, "now": 2.0, "causes": [late_id]},
            {
                "party": "acme",
                "figure": "objectives-aligned",
                "was": 1.0,
                "now": 5.0,
                "causes": [fix_id],
            },
            {"party": "acme", "figure": "overall", "was": 1.0, "now": 5.0, "causes": [fix_id]},
            {
                "party": "acme",
                "figure": "trigger:red-kpis",
                "was": True,
                "now": False,
                "causes": [fix_id],
            },
        ],
    }
    # --party narrows the changes to that party's (health is always the relationship's)
    north = json.loads(
        _ok(
            _jw(
                root,
                "2026-07-25",
                "score",
                "--quarter",
                "2026-Q2",
                "--party",
                "north",
                "--format",
                "json",
            )
        )
    )
    assert [(c["party"], c["figure"]) for c in north["signed_off"]["changed"]] == [
        (None, "health"),
        ("north", "cost-optimisation"),
        ("north", "overall"),
    ]
    # an open quarter has no sign-off
    open_q = json.loads(
        _ok(_jw(root, "2026-10-05", "score", "--quarter", "2026-Q3", "--format", "json"))
    )
    assert open_q["signed_off"] is None

    table = _ok(_jw(root, "2026-07-25", "score", "--quarter", "2026-Q2"))
    assert f"signed off on 2026-07-15 (commit {close[:12]}, tag review/2026-Q2" in table
    assert "north cost-optimisation: 3.00 -> 2.00; because of 2026-07-20-late-invoice" in table
    assert "acme trigger:red-kpis: fired -> not fired" in table

    # the next quarter's pack lists the late records and the Q2 figures they changed
    out = root / "packs"
    _ok(_jw(root, "2026-10-05", "review", "-q", "2026-Q3", "--out", str(out)))
    pack = json.loads((out / "review.json").read_text(encoding="utf-8"))
    changes = pack["sign_off"]["changes"]
    assert [(c["quarter"], c["what"], c["id"]) for c in changes] == [
        ("2026-Q2", "late record", late_id),
        ("2026-Q2", "late record", fix_id),
    ]
    assert [(f["party"], f["figure"]) for f in changes[0]["figures"]] == [
        (None, "health"),
        ("north", "cost-optimisation"),
        ("north", "overall"),
    ]
    md = (out / "review.md").read_text(encoding="utf-8")
    assert "## 12. Changed after sign-off" in md
    assert "north cost-optimisation 3.00 → 2.00" in md
    assert "acme trigger red-kpis fired → not fired" in md

    # the closed quarter's own pack is not rewritten; its sign-off is shown in a copy
    again = _jw(root, "2026-07-25", "review", "-q", "2026-Q2")
    assert again.exit_code == 1 and "is closed (tag review/2026-Q2)" in again.stderr
    _ok(_jw(root, "2026-07-25", "review", "-q", "2026-Q2", "--out", str(root / "copy")))
    copy = (root / "copy/review.md").read_text(encoding="utf-8")
    assert "**Signed off** on 15 July 2026" in copy and "6 figures differ" in copy
    assert "| north cost-optimisation | 3.00 | 2.00 | 2026-07-20-late-invoice |" in copy
    html = (root / "copy/review.html").read_text(encoding="utf-8")
    assert '<td>acme trigger red-kpis</td><td class="num">fired</td>' in html


def test_closing_twice_refuses_and_a_missing_tag_is_put_back(story: Path) -> None:
    root = story
    close = git(root, "rev-parse", "review/2026-Q2^{commit}")
    twice = _jw(root, "2026-07-16", "review", "--close", "-q", "2026-Q2")
    assert twice.exit_code == 1 and "2026-Q2 is already closed" in twice.stderr
    git(root, "tag", "-d", "review/2026-Q2")
    put_back = _jw(root, "2026-07-16", "review", "--close", "-q", "2026-Q2")
    assert "put back its tag" in _ok(put_back)
    assert git(root, "rev-parse", "review/2026-Q2^{commit}") == close
    assert git(root, "rev-parse", "HEAD") == close  # no new commit


def test_jw_add_amendment_commits_the_edited_charter_with_it(story: Path) -> None:
    root = story
    text = (root / "charter.yaml").read_text(encoding="utf-8")
    (root / "charter.yaml").write_text(
        text.replace("version: 1", "version: 2").replace("target: 80", "target: 78"),
        encoding="utf-8",
    )
    result = _jw(
        root,
        "2026-08-01",
        "add",
        "amendment",
        "--version",
        "2",
        "--agreed-by",
        "north,acme",
        "--summary",
        "Target eased to 78 while the new tooling beds in",
    )
    _ok(result)
    assert "no `amendment` record" not in result.stderr  # the finding it resolves
    assert "committing charter.yaml with it" in result.stderr
    assert git(root, "status", "--porcelain") == ""
    files = git(root, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert files == ["charter.yaml", "records/2026-Q3/2026-08-01-target-eased-to-78-while-the.yaml"]
