"""The warnings lifecycle.md adds: a run cost without baseline or borne by a party that does not
use the service, a late renegotiation, a period after the current quarter, an escalation below
its trigger's level."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import jw, rec, write_repo

TODAY = "2026-11-29"  # fiscal year from April: the current quarter is 2026-Q3 (Oct-Dec 2026)
BASELINES = """\
    costs:
      - {service: helpdesk, party: north, annual: 1000.00, as_of: 2025-03-31, basis: b}
    budgets:
      - {project: dc, service: helpdesk, owner: acme, budget: 10.00, tolerance: 0.1,
         start: 2025-04-01, end: 2026-03-31}
"""


def _warnings(root: Path, path: str) -> list[str]:
    result = jw("-C", str(root), "--today", TODAY, "validate", "--all")
    assert result.exit_code == 0, result.stdout
    return [
        x.split(": warning: ", 1)[1] for x in result.stdout.splitlines() if x.startswith(path + ":")
    ]


def test_costs_without_baseline_or_from_a_party_outside_the_service(tmp_path: Path) -> None:
    cost = {"service": "helpdesk", "period": "2025-Q2", "amount": 5}
    root = write_repo(
        tmp_path,
        {
            "baselines.yaml": BASELINES,
            "records/2025-Q2/2025-07-01-north.yaml": rec(
                "cost", "2025-07-01", party="north", **cost
            ),
            "records/2025-Q2/2025-07-01-south.yaml": rec(
                "cost", "2025-07-01", party="south", **cost
            ),
            # a project cost needs no baseline; acme provides the service
            "records/2025-Q2/2025-07-01-acme-dc.yaml": rec(
                "cost", "2025-07-01", party="acme", project="dc", **cost
            ),
        },
    )
    assert _warnings(root, "records/2025-Q2/2025-07-01-north.yaml") == []
    assert _warnings(root, "records/2025-Q2/2025-07-01-acme-dc.yaml") == []
    south = _warnings(root, "records/2025-Q2/2025-07-01-south.yaml")
    assert len(south) == 1 and "has no baseline" in south[0] and "agreed amendment" in south[0]


def test_a_cost_from_a_party_that_neither_provides_nor_consumes(tmp_path: Path) -> None:
    charter_clients = {
        "records/2025-Q2/2025-07-01-x.yaml": rec(
            "cost",
            "2025-07-01",
            party="north",
            service="helpdesk",
            period="2025-Q2",
            amount=5,
            project="dc",
        )
    }
    from tests.helpers import CHARTER

    root = write_repo(
        tmp_path,
        {
            "charter.yaml": CHARTER.replace("clients: [north, south]", "clients: [south]"),
            "baselines.yaml": BASELINES,
            **charter_clients,
        },
    )
    found = _warnings(root, "records/2025-Q2/2025-07-01-x.yaml")
    assert found == [
        "borne by `north`, which neither provides nor consumes `helpdesk` (provider acme; "
        "clients south): check the party or the service"
    ]


def test_a_renegotiation_after_the_due_date_is_late(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/2025-Q2/2025-07-01-p.yaml": rec(
                "commitment", "2025-07-01", party="acme", due="2025-08-31"
            ),
            # in time: the due date becomes 2025-09-30
            "records/2025-Q2/2025-08-31-p-r1.yaml": rec(
                "update",
                "2025-08-31",
                commitment="2025-07-01-p",
                status="renegotiated",
                new_due="2025-09-30",
            ),
            # two days after the new due date: late
            "records/2025-Q3/2025-10-02-p-r2.yaml": rec(
                "update",
                "2025-10-02",
                commitment="2025-07-01-p",
                status="renegotiated",
                new_due="2025-12-31",
            ),
        },
    )
    assert _warnings(root, "records/2025-Q2/2025-08-31-p-r1.yaml") == []
    late = _warnings(root, "records/2025-Q3/2025-10-02-p-r2.yaml")
    assert any(
        "after the commitment was due (2025-09-30): it counts as late; record a `missed` and a "
        "new commitment, or renegotiate before the due date" in x
        for x in late
    ), late


def test_a_period_after_the_current_quarter(tmp_path: Path) -> None:
    reading = {"kpi": "first-time-fix", "value": 70}
    root = write_repo(
        tmp_path,
        {
            "records/2026-Q3/2026-11-01-now.yaml": rec(
                "measurement", "2026-11-01", period="2026-Q3", **reading
            ),
            "records/2026-Q4/2026-11-02-next.yaml": rec(
                "measurement", "2026-11-02", period="2026-Q4", **reading
            ),
        },
    )
    assert _warnings(root, "records/2026-Q3/2026-11-01-now.yaml") == []
    assert _warnings(root, "records/2026-Q4/2026-11-02-next.yaml") == [
        "period 2026-Q4 is after the current quarter (2026-Q3): check the period"
    ]


def test_an_escalation_below_its_triggers_level(tmp_path: Path) -> None:
    from tests.helpers import CHARTER

    charter = CHARTER + (
        "    - id: slipping-twice\n      metric: on-time-rate\n      below: 0.8\n"
        "      for_quarters: 2\n      level: 2\n"
    )
    root = write_repo(
        tmp_path,
        {
            "charter.yaml": charter,
            "records/2025-Q3/2025-10-05-chat.yaml": rec(
                "escalation",
                "2025-10-05",
                level=1,
                parties=["acme"],
                trigger=["slipping-commitments", "slipping-twice"],
                quarter="2025-Q2",
            ),
        },
    )
    assert _warnings(root, "records/2025-Q3/2025-10-05-chat.yaml") == [
        "level 1 is below the level of trigger `slipping-twice` (2): escalate at level 2"
    ]
