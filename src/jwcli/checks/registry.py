"""The registry of checks. Each check is `check(rel, today) -> Iterable[Finding]`: pure, no I/O
beyond stat calls for attachments, and safe to run on a partly loaded repository."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from jwcli.model.findings import Finding
from jwcli.model.relationship import Relationship

Check = Callable[[Relationship, dt.date], Iterable[Finding]]

CHECKS: list[Check] = []


def check(func: Check) -> Check:
    CHECKS.append(func)
    return func
