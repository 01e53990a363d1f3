"""Where a record sits and how it is named agree with what it says: the date at the start of
its id and the quarter folder it is filed under; saving and innovation chains stay with one
party."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from jwcli.analysis.quarters import record_quarter
from jwcli.checks.registry import check
from jwcli.model.findings import Finding
from jwcli.model.records import Innovation, Saving
from jwcli.model.relationship import Relationship
from jwcli.quarters import Quarter

_ID_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:-|\Z)")


@check
def placement(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    fy = rel.fiscal_year_start
    for entry in rel.records.values():
        record = entry.record
        match = _ID_DATE_RE.match(entry.id)
        if match and match[1] != record.date.isoformat():
            yield Finding(
                entry.path,
                f"dated {record.date}, but its id starts with {match[1]}: check the date "
                "(the file name is kept: ids never change)",
                "id-date",
                severity="warning",
                loc=("date",),
            )
        parts = entry.path.split("/")
        folder = parts[-2] if len(parts) > 2 else ""
        filed = Quarter.from_label(folder)
        if filed is not None:
            belongs = record_quarter(record, fy)
            if filed != belongs:
                field = "period" if hasattr(record, "period") else "date"
                yield Finding(
                    entry.path,
                    f"filed under {folder}/ but it belongs to {belongs} (its `{field}`): "
                    "check it, and move the file if the folder is wrong",
                    "folder-quarter",
                    severity="warning",
                    loc=(field,),
                )


@check
def chains_keep_their_party(rel: Relationship, today: dt.date) -> Iterable[Finding]:
    for entry in rel.records.values():
        record = entry.record
        if isinstance(record, Saving):
            field, earlier_id = "saving", record.saving
        elif isinstance(record, Innovation):
            field, earlier_id = "innovation", record.innovation
        else:
            continue
        earlier = rel.records.get(earlier_id) if earlier_id else None
        if earlier is None or earlier.record.kind != record.kind:
            continue  # record_references says why
        party = getattr(earlier.record, "party", None)
        if party != record.party:
            yield Finding(
                entry.path,
                f"`{earlier_id}` is `{party}`'s {record.kind}, this record `{record.party}`'s: "
                f"a {record.kind} moves on with the same party; start a new chain (no "
                f"`{field}:`) for another party",
                "chain-party",
                loc=("party",),
            )
