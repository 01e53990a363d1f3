"""A cell's value for one field, read as the loader reads the same text in a YAML file.

Text cells go through the YAML 1.2 core rules of `load.yamlsafe.resolve_plain` wherever the field
wants a number or true/false, so `1,200` or `£1200` in an amount is refused with the message
`jw validate` gives, and `1200.50` stays the exact decimal 1200.50. Where the field wants text (a
summary, an id, a choice), the cell is text as it stands: `=SUM(A1)` or `-5 days` in a summary is
kept, never evaluated. Quarters may be spelt any way the command line accepts (`Q2 2026`,
`2026Q2`) and are written `2026-Q2`.

xlsx cells may also hold real numbers, dates and true/false. A spreadsheet keeps numbers as binary
floats; such a number is read as the shortest decimal that is that float (`0.1`, not
`0.1000000000000000055...`), and an amount as money with two decimals.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from jwcli.importing.sheets import Cell
from jwcli.load.yamlsafe import resolve_plain
from jwcli.model.common import parse_money
from jwcli.model.records import RECORD_KINDS
from jwcli.quarters import Quarter
from jwcli.write.records import FieldProblem, FieldSpec, clean_text, field_specs

ValueKind = Literal[
    "text", "quarter", "date", "money", "number", "integer", "bool", "list", "mapping"
]
_CENT = Decimal("0.01")
# Free-text lists whose items may well hold commas: only `;` (or a new line) separates them.
_SEMICOLON_ONLY = frozenset({"decisions"})


class CellProblem(ValueError):
    """A cell's value cannot be used for its field; the message says why and how to fix it."""


@dataclass(frozen=True, slots=True)
class FieldType:
    spec: FieldSpec
    kind: ValueKind

    @property
    def name(self) -> str:
        return self.spec.name


def _bare(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under Optional and Annotated, and the Annotated metadata."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            annotation = args[0]
    if typing.get_origin(annotation) is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return base, list(extra)
    return annotation, []


def _value_kind(spec: FieldSpec, info: Any) -> ValueKind:
    if spec.shape == "list":
        return "list"
    if spec.shape == "mapping":
        return "mapping"
    if spec.shape == "flag":
        return "bool"
    base, extra = _bare(info.annotation)
    metadata = [*info.metadata, *extra]
    if base is Quarter:
        return "quarter"
    if base is dt.date:
        return "date"
    if base is Decimal:
        is_money = any(getattr(m, "func", None) is parse_money for m in metadata)
        return "money" if is_money else "number"
    if base is int:
        return "integer"
    return "text"


@cache
def field_types(kind: str) -> dict[str, FieldType]:
    """Every field of a record kind with how its cells are read, in the order `jw add` uses."""
    fields = RECORD_KINDS[kind].model_fields
    return {s.name: FieldType(s, _value_kind(s, fields[s.name])) for s in field_specs(kind)}


def is_blank(cell: Cell) -> bool:
    return cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())


def float_decimal(value: float) -> Decimal:
    """The shortest decimal that reads back as this float: what the spreadsheet shows."""
    return Decimal(repr(value))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(float_decimal(value), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _clean(text: str) -> str:
    try:
        return clean_text(text)
    except FieldProblem as exc:
        raise CellProblem(str(exc)) from None


def _formula(cell: Cell) -> None:
    if cell.formula:
        raise CellProblem(
            f"holds the formula `{cell.value}`; jw reads values, never formulas: "
            "copy the column and paste it back as values"
        )


def _date(cell: Cell) -> Any:
    value = cell.value
    _formula(cell)
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise CellProblem(
                f"holds a date and time ({value.isoformat(sep=' ')}); give the date only"
            )
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        raise CellProblem(
            f"holds the number {_text(value)}, not a date: format the cell as a date, "
            "or write the date as YYYY-MM-DD"
        )
    return _clean(_text(value))


def _number(cell: Cell, kind: ValueKind) -> Any:
    value = cell.value
    _formula(cell)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellProblem("is not a finite number")
        number = float_decimal(value)
        if kind == "integer" and number == number.to_integral_value():
            return int(number)
        if kind == "money":
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and exponent > -2:
                number = number.quantize(_CENT)
        return number
    if isinstance(value, int):
        if kind == "money":
            return Decimal(value).quantize(_CENT)
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise CellProblem(f"holds the date {_text(value)}, not a number")
    return resolve_plain(_clean(str(value)))


def _split(text: str, semicolons_only: bool) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = [text]
    for sep in ("\n", ";") if semicolons_only else ("\n", ";", ","):
        parts = [piece for part in parts for piece in part.split(sep)]
    return [item for item in (_clean(p) for p in parts) if item]


def _mapping(text: str) -> dict[str, list[str]]:
    """`north=Ann Lee, Raj Patel; acme=Sam Jones`: the form `jw export` writes attendees in."""
    found: dict[str, list[str]] = {}
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        key, sep, names = part.partition("=")
        key = _clean(key)
        if not sep or not key:
            raise CellProblem(
                f"`{part.strip()}` is not PARTY=NAMES; write e.g. north=Ann Lee, Raj Patel; "
                "acme=Sam Jones"
            )
        found.setdefault(key, []).extend(_split(names, False))
    return found


def read_value(field: FieldType, cell: Cell) -> Any:
    """The value the loader would hand the model for this field; None for a blank cell.

    CellProblem when the cell cannot be a value of the field at all (a formula in a number, a
    time of day in a date); a value of the wrong kind is left for the model to name.
    """
    if is_blank(cell):
        return None
    kind = field.kind
    value = cell.value
    if kind == "date":
        return _date(cell)
    if kind in ("money", "number", "integer"):
        return _number(cell, kind)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        _formula(cell)
        return resolve_plain(_clean(_text(value)))
    text = _clean(_text(value))
    if kind == "quarter":
        quarter = Quarter.from_argument(text)
        return str(quarter) if quarter is not None else text
    if kind == "list":
        items = _split(text, field.name in _SEMICOLON_ONLY)
        if field.spec.one_or_many and len(items) == 1:
            return items[0]
        return items or None
    if kind == "mapping":
        return _mapping(text) or None
    return text
