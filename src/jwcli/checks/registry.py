"""The registry of checks. Each check is `check(rel, today) -> Iterable[Finding]`: pure, no I/O
beyond stat calls for attachments, and safe to run on a partly loaded repository.

A check is whole-repository unless declared otherwise, and runs in full on every validation.
`@record_check` declares a check whose every finding is about one record (on that record's
path) and depends only on that record, the records it names (`records.record_links`), the
records in a group with it (`checks.groups`: a new kind of dependency must be added there), the
charter, the baselines and `today`. Such a check also takes `only`, the ids to check (None:
every record), so `checks.run` can re-check just the records that changed and those that
depend on them, and keep every other record's findings from the last run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable

from jwcli.model.findings import Finding
from jwcli.model.relationship import RecordEntry, Relationship

Check = Callable[[Relationship, dt.date], Iterable[Finding]]
RecordCheck = Callable[[Relationship, dt.date, Collection[str] | None], Iterable[Finding]]

CHECKS: list[Check] = []
RECORD_CHECKS: list[RecordCheck] = []


def check(func: Check) -> Check:
    CHECKS.append(func)
    return func


def record_check(func: RecordCheck) -> RecordCheck:
    """Register a per-record check: in CHECKS (so every caller runs it in full as before) and in
    RECORD_CHECKS (so the incremental validation can run it on some records only)."""
    CHECKS.append(func)  # type: ignore[arg-type]  # `only` has a default: callable as a Check
    RECORD_CHECKS.append(func)
    return func


def scope(rel: Relationship, only: Collection[str] | None) -> Iterable[RecordEntry]:
    """The records a per-record check looks at: all, or those of `only` that loaded."""
    if only is None:
        return rel.records.values()
    return [rel.records[i] for i in only if i in rel.records]
