"""Turn Pydantic validation errors into findings a partnership manager can act on."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic_core import ErrorDetails

from jwcli.model.findings import Finding, Loc, shorten


def _describe(value: object) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | Decimal):
        return f"the number `{shorten(str(value))}`"
    if isinstance(value, str):
        return f"the text `{shorten(value)}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


@cache
def _known_fields() -> tuple[str, ...]:
    from jwcli.model import assessments, baselines, charter, records

    names: set[str] = set()
    for module in (assessments, baselines, charter, records):
        for obj in vars(module).values():
            fields = getattr(obj, "model_fields", None)
            if isinstance(fields, dict):
                names.update(fields)
    return tuple(sorted(names))


Bounds = tuple[Any, bool, Any, bool]  # lower, lower included, upper, upper included


def bounds_of(field: Any) -> Bounds | None:
    """A model field's numeric range from its `Field(ge=..., le=...)` constraints, if any."""
    import annotated_types as at

    low: Any = None
    high: Any = None
    low_in = high_in = True
    for item in field.metadata:
        if isinstance(item, at.Ge):
            low, low_in = item.ge, True
        elif isinstance(item, at.Gt):
            low, low_in = item.gt, False
        elif isinstance(item, at.Le):
            high, high_in = item.le, True
        elif isinstance(item, at.Lt):
            high, high_in = item.lt, False
    return None if low is None and high is None else (low, low_in, high, high_in)


@cache
def _field_bounds() -> dict[str, Bounds]:
    """Each bounded field's full range, so a message can give both ends; a name bounded
    differently in two models is left out (the error's own bound is used instead)."""
    from jwcli.model import assessments, baselines, charter, records

    found: dict[str, set[Bounds]] = {}
    for module in (assessments, baselines, charter, records):
        for obj in vars(module).values():
            fields = getattr(obj, "model_fields", None)
            if not isinstance(fields, dict):
                continue
            for name, field in fields.items():
                bounds = bounds_of(field)
                if bounds is not None:
                    found.setdefault(name, set()).add(bounds)
    return {name: next(iter(b)) for name, b in found.items() if len(b) == 1}


def _number(value: Any) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _range(bounds: Bounds) -> str:
    low, low_in, high, high_in = bounds
    lo = None if low is None else _number(low)
    hi = None if high is None else _number(high)
    if lo is not None and hi is not None:
        if low_in and high_in:
            return f"from {lo} to {hi}"
        first = f"at least {lo}" if low_in else f"more than {lo}"
        return f"{first} and {'at most' if high_in else 'less than'} {hi}"
    if lo is not None:
        return f"{lo} or more" if low_in else f"more than {lo}"
    return f"{hi} or less" if high_in else f"less than {hi}"


_BOUND_KINDS = {
    "greater_than_equal": ("ge", True, True),
    "greater_than": ("gt", False, True),
    "less_than_equal": ("le", True, False),
    "less_than": ("lt", False, False),
}


def _out_of_range(error: ErrorDetails) -> str:
    field = next((str(p) for p in reversed(error["loc"]) if isinstance(p, str)), "the value")
    bounds = _field_bounds().get(field)
    if bounds is None:
        key, included, is_low = _BOUND_KINDS[error["type"]]
        limit = error.get("ctx", {}).get(key)
        bounds = (limit, included, None, True) if is_low else (None, True, limit, included)
    value = error.get("input")
    shown = f"`{_number(value)}`" if isinstance(value, int | Decimal | float) else "it"
    return f"`{field}` must be {_range(bounds)}; found {shown}"


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    value: Any = error.get("input")
    if kind.startswith("jw_"):
        return error["msg"]
    if kind == "missing":
        return f"missing required field `{error['loc'][-1]}`"
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        close = difflib.get_close_matches(key, _known_fields(), n=1, cutoff=0.75)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        return f"unknown field `{shorten(key)}`{hint}; remove it or fix its spelling"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        hint = ""
        if isinstance(value, str):
            from jwcli.suggest import did_you_mean

            hint = did_you_mean(value, re.findall(r"'([^']*)'", expected))
        return f"{_describe(value)} is not allowed here{hint}; expected one of {expected}"
    if kind == "bool_type":
        if isinstance(value, str):
            return f"`{shorten(value)}` is not a boolean: use true or false"
        return f"expected true or false, found {_describe(value)}"
    if kind == "string_type":
        return f"expected text, found {_describe(value)}; put it in quotes if it is meant as text"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"expected a whole number, found {_describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (`key: value` lines), found {_describe(value)}"
    if kind == "list_type":
        return f"expected a list, found {_describe(value)}"
    if kind == "too_short" and isinstance(value, list):
        return "the list is empty; give at least one item"
    if kind == "string_too_short":
        return "the text is empty; write something"
    if kind in _BOUND_KINDS:
        return _out_of_range(error)
    ctx = error.get("ctx", {})
    if kind == "too_short":
        return f"give at least {ctx.get('min_length', 1)} item(s), found {_describe(value)}"
    if kind in ("too_long", "string_too_long"):
        what = "characters" if kind == "string_too_long" else "items"
        return f"too long: at most {ctx.get('max_length')} {what}"
    if kind == "string_pattern_mismatch":
        return f"{_describe(value)} does not have the form expected here ({ctx.get('pattern')})"
    if kind == "multiple_of":
        return f"{_describe(value)} must be a multiple of {ctx.get('multiple_of')}"
    if kind == "union_tag_invalid":
        from jwcli.suggest import did_you_mean

        field = str(ctx.get("discriminator", "kind")).strip("'")
        tag = str(ctx.get("tag"))
        expected = str(ctx.get("expected_tags", ""))
        hint = did_you_mean(tag, re.findall(r"'([^']*)'", expected))
        return f"unknown {field} `{tag}`{hint}; expected one of {expected}"
    if kind == "union_tag_not_found":
        return f"missing required field `{str(ctx.get('discriminator', 'kind')).strip(chr(39))}`"
    if kind in ("float_type", "float_parsing", "decimal_type", "decimal_parsing"):
        return f"expected a number, found {_describe(value)}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return f"expected a date written YYYY-MM-DD, found {_describe(value)}"
    return str(error["msg"])


def findings_from_errors(
    path: str, errors: Iterable[ErrorDetails], prefix: Loc = ()
) -> list[Finding]:
    found: list[Finding] = []
    for error in errors:
        loc: Loc = (*prefix, *error["loc"])
        at_key = False
        if error["type"] == "missing":
            loc = loc[:-1]
        elif error["type"] == "extra_forbidden":
            at_key = True
        if "[key]" in loc:
            loc = loc[: loc.index("[key]")]
            at_key = True
        found.append(
            Finding(path=path, message=_message(error), rule="schema", loc=loc, at_key=at_key)
        )
    return found
