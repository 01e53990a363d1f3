"""Checks on assessments: the file's place matches its content, references resolve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from jwcli.checks.charter import unknown
from jwcli.checks.membership import removed_party_hint
from jwcli.checks.records import missing_record, unloaded_record_ids
from jwcli.checks.registry import check
from jwcli.model.findings import Finding
from jwcli.model.relationship import Relationship


@check
def assessment_consistency(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    parties = set(rel.charter.party_ids()) if rel.charter else None
    unloaded = unloaded_record_ids(rel) if rel.assessments else set()
    for entry in rel.assessments:
        a = entry.assessment
        if a.assessor != entry.assessor_file:
            yield Finding(
                entry.path,
                f"assessor `{a.assessor}` does not match the file name "
                f"`{entry.assessor_file}.yaml`",
                "assessment",
                loc=("assessor",),
            )
        if str(a.quarter) != entry.folder:
            yield Finding(
                entry.path,
                f"quarter {a.quarter} does not match the folder `{entry.folder}`",
                "assessment",
                loc=("quarter",),
            )
        if a.date > today:
            yield Finding(
                entry.path,
                f"dated {a.date}, which is in the future",
                "future-date",
                severity="warning",
                loc=("date",),
            )
        if parties is not None and a.assessor not in parties:
            found = unknown(entry.path, ("assessor",), "party", a.assessor, parties)
            found.message += removed_party_hint(a.assessor)
            yield found
        for party, ratings in a.ratings.items():
            if parties is not None and party not in parties:
                yield Finding(
                    entry.path,
                    f"unknown party `{party}`; known: "
                    + ", ".join(sorted(parties))
                    + removed_party_hint(party),
                    "reference",
                    loc=("ratings", party),
                    at_key=True,
                )
            for behaviour, rating in ratings.items():
                loc = ("ratings", party, behaviour)
                for i, record_id in enumerate(rating.evidence):
                    if record_id not in rel.records:
                        yield missing_record(entry.path, (*loc, "evidence", i), record_id, unloaded)
                if not rating.evidence:
                    yield Finding(
                        entry.path,
                        f"rating of `{party}` on {behaviour} cites no evidence",
                        "unevidenced",
                        severity="warning",
                        loc=loc,
                        at_key=True,
                    )
