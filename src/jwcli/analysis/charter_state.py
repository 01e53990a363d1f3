"""Whether the charter is agreed: draft until its first agreement (lifecycle.md, "The charter").

A version is agreed by the `amendment` records of that version (superseded ones excluded) when
their `agreed_by`, together, include every party that is a member on the latest of their dates.
`agreed_by` may name more (a party joining later agrees to join). The charter is a **draft**
until some version has been agreed; after that an unagreed current version is an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jwcli.model.charter import Party
from jwcli.model.records import Amendment


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
