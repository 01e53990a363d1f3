"""Corrections through `supersedes` (lifecycle.md, "Corrections and who may make them"): a
correction keeps what the record is about, nothing is superseded once due, one correction per
record; self-observations are warned about."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import jw, rec
from tests.helpers import write_agreed_repo as write_repo

TODAY = "2026-11-29"


def _validate(root: Path) -> tuple[int, list[str]]:
    result = jw("-C", str(root), "--today", TODAY, "validate", "--all")
    return result.exit_code, result.stdout.splitlines()


def _lines_about(lines: list[str], path: str) -> list[str]:
    return [line for line in lines if line.startswith(path)]


def test_a_party_cannot_supersede_another_partys_observation(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q1/2025-05-01-acme-late.yaml": rec(
                "observation",
                "2025-05-01",
                party="acme",
                by="north",
                behaviours=["commercial-trust"],
                effect="negative",
            ),
            "records/2025-Q1/2025-05-20-acme-fine.yaml": rec(
                "observation",
                "2025-05-20",
                party="south",
                by="acme",
                behaviours=["commercial-trust"],
                effect="positive",
                supersedes="2025-05-01-acme-late",
            ),
        },
    )
    code, lines = _validate(root)
    assert code == 1
    found = _lines_about(lines, "records/2025-Q1/2025-05-20-acme-fine.yaml")
    # rec() writes one JSON line: every field is on line 1
    assert any("error: a correction keeps `party`" in x and "`acme`" in x for x in found), found
    assert any("error: a correction keeps `by`" in x and "`north`" in x for x in found), found


def test_a_commitment_cannot_be_superseded_after_it_was_due(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q1/2025-05-01-patching.yaml": rec(
                "commitment", "2025-05-01", party="acme", due="2025-06-30"
            ),
            # renegotiated in time: the due date moves to 2025-08-31
            "records/2025-Q1/2025-06-20-patching-later.yaml": rec(
                "update",
                "2025-06-20",
                commitment="2025-05-01-patching",
                status="renegotiated",
                new_due="2025-08-31",
            ),
            # before the effective due (2025-08-31): a correction is allowed
            "records/2025-Q2/2025-08-01-patching-fixed.yaml": rec(
                "commitment",
                "2025-08-01",
                party="acme",
                due="2025-06-30",
                supersedes="2025-05-01-patching",
            ),
            "records/2025-Q2/2025-09-10-other.yaml": rec(
                "commitment", "2025-09-10", party="acme", due="2025-09-30"
            ),
            "records/2025-Q2/2025-09-11-other-delivered.yaml": rec(
                "update", "2025-09-11", commitment="2025-09-10-other", status="delivered"
            ),
            # after the due date: the miss must stand
            "records/2025-Q3/2025-10-05-other-next-year.yaml": rec(
                "commitment",
                "2025-10-05",
                party="acme",
                due="2026-12-31",
                supersedes="2025-09-10-other",
            ),
        },
    )
    code, lines = _validate(root)
    assert code == 1
    assert not any(
        "supersedes a commitment" in x
        for x in _lines_about(lines, "records/2025-Q2/2025-08-01-patching-fixed.yaml")
    ), lines
    late = _lines_about(lines, "records/2025-Q3/2025-10-05-other-next-year.yaml")
    assert any(
        "error: supersedes a commitment that was due 2025-09-30" in x and "`missed`" in x
        for x in late
    ), lines


def test_an_update_cannot_be_superseded_after_its_commitment_was_due(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q1/2025-05-01-patching.yaml": rec(
                "commitment", "2025-05-01", party="acme", due="2025-06-30"
            ),
            "records/2025-Q2/2025-07-02-patching-missed.yaml": rec(
                "update", "2025-07-02", commitment="2025-05-01-patching", status="missed"
            ),
            "records/2025-Q2/2025-07-09-patching-ok.yaml": rec(
                "update",
                "2025-07-09",
                commitment="2025-05-01-patching",
                status="delivered",
                supersedes="2025-07-02-patching-missed",
            ),
        },
    )
    code, lines = _validate(root)
    assert code == 1
    assert any(
        "error: supersedes an update of a commitment that was due 2025-06-30" in x
        for x in _lines_about(lines, "records/2025-Q2/2025-07-09-patching-ok.yaml")
    ), lines


def test_a_record_superseded_twice_is_an_error_at_the_second(tmp_path: Path) -> None:
    lesson = {"party": "acme"}
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q2/2025-07-01-l.yaml": rec("lesson", "2025-07-01", **lesson),
            "records/2025-Q2/2025-07-02-l-a.yaml": rec(
                "lesson", "2025-07-02", supersedes="2025-07-01-l", **lesson
            ),
            "records/2025-Q2/2025-07-03-l-b.yaml": rec(
                "lesson", "2025-07-03", supersedes="2025-07-01-l", **lesson
            ),
        },
    )
    code, lines = _validate(root)
    assert code == 1
    assert _lines_about(lines, "records/2025-Q2/2025-07-02-l-a.yaml") == []
    second = _lines_about(lines, "records/2025-Q2/2025-07-03-l-b.yaml")
    assert len(second) == 1, lines
    assert "`2025-07-01-l` is already superseded by `2025-07-02-l-a`" in second[0]
    assert "supersede `2025-07-02-l-a` instead" in second[0]


def test_escalation_keeps_trigger_quarter_parties_but_may_add_its_outcome(tmp_path: Path) -> None:
    esc = {"level": 1, "parties": ["acme"], "trigger": "slipping-commitments", "quarter": "2025-Q2"}
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q2/2025-07-05-coffee.yaml": rec("escalation", "2025-07-05", **esc),
            # the outcome only: fine, even a quarter later
            "records/2025-Q3/2025-10-20-coffee-done.yaml": rec(
                "escalation",
                "2025-10-20",
                outcome="Runbook agreed",
                supersedes="2025-07-05-coffee",
                **esc,
            ),
            "records/2025-Q2/2025-07-06-chat.yaml": rec("escalation", "2025-07-06", **esc),
            "records/2025-Q2/2025-07-07-chat-moved.yaml": rec(
                "escalation",
                "2025-07-07",
                level=1,
                parties=["acme", "north"],
                trigger="slipping-commitments",
                quarter="2025-Q3",
                supersedes="2025-07-06-chat",
            ),
        },
    )
    code, lines = _validate(root)
    assert code == 1
    assert _lines_about(lines, "records/2025-Q3/2025-10-20-coffee-done.yaml") == []
    moved = _lines_about(lines, "records/2025-Q2/2025-07-07-chat-moved.yaml")
    assert any("keeps `quarter`" in x and "`2025-Q2`" in x for x in moved), moved
    assert any("keeps `parties`" in x and "[acme]" in x for x in moved), moved


def test_cost_party_change_is_a_warning_and_kpi_change_an_error(tmp_path: Path) -> None:
    cost = {"service": "helpdesk", "period": "2025-Q2", "amount": 100}
    root = write_repo(
        tmp_path,
        {
            "baselines.yaml": """\
                costs:
                  - {service: helpdesk, party: north, annual: 1000.00, as_of: 2025-03-31, basis: b}
                  - {service: helpdesk, party: south, annual: 1000.00, as_of: 2025-03-31, basis: b}
            """,
            "records/2025-Q2/2025-06-01-inv.yaml": rec("cost", "2025-06-01", party="north", **cost),
            "records/2025-Q2/2025-06-02-inv-fix.yaml": rec(
                "cost", "2025-06-02", party="south", supersedes="2025-06-01-inv", **cost
            ),
        },
    )
    result = jw("-C", str(root), "--today", TODAY, "validate", "--all")
    assert result.exit_code == 0, result.stdout
    assert (
        "warning: the cost it supersedes (`2025-06-01-inv`) was borne by `north`" in result.stdout
    )


def test_amendment_keeps_version_and_update_keeps_commitment(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/2024-Q4/2025-03-01-agreed.yaml": rec(
                "amendment", "2025-03-01", version=1, agreed_by=["north", "south", "acme"]
            ),
            "records/2024-Q4/2025-03-02-agreed-again.yaml": rec(
                "amendment",
                "2025-03-02",
                version=2,
                agreed_by=["north", "south", "acme"],
                supersedes="2025-03-01-agreed",
            ),
        },
    )
    code, lines = _validate(root)
    assert code == 1
    assert any(
        "a correction keeps `version`: `2025-03-01-agreed` has `1`, this record `2`" in x
        for x in lines
    ), lines


def test_self_observation_is_a_warning(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q1/2025-05-01-great-us.yaml": rec(
                "observation",
                "2025-05-01",
                party="acme",
                by="acme",
                behaviours=["critical-friend"],
                effect="positive",
            ),
        },
    )
    result = jw("-C", str(root), "--today", TODAY, "validate", "--all")
    assert result.exit_code == 0
    assert (
        "records/2025-Q1/2025-05-01-great-us.yaml:1:" in result.stdout
        and "warning: `acme` observes itself" in result.stdout
    ), result.stdout
