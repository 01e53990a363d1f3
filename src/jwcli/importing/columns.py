"""Which column of a sheet holds which field of a record kind.

Headers match field names with case, spaces, `-` and `_` forgiven (`New due`, `new-due` and
`NEW_DUE` are all `new_due`), so the tables `jw export` writes match as they are. The columns
`jw export` derives from a record (its `quarter`, `path`, `superseded_by`) are recognised and
ignored; `--map COLUMN=FIELD` names the field of any other column, and `--map COLUMN=` ignores a
column. Any other column is a problem: a typo must not silently drop data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from jwcli.errors import UsageError
from jwcli.importing.values import FieldType

ID = "id"
KIND = "kind"
# Columns `jw export` derives from each record; they carry nothing to import.
DERIVED = ("quarter", "path", "superseded_by")


def normal(name: str) -> str:
    """`New due ` -> `new_due`: how headers and field names are compared."""
    return re.sub(r"[\s_\-]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class Problem:
    column: int | None  # 0-based; None: about the header row as a whole
    message: str


@dataclass
class Columns:
    """Field name -> column index (0-based), plus `id` and `kind` when the sheet has them."""

    fields: dict[str, int] = field(default_factory=dict)
    id: int | None = None
    kind: int | None = None
    problems: list[Problem] = field(default_factory=list)


def parse_maps(texts: Sequence[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options as normalised column -> field (`""`: ignore the column)."""
    maps: dict[str, str] = {}
    for text in texts:
        column, sep, target = text.partition("=")
        if not sep or not column.strip():
            raise UsageError(
                f"--map `{text}` is not COLUMN=FIELD; write e.g. --map 'Net amount=amount' "
                "(or --map 'Cost centre=' to ignore a column)"
            )
        maps[normal(column)] = normal(target)
    return maps


def match_columns(
    header: Sequence[str], fields: Mapping[str, FieldType], maps: Mapping[str, str], kind: str
) -> Columns:
    """Match each header to a field; problems for unknown, doubled and missing columns."""
    known = {normal(name): name for name in fields}
    unused_maps = dict(maps)
    for target in maps.values():
        if target and target not in known and target != ID:
            raise UsageError(
                f"--map: `{target}` is not a field of a {kind}; its fields: "
                + ", ".join(["id", *fields])
            )
    found = Columns()
    own_quarter = "quarter" in fields
    quarter_columns = [i for i, h in enumerate(header) if normal(h) == "quarter"]
    for index, raw in enumerate(header):
        name = normal(raw)
        if not name:
            found.problems.append(
                Problem(index, "this column has no name: name it after a field, or delete it")
            )
            continue
        if name in maps:
            target = unused_maps.pop(name, maps[name])
            if not target:
                continue
        elif name == "quarter" and own_quarter and len(quarter_columns) > 1:
            # jw export's escalation table: the derived quarter first, the field after it
            if index == quarter_columns[0]:
                continue
            target = "quarter"
        elif name in known or name in (ID, KIND):
            target = name
        elif name in DERIVED:
            continue
        else:
            listed = any("is not a field" in p.message for p in found.problems)
            found.problems.append(
                Problem(
                    index,
                    f"column `{raw.strip()}` is not a field of a {kind}: rename it, map it with "
                    f"--map '{raw.strip()}=FIELD', or ignore it with --map '{raw.strip()}='"
                    + ("" if listed else f" (the fields: {', '.join(['id', *fields])})"),
                )
            )
            continue
        if target == ID:
            if found.id is not None:
                found.problems.append(Problem(index, "a second `id` column; keep one"))
            found.id = index
            continue
        if target == KIND:
            found.kind = index
            continue
        field_name = known[target]
        if field_name in found.fields:
            other = found.fields[field_name]
            found.problems.append(
                Problem(
                    index,
                    f"a second column for `{field_name}` (the first is column "
                    f"{other + 1}); keep one, or map one of them elsewhere with --map",
                )
            )
            continue
        found.fields[field_name] = index
    for column in unused_maps:
        raise UsageError(f"--map: the sheet has no column `{column}`")
    missing = [name for name, ft in fields.items() if ft.spec.required and name not in found.fields]
    if missing:
        found.problems.append(
            Problem(
                None,
                f"no column for the required field{'s' * (len(missing) > 1)} "
                f"{', '.join(missing)}: add {'it' if len(missing) == 1 else 'them'}, "
                "or name an existing column with --map COLUMN=FIELD",
            )
        )
    return found
