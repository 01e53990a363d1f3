"""Signals that mean something: named trigger answers, provisional quarters, KPIs awaiting their
measurement, milestone targets, membership and self-observations, worked out by hand.

The standard test charter (tests/helpers.py): fiscal year from April, effective 2025-04-01, so
2025-Q1 is April-June 2025, Q2 July-September, Q3 October-December. Levels 1 (respond within 14
days) and 2 (30 days); measurement grace is the default 30 days. `slipping-commitments` fires
(level 1) when a party's on-time rate is below 0.8.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from jwcli.analysis.kpis import kpi_status
from jwcli.analysis.scoring import score_quarter
from jwcli.analysis.status import status
from jwcli.model.scores import Scorecard
from jwcli.quarters import Quarter
from tests.helpers import BASELINES, CHARTER, jw, load_checked, rec, write_repo

Q1, Q2, Q3 = Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3)
D = dt.date.fromisoformat


def card(root: Path, quarter: Quarter, today: str, **kw: object) -> Scorecard:
    return score_quarter(load_checked(root, today), quarter, D(today), **kw)  # type: ignore[arg-type]


def triggers_of(c: Scorecard) -> dict[tuple[str, str], object]:
    return {(t.trigger, t.party): t for t in c.triggers}


def missed_commitment(cid: str, due: str, party: str = "acme") -> dict[str, str]:
    return {f"records/{cid}.yaml": rec("commitment", "2025-04-02", party=party, due=due)}


def esc(date: str, parties: list[str], level: int = 1, **kw: object) -> str:
    return rec("escalation", date, level=level, parties=parties, **kw)


# -- triggers are answered only by naming them, for their quarter ---------------------------------


def slipping_twice(**escalations: str) -> dict[str, str]:
    """acme misses a commitment due in Q1 and one due in Q2: the trigger fires in both."""
    files = missed_commitment("com-q1", "2025-05-01") | missed_commitment("com-q2", "2025-08-01")
    for eid, text in escalations.items():
        files[f"records/{eid}.yaml"] = text
    return files


def test_an_escalation_about_q1_does_not_answer_q2(tmp_path: Path) -> None:
    # a coffee on 07-10 naming the trigger: 07-10 is on or before Q1's respond-by (06-30 + 14 =
    # 07-14), so by default it is about Q1, not about Q2 whose trigger arose later
    root = write_repo(
        tmp_path,
        slipping_twice(coffee=esc("2025-07-10", ["acme"], trigger="slipping-commitments")),
    )
    q1 = triggers_of(card(root, Q1, "2025-10-20"))
    q2 = triggers_of(card(root, Q2, "2025-10-20"))
    assert q1[("slipping-commitments", "acme")].answered_by == "coffee"  # type: ignore[attr-defined]
    assert q2[("slipping-commitments", "acme")].answered_by is None  # type: ignore[attr-defined]
    # Q3's flexible-charter looks at Q2's trigger: unanswered by its respond-by 10-14, before
    # Q3's as-of date 12-31: 0 of 1 -> x = 0
    q3 = card(root, Q3, "2026-01-10").party("acme").behaviour("flexible-charter")
    assert q3.indicator_x == 0


def test_an_explicit_quarter_points_the_answer_at_that_quarter(tmp_path: Path) -> None:
    # the same date, but it says it is about Q2 (07-10 lies in Q2's window 07-01..10-14)
    root = write_repo(
        tmp_path,
        slipping_twice(
            coffee=esc("2025-07-10", ["acme"], trigger="slipping-commitments", quarter="2025-Q2")
        ),
    )
    q1 = triggers_of(card(root, Q1, "2025-10-20"))
    q2 = triggers_of(card(root, Q2, "2025-10-20"))
    assert q1[("slipping-commitments", "acme")].answered_by is None  # type: ignore[attr-defined]
    assert q2[("slipping-commitments", "acme")].answered_by == "coffee"  # type: ignore[attr-defined]


def test_an_escalation_after_the_previous_respond_by_is_about_its_own_quarter(
    tmp_path: Path,
) -> None:
    # 07-15 is after Q1's respond-by 07-14: by default it is about Q2
    root = write_repo(
        tmp_path,
        slipping_twice(coffee=esc("2025-07-15", ["acme"], trigger="slipping-commitments")),
    )
    q1 = triggers_of(card(root, Q1, "2025-10-20"))
    q2 = triggers_of(card(root, Q2, "2025-10-20"))
    assert q1[("slipping-commitments", "acme")].answered_by is None  # type: ignore[attr-defined]
    assert q2[("slipping-commitments", "acme")].answered_by == "coffee"  # type: ignore[attr-defined]


def test_an_unnamed_escalation_answers_nothing(tmp_path: Path) -> None:
    # level 2 is above the trigger's level 1, in Q1's window, for acme: but it names no trigger
    root = write_repo(tmp_path, slipping_twice(formal=esc("2025-06-20", ["acme"], level=2)))
    q1 = triggers_of(card(root, Q1, "2025-10-20"))
    assert q1[("slipping-commitments", "acme")].answered_by is None  # type: ignore[attr-defined]
    q2 = card(root, Q2, "2025-10-20").party("acme").behaviour("flexible-charter")
    assert q2.indicator_x == 0  # 0 of 1 answered


def test_a_late_naming_acknowledges_but_still_counts_unanswered(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        slipping_twice(
            late=esc("2025-07-20", ["acme"], trigger="slipping-commitments", quarter="2025-Q1")
        ),
    )
    t = triggers_of(card(root, Q1, "2025-10-20"))[("slipping-commitments", "acme")]
    assert (t.answered_by, t.acknowledged_by) == (None, "late")  # type: ignore[attr-defined]
    # scoring still counts it unanswered: Q2's flexible-charter 0 of 1
    flexible = card(root, Q2, "2025-10-20").party("acme").behaviour("flexible-charter")
    assert flexible.indicator_x == 0
    # status stops listing it; Q2's trigger (respond-by 10-14, today 10-20) is listed, late
    st = status(load_checked(root, "2025-10-20"), D("2025-10-20"))
    assert [(t.quarter, t.trigger, t.missed(st.today)) for t in st.unanswered_triggers] == [
        ("2025-Q2", "slipping-commitments", True)
    ]


# -- provisional quarters -------------------------------------------------------------------------


def test_a_provisional_quarter_fires_nothing(tmp_path: Path) -> None:
    root = write_repo(tmp_path, missed_commitment("com-q2", "2025-08-01"))
    # today 2025-09-15: Q2 (to 09-30) is unfinished
    c = card(root, Q2, "2025-09-15")
    assert c.provisional
    (t,) = c.triggers
    assert (t.trigger, t.party, t.value, t.provisional) == (
        "slipping-commitments",
        "acme",
        Decimal("0.0000"),
        True,
    )
    assert c.fired == ()
    result = jw("-C", str(root), "--today", "2025-09-15", "score", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["provisional"] is True and doc["triggers"][0]["provisional"] is True
    table = jw("-C", str(root), "--today", "2025-09-15", "score", env={"COLUMNS": "120"})
    assert "(provisional: the quarter is not finished)" in table.stdout
    assert "at risk" in table.stdout
    # at risk is not unanswered: status lists nothing
    st = status(load_checked(root, "2025-09-15"), D("2025-09-15"))
    assert st.unanswered_triggers == ()
    # on 2025-10-01 the quarter is finished: the same trigger fires for real
    done = card(root, Q2, "2025-10-01")
    assert not done.provisional and [t.provisional for t in done.triggers] == [False]
    # the quarter's last day itself is still unfinished (finished: last day before today)
    assert card(root, Q2, "2025-09-30").provisional


def test_innovation_zero_only_for_finished_quarters_and_parties_with_other_data(
    tmp_path: Path,
) -> None:
    files = {
        "records/obs.yaml": rec(
            "observation",
            "2025-08-01",
            party="north",
            behaviours=["critical-friend"],
            effect="positive",
            by="acme",
        )
    }
    root = write_repo(tmp_path, files)
    unfinished = card(root, Q2, "2025-09-15").party("north").behaviour("innovation")
    assert unfinished.score is None  # an idea may still come: no record is not yet 0
    finished = card(root, Q2, "2025-11-15").party("north").behaviour("innovation")
    assert finished.indicator_x == 0 and finished.score == 1  # no idea in the quarter: 1 + 0
    # south has no data at all: no score, not a red one
    assert card(root, Q2, "2025-11-15").party("south").behaviour("innovation").score is None


# -- KPIs awaiting measurement -------------------------------------------------------------------

RED_KPIS = """\
    - id: red-kpis
      metric: kpi-red-count
      above: 0
      level: 1
