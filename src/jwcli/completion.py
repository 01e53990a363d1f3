"""Shell completion of party ids, KPI ids, service ids and quarters, from the charter.

The shell runs `jw` on every <Tab>, so these read `charter.yaml` with the safe YAML loader alone
(no Pydantic, no validation, no records) and never raise: a repository that is missing or broken
just completes nothing. Typer calls them with the context of the command being completed (its
parents hold `-C/--repo` and `--today` as typed so far) and the word being completed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from jwcli.quarters import Quarter

Completions = list[tuple[str, str]]
# how far back quarter completion offers labels (ten years), newest first
_QUARTERS_BACK = 40
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The shell evaluates what completion offers: only ids that are valid slugs (model.common's
# SLUG_PATTERN, copied to keep pydantic out of every <Tab>) are offered, so a charter id such as
# `acme$(touch PWNED)` never reaches a command line. Hints are charter text too: kept to letters,
# digits and a few harmless marks, on one short line.
_SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
_HINT_UNSAFE_RE = re.compile(r"[^\w .,()&/+-]|_")
_HINT_MAX = 60


def _root_params(ctx: Any) -> dict[str, Any]:
    while getattr(ctx, "parent", None) is not None:
        ctx = ctx.parent
    params = getattr(ctx, "params", None)
    return params if isinstance(params, dict) else {}


def _find_root(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "charter.yaml").is_file():
            return folder
    return None


def charter_data(ctx: Any) -> dict[str, Any]:
    """The raw mapping of the repository's charter.yaml, or {} when there is none that parses."""
    from jwcli.load.yamlsafe import load_file

    repo = _root_params(ctx).get("repo")
    root = _find_root(Path(repo) if repo else Path.cwd())
    if root is None:
        return {}
    data, _ = load_file(root / "charter.yaml")
    return data if isinstance(data, dict) else {}


def _today(ctx: Any) -> dt.date:
    text = _root_params(ctx).get("today") or os.environ.get("JW_TODAY") or ""
    return _date(text) or dt.date.today()


def _date(text: Any) -> dt.date | None:
    """The date a charter or option spells, or None: completion must never fail on a hostile
    charter (`effective: 2025-02-30`, or a block scalar ending in a newline)."""
    if not isinstance(text, str) or not _DATE_RE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _matching(items: Completions, incomplete: str) -> Completions:
    """Items starting with the word typed; after a comma (`--to north,so`), the last id typed,
    keeping what comes before it."""
    head, _, word = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    taken = set(head.split(",")) if head else set()
    word = word.lower()
    return [
        (prefix + value, help_text)
        for value, help_text in items
        if value.lower().startswith(word) and value not in taken
    ]


def _entries(data: dict[str, Any], key: str, label: str) -> Completions:
    found: Completions = []
    items = data.get(key)
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if not _SLUG_RE.fullmatch(item["id"]):
                continue
            name = item.get(label)
            found.append((item["id"], _hint(name) if isinstance(name, str) else ""))
    return found


def _hint(text: str) -> str:
    shown = " ".join(_HINT_UNSAFE_RE.sub(" ", text).split())
    return shown if len(shown) <= _HINT_MAX else shown[: _HINT_MAX - 1].rstrip() + "…"


def _safely(kind: str, ctx: Any, incomplete: str) -> Completions:
    try:
        data = charter_data(ctx)
        if kind in ("quarter", "label"):
            items = _quarter_items(data, _today(ctx), words=kind == "quarter")
            return _matching(items, incomplete)
        key, label = {"party": ("parties", "name"), "kpi": ("kpis", "name")}.get(
            kind, ("services", "name")
        )
        return _matching(_entries(data, key, label), incomplete)
    except Exception:  # completion must never break the shell: complete nothing instead
        return []


def _quarter_items(data: dict[str, Any], today: dt.date, *, words: bool) -> Completions:
    fsm = data.get("fiscal_year_start", 1)
    fsm = fsm if isinstance(fsm, int) and not isinstance(fsm, bool) and 1 <= fsm <= 12 else 1
    effective = data.get("effective")
    start = _date(effective)
    first = None if start is None else Quarter.of(start, fsm)
    current = Quarter.of(today, fsm)
    items: Completions = []
    if words:
        items += [("current", str(current)), ("last", str(current.previous()))]
    q = current
    for _ in range(_QUARTERS_BACK):
        if first is not None and q < first:
            break
        items.append((str(q), f"{q.start(fsm)} to {q.end(fsm)}"))
        q = q.previous()
    return items


def complete_parties(ctx: Any, incomplete: str) -> Completions:
    """The charter's party ids, with each party's name as the hint."""
    return _safely("party", ctx, incomplete)


def complete_kpis(ctx: Any, incomplete: str) -> Completions:
    """The charter's KPI ids, with each KPI's name as the hint."""
    return _safely("kpi", ctx, incomplete)


def complete_services(ctx: Any, incomplete: str) -> Completions:
    """The charter's service ids, with each service's name as the hint."""
    return _safely("service", ctx, incomplete)


def complete_quarters(ctx: Any, incomplete: str) -> Completions:
    """`current`, `last`, then the quarters from the current one back to the charter's first."""
    return _safely("quarter", ctx, incomplete)


def complete_quarter_labels(ctx: Any, incomplete: str) -> Completions:
    """The quarters as files write them (YYYY-Qn), current first: for a record's `period`."""
    return _safely("label", ctx, incomplete)


# A commitment id is its file name; reading every file of a large repository on each <Tab> would
# be slow, so the newest names matching what was typed are read, up to this many commitments.
_COMMITMENTS_OFFERED = 100
# `kind: commitment` in block style, or `{"kind": "commitment", ...}` in flow style
_KIND_COMMITMENT_RE = re.compile(
    r"""(?:^|[{,])\s*["']?kind["']?\s*:\s*["']?commitment\b""", re.MULTILINE
)
_SUMMARY_RE = re.compile(r"^summary:[ \t]*(.*)$", re.MULTILINE)


def _commitment_items(ctx: Any, incomplete: str) -> Completions:
    repo = _root_params(ctx).get("repo")
    root = _find_root(Path(repo) if repo else Path.cwd())
    if root is None or not (root / "records").is_dir():
        return []
    names: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(root / "records"):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        names.extend(
            (name[:-5], Path(folder) / name)
            for name in files
            if name.endswith(".yaml") and name.startswith(incomplete)
        )
    items: Completions = []
    for record_id, path in sorted(names, reverse=True):
        if path.is_symlink() or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")[:4096]
        if _KIND_COMMITMENT_RE.search(text):
            summary = _SUMMARY_RE.search(text)
            items.append((record_id, summary[1].strip()[:60] if summary else ""))
            if len(items) >= _COMMITMENTS_OFFERED:
                break
    return items


def complete_commitments(ctx: Any, incomplete: str) -> Completions:
    """Commitment ids (file names under records/), newest first, with their summaries."""
    try:
        return _commitment_items(ctx, incomplete)
    except Exception:  # completion must never break the shell: complete nothing instead
        return []
