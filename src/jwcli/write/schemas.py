"""JSON Schemas of every file type, generated from the same models the loader validates with.

The custom types carry their own schema (money as a number with at most two decimals, dates as
YYYY-MM-DD strings), so an editor never passes what jw refuses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from jwcli.write.files import make_folder, replace_own

SCHEMA_FILES = {
    "charter": "charter.schema.json",
    "baselines": "baselines.schema.json",
    "record": "record.schema.json",
    "assessment": "assessment.schema.json",
}
# Which files each schema describes, as yaml-language-server globs relative to the repository.
SCHEMA_GLOBS = {
    "charter": ["charter.yaml"],
    "baselines": ["baselines.yaml"],
    "record": ["records/**/*.yaml"],
    "assessment": ["assessments/*/*.yaml"],
}


# Rules jw checks beyond a field's type that JSON Schema can also say, so an editor flags them
# as you type. They are keyed by model name and applied to the generated schema: a model that
# is renamed or removed makes generation fail rather than silently drop its rule.
_NOT_NULL: dict[str, Any] = {"not": {"type": "null"}}
# https:// links, or paths inside the repository: not absolute, not home, no drive letter, no
# other scheme, no `\`, no `..` segment (checks/paths.py, less what needs the file system).
ATTACHMENT_PATTERN = r"^(https://.*|(?![/~])(?![A-Za-z]:)(?!.*://)(?!.*\\)(?!(.*/)?\.\.(/|$)).+)$"
RULES: dict[str, dict[str, dict[str, Any]]] = {
    "charter": {
        # exactly one of `below` and `above`, each given and not null
        "Trigger": {
            "oneOf": [
                {"required": ["below"], "properties": {"below": _NOT_NULL}},
                {"required": ["above"], "properties": {"above": _NOT_NULL}},
            ]
        },
    },
    "record": {
        # `new_due` goes with renegotiated, and renegotiated needs it
        "Update": {
            "if": {"required": ["status"], "properties": {"status": {"const": "renegotiated"}}},
            "then": {"required": ["new_due"], "properties": {"new_due": _NOT_NULL}},
            "else": {"properties": {"new_due": {"type": "null"}}},
        },
        # an abandoned idea says what was learned
        "Innovation": {
            "if": {"required": ["status"], "properties": {"status": {"const": "abandoned"}}},
            "then": {
                "required": ["lessons"],
                "properties": {"lessons": {"type": "string", "pattern": r"\S"}},
            },
        },
    },
}


def _models() -> dict[str, Any]:
    from jwcli.model import assessments, baselines, charter, records

    found: dict[str, Any] = {}
    for module in (assessments, baselines, charter, records):
        for obj in vars(module).values():
            if isinstance(getattr(obj, "model_fields", None), dict):
                found[obj.__name__] = obj
    return found


def _json_number(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _add_bounds(definition: dict[str, Any], model: Any) -> None:
    """The models' numeric ranges: the number types carry their own schema, which hides them."""
    from jwcli.load.pydantic_errors import bounds_of

    properties = definition.get("properties", {})
    for name, field in model.model_fields.items():
        bounds = bounds_of(field)
        prop = properties.get(field.alias or name)
        if bounds is None or prop is None:
            continue
        low, low_in, high, high_in = (_json_number(b) if b is not None else b for b in bounds)
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") not in ("number", "integer"):
                continue
            if low is not None:
                branch["minimum" if low_in else "exclusiveMinimum"] = low
            if high is not None:
                branch["maximum" if high_in else "exclusiveMaximum"] = high


def _tighten(name: str, schema: dict[str, Any]) -> None:
    models = _models()
    definitions = dict(schema.get("$defs", {}))
    if "title" in schema and "properties" in schema:
        definitions[schema["title"]] = schema  # the file's own model is the root, not a $def
    for title, definition in definitions.items():
        if title in models:
            _add_bounds(definition, models[title])
        attachments = definition.get("properties", {}).get("attachments")
        if attachments is not None:
            attachments["items"]["pattern"] = ATTACHMENT_PATTERN
    for title, rule in RULES.get(name, {}).items():
        if title not in definitions:
            raise KeyError(f"schema rule for {title}, which the {name} schema does not define")
        definitions[title].update(rule)


def schemas() -> dict[str, dict[str, Any]]:
    from jwcli.model.assessments import Assessment
    from jwcli.model.baselines import Baselines
    from jwcli.model.charter import Charter
    from jwcli.model.records import Record

    adapters: dict[str, Any] = {
        "charter": TypeAdapter(Charter),
        "baselines": TypeAdapter(Baselines),
        "record": TypeAdapter(Record),
        "assessment": TypeAdapter(Assessment),
    }
    result: dict[str, dict[str, Any]] = {}
    for name, adapter in adapters.items():
        schema = adapter.json_schema()
        _tighten(name, schema)
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"jw {name} file",
            **schema,
        }
        result[name] = schema
    return result


def render(schema: dict[str, Any]) -> bytes:
    return (json.dumps(schema, indent=2, sort_keys=True) + "\n").encode()


def write_schemas(out: Path, root: Path | None = None) -> list[Path]:
    """The schema files in `out`; never through a symbolic link inside the repository `root`."""
    make_folder(out, root)
    written = []
    for name, schema in schemas().items():
        path = out / SCHEMA_FILES[name]
        replace_own(path, render(schema))
        written.append(path)
    return written


def editor_settings() -> dict[str, Any]:
    """VS Code settings mapping each schema onto its files (yaml-language-server)."""
    return {
        "yaml.schemas": {
            f"./schemas/{SCHEMA_FILES[n]}": globs for n, globs in SCHEMA_GLOBS.items()
        },
        "files.encoding": "utf8",
        "files.eol": "\n",
    }
