"""`jw score` against an independent, deliberately simple reading of the rules, on random repos.

The reading below is written from the rules as a partnership manager would apply them by hand,
one quarter at a time, with none of jw's indexes or caches:
- a party is scored only in quarters that overlap its membership (`joined`/`left`);
- a quarter whose last day is not before today is provisional: its triggers are only at risk;
- the on-time rate counts commitments due in the quarter up to the as-of date (the quarter's last
  day or today, if earlier), leaving out those due after the party left;
- `slipping` fires below 0.8 (level 1, 14 days to answer), `slipping-hard` below 0.5 (level 2,
  30 days); an escalation answers one only by naming it (or the higher trigger on the same
  metric), for the party, for the quarter (its `quarter`, else the previous quarter while its
  date is on or before that quarter's respond-by, else its own), dated from the quarter's first
  day to the respond-by;
- flexible-charter: of last quarter's (non-provisional) triggers for the party, the fraction
  answered by the as-of date, leaving out those still open;
- the KPI (owned by acme) is judged against the target in force (70 up to 2025-Q1, then 80);
  unmeasured within 30 days of the quarter's end it is awaiting (left out), after that it is 0;
- observations of a party by itself are left out of its observations component.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import CHARTER, jw, rec, write_repo

D = dt.date.fromisoformat
FIRST = D("2025-04-01")
# fiscal year from April: (label, first day, last day)
QUARTERS = [
    ("2025-Q1", D("2025-04-01"), D("2025-06-30")),
    ("2025-Q2", D("2025-07-01"), D("2025-09-30")),
    ("2025-Q3", D("2025-10-01"), D("2025-12-31")),
]
# escalations may come early in the fourth quarter (January to March 2026)
WITH_Q4 = [*QUARTERS, ("2025-Q4", D("2026-01-01"), D("2026-03-31"))]
LEVEL_DAYS = {1: 14, 2: 30}
TRIGGERS = {"slipping": (Fraction(8, 10), 1), "slipping-hard": (Fraction(1, 2), 2)}

CHARTER_TEXT = (
    CHARTER.split("  triggers:\n")[0]
    + "  triggers:\n"
    + "    - {id: slipping, metric: on-time-rate, below: 0.8, level: 1}\n"
    + "    - {id: slipping-hard, metric: on-time-rate, below: 0.5, level: 2}\n"
).replace("    due: 2027-03-31\nescalation:", "    due: 2027-03-31\n"
          "    milestones:\n      - {by: 2025-Q1, target: 70}\nescalation:")  # fmt: skip


@dataclass
class World:
    today: dt.date
    joined: dict[str, dt.date] = field(default_factory=dict)
    left: dict[str, dt.date] = field(default_factory=dict)
    commitments: list[tuple[str, str, dt.date, dt.date | None]] = field(default_factory=list)
    escalations: list[tuple[str, dt.date, tuple[str, ...], str | None, str | None]] = field(
        default_factory=list
    )
    measurements: dict[str, int] = field(default_factory=dict)  # quarter label -> value
    observations: list[tuple[str, str, str, dt.date, str]] = field(default_factory=list)

    def member_on(self, party: str, day: dt.date) -> bool:
        return self.joined.get(party, dt.date.min) <= day <= self.left.get(party, dt.date.max)

    def member_during(self, party: str, start: dt.date, end: dt.date) -> bool:
        return self.joined.get(party, dt.date.min) <= end and start <= self.left.get(
            party, dt.date.max
        )


def _day(offset: int) -> dt.date:
    return FIRST + dt.timedelta(days=offset)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    today = _day(draw(st.integers(30, 330)))
    w = World(today)
    if draw(st.booleans()):
        w.joined["west"] = _day(draw(st.integers(30, 200)))
    if draw(st.booleans()):
        w.left["south"] = _day(draw(st.integers(60, 260)))
    parties = ["north", "south", "west", "acme"]
    likely = ["acme", "acme", "acme", "north", "south", "west"]  # acme's story runs longest
    for i in range(draw(st.integers(0, 10))):
        party = draw(st.sampled_from(likely))
        due = _day(draw(st.integers(10, 270)))
        made = due - dt.timedelta(days=20)
        if made > today or not w.member_on(party, made) or not w.member_on(party, FIRST):
            continue
        delivered = None
        if draw(st.integers(0, 2)) == 0:  # mostly missed: triggers to answer
            delivered = due + dt.timedelta(days=draw(st.integers(-10, 10)))
            if delivered > today or not w.member_on(party, delivered):
                delivered = None
        w.commitments.append((f"com-{i}", party, due, delivered))
    for i in range(draw(st.integers(0, 6))):
        # near a quarter's end, where the quarter an escalation is about is in question
        end = draw(st.sampled_from([e for _, _, e in QUARTERS]))
        day = end + dt.timedelta(days=draw(st.integers(-12, 35)))
        named = draw(st.sampled_from([None, "slipping", "slipping", "slipping-hard"]))
        chosen = draw(st.lists(st.sampled_from(likely), min_size=1, max_size=2, unique=True))
        chosen = [p for p in chosen if w.member_on(p, day)]
        if day > today or not chosen:
            continue
        own = next(q for q, s, e in WITH_Q4 if s <= day <= e)
        labels = [q for q, _, _ in WITH_Q4]
        previous = labels[labels.index(own) - 1] if labels.index(own) else None
        quarter = draw(st.sampled_from([None, own, previous]))
        w.escalations.append((f"esc-{i}", day, tuple(chosen), named, quarter))
    for label, _, end in QUARTERS:
        reading = draw(st.sampled_from([None, 68, 72, 77, 82]))
        measured_on = end + dt.timedelta(days=5)
        if reading is not None and measured_on <= today:
            w.measurements[label] = reading
    for i in range(draw(st.integers(0, 5))):
        about = draw(st.sampled_from(parties))
        by = draw(st.sampled_from(parties))
        day = _day(draw(st.integers(0, 270)))
        effect = draw(st.sampled_from(["positive", "negative"]))
        if day <= today and w.member_on(about, day) and w.member_on(by, day):
            w.observations.append((f"obs-{i}", about, by, day, effect))
    return w


def files_of(w: World) -> dict[str, str]:
    charter = CHARTER_TEXT
    if "west" in w.joined:
        charter = charter.replace(
            "  - id: acme\n",
            f"  - id: west\n    name: West\n    role: client\n    joined: {w.joined['west']}\n"
            "  - id: acme\n",
        )
    else:
        charter = charter.replace(
            "  - id: acme\n", "  - id: west\n    name: West\n    role: client\n  - id: acme\n"
        )
    if "south" in w.left:
        charter = charter.replace(
            "    name: South Borough Council\n",
            f"    name: South Borough Council\n    left: {w.left['south']}\n",
        )
    files = {"charter.yaml": charter}
    for cid, party, due, delivered in w.commitments:
        made = due - dt.timedelta(days=20)
        files[f"records/{cid}.yaml"] = rec("commitment", str(made), party=party, due=str(due))
        if delivered:
            files[f"records/{cid}-done.yaml"] = rec(
                "update", str(delivered), commitment=cid, status="delivered"
            )
    for eid, day, parties, named, quarter in w.escalations:
        extra: dict[str, object] = {}
        if named:
            extra["trigger"] = named
        if quarter:
            extra["quarter"] = quarter
        level = TRIGGERS[named][1] if named else 1
        files[f"records/{eid}.yaml"] = rec(
            "escalation", str(day), level=level, parties=list(parties), **extra
        )
    for label, value in w.measurements.items():
        end = next(e for q, _, e in QUARTERS if q == label)
        files[f"records/m-{label.lower()}.yaml"] = rec(
            "measurement",
            str(end + dt.timedelta(days=5)),
            kpi="first-time-fix",
            period=label,
            value=value,
        )
    for oid, about, by, day, effect in w.observations:
        files[f"records/{oid}.yaml"] = rec(
            "observation",
            str(day),
            party=about,
            behaviours=["critical-friend"],
            effect=effect,
            by=by,
        )
    return files


# -- the simple reading --------------------------------------------------------------------------


def r4(x: Fraction) -> Fraction:
    """Round half up to 4 places, as reported and compared."""
    return Fraction(int(x * 10000 + Fraction(1, 2)), 10000)


def on_time(w: World, party: str, start: dt.date, end: dt.date, as_of: dt.date) -> Fraction | None:
    due = [
        c
        for c in w.commitments
        if c[1] == party
        and start <= c[2] <= end
        and c[2] <= as_of
        and c[2] <= w.left.get(party, dt.date.max)
    ]
    if not due:
        return None
    kept = sum(1 for c in due if c[3] is not None and c[3] <= c[2] and c[3] <= as_of)
    return Fraction(kept, len(due))


def respond_by(end: dt.date, trigger: str) -> dt.date:
    return end + dt.timedelta(days=LEVEL_DAYS[TRIGGERS[trigger][1]])


def about_quarter(
    w: World, esc: tuple[str, dt.date, tuple[str, ...], str | None, str | None]
) -> str:
    _, day, _, named, quarter = esc
    if quarter:
        return quarter
    labels = [(q, s, e) for q, s, e in QUARTERS] + [("2026-Q4", D("2026-01-01"), D("2026-03-31"))]
    index = next(i for i, (_, s, e) in enumerate(labels) if s <= day <= e)
    if named and index > 0 and day <= respond_by(labels[index - 1][2], named):
        return labels[index - 1][0]
    return labels[index][0]


def answer(w: World, trigger: str, party: str, label: str, until: dt.date) -> str | None:
    start, end = next((s, e) for q, s, e in QUARTERS if q == label)
    found = []
    for esc in w.escalations:
        eid, day, parties, named, _ = esc
        if party not in parties or named is None:
            continue
        climbs = TRIGGERS[named][1] > TRIGGERS[trigger][1]  # same metric, all on-time-rate
        if named != trigger and not climbs:
            continue
        if about_quarter(w, esc) == label and start <= day <= min(until, respond_by(end, trigger)):
            found.append((day, eid))
    return min(found)[1] if found else None


def expected(w: World, label: str) -> dict[str, object]:
    index = [q for q, _, _ in QUARTERS].index(label)
    _, start, end = QUARTERS[index]
    as_of = min(end, w.today)
    provisional = not end < w.today
    parties = [p for p in ("north", "south", "west", "acme") if w.member_during(p, start, end)]
    triggers = {}
    for party in parties:
        rate = on_time(w, party, start, end, as_of)
        for tid, (limit, _) in TRIGGERS.items():
            if rate is not None and r4(rate) < limit:
                triggers[(tid, party)] = (
                    provisional,
                    answer(w, tid, party, label, w.today),
                    str(respond_by(end, tid)),
                )
    flexible: dict[str, Fraction | None] = {}
    for party in parties:
        flexible[party] = None
        if index == 0:
            continue
        prev_label, prev_start, prev_end = QUARTERS[index - 1]
        if not w.member_during(party, prev_start, prev_end):
            continue
        prev_rate = on_time(w, party, prev_start, prev_end, min(prev_end, w.today))
        counted = answered = 0
        for tid, (limit, _) in TRIGGERS.items():
            if prev_rate is None or not r4(prev_rate) < limit:
                continue
            if answer(w, tid, party, prev_label, as_of):
                counted += 1
                answered += 1
            elif respond_by(prev_end, tid) < as_of:
                counted += 1
        flexible[party] = Fraction(answered, counted) if counted else None
    target = 70 if index == 0 else 80
    aligned: Fraction | None
    if label in w.measurements:
        value = w.measurements[label]
        aligned = Fraction(1) if value >= target else Fraction(1, 2) if value >= target - 5 else 0
    elif w.today <= end + dt.timedelta(days=30):
        aligned = None  # awaiting its measurement
    else:
        aligned = Fraction(0)
    observations: dict[str, Fraction | None] = {}
    for party in parties:
        seen = [o for o in w.observations if o[1] == party and o[2] != party]
        seen = [o for o in seen if start <= o[3] <= end]
        pos = sum(1 for o in seen if o[4] == "positive")
        neg = len(seen) - pos
        observations[party] = 3 + Fraction(2 * (pos - neg), pos + neg) if seen else None
    return {
        "provisional": provisional,
        "parties": parties,
        "triggers": triggers,
        "flexible": flexible,
        "aligned": aligned if "acme" in parties else "absent",
        "observations": observations,
    }


def actual(root: Path, w: World, label: str) -> dict[str, object]:
    result = jw(
        "-C", str(root), "--today", str(w.today), "score", "--quarter", label, "--format", "json"
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)

    def behaviour(party: dict[str, object], bid: str) -> dict[str, object]:
        found: dict[str, object] = next(
            b
            for b in party["behaviours"]  # type: ignore[attr-defined]
            if b["id"] == bid
        )
        return found

    def frac(value: object) -> Fraction | None:
        return None if value is None else Fraction(str(value))

    parties = {p["party"]: p for p in doc["parties"]}
    return {
        "provisional": doc["provisional"],
        "parties": list(parties),
        "triggers": {
            (t["trigger"], t["party"]): (t["provisional"], t["answered_by"], t["respond_by"])
            for t in doc["triggers"]
        },
        "flexible": {
            p: frac(behaviour(d, "flexible-charter")["indicator_x"]) for p, d in parties.items()
        },
        "aligned": (
            frac(behaviour(parties["acme"], "objectives-aligned")["indicator_x"])
            if "acme" in parties
            else "absent"
        ),
        "observations": {
            p: frac(behaviour(d, "critical-friend")["components"]["observations"])  # type: ignore[index]
            for p, d in parties.items()
        },
    }


def rounded(found: dict[str, object]) -> dict[str, object]:
    """Fractions as jw reports them: rates to 4 places, components to 2."""
    out = dict(found)
    out["flexible"] = {
        p: None if x is None else r4(x)
        for p, x in found["flexible"].items()  # type: ignore[attr-defined]
    }
    out["observations"] = {
        p: None if x is None else Fraction(int(x * 100 + Fraction(1, 2)), 100)
        for p, x in found["observations"].items()  # type: ignore[attr-defined]
    }
    return out


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(worlds())
def test_jw_score_agrees_with_a_simple_reading_of_the_rules(w: World) -> None:
    with TemporaryDirectory() as folder:
        root = write_repo(Path(folder), files_of(w))
        for label, start, _ in QUARTERS:
            if start > w.today:
                continue  # a quarter that has not begun is refused, not scored
            assert actual(root, w, label) == rounded(expected(w, label)), label
