"""Parties joining and leaving (lifecycle.md, "Parties joining and leaving").

A record may name a party only while it is a member: from `joined` (founders: from the start)
through `left`. Two exceptions: an amendment may be agreed by a party that joins later (it
agrees to join), and an escalation may name a party after it left while the triggers of its last
quarter can still be answered. That window is kept simple and generous: the end of the quarter
containing `left`, plus the measurement grace, plus the longest `respond_within_days` of the
ladder (the latest respond-by any trigger of that quarter can have).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from jwcli.checks.registry import check
from jwcli.model.charter import Charter, Party
from jwcli.model.findings import Finding
from jwcli.model.records import Amendment, Commitment, Cost, Escalation, Meeting
from jwcli.model.relationship import CHARTER_FILE, Relationship
from jwcli.quarters import Quarter

PARTY_FIELDS = ("party", "parties", "to", "by", "invited", "agreed_by")


def removed_party_hint(value: str) -> str:
    return (
        f"; if `{value}` has left the relationship, keep it in charter.yaml with "
        "`left: <its last day>` instead of removing it"
    )


def _membership(p: Party) -> str:
    since = f"from {p.joined}" if p.joined is not None else "from the start"
    until = f" to {p.left}" if p.left is not None else ""
    return f"a member {since}{until}"


def escalation_window_end(c: Charter, p: Party) -> dt.date | None:
    """The last day an escalation may name `p` (None: no end, it has not left)."""
    if p.left is None:
        return None
    quarter_end = Quarter.of(p.left, c.fiscal_year_start).end(c.fiscal_year_start)
    longest = max((lv.respond_within_days for lv in c.escalation.levels), default=0)
    return quarter_end + dt.timedelta(days=c.governance.measurement_grace_days + longest)


_FIELDS_OF: dict[type, tuple[str, ...]] = {}


def _fields_of(cls: type) -> tuple[str, ...]:
    """The party fields a record class has: asking a pydantic model for a field it lacks costs
    an AttributeError (~2 us), seven times a record."""
    found = _FIELDS_OF.get(cls)
    if found is None:
        has = getattr(cls, "model_fields", {})
        found = _FIELDS_OF[cls] = tuple(f for f in PARTY_FIELDS if f in has)
    return found


Hit = tuple[str, tuple[str | int, ...], str]


def _named(record: object, limited: Mapping[str, Party]) -> list[Hit]:
    """(field, loc, party) for each party in `limited` that the record names."""
    hits: list[Hit] = []
    for field in _fields_of(type(record)):
        value = getattr(record, field)
        if type(value) is str:
            if value in limited:
                hits.append((field, (field,), value))
        elif value:
            for i, item in enumerate(value):
                if item in limited:
                    hits.append((field, (field, i), item))
    if type(record) is Meeting:
        for party in record.attendees:
            if party in limited:
                hits.append(("attendees", ("attendees", party), party))
    return hits


@check
def membership(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    c = rel.charter
    if c is None:
        return
    parties = {p.id: p for p in c.parties}
    for i, party in enumerate(c.parties):
        if party.joined is not None and party.left is not None and party.left < party.joined:
            yield Finding(
                CHARTER_FILE,
                f"party `{party.id}` left ({party.left}) before it joined ({party.joined}): "
                "`left` is the last day of membership; correct one of the dates",
                "membership",
                loc=("parties", i, "left"),
            )
    # only parties that joined or left can be named outside their membership
    limited = {p.id: p for p in c.parties if p.joined is not None or p.left is not None}
    if not limited:
        return
    fy = c.fiscal_year_start
    for entry in rel.records.values():
        record = entry.record
        for field, loc, party_id in _named(record, limited):
            p = limited[party_id]
            if isinstance(record, Cost):
                start, end = record.period.start(fy), record.period.end(fy)
                if not p.member_during(start, end):
                    yield Finding(
                        entry.path,
                        f"`{party_id}` is not a member during {record.period} ({_membership(p)})",
                        "membership",
                        loc=loc,
                        at_key=field == "attendees",
                    )
                continue
            day = record.date
            if p.member_on(day):
                continue
            joins_later = p.joined is not None and day < p.joined
            if isinstance(record, Amendment) and field == "agreed_by" and joins_later:
                continue  # agreeing to join
            if isinstance(record, Escalation) and field == "parties" and p.left is not None:
                last = escalation_window_end(c, p)
                if day > p.left and last is not None and day <= last:
                    continue
            yield Finding(
                entry.path,
                f"`{party_id}` is not a member on {day} ({_membership(p)}): name only parties "
                "that are members on the record's date",
                "membership",
                loc=loc,
                at_key=field == "attendees",
            )
        if type(record) is Commitment:
            assert isinstance(record, Commitment)
            leaver = limited.get(record.party)
            if leaver is not None and leaver.left is not None and record.due > leaver.left:
                yield Finding(
                    entry.path,
                    f"due {record.due}, after `{leaver.id}` leaves ({leaver.left}): it counts "
                    "in no on-time rate",
                    "membership-due",
                    severity="warning",
                    loc=("due",),
                )
    for a_entry in rel.assessments:
        a = a_entry.assessment
        start, end = a.quarter.start(fy), a.quarter.end(fy)
        assessor = parties.get(a.assessor)
        if assessor is not None and not assessor.member_during(start, end):
            yield Finding(
                a_entry.path,
                f"assessor `{assessor.id}` is not a member during {a.quarter} "
                f"({_membership(assessor)})",
                "membership",
                loc=("assessor",),
            )
        for rated in a.ratings:
            ratee = parties.get(rated)
            if ratee is not None and not ratee.member_during(start, end):
                yield Finding(
                    a_entry.path,
                    f"`{ratee.id}` is not a member during {a.quarter} ({_membership(ratee)}): "
                    "rate only members of the quarter",
                    "membership",
                    loc=("ratings", rated),
                    at_key=True,
                )
