"""Small annotated types shared by every file model.

The loader hands over YAML 1.2 core scalars: text, int, Decimal, bool or None. These types parse
that text themselves instead of leaning on Pydantic's lax coercion, which would round money through
float, read `0` as 1970-01-01 or accept `inf` (shared/spec/quality.md).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from jwcli.behaviours import BEHAVIOUR_SHORT as BEHAVIOUR_SHORT  # re-exported
from jwcli.behaviours import BEHAVIOURS as BEHAVIOURS  # re-exported
from jwcli.model.findings import shorten
from jwcli.quarters import Quarter

# Bounds on what validates, so that everything that validates also computes (dates, quarters,
# sums and exports): years, money and other numbers, counts of days and quarters.
MIN_YEAR, MAX_YEAR = 1900, 2999
MAX_MAGNITUDE = Decimal(10) ** 18  # amounts and numbers stay below a million million million
MAX_DAYS = 3660  # about ten years: any `..._days` setting
MAX_FOR_QUARTERS = 40  # ten years of consecutive quarters
MAX_LEVEL = 99
MAX_VERSION = 99999

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
RECORD_ID_PATTERN = r"^[a-z0-9-]{3,80}$"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# digits the loader kept as text because Python will not read an integer that long
_LONG_DIGITS_RE = re.compile(r"[-+]?[0-9]{100,}")
_SLUG_RE = re.compile(SLUG_PATTERN)
_RECORD_ID_RE = re.compile(RECORD_ID_PATTERN)

BehaviourId = Literal[
    "objectives-met",
    "cost-optimisation",
    "objectives-aligned",
    "commercial-trust",
    "flexible-charter",
    "critical-friend",
    "innovation",
    "evidence-based",
    "peer-reputation",
    "internal-alignment",
]


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors, nothing is coerced silently."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | Decimal):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "jw_date",
            "expected a date written YYYY-MM-DD, found {found}",
            {"found": _describe(value)},
        )
    if not _DATE_RE.fullmatch(value):
        raise PydanticCustomError(
            "jw_date",
            "`{text}` is not a date: write it YYYY-MM-DD, e.g. 2026-05-12",
            {"text": shorten(value)},
        )
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "jw_date", "`{text}` is not a real calendar date", {"text": value}
        ) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise PydanticCustomError(
            "jw_date",
            "`{text}` is out of range: years run from {low} to {high}",
            {"text": value, "low": MIN_YEAR, "high": MAX_YEAR},
        )
    return day


def _too_large(text: str) -> PydanticCustomError:
    return PydanticCustomError(
        "jw_number",
        "`{text}` is too large: numbers and amounts must be below 10^18 "
        "(a million million million) either way",
        {"text": shorten(text)},
    )


def parse_number(value: Any) -> Decimal:
    cls = type(value)
    if cls is int or cls is Decimal:
        number = Decimal(value) if cls is int else value
        if not number.is_finite():
            raise PydanticCustomError("jw_number", "expected a finite number", {})
        if not -MAX_MAGNITUDE < number < MAX_MAGNITUDE:
            raise _too_large(str(value))
        return number
    if isinstance(value, str):
        if _LONG_DIGITS_RE.fullmatch(value):
            raise _too_large(value)
        raise PydanticCustomError(
            "jw_number",
            "`{text}` is not a number: write digits with an optional decimal point, e.g. 82.5",
            {"text": shorten(value)},
        )
    raise PydanticCustomError(
        "jw_number", "expected a number, found {found}", {"found": _describe(value)}
    )


def parse_money(value: Any) -> Decimal:
    if isinstance(value, str):
        if _LONG_DIGITS_RE.fullmatch(value):
            raise _too_large(value)
        raise PydanticCustomError(
            "jw_money",
            "`{text}` is not an amount: write money as a plain number such as 1200.50 "
            "(no thousands separators, currency symbols or exponents)",
            {"text": shorten(value)},
        )
    amount = parse_number(value)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise PydanticCustomError(
            "jw_money", "`{text}` has more than 2 decimal places", {"text": shorten(str(value))}
        )
    return amount


def parse_quarter(value: Any) -> Quarter:
    if isinstance(value, Quarter):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "jw_quarter",
            "expected a quarter such as 2026-Q1, found {found}",
            {"found": _describe(value)},
        )
    quarter = Quarter.from_label(value)
    if quarter is None:
        raise PydanticCustomError(
            "jw_quarter",
            "`{text}` is not a quarter: write YYYY-Qn, e.g. 2026-Q1",
            {"text": shorten(value)},
        )
    if not MIN_YEAR <= quarter.year <= MAX_YEAR:
        raise PydanticCustomError(
            "jw_quarter",
            "`{text}` is out of range: years run from {low} to {high}",
            {"text": value, "low": MIN_YEAR, "high": MAX_YEAR},
        )
    return quarter


def _pattern_validator(pattern: re.Pattern[str], what: str, example: str) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError(
                "jw_id",
                "expected {what} (text), found {found}",
                {"what": what, "found": _describe(value)},
            )
        if not pattern.fullmatch(value):
            raise PydanticCustomError(
                "jw_id",
                "`{text}` is not a valid {what}: "
                "use lowercase letters, digits and `-`, e.g. {example}",
                {"text": shorten(value), "what": what, "example": example},
            )
        return value

    return check


Date = Annotated[
    dt.date,
    PlainValidator(parse_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _DATE_RE.pattern}),
]
Money = Annotated[
    Decimal,
    PlainValidator(parse_money),
    PlainSerializer(lambda d: str(d), return_type=str),
    WithJsonSchema(
        {"type": "number", "multipleOf": 0.01, "exclusiveMaximum": 1e18, "exclusiveMinimum": -1e18}
    ),
]
Number = Annotated[
    Decimal,
    PlainValidator(parse_number),
    PlainSerializer(lambda d: str(d), return_type=str),
    WithJsonSchema({"type": "number", "exclusiveMaximum": 1e18, "exclusiveMinimum": -1e18}),
]
QuarterLabel = Annotated[
    Quarter,
    PlainValidator(parse_quarter),
    PlainSerializer(lambda q: str(q), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-Q[1-4]$"}),
]
Slug = Annotated[
    str,
    PlainValidator(_pattern_validator(_SLUG_RE, "id", "north-council")),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN}),
]
RecordId = Annotated[
    str,
    PlainValidator(_pattern_validator(_RECORD_ID_RE, "record id", "2026-05-12-patching-sla")),
    WithJsonSchema({"type": "string", "pattern": RECORD_ID_PATTERN}),
]
Text = Annotated[str, Field(min_length=1)]


def parse_currency(value: Any) -> str:
    from jwcli.model.currencies import CURRENCY_CODES

    if not isinstance(value, str):
        raise PydanticCustomError(
            "jw_currency",
            "expected a currency code such as GBP, found {found}",
            {"found": _describe(value)},
        )
    if value not in CURRENCY_CODES:
        raise PydanticCustomError(
            "jw_currency",
            "`{text}` is not an ISO 4217 currency code: write it in capitals, e.g. GBP, EUR, USD",
            {"text": shorten(value)},
        )
    return value


def _currency_schema() -> dict[str, Any]:
    from jwcli.model.currencies import CURRENCY_CODES

    return {"type": "string", "enum": sorted(CURRENCY_CODES)}


Currency = Annotated[str, PlainValidator(parse_currency), WithJsonSchema(_currency_schema())]


def empty_list() -> Any:
    """A `[]` default that pydantic need not deep-copy for every model it builds.

    A plain `= []` default is copied with `copy.deepcopy` on each validation: ~40% of a small
    record's validation time. The schema still says `"default": []`.
    """
    return Field(default_factory=list, json_schema_extra={"default": []})


def is_record_id(text: str) -> bool:
    return bool(_RECORD_ID_RE.fullmatch(text))
