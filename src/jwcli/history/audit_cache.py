"""The last audit, remembered by the commit it audited, so a second `jw audit` (or the audit part
of `jw review`) at the same HEAD does not walk the history again.

A commit id names its whole history, so the report of HEAD's history never goes stale; the
`review/` tags, which can move, are checked afresh every run. With the report goes where the
walk over the history stopped (history/audit_state.py), so that after new commits only those are
walked. The file is kept outside the repository, in this user's cache folder
(`$XDG_CACHE_HOME/jw/audit`, else `~/.cache/jw/audit`): nothing committed to or written into a
working tree by someone else can stand in for it. It is plain data (marshal) behind a MAC keyed
with this user's secret (the one the records cache uses), opened without following links,
size-capped, and anything unexpected in it, or a MAC that does not match, is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from jwcli import __version__
from jwcli.load.private import read_own_file

MAX_BYTES = 256 * 1024 * 1024
# the modules whose code decides what the report says: a change to any of them is a new key
_SOURCES = (
    "history/audit.py",
    "history/loosening.py",
    "history/audit_state.py",
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
    # the Python version too: marshal's format is Python's own
    digest = hashlib.blake2b(f"{__version__} {sys.version}".encode(), digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for rel in _SOURCES:
        with contextlib.suppress(OSError):
            digest.update((package / rel).read_bytes())
    return digest.hexdigest()


def _path(root: Path, part: str) -> Path | None:
    folder = _folder()
    if folder is None:
        return None
    name = hashlib.blake2b(os.fsencode(root.resolve()), digest_size=16).hexdigest()
    return folder / f"{name}-{part}.bin"


def load_report(root: Path) -> dict[str, Any] | None:
    """The last audit of this repository remembered: {"head": commit id, "report": ...}."""
    data = _read(root, "report")
    head, report = data.get("head"), data.get("report")
    if not isinstance(head, str) or not head or not _well_formed(report):
        return None
    return {"head": head, "report": report}


def load_facts(root: Path) -> dict[str, list[Any]]:
    """Record facts remembered by blob id (what each version of a record says)."""
    facts = _read(root, "facts").get("facts")
    if isinstance(facts, dict) and all(_fact_ok(v) for v in facts.values()):
        return facts
    return {}


_MAC_HEX = 64  # the file starts with the MAC of the rest, in hex, and a newline


def _mac(key: bytes, payload: bytes) -> bytes:
    mac = hashlib.blake2b(payload, digest_size=32, key=key, person=b"jw-audit")
    return mac.hexdigest().encode()


def _read(root: Path, part: str) -> dict[str, Any]:
    from jwcli.load.cache import user_key

    path, key = _path(root, part), user_key()
    if path is None or key is None:
        return {}
    raw = read_own_file(path, MAX_BYTES)
    if raw is None:
        return {}
    mac, payload = raw[:_MAC_HEX], raw[_MAC_HEX + 1 :]
    if raw[_MAC_HEX : _MAC_HEX + 1] != b"\n" or not hmac.compare_digest(mac, _mac(key, payload)):
        return {}  # damaged, or not written by this user's jw
    try:
        # marshal, not JSON: five to ten times faster both ways on the 10,000 commits of a
        # history, and safe here because the MAC shows this user's jw wrote the bytes
        data = marshal.loads(payload)
    except (ValueError, EOFError, TypeError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("key") != _key():
        return {}
    return data


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
    if not isinstance(report.get("closes"), dict):
        return False
    ids, acked = report.get("ids"), report.get("acked")
    if not isinstance(ids, list) or not all(isinstance(c, str) for c in ids):
        return False
    if not isinstance(acked, list) or not all(isinstance(c, str) for c in acked):
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


def load_walk(root: Path, head: str) -> dict[str, Any] | None:
    """Where the walk that made the remembered report of `head` stopped (history/audit_state),
    kept apart from the report: only a run after new commits reads it."""
    data = _read(root, "walk")
    walk = data.get("walk")
    return walk if data.get("head") == head and head and isinstance(walk, dict) else None


def save_report(root: Path, head: str, report: dict[str, Any], walk: dict[str, Any]) -> None:
    """Remember `report` for `head` and where its walk stopped; a failure to write is ignored
    (the cache is optional). Each file names the HEAD it is for, so a report and a walk state
    of different runs (one written, the other not) never meet."""
    if head:
        _write(root, "walk", {"key": _key(), "head": head, "walk": walk})
        _write(root, "report", {"key": _key(), "head": head, "report": report})


def save_facts(root: Path, facts: dict[str, list[Any]]) -> None:
    """Remember the facts of record versions (by blob id, good for any later HEAD)."""
    _write(root, "facts", {"key": _key(), "facts": facts})


def _write(root: Path, part: str, data: dict[str, Any]) -> None:
    from jwcli.load.cache import user_key

    path, key = _path(root, part), user_key()
    if path is None or key is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit-", suffix=".tmp")
        try:
            payload = marshal.dumps(data)
            with os.fdopen(fd, "wb") as handle:
                handle.write(_mac(key, payload) + b"\n" + payload)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return
