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
