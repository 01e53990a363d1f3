"""Whether the charter is agreed (lifecycle.md, "The charter: draft, agreed, amended").

The charter is a **draft** until its first agreement: `amendment` records of its current
version whose `agreed_by`, together (superseded amendments left out), include every party that
is a member on the latest of their dates. Used by `jw review` (the pack and the close commit say
"Draft charter"), `jw validate`'s warning and error (`charter_state`) and `jw audit`'s charter
rules (`missing_agreement`, `is_agreed` on one version of the charter's history).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jwcli.model.charter import Charter, Party
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
        # an amendment of a version the charter has not reached agrees nothing (its own error)
        if version <= charter.version
    )


# --- over plain parties and amendments (validate, and audit's versions from history) ---


def active_amendments(
    amendments: Iterable[tuple[str, Amendment]], superseded: Iterable[str] = ()
) -> list[Amendment]:
    """The amendments (id, record) that no other record supersedes."""
    pairs = list(amendments)
    gone = set(superseded) | {t for _, a in pairs for t in a.superseded_ids}
    return [a for rid, a in pairs if rid not in gone]


def missing_agreement(
    parties: Sequence[Party], amendments: Iterable[Amendment], version: int
) -> list[str] | None:
    """The members that have not agreed `version`, sorted; None when no amendment agrees it."""
    of_version = [a for a in amendments if a.version == version]
    if not of_version:
        return None
    latest = max(a.date for a in of_version)
    agreed = {p for a in of_version for p in a.agreed_by}
    return sorted(p.id for p in parties if p.member_on(latest) and p.id not in agreed)


def is_agreed(parties: Sequence[Party], amendments: Iterable[Amendment], version: int) -> bool:
    return missing_agreement(parties, amendments, version) == []


@dataclass(frozen=True, slots=True)
class CharterState:
    version: int
    agreed: bool  # the current version is agreed
    ever_agreed: bool  # some version has been agreed: the charter is no longer a draft
    missing: list[str] | None  # who has not agreed the current version (None: no amendment)

    @property
    def draft(self) -> bool:
        return not self.ever_agreed


def charter_state(
    version: int, parties: Sequence[Party], amendments: Iterable[Amendment]
) -> CharterState:
    """The state of a charter at `version` with `parties`, given the active amendments.

    Records are append-only, so the amendments of earlier versions stay in the repository: the
    charter has been agreed once if any version they name is agreed (judged against today's
    parties, the only ones a working tree holds)."""
    found = list(amendments)
    missing = missing_agreement(parties, found, version)
    agreed = missing == []
    # an amendment of a version the charter has not reached yet agrees nothing (its own error)
    earlier = {a.version for a in found if a.version < version}
    ever = agreed or any(is_agreed(parties, found, v) for v in earlier)
    return CharterState(version, agreed, ever, missing)


def agree_command(version: int, parties: Sequence[Party]) -> str:
    """The command that records the agreement of `version` by every party."""
    ids = ",".join(p.id for p in parties if p.left is None)
    return f"jw add amendment --version {version} --agreed-by {ids}"
