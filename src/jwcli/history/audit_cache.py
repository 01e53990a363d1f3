"""The last audit, remembered by the commit it audited, so a second `jw audit` (or the audit part
of `jw review`) at the same HEAD does not walk the history again.

A commit id names its whole history, so the report of HEAD's history never goes stale; the
`review/` tags, which can move, are checked afresh every run. The file is kept outside the
repository, in this user's cache folder (`$XDG_CACHE_HOME/jw/audit`, else `~/.cache/jw/audit`):
nothing committed to or written into a working tree by someone else can stand in for it. It is
plain JSON, opened without following links, size-capped, and anything unexpected in it is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from jwcli import __version__

MAX_BYTES = 256 * 1024 * 1024
# the modules whose code decides what the report says: a change to any of them is a new key
_SOURCES = (
    "history/audit.py",
    "history/loosening.py",
    "analysis/charter_state.py",
    "analysis/quarters.py",
    "model/records.py",
    "model/charter.py",
    "model/baselines.py",
    "model/common.py",
)


def _folder() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.path.join(os.path.expanduser("~"), ".cache") if os.path.expanduser("~") != "~" else ""
    )
    return Path(base) / "jw" / "audit" if base else None


def _key() -> str:
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for rel in _SOURCES:
        with contextlib.suppress(OSError):
            digest.update((package / rel).read_bytes())
    return digest.hexdigest()


def _path(root: Path) -> Path | None:
    folder = _folder()
    if folder is None:
        return None
    name = hashlib.blake2b(os.fsencode(root.resolve()), digest_size=16).hexdigest()
    return folder / f"{name}.json"


def load(root: Path) -> dict[str, Any]:
    """What the last audit of this repository remembered: `head`, its `report` (only when well
    formed) and `facts` (blob id -> what the record says); empty when nothing usable is kept."""
    path = _path(root)
    if path is None:
        return {}
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return {}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return {}
        if info.st_uid != os.getuid():
            return {}
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = json.loads(handle.read())
    except (OSError, ValueError, RecursionError):
        return {}
    finally:
        os.close(fd)
    if not isinstance(data, dict) or data.get("key") != _key():
        return {}
    found: dict[str, Any] = {}
    if isinstance(data.get("head"), str) and _well_formed(data.get("report")):
        found["head"], found["report"] = data["head"], data["report"]
    facts = data.get("facts")
    if isinstance(facts, dict) and all(_fact_ok(v) for v in facts.values()):
        found["facts"] = facts
    return found


def _fact_ok(value: Any) -> bool:
    """[kind, quarter, due, supersedes, service, party, run_cost, fiscal_year_start]"""
    if not isinstance(value, list) or len(value) != 8:
        return False
    kind, quarter, due, supersedes, service, party, run_cost, fys = value
    texts = (kind, quarter, due, service, party)
    return (
        all(t is None or isinstance(t, str) for t in texts)
        and isinstance(supersedes, list)
        and all(isinstance(t, str) for t in supersedes)
        and isinstance(run_cost, bool)
        and isinstance(fys, int)
    )


def _well_formed(report: Any) -> bool:
    if not isinstance(report, dict):
        return False
    flags, commits = report.get("flags"), report.get("commits")
    if not isinstance(flags, list) or not isinstance(commits, list):
        return False
    if not isinstance(report.get("closes"), dict) or not isinstance(report.get("order"), dict):
        return False
    review = report.get("review")
    if not isinstance(review, list) or not all(
        isinstance(r, list)
        and len(r) == 3
        and isinstance(r[0], str)
        and isinstance(r[1], str)
        and isinstance(r[2], dict)
        and all(isinstance(v, str) for v in r[2].values())
        for r in review
    ):
        return False
    text = {"rule", "commit", "path", "message", "severity"}
    for f in flags:
        if not isinstance(f, dict) or not all(isinstance(f.get(k), str) for k in text):
            return False
    fields = {"commit", "author", "email", "date", "subject"}
    for c in commits:
        if not isinstance(c, dict) or not all(isinstance(c.get(k), str) for k in fields):
            return False
    return True


def save(root: Path, head: str, report: dict[str, Any], facts: dict[str, list[Any]]) -> None:
    """Remember `report` for `head`, and the facts of record versions (by blob id, good for any
    later HEAD); a failure to write is ignored (the cache is optional)."""
    path = _path(root)
    if path is None or not head:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit-", suffix=".tmp")
        try:
            # dumps, not dump: `dump` streams through the pure-Python encoder, ten times slower
            text = json.dumps({"key": _key(), "head": head, "report": report, "facts": facts})
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return
