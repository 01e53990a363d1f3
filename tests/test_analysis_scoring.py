"""Components, behaviour scores, RAG, trend, confidence, overall and health (scoring.md).

Standard test charter: parties north, south (clients) and acme (supplier, owns KPI
first-time-fix), fiscal year from April, effective 2025-04-01: 2025-Q1 is April-June 2025,
2025-Q2 July-September 2025. Default weights 1/1/1, green at 3.5, amber at 2.5, innovation
target 1 a quarter.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from jwcli.analysis.scoring import rag_of, score_quarter, trend_of
from jwcli.model.scores import Scorecard
from jwcli.quarters import Quarter
from tests.helpers import CHARTER, load_checked, rec, write_repo

Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)
TODAY = "2025-10-20"


def _card(root: Path, quarter: Quarter = Q2, today: str = TODAY) -> Scorecard:
    return score_quarter(load_checked(root, today), quarter, dt.date.fromisoformat(today))


def _obs(
    party: str,
    effect: str,
    date: str = "2025-08-01",
    behaviours: tuple[str, ...] = ("critical-friend",),
    **kw: object,
) -> str:
    return rec("observation", date, party=party, behaviours=list(behaviours), effect=effect, **kw)


def _assessment(
    assessor: str, quarter: str, ratings: dict[str, dict[str, int]], evidence: str | None = None
) -> str:
    lines = [f"quarter: {quarter}", f"assessor: {assessor}", "date: 2025-09-25", "ratings:"]
    for party, by_behaviour in ratings.items():
        lines.append(f"  {party}:")
        for behaviour, value in by_behaviour.items():
            cite = f", evidence: [{evidence}]" if evidence else ""
            lines.append(f"    {behaviour}: {{rating: {value}{cite}}}")
    return "\n".join(lines) + "\n"


def test_observations_component_ignores_neutral(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/obs-p1.yaml": _obs("acme", "positive"),
            "records/obs-p2.yaml": _obs("acme", "positive"),
            "records/obs-p3.yaml": _obs("acme", "positive"),
            "records/obs-n1.yaml": _obs("acme", "negative"),
            "records/obs-z1.yaml": _obs("acme", "neutral"),
            # dated in Q1: not in Q2's observations
            "records/obs-old.yaml": _obs("acme", "negative", date="2025-06-30"),
        },
    )
    b = _card(root).party("acme").behaviour("critical-friend")
    # p = 3, n = 1: 3 + 2 × (3 - 1) / (3 + 1) = 4; the only component -> score 4, green
    assert b.components["observations"].value == 4
    assert b.components["indicator"] is None and b.components["peer_rating"] is None
    assert b.reported == Decimal("4.00") and b.rag == "green"
    assert b.records == ("obs-n1", "obs-p1", "obs-p2", "obs-p3")
    assert b.confidence == 4


def test_peer_rating_excludes_self_and_peer_reputation_pools_all(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/obs-p1.yaml": _obs("acme", "positive"),
            "records/obs-n1.yaml": _obs("acme", "negative"),
            "records/obs-p2.yaml": _obs("acme", "positive"),
            "records/obs-p3.yaml": _obs("acme", "positive"),
            "assessments/2025-Q2/north.yaml": _assessment(
                "north", "2025-Q2", {"acme": {"critical-friend": 4, "objectives-met": 4}}
            ),
            "assessments/2025-Q2/south.yaml": _assessment(
                "south", "2025-Q2", {"acme": {"critical-friend": 2, "innovation": 1}}
            ),
            "assessments/2025-Q2/acme.yaml": _assessment(
                "acme", "2025-Q2", {"acme": {"critical-friend": 5}}
            ),
        },
    )
    acme = _card(root).party("acme")
    cf = acme.behaviour("critical-friend")
    # peers north 4, south 2 -> 3 (acme's own 5 is a self-rating, not a peer rating);
    # observations 4 (as above); score (4 + 3) / 2 = 3.5 -> green (3.5 >= 3.5)
    assert cf.components["peer_rating"].value == 3
    assert cf.score == Fraction(7, 2) and cf.rag == "green"
    # confidence: 4 observation records + 2 peer ratings = 6
    assert cf.confidence == 6
    # peer-reputation pools every peer rating of acme: (4 + 4 + 2 + 1) / 4 = 2.75
    pr = acme.behaviour("peer-reputation")
    assert pr.components["peer_rating"].value == Fraction(11, 4)
    assert pr.reported == Decimal("2.75") and pr.rag == "amber"
    assert pr.confidence == 4


def test_charter_weights_make_a_weighted_mean(tmp_path: Path) -> None:
    charter = CHARTER.replace(
        "escalation:\n",
        "scoring:\n  weights: {indicator: 2, observations: 1, peer_rating: 0}\nescalation:\n",
        1,
    )
    root = write_repo(
        tmp_path,
        {
            "charter.yaml": charter,
            "records/com-1.yaml": rec("commitment", "2025-07-01", party="acme", due="2025-08-01"),
            "records/upd-1.yaml": rec(
                "update", "2025-08-01", commitment="com-1", status="delivered"
            ),
            "records/com-2.yaml": rec("commitment", "2025-07-01", party="acme", due="2025-08-01"),
            "records/obs-1.yaml": _obs("acme", "positive", behaviours=("objectives-met",)),
            "assessments/2025-Q2/north.yaml": _assessment(
                "north", "2025-Q2", {"acme": {"objectives-met": 1}}
            ),
        },
    )
    b = _card(root).party("acme").behaviour("objectives-met")
    # indicator: 1 of 2 on time, x = 0.5 -> 3; observations 1 positive -> 5; peer rating 1 with
    # weight 0. Score = (2 × 3 + 1 × 5 + 0 × 1) / (2 + 1 + 0) = 11/3 = 3.6667 -> 3.67, green
    assert b.components["peer_rating"].value == 1  # shown, but weighs nothing
    assert b.score == Fraction(11, 3)
    assert b.reported == Decimal("3.67") and b.rag == "green"
    # confidence: com-1, upd-1, com-2, obs-1 = 4 records; the weight-0 rating is not behind it
    assert b.confidence == 4


def test_all_present_weights_zero_means_no_score(tmp_path: Path) -> None:
    charter = CHARTER.replace(
        "escalation:\n", "scoring:\n  weights: {observations: 0}\nescalation:\n", 1
    )
    root = write_repo(
        tmp_path, {"charter.yaml": charter, "records/obs-1.yaml": _obs("north", "positive")}
    )
    b = _card(root).party("north").behaviour("critical-friend")
    assert b.components["observations"].value == 5
    assert b.score is None and b.rag is None


def test_rag_judges_the_reported_figure(tmp_path: Path) -> None:
    charter = CHARTER.replace(
        "escalation:\n", "scoring:\n  green_at: 3.67\n  amber_at: 2.5\nescalation:\n", 1
    )
    root = write_repo(
        tmp_path,
        {
            "charter.yaml": charter,
            "records/obs-p1.yaml": _obs("north", "positive"),
            "records/obs-p2.yaml": _obs("north", "positive"),
            "records/obs-n1.yaml": _obs("north", "negative"),
        },
    )
    b = _card(root).party("north").behaviour("critical-friend")
    # 3 + 2 × (2 - 1) / 3 = 11/3 = 3.6667 exactly, reported 3.67; green_at 3.67 -> green
    # (the exact value is below 3.67, but what people see is what is judged)
    assert b.score == Fraction(11, 3)
    assert b.rag == "green"


def test_rag_and_trend_thresholds() -> None:
    g, a = Decimal("3.5"), Decimal("2.5")
    assert [rag_of(Decimal(v), g, a) for v in ("3.50", "3.49", "2.50", "2.49")] == [
        "green",
        "amber",
        "amber",
        "red",
    ]
    assert rag_of(None, g, a) is None
    assert trend_of(Decimal("3.25"), Decimal("3.00")) == "up"
    assert trend_of(Decimal("3.24"), Decimal("3.00")) == "level"
    assert trend_of(Decimal("2.75"), Decimal("3.00")) == "down"
    assert trend_of(Decimal("2.76"), Decimal("3.00")) == "level"
    assert trend_of(Decimal("3.00"), None) is None


def test_trend_compares_reported_scores(tmp_path: Path) -> None:
    files = {}
    # Q1: critical-friend observations p = 2, n = 5: 3 + 2 × (2 - 5) / 7 = 15/7 = 2.142857 -> 2.14
    for i in range(2):
        files[f"records/q1-pos-{i}.yaml"] = _obs("north", "positive", date="2025-05-01")
    for i in range(5):
        files[f"records/q1-neg-{i}.yaml"] = _obs("north", "negative", date="2025-05-01")
    # Q2: p = 4, n = 5: 3 + 2 × (-1) / 9 = 25/9; with south's peer rating 2:
    # (25/9 + 2) / 2 = 43/18 = 2.38889 -> 2.39
    for i in range(4):
        files[f"records/q2-pos-{i}.yaml"] = _obs("north", "positive")
    for i in range(5):
        files[f"records/q2-neg-{i}.yaml"] = _obs("north", "negative")
    files["assessments/2025-Q2/south.yaml"] = _assessment(
        "south", "2025-Q2", {"north": {"critical-friend": 2}}
    )
    root = write_repo(tmp_path, files)
    rel = load_checked(root, TODAY)
    q1 = score_quarter(rel, Q1, dt.date.fromisoformat(TODAY)).party("north")
    q2 = score_quarter(rel, Q2, dt.date.fromisoformat(TODAY)).party("north")
    assert q1.behaviour("critical-friend").reported == Decimal("2.14")
    assert q2.behaviour("critical-friend").reported == Decimal("2.39")
    # reported change 2.39 - 2.14 = 0.25 -> up (the exact change 43/18 - 15/7 = 31/126 = 0.246
    # would have been level)
    assert q2.behaviour("critical-friend").trend == "up"
    # Q1 is the first scored quarter: 2024-Q4 ends before `effective`, so there is no trend
    assert q1.behaviour("critical-friend").trend is None


def test_overall_health_and_a_party_without_data(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/obs-acme.yaml": _obs("acme", "positive"),
            "records/obs-north.yaml": _obs("north", "positive"),
        },
    )
    card = _card(root, today="2025-11-05")  # after Q2's 30-day measurement grace
    acme, north, south = card.party("acme"), card.party("north"), card.party("south")
    # acme: objectives-aligned 1 (its KPI unmeasured), critical-friend 5, innovation 1 (no
    # ideas this quarter: x = 0) -> overall (1 + 5 + 1) / 3 = 7/3 = 2.33, red
    assert {b.id: b.reported for b in acme.behaviours if b.score is not None} == {
        "objectives-aligned": Decimal("1.00"),
        "critical-friend": Decimal("5.00"),
        "innovation": Decimal("1.00"),
    }
    assert acme.overall == Fraction(7, 3) and acme.overall_rag == "red"
    # north: critical-friend 5, innovation 1 -> 3, amber
    assert north.overall == 3 and north.overall_rag == "amber"
    # south: nothing about it this quarter -> no score at all (not 1, not 0)
    assert south.overall is None and south.overall_rag is None
    assert all(b.score is None and b.confidence == 0 for b in south.behaviours)
    # health: mean of the exact overalls (7/3 + 3) / 2 = 8/3 = 2.67, amber
    assert card.health == Fraction(8, 3)
    assert card.reported_health == Decimal("2.67") and card.health_rag == "amber"


def test_quarters_before_effective_are_not_scored(tmp_path: Path) -> None:
    charter = CHARTER.replace("effective: 2025-04-01", "effective: 2025-05-15")
    root = write_repo(
        tmp_path,
        {
            "charter.yaml": charter,
            "records/obs-early.yaml": _obs("north", "positive", date="2025-03-01"),
            "records/obs-q1.yaml": _obs("north", "negative", date="2025-04-10"),
        },
    )
    rel = load_checked(root, TODAY)
    # 2024-Q4 (January-March 2025) ends before 2025-05-15: not scored, though it has a record
    before = score_quarter(rel, Quarter(2024, 4), dt.date.fromisoformat(TODAY))
    assert not before.scored and before.health is None and before.triggers == ()
    assert all(b.score is None for p in before.parties for b in p.behaviours)
    # 2025-Q1 (April-June 2025) contains the effective date: scored, every record of it counts
    # (even one dated before the effective day); 1 negative -> 3 + 2 × (0 - 1) / 1 = 1
    first = score_quarter(rel, Q1, dt.date.fromisoformat(TODAY))
    assert first.scored
    b = first.party("north").behaviour("critical-friend")
    assert b.score == 1 and b.trend is None
    assert first.party("north").behaviour("flexible-charter").note == "no previous quarter scored"


def test_superseded_observation_is_ignored(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "records/obs-wrong.yaml": _obs("north", "negative"),
            "records/obs-right.yaml": _obs("north", "positive", supersedes="obs-wrong"),
        },
    )
    b = _card(root).party("north").behaviour("critical-friend")
    # only obs-right counts: p = 1, n = 0 -> 5
    assert b.score == 5 and b.records == ("obs-right",)


def test_innovation_chain_counted_once_at_latest_status(tmp_path: Path) -> None:
    files = {
        # acme: one idea moving proposed -> trialled -> adopted within Q2: weight 1 (not 1.75)
        "records/idea-1.yaml": rec("innovation", "2025-07-05", party="acme", status="proposed"),
        "records/idea-2.yaml": rec(
            "innovation", "2025-08-01", party="acme", status="trialled", innovation="idea-1"
        ),
        "records/idea-3.yaml": rec(
            "innovation", "2025-09-01", party="acme", status="adopted", innovation="idea-2"
        ),
        # north: two ideas: proposed 0.25 + abandoned with lessons 0.5 = 0.75
        "records/idea-a.yaml": rec("innovation", "2025-07-05", party="north", status="proposed"),
        "records/idea-b.yaml": rec(
            "innovation",
            "2025-07-06",
            party="north",
            status="abandoned",
            lessons="Licences cost more than the saving.",
        ),
        # south: an idea proposed in Q1 and adopted in Q2: Q1 counts it proposed (0.25), Q2
        # adopted (1)
        "records/idea-s1.yaml": rec("innovation", "2025-06-01", party="south", status="proposed"),
        "records/idea-s2.yaml": rec(
            "innovation", "2025-07-10", party="south", status="adopted", innovation="idea-s1"
        ),
    }
    root = write_repo(tmp_path, files)
    card = _card(root)
    acme = card.party("acme").behaviour("innovation")
    # x = min(1, 1 / 1) = 1 -> indicator 5
    assert acme.indicator_x == 1 and acme.components["indicator"].value == 5
    north = card.party("north").behaviour("innovation")
    # x = min(1, 0.75 / 1) = 0.75 -> 1 + 3 = 4
    assert north.indicator_x == Fraction(3, 4) and north.score == 4
    assert card.party("south").behaviour("innovation").indicator_x == 1
    q1 = _card(root, Q1).party("south").behaviour("innovation")
    assert q1.indicator_x == Fraction(1, 4)  # 0.25 / 1

    charter = CHARTER.replace(
        "escalation:\n", "scoring:\n  innovation_target_per_quarter: 2\nescalation:\n", 1
    )
    root2 = write_repo(tmp_path / "target2", {"charter.yaml": charter, **files})
    card2 = _card(root2)
    # target 2: acme min(1, 1/2) = 0.5 -> 3; north 0.75/2 = 0.375 -> 1 + 1.5 = 2.5
    assert card2.party("acme").behaviour("innovation").score == 3
    assert card2.party("north").behaviour("innovation").score == Fraction(5, 2)

    off = CHARTER.replace(
        "escalation:\n", "scoring:\n  innovation_target_per_quarter: 0\nescalation:\n", 1
    )
    root3 = write_repo(tmp_path / "off", {"charter.yaml": off, **files})
    # target 0 switches the indicator off
    assert _card(root3).party("acme").behaviour("innovation").indicator_x is None


def test_evidence_based_counts_claims_and_ratings_given(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "docs/report.pdf": b"%PDF-1.4\n",
            "records/obs-base.yaml": _obs("north", "positive"),
            "records/claim-1.yaml": rec("claim", "2025-08-01", party="acme", evidence=["obs-base"]),
            "records/claim-2.yaml": rec(
                "claim", "2025-08-02", party="acme", attachments=["docs/report.pdf"]
            ),
            "records/claim-3.yaml": rec("claim", "2025-08-03", party="acme"),
            "assessments/2025-Q2/acme.yaml": (
                "quarter: 2025-Q2\nassessor: acme\ndate: 2025-09-25\nratings:\n"
                "  north:\n"
                "    critical-friend: {rating: 4, evidence: [obs-base]}\n"
                "    innovation: {rating: 3}\n"
            ),
        },
    )
    b = _card(root).party("acme").behaviour("evidence-based")
    # claims: claim-1 (evidence) and claim-2 (attachment) cite, claim-3 does not; ratings given:
    # one with evidence, one without -> 3 of 5 cite: x = 0.6, indicator 1 + 2.4 = 3.4
    assert b.indicator_x == Fraction(3, 5)
    assert b.components["indicator"].value == Fraction(17, 5)
    # confidence: 3 claims + 2 ratings given
    assert b.confidence == 5


def test_internal_alignment_attendance_of_invited_meetings(tmp_path: Path) -> None:
    def meeting(mid: str, kind: str, attendees: dict[str, list[str]], **kw: object) -> str:
        return rec("meeting", "2025-08-01", type=kind, attendees=attendees, **kw)

    root = write_repo(
        tmp_path,
        {
            # invited: everyone by default
            "records/meet-1.yaml": meeting("m1", "check-in", {"north": ["Ann"], "acme": ["Bob"]}),
            "records/meet-2.yaml": meeting(
                "m2", "quarterly-review", {"north": ["Ann"]}, invited=["north", "acme"]
            ),
            # escalation meetings are not part of the cadence: not counted
            "records/meet-3.yaml": meeting("m3", "escalation", {"south": ["Sue"]}),
            # south listed with nobody: not attended
            "records/meet-4.yaml": meeting("m4", "check-in", {"north": ["Ann"], "south": []}),
        },
    )
    card = _card(root)
    # north: 3 of 3 -> x = 1 -> 5
    assert card.party("north").behaviour("internal-alignment").indicator_x == 1
    # acme: invited to meet-1, meet-2, meet-4, attended meet-1 -> 1/3 -> 1 + 4/3 = 7/3
    acme = card.party("acme").behaviour("internal-alignment")
    assert acme.indicator_x == Fraction(1, 3) and acme.score == Fraction(7, 3)
    assert acme.records == ("meet-1", "meet-2", "meet-4")
    # south: invited to meet-1 and meet-4 (not meet-2), attended neither -> 0 -> 1
    assert card.party("south").behaviour("internal-alignment").indicator_x == 0


def test_commercial_trust_pools_four_quarters(tmp_path: Path) -> None:
    def commit(cid: str, due: str, delivered: str | None) -> dict[str, str]:
        files = {f"records/{cid}.yaml": rec("commitment", "2025-01-01", party="acme", due=due)}
        if delivered:
            files[f"records/{cid}-done.yaml"] = rec(
                "update", delivered, commitment=cid, status="delivered"
            )
        return files

    files: dict[str, str] = {}
    files |= commit("com-q1", "2025-05-01", "2025-04-30")  # Q1: 1 due, on time
    files |= commit("com-q2a", "2025-08-01", "2025-08-10")  # Q2: 3 due, none on time
    files |= commit("com-q2b", "2025-08-01", "2025-08-11")
    files |= commit("com-q2c", "2025-08-01", None)
    # due in 2024-Q4, before the charter's effective date: that quarter is not scored, so its
    # commitments stay out of the trailing window
    files |= commit("com-old", "2025-02-01", None)
    root = write_repo(tmp_path, files)
    b = _card(root).party("acme").behaviour("commercial-trust")
    # pooled: 1 on time of 4 due = 0.25 -> 1 + 1 = 2 (a mean of the quarterly rates, (1 + 0)/2,
    # would have given 3)
    assert b.indicator_x == Fraction(1, 4)
    assert b.components["indicator"].value == 2
    assert "com-old" not in b.records
