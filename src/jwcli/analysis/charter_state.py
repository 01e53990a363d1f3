"""Whether the charter is agreed (lifecycle.md, "The charter: draft, agreed, amended").

The charter is a **draft** until its first agreement: `amendment` records of its current
version whose `agreed_by`, together (superseded amendments left out), include every party that
is a member on the latest of their dates. Used by `jw review` (the pack and the close commit say
"Draft charter"), and meant for `jw validate`'s warning and `jw audit`'s charter rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from jwcli.model.charter import Charter
from jwcli.model.records import Amendment
from jwcli.model.relationship import Relationship


@dataclass(frozen=True, slots=True)
class Agreement:
    """The state of the charter's current version: who agreed it and who has not yet."""

    version: int
    amendments: tuple[str, ...]  # ids of the amendments of this version (not superseded)
    agreed_by: tuple[str, ...]
    missing: tuple[str, ...]  # members on the latest amendment's date that have not agreed

    @property
    def agreed(self) -> bool:
        return bool(self.amendments) and not self.missing


def agreement(rel: Relationship) -> Agreement | None:
    """Who agreed the charter's current version; None when there is no charter."""
    charter = rel.charter
    if charter is None:
        return None
    superseded = {sid for e in rel.records.values() for sid in e.record.superseded_ids}
    found = sorted(
        (
            (e.record.date, e.id, e.record)
            for e in rel.records.values()
            if isinstance(e.record, Amendment)
            and e.record.version == charter.version
            and e.id not in superseded
        ),
        key=lambda t: (t[0], t[1]),
    )
    return agreement_of(charter, [(rid, record) for _, rid, record in found])


def agreement_of(charter: Charter, amendments: list[tuple[str, Amendment]]) -> Agreement:
    """The same from a list of (id, amendment) of the charter's current version."""
    agreed: list[str] = []
    for _, record in amendments:
        agreed.extend(p for p in record.agreed_by if p not in agreed)
    if amendments:
        latest = max(record.date for _, record in amendments)
        members = [p.id for p in charter.parties if p.member_on(latest)]
    else:
        members = [p.id for p in charter.parties if p.joined is None]
    missing = tuple(p for p in members if p not in agreed)
    return Agreement(charter.version, tuple(rid for rid, _ in amendments), tuple(agreed), missing)


def is_draft(rel: Relationship) -> bool:
    """True until the first agreement: no version of the charter was ever agreed by every
    member. After that an unagreed current version is a validation error, not a draft."""
    charter = rel.charter
    if charter is None:
        return False
    superseded = {sid for e in rel.records.values() for sid in e.record.superseded_ids}
    by_version: dict[int, list[tuple[str, Amendment]]] = {}
    for e in rel.records.values():
        if isinstance(e.record, Amendment) and e.id not in superseded:
            by_version.setdefault(e.record.version, []).append((e.id, e.record))
    return not any(
        agreement_of(charter.model_copy(update={"version": version}), found).agreed
        for version, found in by_version.items()
    )
