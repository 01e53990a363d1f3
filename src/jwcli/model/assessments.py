"""assessments/<quarter>/<assessor>.yaml: one party's ratings of the ten behaviours."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from jwcli.model.common import BehaviourId, Date, QuarterLabel, RecordId, Slug, Strict, empty_list


class Rating(Strict):
    rating: Annotated[int, Field(ge=1, le=5)]
    evidence: list[RecordId] = empty_list()
    note: str | None = None


class Assessment(Strict):
    quarter: QuarterLabel
    assessor: Slug
    date: Date
    ratings: dict[Slug, dict[BehaviourId, Rating]]
    notes: str | None = None
