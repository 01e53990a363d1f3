"""Membership (lifecycle.md, "Parties joining and leaving"): records and assessments name a
party only while it is a member; `agreed_by` may name a party about to join; an escalation may
name a party that left while its last quarter's triggers can still be answered."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import CHARTER, jw, rec, write_repo

TODAY = "2026-11-29"
# The fiscal year starts in April: 2025-Q2 is Jul-Sep, 2025-Q3 Oct-Dec. south leaves on
# 2025-09-30 (the last day of 2025-Q2); east joins on 2025-10-01.
MEMBERS = CHARTER.replace(
    "  - id: south\n    name: South Borough Council\n    role: client\n",
    "  - id: south\n    name: South Borough Council\n    role: client\n    left: 2025-09-30\n"
    "  - id: east\n    name: East Council\n    role: client\n    joined: 2025-10-01\n",
)


def _run(root: Path) -> tuple[int, list[str]]:
    result = jw("-C", str(root), "--today", TODAY, "validate", "--all")
    return result.exit_code, result.stdout.splitlines()


def _about(lines: list[str], path: str) -> list[str]:
    return [x for x in lines if x.startswith(path + ":")]


def test_records_outside_membership_are_errors(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "charter.yaml": MEMBERS,
            # in membership: fine
            "records/2025-Q2/2025-09-30-south-ok.yaml": rec(
                "observation",
                "2025-09-30",
                party="south",
                by="north",
                behaviours=["critical-friend"],
                effect="positive",
            ),
            "records/2025-Q3/2025-10-01-east-ok.yaml": rec("lesson", "2025-10-01", party="east"),
            # the day after south left
            "records/2025-Q3/2025-10-01-south-gone.yaml": rec(
                "commitment", "2025-10-01", party="acme", due="2025-12-31", to=["south"]
            ),
            # the day before east joined
            "records/2025-Q2/2025-09-30-east-early.yaml": rec(
                "meeting",
                "2025-09-30",
                type="check-in",
                attendees={"north": ["Ann"], "east": ["Eve"]},
            ),
        },
    )
    code, lines = _run(root)
    assert code == 1
    assert _about(lines, "records/2025-Q2/2025-09-30-south-ok.yaml") == []
    assert _about(lines, "records/2025-Q3/2025-10-01-east-ok.yaml") == []
    gone = [x for x in _about(lines, "records/2025-Q3/2025-10-01-south-gone.yaml") if "member" in x]
    assert len(gone) == 1 and "error: `south` is not a member on 2025-10-01" in gone[0], gone
    assert "(a member from the start to 2025-09-30)" in gone[0]
    early = _about(lines, "records/2025-Q2/2025-09-30-east-early.yaml")
    assert (
        len(early) == 1
        and "`east` is not a member on 2025-09-30 (a member from 2025-10-01)" in early[0]
    )


def test_costs_by_period_amendments_before_joining_escalations_after_leaving(
    tmp_path: Path,
) -> None:
    esc = {"level": 1, "trigger": "slipping-commitments", "quarter": "2025-Q2"}
    root = write_repo(
        tmp_path,
        {
            "charter.yaml": MEMBERS,
            "baselines.yaml": """\
                costs:
                  - {service: helpdesk, party: south, annual: 1000.00, as_of: 2025-03-31, basis: b}
            """,
            # dated after south left, but for a period it was a member in: fine
            "records/2025-Q2/2025-11-02-south-invoice.yaml": rec(
                "cost",
                "2025-11-02",
                service="helpdesk",
                party="south",
                period="2025-Q2",
                amount=10,
            ),
            # a period after it left: an error
            "records/2025-Q3/2025-11-03-south-invoice-2.yaml": rec(
                "cost",
                "2025-11-03",
                service="helpdesk",
                party="south",
                period="2025-Q3",
                amount=10,
            ),
            # east agrees to join before it joins: fine
            "records/2025-Q2/2025-09-01-east-agrees.yaml": rec(
                "amendment", "2025-09-01", version=1, agreed_by=["north", "south", "acme", "east"]
            ),
            # the window for south: 2025-09-30 + grace 30 + the longest respond_within_days (30)
            # = 2025-11-29
            "records/2025-Q3/2025-11-29-south-coffee.yaml": rec(
                "escalation", "2025-11-29", parties=["south"], **esc
            ),
            "records/2025-Q3/2025-11-30-south-too-late.yaml": rec(
                "escalation", "2025-11-30", parties=["south"], **esc
            ),
        },
    )
    code, lines = _run(root)
    assert code == 1
    assert _about(lines, "records/2025-Q2/2025-11-02-south-invoice.yaml") == []
    second = _about(lines, "records/2025-Q3/2025-11-03-south-invoice-2.yaml")
    assert any("`south` is not a member during 2025-Q3" in x for x in second), second
    assert _about(lines, "records/2025-Q2/2025-09-01-east-agrees.yaml") == []
    assert _about(lines, "records/2025-Q3/2025-11-29-south-coffee.yaml") == []
    late = _about(lines, "records/2025-Q3/2025-11-30-south-too-late.yaml")
    assert len(late) == 1 and "`south` is not a member on 2025-11-30" in late[0], late


def test_assessments_commitments_and_party_dates(tmp_path: Path) -> None:
    charter = MEMBERS.replace(
        "    joined: 2025-10-01\n", "    joined: 2025-10-01\n    left: 2025-09-01\n"
    )
    root = write_repo(
        tmp_path,
        {
            "charter.yaml": charter,
            "assessments/2025-Q3/south.yaml": """\
                quarter: 2025-Q3
                assessor: south
                date: 2025-12-20
                ratings:
                  acme:
                    innovation: {rating: 3, evidence: []}
            """,
            "assessments/2025-Q2/north.yaml": """\
                quarter: 2025-Q2
                assessor: north
                date: 2025-09-20
                ratings:
                  south:
                    innovation: {rating: 3}
                  east:
                    innovation: {rating: 3}
            """,
            "records/2025-Q2/2025-07-01-south-promise.yaml": rec(
                "commitment", "2025-07-01", party="south", due="2025-12-31"
            ),
        },
    )
    code, lines = _run(root)
    assert code == 1
    assert any(
        x.startswith("charter.yaml:") and "party `east` left (2025-09-01) before it joined" in x
        for x in lines
    ), lines
    south = _about(lines, "assessments/2025-Q3/south.yaml")
    assert any(
        x.startswith("assessments/2025-Q3/south.yaml:2:")
        and "assessor `south` is not a member during 2025-Q3" in x
        for x in south
    ), south
    north = [x for x in _about(lines, "assessments/2025-Q2/north.yaml") if "member" in x]
    # east (joined 2025-10-01) was no member in 2025-Q2 (Jul-Sep): at its key, line 7 col 3
    assert len(north) == 1 and north[0].startswith("assessments/2025-Q2/north.yaml:7:3:"), north
    promise = _about(lines, "records/2025-Q2/2025-07-01-south-promise.yaml")
    assert any(
        "warning: due 2025-12-31, after `south` leaves (2025-09-30): it counts in no on-time rate"
        in x
        for x in promise
    ), promise


def test_removing_a_named_party_says_to_give_it_left(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {"records/2025-Q2/2025-07-01-gone.yaml": rec("lesson", "2025-07-01", party="west")},
    )
    code, lines = _run(root)
    assert code == 1
    assert any(
        "unknown party `west`" in x and "keep it in charter.yaml with `left: <its last day>`" in x
        for x in lines
    ), lines


def test_jw_add_refuses_a_record_naming_a_party_that_has_left(tmp_path: Path) -> None:
    from tests.helpers import snapshot

    root = write_repo(tmp_path, {"charter.yaml": MEMBERS})
    before = snapshot(root)
    args = ("-C", str(root), "--today", TODAY, "add", "lesson", "--summary", "Patch on Tuesdays")
    refused = jw(*args, "--party", "south", "--date", "2025-10-01", "--no-commit")
    assert refused.exit_code == 1
    assert "`south` is not a member on 2025-10-01" in refused.stdout + refused.stderr
    assert snapshot(root) == before
    accepted = jw(*args, "--party", "south", "--date", "2025-09-30", "--no-commit")
    assert accepted.exit_code == 0, accepted.stdout + accepted.stderr
