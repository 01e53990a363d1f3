"""The fiscal calendar as scoring sees it: quarter bounds, the as-of date, the first scored quarter.

`jwcli.quarters.Quarter` does the calendar arithmetic; this adds what depends on the charter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jwcli.model.charter import Charter
from jwcli.model.records import RecordBase
from jwcli.quarters import Quarter


@dataclass(frozen=True, slots=True)
class Period:
    """A quarter with its dates and the date it is judged as of."""

    quarter: Quarter
    start: dt.date
    end: dt.date
    as_of: dt.date  # the quarter's last day or today, whichever is earlier

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period(quarter: Quarter, fiscal_year_start: int, today: dt.date) -> Period:
    start, end = quarter.start(fiscal_year_start), quarter.end(fiscal_year_start)
    return Period(quarter, start, end, min(end, today))


def current_quarter(today: dt.date, fiscal_year_start: int = 1) -> Quarter:
    """The quarter containing `today`."""
    return Quarter.of(today, fiscal_year_start)


def last_completed_quarter(today: dt.date, fiscal_year_start: int = 1) -> Quarter:
    """The latest quarter whose last day is before `today`."""
    return Quarter.of(today, fiscal_year_start).previous()


def parse_quarter_argument(text: str, today: dt.date, fiscal_year_start: int = 1) -> Quarter | None:
    """A quarter as typed on the command line (commands.md), or None when it is not one.

    Accepts YYYY-Qn, YYYYQn, YYYY Qn, Qn-YYYY, Qn YYYY, `last` and `current`, any case.
    """
    word = text.strip().lower()
    if word == "current":
        return current_quarter(today, fiscal_year_start)
    if word == "last":
        return last_completed_quarter(today, fiscal_year_start)
    return Quarter.from_argument(text)


def require_started(quarter: Quarter, today: dt.date, fiscal_year_start: int = 1) -> Quarter:
    """Refuse a quarter that has not begun: scored as of today it would show every KPI as
    unmeasured and fire triggers for work nobody could have done yet."""
    start = quarter.start(fiscal_year_start)
    if start > today:
        from jwcli.errors import UsageError

        raise UsageError(
            f"{quarter} starts on {start.isoformat()}, after today ({today.isoformat()}); "
            "choose a quarter that has begun",
            hint="use --today to evaluate the data as of another date",
        )
    return quarter


def first_scored_quarter(charter: Charter) -> Quarter:
    """The quarter containing the charter's `effective` date: no earlier quarter is scored."""
    return Quarter.of(charter.effective, charter.fiscal_year_start)


def is_scored(quarter: Quarter, charter: Charter) -> bool:
    """False for a quarter that ends before the charter's `effective` date (scoring.md)."""
    return quarter.end(charter.fiscal_year_start) >= charter.effective


def last_quarters(quarter: Quarter, count: int) -> list[Quarter]:
    """`count` quarters ending with `quarter`, oldest first."""
    found = [quarter]
    for _ in range(count - 1):
        found.append(found[-1].previous())
    return found[::-1]


def record_quarter(record: RecordBase, fiscal_year_start: int = 1) -> Quarter:
    """The quarter a record belongs to (lifecycle.md): a cost's or measurement's `period`, every
    other record's `date`. The one definition used by `jw add` (the folder it files under),
    sign-off and late records, audit and warnings by quarter."""
    period_ = getattr(record, "period", None)
    if isinstance(period_, Quarter):
        return period_
    return Quarter.of(record.date, fiscal_year_start)


def is_finished(quarter: Quarter, today: dt.date, fiscal_year_start: int = 1) -> bool:
    """A quarter is finished when its last day is before the date the data is evaluated as of;
    an unfinished quarter is scored provisionally (lifecycle.md)."""
    return quarter.end(fiscal_year_start) < today


def grace_end(quarter: Quarter, charter: Charter, closed_on: dt.date | None = None) -> dt.date:
    """The last day of the quarter's measurement grace: `measurement_grace_days` after its last
    day, or the day it was closed, if earlier (lifecycle.md)."""
    end = quarter.end(charter.fiscal_year_start) + dt.timedelta(
        days=charter.governance.measurement_grace_days
    )
    return end if closed_on is None else min(end, closed_on)


def awaiting_measurement(
    quarter: Quarter, charter: Charter, today: dt.date, closed_on: dt.date | None = None
) -> bool:
    """Whether a KPI unmeasured for `quarter` is still awaiting its measurement on `today`:
    its grace has not ended and the quarter is not closed (a close ends the grace)."""
    return closed_on is None and today <= grace_end(quarter, charter)
