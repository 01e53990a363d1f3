"""A small relationship worked through by hand for the review pack tests (2025-Q2, fiscal year
from April: 1 July to 30 September 2025, judged as of 30 September with today 2025-10-15).

The figures each test expects are derived in the test from what is written here.
"""

from __future__ import annotations

import datetime as dt

from tests.helpers import BASELINES, CHARTER

TODAY = dt.date(2025, 10, 15)
QUARTER = "2025-Q2"

# Version 2 of the standard test charter, agreed by an amendment in the quarter.
CHARTER_V2 = CHARTER.replace("version: 1\n", "version: 2\n", 1)
BASELINES_WITH_MARKET = (
    BASELINES
    + """market:
  - service: helpdesk
    annual: 610000.00
    source: Framework benchmark
    date: 2025-02-01
"""
)


def record(kind: str, date: str, summary: str, **fields: object) -> str:
    lines = [f"kind: {kind}", f"date: {date}", f"summary: {summary}"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


R = "records/2025-Q2/"
FILES: dict[str, str] = {
    "charter.yaml": CHARTER_V2,
    "baselines.yaml": BASELINES_WITH_MARKET,
    # commitments: acme one on time and one late, north one missed, south one overdue in the
    # quarter and one overdue from the quarter before
    R + "c-acme-1.yaml": record(
        "commitment", "2025-07-01", "Patch runbook", party="acme", due="2025-08-15"
    ),
    R + "u-acme-1.yaml": record(
        "update", "2025-08-10", "Done", commitment="c-acme-1", status="delivered"
    ),
    R + "c-acme-2.yaml": record(
        "commitment", "2025-07-01", "Asset register", party="acme", due="2025-09-01"
    ),
    R + "u-acme-2.yaml": record(
        "update", "2025-09-05", "Done late", commitment="c-acme-2", status="delivered"
    ),
    R + "c-north-1.yaml": record(
        "commitment", "2025-07-02", "Licence audit", party="north", due="2025-09-10"
    ),
    R + "u-north-1.yaml": record(
        "update", "2025-09-12", "Not done", commitment="c-north-1", status="missed"
    ),
    R + "c-south-1.yaml": record(
        "commitment", "2025-07-03", "Desk moves", party="south", due="2025-09-20"
    ),
    "records/2025-Q1/c-south-0.yaml": record(
        "commitment", "2025-04-10", "Data sharing deal", party="south", due="2025-05-20"
    ),
    # KPI first-time-fix (target 80, amber within 5, higher is better)
    "records/2025-Q1/m-ftf-q1.yaml": record(
        "measurement", "2025-06-30", "FTF", kpi="first-time-fix", period="2025-Q1", value=70
    ),
    R + "m-ftf-q2.yaml": record(
        "measurement", "2025-09-30", "FTF", kpi="first-time-fix", period="2025-Q2", value=77
    ),
    # run costs against baselines north 400000 and south 200000 a year, target rate 0.2
    R + "k-north.yaml": record(
        "cost",
        "2025-09-30",
        "Q2 desk",
        service="helpdesk",
        party="north",
        period="2025-Q2",
        amount=90000,
    ),
    R + "k-south.yaml": record(
        "cost",
        "2025-09-30",
        "Q2 desk",
        service="helpdesk",
        party="south",
        period="2025-Q2",
        amount=52000,
    ),
    # project dc-migration: budget 100000, tolerance 0.10
    "records/2025-Q1/k-proj-q1.yaml": record(
        "cost",
        "2025-06-30",
        "Migration",
        service="helpdesk",
        party="acme",
        project="dc-migration",
        period="2025-Q1",
        amount=60000,
    ),
    R + "k-proj-q2.yaml": record(
        "cost",
        "2025-09-30",
        "Migration",
        service="helpdesk",
        party="acme",
        project="dc-migration",
        period="2025-Q2",
        amount=55000,
    ),
    # savings: one chain identified then realised, one agreed, one identified, one one-off
    R + "s-1.yaml": record(
        "saving",
        "2025-07-05",
        "Licence cut",
        service="helpdesk",
        party="north",
        amount=20000,
        stage="identified",
    ),
    R + "s-1-realised.yaml": record(
        "saving",
        "2025-08-30",
        "Licence cut banked",
        service="helpdesk",
        party="north",
        amount=20000,
        stage="realised",
        saving="s-1",
    ),
    R + "s-2.yaml": record(
        "saving",
        "2025-08-01",
        "Shared desk",
        service="helpdesk",
        party="south",
        amount=30000,
        stage="agreed",
    ),
    R + "s-3.yaml": record(
        "saving",
        "2025-09-01",
        "Print",
        service="helpdesk",
        party="north",
        amount=10000,
        stage="identified",
    ),
    R + "s-4.yaml": record(
        "saving",
        "2025-09-15",
        "Rebate",
        service="helpdesk",
        party="north",
        amount=5000,
        stage="realised",
        one_off="true",
    ),
    # innovation and lessons
    R + "i-1.yaml": record("innovation", "2025-07-10", "Chatbot", party="acme", status="proposed"),
    R + "i-2.yaml": record(
        "innovation", "2025-08-20", "Chatbot live", party="acme", status="adopted", innovation="i-1"
    ),
    R + "i-3.yaml": record(
        "innovation",
        "2025-09-01",
        "Kiosks",
        party="north",
        status="abandoned",
        lessons="Nobody used them",
    ),
    R + "l-1.yaml": record("lesson", "2025-09-05", "Pilot before buying", party="south"),
    # evidence: acme's claim cites nothing, north's cites a record
    R + "cl-acme.yaml": record("claim", "2025-08-01", "Best desk in the county", party="acme"),
    R + "cl-north.yaml": record(
        "claim", "2025-08-02", "Audit started", party="north", evidence="[c-north-1]"
    ),
    # governance: two check-ins and one quarterly review; an amendment to version 2
    R + "mt-1.yaml": record(
        "meeting",
        "2025-07-15",
        "Check-in July",
        type="check-in",
        attendees="{north: [Ann], acme: [Bob]}",
    ),
    R + "mt-2.yaml": record(
        "meeting",
        "2025-07-20",
        "Review of 2025-Q1",
        type="quarterly-review",
        attendees="{north: [Ann], south: [Sue], acme: [Bob]}",
        decisions="[Agree the plan]",
    ),
    R + "mt-3.yaml": record(
        "meeting",
        "2025-08-12",
        "Check-in August",
        type="check-in",
        attendees="{north: [Ann], south: [Sue], acme: [Bob]}",
    ),
    R + "am-2.yaml": record(
        "amendment",
        "2025-08-01",
        "Version 2 with monthly check-ins",
        version=2,
        agreed_by="[north, acme]",
    ),
    # escalations: south's is open; north's was closed by a record superseding it
    R + "e-1.yaml": record(
        "escalation",
        "2025-09-25",
        "Coffee with south",
        level=1,
        parties="[south]",
        trigger="slipping-commitments",
    ),
    # dated 5 Jul, within Q1's answer window: it says it is about Q2
    R + "e-2.yaml": record(
        "escalation",
        "2025-07-05",
        "Coffee with north",
        level=1,
        parties="[north]",
        trigger="slipping-commitments",
        quarter="2025-Q2",
    ),
    R + "e-3.yaml": record(
        "escalation",
        "2025-07-20",
        "Coffee with north, agreed",
        level=1,
        parties="[north]",
        trigger="slipping-commitments",
        quarter="2025-Q2",
        supersedes="e-2",
        outcome="New dates agreed",
    ),
    # assessments: acme's commercial trust rated 4 and 2 by its peers (spread 2)
    "assessments/2025-Q2/north.yaml": """\
quarter: 2025-Q2
assessor: north
date: 2025-09-25
ratings:
  acme:
    critical-friend: {rating: 2}
    commercial-trust: {rating: 4, evidence: [c-acme-1]}
""",
    "assessments/2025-Q2/south.yaml": """\
quarter: 2025-Q2
assessor: south
date: 2025-09-26
ratings:
  acme:
    commercial-trust: {rating: 2}
""",
}
