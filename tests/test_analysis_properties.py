"""Properties of scoring over random repositories (hypothesis), built in memory from the models.

- every score, component, overall and health lies in [1, 5] or is absent; every rate in [0, 1];
- adding a positive observation never lowers a score;
- a party the quarter holds no data about has no score, rather than a low one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jwcli.analysis.scoring import score_quarter
from jwcli.load.repo import load_repo
from jwcli.model.assessments import Assessment
from jwcli.model.common import BEHAVIOURS
from jwcli.model.records import RECORD_KINDS
from jwcli.model.relationship import AssessmentEntry, RecordEntry, Relationship
from jwcli.model.scores import Scorecard
from jwcli.quarters import Quarter
from tests.helpers import BASELINES, CHARTER

Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)
TODAY = dt.date(2025, 10, 20)
PARTIES = ["north", "south", "acme"]
# days in 2025-Q1 (April-June) and 2025-Q2 (July-September)
DAYS = [dt.date(2025, 4, 1) + dt.timedelta(days=d) for d in range(0, 183, 7)]
_TEMPLATE: dict[str, Relationship] = {}


def _template() -> Relationship:
    if "rel" not in _TEMPLATE:
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="jw-prop-"))
        (root / "charter.yaml").write_text(CHARTER, encoding="utf-8")
        (root / "baselines.yaml").write_text(BASELINES, encoding="utf-8")
        _TEMPLATE["rel"] = load_repo(root)
    return _TEMPLATE["rel"]


def _relationship(
    records: list[dict[str, Any]], ratings: list[tuple[str, str, str, int]]
) -> Relationship:
    base = _template()
    rel = Relationship(root=base.root, charter=base.charter, baselines=base.baselines)
    for i, data in enumerate(records):
        rid = f"rec-{i:04d}"
        model = RECORD_KINDS[data["kind"]]
        rel.records[rid] = RecordEntry(rid, f"records/{rid}.yaml", model.model_validate(data))
    by_assessor: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for assessor, party, behaviour, value in ratings:
        by_assessor.setdefault(assessor, {}).setdefault(party, {})[behaviour] = {"rating": value}
    for assessor, by_party in by_assessor.items():
        a = Assessment.model_validate(
            {"quarter": "2025-Q2", "assessor": assessor, "date": "2025-09-20", "ratings": by_party}
        )
        rel.assessments.append(
            AssessmentEntry(f"assessments/2025-Q2/{assessor}.yaml", "2025-Q2", assessor, a)
        )
    return rel


days = st.sampled_from(DAYS).map(dt.date.isoformat)
behaviour_ids = st.sampled_from(list(BEHAVIOURS))


def _records(parties: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    party = st.sampled_from(parties)
    observation = st.fixed_dictionaries(
        {
            "kind": st.just("observation"),
            "date": days,
            "summary": st.just("o"),
            "party": party,
            "behaviours": st.lists(behaviour_ids, min_size=1, max_size=3, unique=True),
            "effect": st.sampled_from(["positive", "negative", "neutral"]),
        }
    )
    commitment = st.fixed_dictionaries(
        {
            "kind": st.just("commitment"),
            "date": st.just("2025-04-01"),
            "summary": st.just("c"),
            "party": party,
            "due": days,
        }
    )
    claim = st.fixed_dictionaries(
        {"kind": st.just("claim"), "date": days, "summary": st.just("c"), "party": party}
    )
    innovation = st.fixed_dictionaries(
        {
            "kind": st.just("innovation"),
            "date": days,
            "summary": st.just("i"),
            "party": party,
            "status": st.sampled_from(["proposed", "trialled", "adopted"]),
        }
    )
    meeting = st.builds(
        lambda date, present: {
            "kind": "meeting",
            "date": date,
            "summary": "m",
            "type": "check-in",
            "invited": parties,
            "attendees": {p: ["x"] for p in present},
        },
        days,
        st.lists(st.sampled_from(parties), unique=True),
    )
    return st.lists(st.one_of(observation, commitment, claim, innovation, meeting), max_size=25)


def _ratings(assessors: list[str], rated: list[str]) -> st.SearchStrategy[list[Any]]:
    return st.lists(
        st.tuples(
            st.sampled_from(assessors), st.sampled_from(rated), behaviour_ids, st.integers(1, 5)
        ),
        max_size=12,
    )


def _updates(records: list[dict[str, Any]], data: st.DataObject) -> list[dict[str, Any]]:
    """Random updates for the generated commitments (they need the commitments' ids)."""
    extra = []
    for i, r in enumerate(records):
        if r["kind"] == "commitment" and data.draw(st.booleans()):
            status = data.draw(
                st.sampled_from(["delivered", "missed", "withdrawn", "renegotiated"])
            )
            update: dict[str, Any] = {
                "kind": "update",
                "date": data.draw(days),
                "summary": "u",
                "commitment": f"rec-{i:04d}",
                "status": status,
            }
            if status == "renegotiated":
                update["new_due"] = data.draw(days)
            extra.append(update)
    return extra


def _all_scores(card: Scorecard) -> list[Any]:
    return [b.score for p in card.parties for b in p.behaviours]


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_every_score_is_between_1_and_5_or_absent(data: st.DataObject) -> None:
    records = data.draw(_records(PARTIES))
    records += _updates(records, data)
    rel = _relationship(records, data.draw(_ratings(PARTIES, PARTIES)))
    for quarter in (Q1, Q2):
        card = score_quarter(rel, quarter, TODAY)
        for p in card.parties:
            assert p.overall is None or 1 <= p.overall <= 5
            for b in p.behaviours:
                assert b.score is None or 1 <= b.score <= 5
                assert (b.score is None) == (b.rag is None)
                assert b.indicator_x is None or 0 <= b.indicator_x <= 1
                for c in b.components.values():
                    assert c is None or 1 <= c.value <= 5
                if b.score is None:
                    assert b.confidence == 0
        assert card.health is None or 1 <= card.health <= 5


@SETTINGS
@given(
    data=st.data(),
    party=st.sampled_from(PARTIES),
    behaviour=behaviour_ids,
    day=st.sampled_from([d for d in DAYS if d >= dt.date(2025, 7, 1)]),
)
def test_a_positive_observation_never_lowers_a_score(
    data: st.DataObject, party: str, behaviour: str, day: dt.date
) -> None:
    records = data.draw(_records(PARTIES))
    records += _updates(records, data)
    ratings = data.draw(_ratings(PARTIES, PARTIES))
    before = score_quarter(_relationship(records, ratings), Q2, TODAY)
    extra = {
        "kind": "observation",
        "date": day.isoformat(),
        "summary": "good",
        "party": party,
        "behaviours": [behaviour],
        "effect": "positive",
    }
    after = score_quarter(_relationship([*records, extra], ratings), Q2, TODAY)
    for p_before, p_after in zip(before.parties, after.parties, strict=True):
        for b_before, b_after in zip(p_before.behaviours, p_after.behaviours, strict=True):
            if b_before.score is not None:
                assert b_after.score is not None and b_after.score >= b_before.score
    target = after.party(party).behaviour(behaviour)
    assert target.score is not None  # the observation alone gives it a score


@SETTINGS
@given(data=st.data())
def test_a_party_without_data_has_no_score(data: st.DataObject) -> None:
    # Nothing about south: no records naming it, no ratings of it or by it, no meeting invites.
    others = ["north", "acme"]
    records = data.draw(_records(others))
    records += _updates(records, data)
    rel = _relationship(records, data.draw(_ratings(others, others)))
    for quarter in (Q1, Q2):
        south = score_quarter(rel, quarter, TODAY).party("south")
        assert south.overall is None and south.overall_rag is None
        assert all(b.score is None and b.rag is None for b in south.behaviours)
        assert all(c is None for b in south.behaviours for c in b.components.values())
