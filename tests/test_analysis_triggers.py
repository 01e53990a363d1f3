"""Trigger metrics, `for_quarters`, respond-by dates, answers, and the flexible-charter indicator.

Standard test charter with its triggers replaced per test: fiscal year from April, effective
2025-04-01; levels 1 (respond within 14 days) and 2 (30 days). 2025-Q1 is April-June 2025,
Q2 July-September, Q3 October-December, Q4 January-March 2026.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from jwcli.analysis.scoring import score_quarter
from jwcli.model.scores import FiredTrigger, Scorecard
from jwcli.quarters import Quarter
from tests.helpers import BASELINES, CHARTER, load_checked, rec, write_repo

Q1, Q2, Q3, Q4 = Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3), Quarter(2025, 4)


def charter_with(triggers: str) -> str:
    """The standard charter with `triggers:` replaced by the given list (YAML, 4-space items)."""
    head = CHARTER.split("  triggers:\n")[0]
    return head + "  triggers:\n" + triggers


def trigger(tid: str, metric: str, condition: str, level: int = 1, for_quarters: int = 1) -> str:
    return (
        f"    - id: {tid}\n      metric: {metric}\n      {condition}\n"
        f"      level: {level}\n      for_quarters: {for_quarters}\n"
    )


def commit(cid: str, due: str, delivered: str | None = None, party: str = "acme") -> dict[str, str]:
    files = {f"records/{cid}.yaml": rec("commitment", "2025-04-01", party=party, due=due)}
    if delivered:
        files[f"records/{cid}-done.yaml"] = rec(
            "update", delivered, commitment=cid, status="delivered"
        )
    return files


def card(root: Path, quarter: Quarter, today: str) -> Scorecard:
    return score_quarter(load_checked(root, today), quarter, dt.date.fromisoformat(today))


def fired(c: Scorecard, trigger_id: str) -> dict[str, FiredTrigger]:
    return {t.party: t for t in c.triggers if t.trigger == trigger_id}


def test_on_time_rate_compared_strictly_with_the_reported_rate(tmp_path: Path) -> None:
    files = {
        "charter.yaml": charter_with(
            trigger("at-0-6667", "on-time-rate", "below: 0.6667")
            + trigger("at-0-6668", "on-time-rate", "below: 0.6668")
        )
    }
    files |= commit("com-1", "2025-08-01", "2025-08-01")
    files |= commit("com-2", "2025-08-01", "2025-08-01")
    files |= commit("com-3", "2025-08-01", "2025-08-05")
    root = write_repo(tmp_path, files)
    c = card(root, Q2, "2025-10-01")
    # x = 2/3 = 0.666..., reported 0.6667: not below 0.6667 (the exact 2/3 would be)
    assert fired(c, "at-0-6667") == {}
    t = fired(c, "at-0-6668")["acme"]
    assert t.value == Decimal("0.6667")
    assert t.threshold == Decimal("0.6668")
    assert (t.level, t.name) == (1, "Cup of coffee conversation")
    assert t.action == "Informal one-to-one between relationship leads."
    # respond by: Q2's last day 2025-09-30 + 14 days (level 1) = 2025-10-14
    assert t.respond_by == dt.date(2025, 10, 14)
    assert t.answered_by is None
    assert t.to_json()["value"] == 0.6667


def test_for_quarters_needs_consecutive_quarters_and_a_gap_breaks_the_run(tmp_path: Path) -> None:
    files = {
        "charter.yaml": charter_with(
            trigger("slipping-2", "on-time-rate", "below: 0.8", level=2, for_quarters=2)
        )
    }
    files |= commit("com-q1", "2025-05-01")  # Q1: 0 of 1 on time -> 0 < 0.8 holds
    files |= commit("com-q2", "2025-08-01")  # Q2: holds
    # Q3: nothing due -> missing value, breaks the run
    files |= commit("com-q4", "2026-02-01")  # Q4: holds
    root = write_repo(tmp_path, files)
    today = "2026-04-20"
    # Q1 is the first scored quarter: 2024-Q4 ends before `effective`, so no two-quarter run
    assert fired(card(root, Q1, today), "slipping-2") == {}
    t = fired(card(root, Q2, today), "slipping-2")["acme"]  # Q1 and Q2 both hold
    assert t.value == 0 and t.for_quarters == 2 and t.level == 2
    # level 2 responds within 30 days: 2025-09-30 + 30 = 2025-10-30
    assert t.respond_by == dt.date(2025, 10, 30)
    assert fired(card(root, Q3, today), "slipping-2") == {}  # missing in Q3
    assert fired(card(root, Q4, today), "slipping-2") == {}  # Q3 broke the run


def test_behaviour_score_names_the_behaviours(tmp_path: Path) -> None:
    files = {
        "charter.yaml": charter_with(trigger("red-behaviour", "behaviour-score", "below: 2.5")),
        "records/obs-n.yaml": rec(
            "observation",
            "2025-08-01",
            party="acme",
            behaviours=["critical-friend"],
            effect="negative",
        ),
        "records/obs-p.yaml": rec(
            "observation",
            "2025-08-01",
            party="acme",
            behaviours=["commercial-trust"],
            effect="positive",
        ),
    }
    root = write_repo(tmp_path, files)
    c = card(root, Q2, "2025-11-05")  # after Q2's 30-day measurement grace
    t = fired(c, "red-behaviour")["acme"]
    # acme: objectives-aligned 1 (KPI unmeasured), critical-friend 1 (one negative), innovation
    # 1 (no ideas); commercial-trust 5 does not meet "below 2.5". The same trigger fired in Q1
    # (objectives-aligned and innovation were 1 then too) and nobody answered it by 08-13 (a
    # behaviour-score trigger: 06-30 + 30 days of grace + 14 days of level 1), so
    # flexible-charter is 0 of 1 -> 1 as well. One entry, four behaviours, in charter order.
    names = ["objectives-aligned", "flexible-charter", "critical-friend", "innovation"]
    assert t.behaviours == tuple(names)
    assert t.value == Decimal("1.00")
    assert t.to_json()["behaviours"] == names
    # north and south: no data, so no scores, so nothing fires
    assert set(fired(c, "red-behaviour")) == {"acme"}


def test_overall_and_kpi_red_count(tmp_path: Path) -> None:
    files = {
        "charter.yaml": charter_with(
            trigger("star", "overall-score", "above: 4")
            + trigger("red-kpis", "kpi-red-count", "above: 0")
        ),
        # north: critical-friend 5, innovation 1 adopted idea -> 5: overall 5 > 4
        "records/obs-p.yaml": rec(
            "observation",
            "2025-08-01",
            party="north",
            behaviours=["critical-friend"],
            effect="positive",
        ),
        "records/idea.yaml": rec("innovation", "2025-08-01", party="north", status="adopted"),
    }
    root = write_repo(tmp_path, files)
    c = card(root, Q2, "2025-11-05")  # after Q2's 30-day measurement grace
    assert fired(c, "star")["north"].value == Decimal("5.00")
    # acme's one KPI is unmeasured: kpi-red-count 1 > 0; north and south own none: missing
    assert {p: t.value for p, t in fired(c, "red-kpis").items()} == {"acme": 1}


def test_budget_overrun_and_savings_rate(tmp_path: Path) -> None:
    files = {
        "charter.yaml": charter_with(
            trigger("overspend", "budget-overrun", "above: 0.1", level=2)
            + trigger("any-overspend", "budget-overrun", "above: 0")
            + trigger("costs-rising", "savings-rate", "below: 0")
        ),
        "baselines.yaml": BASELINES,
        "records/proj-1.yaml": rec(
            "cost",
            "2025-10-01",
            service="helpdesk",
            party="north",
            period="2025-Q2",
            amount=121000,
            project="dc-migration",
        ),
        "records/run-south.yaml": rec(
            "cost", "2025-10-01", service="helpdesk", party="south", period="2025-Q2", amount=55000
        ),
        "records/run-north.yaml": rec(
            "cost", "2025-10-01", service="helpdesk", party="north", period="2025-Q2", amount=90000
        ),
    }
    root = write_repo(tmp_path, files)
    c = card(root, Q2, "2025-10-02")
    # acme's project: 121000 / 100000 - 1 - 0.10 = 0.11 > 0.1
    assert fired(c, "overspend")["acme"].value == Decimal("0.1100")
    # south: (50000 - 55000) / 50000 = -0.1 < 0; north +0.1 does not fire
    assert {p: t.value for p, t in fired(c, "costs-rising").items()} == {
        "south": Decimal("-0.1000")
    }

    # 110000.01 of spend: overrun 0.0000001, reported 0.0000: not above 0
    files["records/proj-1.yaml"] = rec(
        "cost",
        "2025-10-01",
        service="helpdesk",
        party="north",
        period="2025-Q2",
        amount=110000.01,
        project="dc-migration",
    )
    root2 = write_repo(tmp_path / "edge", files)
    assert fired(card(root2, Q2, "2025-10-02"), "any-overspend") == {}


def test_rating_spread_and_unevidenced_claims(tmp_path: Path) -> None:
    files = {
        "charter.yaml": charter_with(
            trigger("split", "rating-spread", "above: 1")
            + trigger("unshown", "unevidenced-claims", "above: 0")
            + trigger("all-shown", "unevidenced-claims", "below: 1")
        ),
        "records/claim-1.yaml": rec("claim", "2025-08-01", party="acme"),
        "assessments/2025-Q2/north.yaml": (
            "quarter: 2025-Q2\nassessor: north\ndate: 2025-09-20\nratings:\n"
            "  acme:\n    critical-friend: {rating: 5, evidence: [claim-1]}\n"
        ),
        "assessments/2025-Q2/south.yaml": (
            "quarter: 2025-Q2\nassessor: south\ndate: 2025-09-20\nratings:\n"
            "  acme:\n    critical-friend: {rating: 2, evidence: [claim-1]}\n"
        ),
    }
    root = write_repo(tmp_path, files)
    c = card(root, Q2, "2025-10-01")
    # acme's critical-friend: peers 5 and 2 -> spread 3 > 1
    assert fired(c, "split")["acme"].value == 3
    # acme made one claim citing nothing: 1 > 0; north and south gave ratings with evidence
    assert {p: t.value for p, t in fired(c, "unshown").items()} == {"acme": 1}
    # "0 when it made none": north, south (cited everything) fire "below 1"
    assert set(fired(c, "all-shown")) == {"north", "south"}


def flexible_files(**escalations: str) -> dict[str, str]:
    """acme and north miss a commitment due in Q1, so `slipping` fires for both in Q1."""
    files = {"charter.yaml": charter_with(trigger("slipping", "on-time-rate", "below: 0.8"))}
    files |= commit("com-acme", "2025-05-01")
    files |= commit("com-north", "2025-05-01", party="north")
    for eid, text in escalations.items():
        files[f"records/{eid}.yaml"] = text
    return files


def esc(date: str, parties: list[str], level: int = 1, **kw: object) -> str:
    return rec("escalation", date, level=level, parties=parties, **kw)


def test_flexible_charter_answered_and_unanswered(tmp_path: Path) -> None:
    # `slipping` fired in Q1 (ends 2025-06-30), level 1: answer window 2025-04-01..2025-07-14
    root = write_repo(
        tmp_path,
        flexible_files(**{"esc-acme": esc("2025-07-14", ["acme"], trigger="slipping")}),
    )
    q1 = card(root, Q1, "2025-10-01")
    assert set(fired(q1, "slipping")) == {"acme", "north"}
    assert fired(q1, "slipping")["acme"].answered_by == "esc-acme"
    c = card(root, Q2, "2025-10-01")
    acme = c.party("acme").behaviour("flexible-charter")
    # acme answered on the window's last day: 1 of 1 -> x = 1 -> 5
    assert acme.indicator_x == 1 and acme.score == 5 and acme.records == ("esc-acme",)
    # north: not answered, window closed on 07-14 before the as-of 09-30: 0 of 1 -> 1
    north = c.party("north").behaviour("flexible-charter")
    assert north.indicator_x == 0 and north.score == 1
    # south: no trigger fired for it: absent
    assert c.party("south").behaviour("flexible-charter").indicator_x is None


def test_flexible_charter_window_not_closed_is_left_out(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        flexible_files(**{"esc-acme": esc("2025-07-05", ["acme"], trigger="slipping")}),
    )
    # scored on 2025-07-10: as-of 07-10, before the window closes on 07-14
    c = card(root, Q2, "2025-07-10")
    assert c.party("acme").behaviour("flexible-charter").indicator_x == 1  # answered already
    north = c.party("north").behaviour("flexible-charter")
    assert north.indicator_x is None  # unanswered, but it may still be answered: left out


def test_flexible_charter_escalation_must_name_party_trigger_quarter_in_window(
    tmp_path: Path,
) -> None:
    charter = charter_with(
        trigger("slipping", "on-time-rate", "below: 0.8")
        + trigger("slipping-hard", "on-time-rate", "below: 0.5", level=2)
    )
    files = flexible_files(
        **{
            # names the level-2 trigger: answers it and, climbing the ladder, the level-1
            # trigger on the same metric; dated 06-20 it is about its own quarter Q1 (06-20 is
            # after Q4's respond-by 2025-03-31 + 30 = 04-30)
            "esc-a": esc("2025-06-20", ["acme"], level=2, trigger="slipping-hard"),
            # north: names no trigger, so it answers nothing whatever its level
            "esc-n": esc("2025-07-01", ["north"], level=2),
            # north, `slipping`, 07-05: on or before Q1's respond-by 07-14, so about Q1
            "esc-n1": esc("2025-07-05", ["north"], trigger="slipping"),
            # about south only: answers nothing of north's
            "esc-s": esc("2025-07-01", ["south"], level=2, trigger="slipping-hard"),
            # north, `slipping-hard`, in the window but about Q2: answers nothing of Q1
            "esc-q2": esc(
                "2025-07-20", ["north"], level=2, trigger="slipping-hard", quarter="2025-Q2"
            ),
            # north, `slipping-hard`, about Q1, but after its window (Q1 end + 30 = 2025-07-30)
            "esc-late": esc(
                "2025-07-31", ["north"], level=2, trigger="slipping-hard", quarter="2025-Q1"
            ),
        }
    )
    files["charter.yaml"] = charter
    root = write_repo(tmp_path, files)
    c = card(root, Q2, "2025-10-01")
    acme = c.party("acme").behaviour("flexible-charter")
    # acme: both triggers fired (x = 0 < 0.8 and < 0.5), both answered by esc-a: 2 of 2
    assert acme.indicator_x == 1 and acme.records == ("esc-a",)
    # north: slipping answered by esc-n1, slipping-hard not answered in time: 1 of 2
    north = c.party("north").behaviour("flexible-charter")
    assert north.indicator_x == Fraction(1, 2) and north.records == ("esc-n1",)
    assert north.components["indicator"].value == 3  # 1 + 4 × 0.5
    q1 = {(t.party, t.trigger): t for t in card(root, Q1, "2025-10-01").triggers}
    # the late naming acknowledges the miss but does not answer it
    hard = q1[("north", "slipping-hard")]
    assert hard.answered_by is None and hard.acknowledged_by == "esc-late"


def test_flexible_charter_step_closed_by_a_later_record_counts_from_its_first_date(
    tmp_path: Path,
) -> None:
    files = flexible_files(
        **{
            "esc-open": esc("2025-07-10", ["north"], trigger="slipping"),
            # the step is closed with an outcome after the window: it was taken on 07-10
            "esc-closed": esc(
                "2025-08-20",
                ["north"],
                trigger="slipping",
                outcome="Recovery plan agreed",
                supersedes="esc-open",
            ),
        }
    )
    root = write_repo(tmp_path, files)
    north = card(root, Q2, "2025-10-01").party("north").behaviour("flexible-charter")
    assert north.indicator_x == 1 and north.records == ("esc-closed",)


def test_a_trigger_naming_several_behaviours_counts_once(tmp_path: Path) -> None:
    files = {
        "charter.yaml": charter_with(trigger("red-behaviour", "behaviour-score", "below: 2.5")),
        # Q1: acme's objectives-aligned 1 and innovation 1 (and critical-friend 1): one trigger
        "records/obs-n.yaml": rec(
            "observation",
            "2025-05-01",
            party="acme",
            behaviours=["critical-friend"],
            effect="negative",
        ),
    }
    root = write_repo(tmp_path, files)
    q1 = card(root, Q1, "2025-10-01")
    assert len(fired(q1, "red-behaviour")["acme"].behaviours or ()) == 3
    acme = card(root, Q2, "2025-10-01").party("acme").behaviour("flexible-charter")
    # one trigger, unanswered, window closed (2025-06-30 + 14 = 07-14 < 09-30): 0 of 1
    assert acme.indicator_x == 0
    assert [name for name, _ in acme.components["indicator"].inputs][:1] == ["red-behaviour"]
