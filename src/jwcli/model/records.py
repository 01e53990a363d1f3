"""records/**/<id>.yaml: one dated record per file, a discriminated union on `kind`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from jwcli.model.common import (
    MAX_LEVEL,
    MAX_VERSION,
    BehaviourId,
    Date,
    Money,
    Number,
    QuarterLabel,
    RecordId,
    Slug,
    Strict,
    Text,
    empty_list,
)


class RecordBase(Strict):
    date: Date
    summary: Text
    evidence: list[RecordId] = empty_list()
    attachments: list[str] = empty_list()
    tags: list[str] = empty_list()
    notes: str | None = None
    supersedes: RecordId | list[RecordId] | None = None

    @property
    def superseded_ids(self) -> tuple[str, ...]:
        """The ids this record corrects: `supersedes` takes one id or a list (lifecycle.md)."""
        target = self.supersedes
        if target is None:
            return ()
        return (target,) if isinstance(target, str) else tuple(target)


class Commitment(RecordBase):
    kind: Literal["commitment"]
    party: Slug
    due: Date
    to: list[Slug] = empty_list()
    objective: Slug | None = None
    kpi: Slug | None = None


class Update(RecordBase):
    kind: Literal["update"]
    commitment: RecordId
    status: Literal["delivered", "missed", "renegotiated", "withdrawn"]
    new_due: Date | None = None


class Measurement(RecordBase):
    kind: Literal["measurement"]
    kpi: Slug
    period: QuarterLabel
    value: Number


class Cost(RecordBase):
    kind: Literal["cost"]
    service: Slug
    party: Slug
    period: QuarterLabel
    amount: Money
    project: Slug | None = None


class Observation(RecordBase):
    kind: Literal["observation"]
    party: Slug
    behaviours: Annotated[list[BehaviourId], Field(min_length=1)]
    effect: Literal["positive", "negative", "neutral"]
    by: Slug | None = None


class Innovation(RecordBase):
    kind: Literal["innovation"]
    party: Slug
    status: Literal["proposed", "trialled", "adopted", "abandoned"]
    lessons: str | None = None
    innovation: RecordId | None = None


class Lesson(RecordBase):
    kind: Literal["lesson"]
    party: Slug
    services: list[Slug] = empty_list()


class Meeting(RecordBase):
    kind: Literal["meeting"]
    type: Literal["check-in", "quarterly-review", "escalation"]
    attendees: dict[Slug, list[str]]
    invited: list[Slug] | None = None
    decisions: list[str] = empty_list()


class Claim(RecordBase):
    kind: Literal["claim"]
    party: Slug


class Saving(RecordBase):
    kind: Literal["saving"]
    service: Slug
    party: Slug
    amount: Money
    one_off: bool = False
    stage: Literal["identified", "agreed", "implemented", "realised"]
    saving: RecordId | None = None


class Escalation(RecordBase):
    kind: Literal["escalation"]
    level: Annotated[int, Field(ge=1, le=MAX_LEVEL)]
    parties: Annotated[list[Slug], Field(min_length=1)]
    # An escalation answers a fired trigger only by naming it, for the quarter it is about
    # (lifecycle.md): `quarter` defaults to the quarter before its date when unset.
    trigger: Slug | list[Slug] | None = None
    quarter: QuarterLabel | None = None
    outcome: str | None = None

    @property
    def trigger_ids(self) -> tuple[str, ...]:
        target = self.trigger
        if target is None:
            return ()
        return (target,) if isinstance(target, str) else tuple(target)


class Amendment(RecordBase):
    kind: Literal["amendment"]
    # version 1 too: the charter is a draft until an amendment of its version agrees it
    version: Annotated[int, Field(ge=1, le=MAX_VERSION)]
    agreed_by: Annotated[list[Slug], Field(min_length=1)]


AnyRecord = (
    Commitment
    | Update
    | Measurement
    | Cost
    | Observation
    | Innovation
    | Lesson
    | Meeting
    | Claim
    | Saving
    | Escalation
    | Amendment
)
Record = Annotated[AnyRecord, Field(discriminator="kind")]

RECORD_KINDS: dict[str, type[RecordBase]] = {
    "commitment": Commitment,
    "update": Update,
    "measurement": Measurement,
    "cost": Cost,
    "observation": Observation,
    "innovation": Innovation,
    "lesson": Lesson,
    "meeting": Meeting,
    "claim": Claim,
    "saving": Saving,
    "escalation": Escalation,
    "amendment": Amendment,
}
