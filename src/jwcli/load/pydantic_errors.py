"""Turn Pydantic validation errors into findings a partnership manager can act on."""

from __future__ import annotations

import difflib
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
        return f"unknown field `{key}`{hint}; remove it or fix its spelling"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{_describe(value)} is not allowed here; expected one of {expected}"
    if kind == "bool_type":
        if isinstance(value, str):
            return f"`{value}` is not a boolean: use true or false"
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