"""


def test_a_kpi_unmeasured_10_days_after_is_awaiting_and_40_days_after_counts_0(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path, {"charter.yaml": CHARTER + RED_KPIS})
    # 2025-07-10: 10 days after Q1 ended on 06-30, within the 30-day grace (to 07-30)
    early = card(root, Q1, "2025-07-10")
    aligned = early.party("acme").behaviour("objectives-aligned")
    assert aligned.indicator_x is None and aligned.score is None
    assert "awaits its measurement (grace until 2025-07-30)" in aligned.note
    assert "red-kpis" not in {t.trigger for t in early.triggers}  # the count is missing
    # 2025-08-09: 40 days after: unmeasured counts 0 -> indicator 1; red count 1 > 0 fires
    late = card(root, Q1, "2025-08-09")
    aligned = late.party("acme").behaviour("objectives-aligned")
    assert aligned.indicator_x == 0 and aligned.score == 1
    (t,) = [t for t in late.triggers if t.trigger == "red-kpis"]
    # KPI-dependent: respond-by counts from the end of grace, 07-30 + 14 = 08-13
    assert (t.party, t.value, t.respond_by) == ("acme", 1, D("2025-08-13"))
    # a close on 07-05 ends the grace: at 07-10 the KPI already counts 0, and the answer is due
    # 14 days after the close, 07-19
    closed = card(root, Q1, "2025-07-10", closes={Q1: D("2025-07-05")})
    assert closed.party("acme").behaviour("objectives-aligned").indicator_x == 0
    (t,) = [t for t in closed.triggers if t.trigger == "red-kpis"]
    assert t.respond_by == D("2025-07-19")


def test_status_lists_a_kpi_only_once_its_grace_has_ended_and_check_fails(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path, {"baselines.yaml": BASELINES})
    st = status(load_checked(root, "2025-07-10"), D("2025-07-10"))
    assert (st.unmeasured_kpis, st.awaiting_kpis) == ((), ("first-time-fix",))
    st = status(load_checked(root, "2025-08-09"), D("2025-08-09"))
    assert (st.unmeasured_kpis, st.awaiting_kpis) == (("first-time-fix",), ())
    assert "KPIs without a measurement for 2025-Q1: first-time-fix" in st.overdue_items
    result = jw("-C", str(root), "--today", "2025-08-09", "status", "--check")
    assert result.exit_code == 1
    assert "overdue: KPIs without a measurement for 2025-Q1" in result.stderr
    # without --check it is information: exit 0
    assert jw("-C", str(root), "--today", "2025-08-09", "status").exit_code == 0


# -- milestones -----------------------------------------------------------------------------------


def test_a_milestone_turns_green_a_reading_the_final_target_calls_red(tmp_path: Path) -> None:
    charter = CHARTER.replace(
        "    due: 2027-03-31\nescalation:",
        "    due: 2027-03-31\n    milestones:\n      - {by: 2025-Q2, target: 70}\nescalation:",
    )
    assert charter != CHARTER
    files = {
        "charter.yaml": charter,
        "records/m-q1.yaml": rec(
            "measurement", "2025-07-02", kpi="first-time-fix", period="2025-Q1", value=72
        ),
        "records/m-q3.yaml": rec(
            "measurement", "2026-01-02", kpi="first-time-fix", period="2025-Q3", value=72
        ),
    }
    root = write_repo(tmp_path, files)
    rel = load_checked(root, "2026-02-01")
    q1 = kpi_status(rel, "first-time-fix", Q1)
    # Q1 is up to the milestone's 2025-Q2: target 70, 72 >= 70 -> green (80 would say red:
    # 72 < 80 - 5)
    assert (q1.rag, q1.target, q1.target_text) == ("green", 70, "milestone 2025-Q2: 70")
    q3 = kpi_status(rel, "first-time-fix", Q3)
    assert (q3.rag, q3.target, q3.target_text) == ("red", 80, "target 80")
    c1 = card(root, Q1, "2026-02-01").party("acme").behaviour("objectives-aligned")
    assert c1.indicator_x == 1  # green: attainment 1
    c3 = card(root, Q3, "2026-02-01").party("acme").behaviour("objectives-aligned")
    assert c3.indicator_x == 0  # red against the final target


def test_a_savings_milestone_sets_the_rate_progress_is_judged_against(tmp_path: Path) -> None:
    baselines = BASELINES.replace(
        "    rate: 0.2\n    by: 2027-03-31\n",
        "    rate: 0.2\n    by: 2027-03-31\n    milestones:\n      - {by: 2025-Q2, rate: 0.05}\n",
    )
    assert baselines != BASELINES
    files = {
        "baselines.yaml": baselines,
        # north's baseline 400000 a year: 100000 a quarter; 95000 spent -> saving rate 0.05
        "records/cost-q1.yaml": rec(
            "cost", "2025-07-05", service="helpdesk", party="north", period="2025-Q1", amount=95000
        ),
        "records/cost-q3.yaml": rec(
            "cost", "2026-01-05", service="helpdesk", party="north", period="2025-Q3", amount=95000
        ),
    }
    root = write_repo(tmp_path, files)
    q1 = card(root, Q1, "2026-02-01").party("north").behaviour("cost-optimisation")
    # Q1: the milestone's 0.05 is in force: progress 0.05 / 0.05 = 1
    assert q1.parts["savings_progress"] == 1
    q3 = card(root, Q3, "2026-02-01").party("north").behaviour("cost-optimisation")
    # Q3: the final 0.2: progress 0.05 / 0.2 = 0.25
    assert q3.parts["savings_progress"] == Fraction(1, 4)
    explained = jw(
        "-C", str(root), "--today", "2026-02-01", "score", "--quarter", "2025-Q1",
        "--party", "north", "--explain", env={"COLUMNS": "200"},
    )  # fmt: skip
    assert "milestone 2025-Q2: 0.05, progress 1" in explained.stdout


# -- membership ----------------------------------------------------------------------------------

MEMBERS = CHARTER.replace(
    "  - id: acme\n",
    "  - id: west\n    name: West Council\n    role: client\n    joined: 2025-08-15\n"
    "  - id: acme\n",
).replace(
    "    name: South Borough Council\n    role: client\n",
    "    name: South Borough Council\n    role: client\n    left: 2025-08-31\n",
)


def positive(party: str, date: str, by: str = "acme") -> str:
    return rec(
        "observation", date, party=party, behaviours=["critical-friend"], effect="positive", by=by
    )


def test_a_party_joining_in_q2_is_absent_from_q1_and_has_no_q2_trend(tmp_path: Path) -> None:
    assert "joined: 2025-08-15" in MEMBERS and "left: 2025-08-31" in MEMBERS
    files = {
        "charter.yaml": MEMBERS,
        "records/obs-west-q2.yaml": positive("west", "2025-09-01"),
        "records/obs-west-q3.yaml": positive("west", "2025-10-01"),
    }
    root = write_repo(tmp_path, files)
    q1 = card(root, Q1, "2026-02-01")
    assert [p.party for p in q1.parties] == ["north", "south", "acme"]
    q2 = card(root, Q2, "2026-02-01")
    assert [p.party for p in q2.parties] == ["north", "south", "west", "acme"]
    west = q2.party("west").behaviour("critical-friend")
    assert west.score == 5 and west.trend is None  # no previous quarter as a member
    q3 = card(root, Q3, "2026-02-01")
    # south left on 08-31: absent from Q3; west has a trend now (5 -> 5: level)
    assert [p.party for p in q3.parties] == ["north", "west", "acme"]
    assert q3.party("west").behaviour("critical-friend").trend == "level"
    doc = json.loads(
        jw(
            "-C",
            str(root),
            "--today",
            "2026-02-01",
            "score",
            "--quarter",
            "2025-Q1",
            "--format",
            "json",
        ).stdout
    )
    assert [p["party"] for p in doc["parties"]] == ["north", "south", "acme"]


def test_meetings_invite_members_and_commitments_due_after_leaving_count_nowhere(
    tmp_path: Path,
) -> None:
    files = {
        "charter.yaml": MEMBERS,
        # 07-15: north, south and acme are members (west joins 08-15): south attends
        "records/meet-1.yaml": rec(
            "meeting",
            "2025-07-15",
            type="check-in",
            attendees={"north": ["Ann"], "south": ["Bo"], "acme": ["Raj"]},
        ),
        # 09-20: south has left (08-31) and is not invited; west is, and attends
        "records/meet-2.yaml": rec(
            "meeting",
            "2025-09-20",
            type="check-in",
            attendees={"north": ["Ann"], "west": ["Cy"], "acme": ["Raj"]},
        ),
        # due 09-15, after south left: counts in no rate
        "records/com-south.yaml": rec("commitment", "2025-07-01", party="south", due="2025-09-15"),
    }
    root = write_repo(tmp_path, files)
    q2 = card(root, Q2, "2026-02-01")
    south = q2.party("south")
    # invited to m1 only (m2 is after it left): attended 1 of 1 (the old default, every party,
    # would have made it 1 of 2)
    assert south.behaviour("internal-alignment").indicator_x == 1
    assert south.behaviour("objectives-met").indicator_x is None  # nothing due that counts
    assert q2.party("west").behaviour("internal-alignment").indicator_x == 1  # m2 only


# -- self-observations ---------------------------------------------------------------------------


def test_a_partys_observations_of_itself_are_left_out(tmp_path: Path) -> None:
    files = {f"records/self-{i}.yaml": positive("acme", "2025-08-01", by="acme") for i in range(20)}
    files["records/peer.yaml"] = rec(
        "observation",
        "2025-08-02",
        party="acme",
        behaviours=["critical-friend"],
        effect="negative",
        by="north",
    )
    root = write_repo(tmp_path, files)
    b = card(root, Q2, "2025-11-15").party("acme").behaviour("critical-friend")
    # only north's negative counts: 3 + 2 × (0 − 1) / (0 + 1) = 1 (twenty self-praises would
    # have made it 3 + 2 × 19/21 = 4.81)
    obs = b.components["observations"]
    assert obs is not None and obs.value == 1 and obs.records == ("peer",)


# -- status --------------------------------------------------------------------------------------


def test_status_lists_every_quarters_unanswered_triggers_and_warns_about_wrong_names(
    tmp_path: Path,
) -> None:
    files = slipping_twice(
        # names the trigger for north in Q1, but it fired only for acme
        wrong=esc("2025-07-05", ["north"], trigger="slipping-commitments"),
    )
    files["baselines.yaml"] = BASELINES
    root = write_repo(tmp_path, files)
    st = status(load_checked(root, "2025-10-20"), D("2025-10-20"))
    # Q1's respond-by 07-14 and Q2's 10-14 both passed: both listed, both late
    assert [
        (t.quarter, t.party, str(t.respond_by), t.missed(st.today)) for t in st.unanswered_triggers
    ] == [
        ("2025-Q1", "acme", "2025-07-14", True),
        ("2025-Q2", "acme", "2025-10-14", True),
    ]
    assert [(w.escalation, w.trigger, w.party, str(w.quarter)) for w in st.escalation_warnings] == [
        ("wrong", "slipping-commitments", "north", "2025-Q1")
    ]
    text = jw("-C", str(root), "--today", "2025-10-20", "status").stdout
    assert (
        "  2025-Q1  slipping-commitments  acme: level 1 Cup of coffee conversation, "
        "respond by 2025-07-14 (LATE: missed)" in text
    )
    assert (
        "warning: escalation wrong names trigger slipping-commitments for north in 2025-Q1" in text
    )
    # a missed trigger fails --check until the next close commit after its respond-by
    failing = [(t.quarter, t.trigger) for t in st.failing_triggers]
    assert failing == [("2025-Q1", "slipping-commitments"), ("2025-Q2", "slipping-commitments")]
    closed = status(load_checked(root, "2025-10-20"), D("2025-10-20"), closes={Q1: D("2025-08-01")})
    assert [t.quarter for t in closed.failing_triggers] == ["2025-Q2"]
    assert jw("-C", str(root), "--today", "2025-10-20", "status", "--check").exit_code == 1


def test_one_meeting_naming_a_trigger_for_several_parties_is_no_mistake(tmp_path: Path) -> None:
    # one coffee with north and acme about Q1's slipping-commitments, which fired only for acme:
    # it answers acme's, and it is not a wrong name (it fired for a party it lists)
    files = slipping_twice(
        together=esc("2025-07-05", ["north", "acme"], trigger="slipping-commitments"),
    )
    files["baselines.yaml"] = BASELINES
    root = write_repo(tmp_path, files)
    st = status(load_checked(root, "2025-10-20"), D("2025-10-20"))
    assert st.escalation_warnings == ()
    assert [t.quarter for t in st.unanswered_triggers] == ["2025-Q2"]  # Q1's was answered


def test_status_says_due_today_and_counts_long_gaps_between_check_ins(tmp_path: Path) -> None:
    attendees = {"north": ["Ann"], "acme": ["Raj"]}
    files = {
        "baselines.yaml": BASELINES,
        "records/check-1.yaml": rec("meeting", "2025-07-01", type="check-in", attendees=attendees),
        # 45 days later, at a 14-day cadence: 44 // 14 = 3 check-ins missed in between
        "records/check-2.yaml": rec("meeting", "2025-08-15", type="check-in", attendees=attendees),
        "records/due.yaml": rec("commitment", "2025-08-01", party="acme", due="2025-08-20"),
    }
    root = write_repo(tmp_path, files)
    st = status(load_checked(root, "2025-08-20"), D("2025-08-20"))
    # and 5 days since the last: none missed since
    assert st.check_ins.missed == 3
    text = jw("-C", str(root), "--today", "2025-08-20", "status").stdout
    assert "  due  acme  due today, open: commitment on 2025-08-01" in text


# -- --explain says what was left out and why ----------------------------------------------------


def test_explain_says_why_records_were_left_out(tmp_path: Path) -> None:
    files = {
        # due 08-01; renegotiated on 08-05, after the due: ignored, the commitment is late
        "records/com-a.yaml": rec("commitment", "2025-07-01", party="acme", due="2025-08-01"),
        "records/reneg-a.yaml": rec(
            "update",
            "2025-08-05",
            commitment="com-a",
            status="renegotiated",
            new_due="2025-09-15",
        ),
        # delivered on 10-05, after Q2's as-of date 09-30: not known for Q2
        "records/com-b.yaml": rec("commitment", "2025-07-01", party="acme", due="2025-09-01"),
        "records/done-b.yaml": rec("update", "2025-10-05", commitment="com-b", status="delivered"),
        # an observation corrected by another
        "records/obs-old.yaml": positive("acme", "2025-08-01", by="north"),
        "records/obs-new.yaml": rec(
            "observation",
            "2025-08-02",
            party="acme",
            behaviours=["critical-friend"],
            effect="negative",
            by="north",
            supersedes="obs-old",
        ),
        "records/obs-self.yaml": positive("acme", "2025-08-03", by="acme"),
    }
    root = write_repo(tmp_path, files)
    result = jw(
        "-C",
        str(root),
        "--today",
        "2025-10-20",
        "score",
        "--quarter",
        "2025-Q2",
        "--party",
        "acme",
        "--explain",
        env={"COLUMNS": "150"},
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "left out: obs-old: superseded by obs-new" in out
    assert "left out: obs-self: the party's observation of itself" in out
    assert "left out: done-b: dated 2025-10-05, after the as-of date 2025-09-30" in out
    assert (
        "left out: reneg-a: renegotiation dated 2025-08-05, after the due date: counts as "
        "late" in out
    )
    # and the KPI awaiting its measurement (20 days after the quarter, within the grace)
    assert "every KPI it owns awaits its measurement (grace until 2025-10-30)" in out


def test_status_check_passes_when_nothing_is_overdue_and_has_no_kpi_line_before_effective(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path, {"baselines.yaml": BASELINES})
    # 2025-05-01, in the first quarter: the last completed quarter (2024-Q4) is before the
    # charter took effect, so no KPI line; nothing is overdue, so --check passes
    result = jw("-C", str(root), "--today", "2025-05-01", "status", "--check")
    assert result.exit_code == 0, result.output
    assert "KPIs without a measurement" not in result.stdout
    # a commitment due 04-20 and not delivered is overdue on 05-01: --check fails
    (root / "records").mkdir(exist_ok=True)
    (root / "records" / "late.yaml").write_text(
        rec("commitment", "2025-04-02", party="acme", due="2025-04-20")
    )
    failed = jw("-C", str(root), "--today", "2025-05-01", "status", "--check")
    assert failed.exit_code == 1
    assert "jw status: overdue: commitment late was due 2025-04-20" in failed.stderr
