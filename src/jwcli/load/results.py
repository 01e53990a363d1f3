"""Remembered results of `jw score` and `jw review`, under `<repo>/.jw/cache/results-*`.

A repeated `jw score` or `jw review` on unchanged inputs takes its result from here instead of
loading 100,000 models and scoring every quarter again. The caller (actions/remember.py) says
what the result depends on, as a tuple of plain values (the tree's fingerprint, the date, the
options, what git says); this module only stores and finds a value under a digest of that tuple.

Trust is load/cache.py's: every file carries the keyed MAC of this user's jw and is read without
following links; a file that fails any check, or holds another key, is a miss, never an error.
Scorecards are stored pickled inside the MAC'd file and unpickled with an allow-list of jw's
result classes and the value types they hold, as the model cache does.

One file per command and set of options (the quarter asked for, the formats, the date): a later
state of the repository replaces the entry rather than adding one, and at most `KEEP` files of
each command are kept (the oldest are removed), so the cache does not grow with every `--today`
tried.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
from pathlib import Path
from typing import Any

from jwcli.load import cache as store

# How many entries of each command are kept (the oldest written go first): a review's files
# are a few MB at 100,000 records, a scorecard a few hundred KB; one signed-off scorecard per
# closed quarter (ten years of quarters) is reused by every later run.
KEEP = {"review": 8, "score": 16, "signed-off": 64, "status": 8}
_PREFIX = "results-"

# What a stored scorecard may be made of (a forged file cannot run code even with the MAC).
_ALLOWED = frozenset(
    {
        ("datetime", "date"),
        ("decimal", "Decimal"),
        ("fractions", "Fraction"),
        # `jw status` (actions/status.py): its result classes by name, not their modules, which
        # import other classes too
        ("jwcli.analysis.status", "Status"),
        ("jwcli.analysis.status", "ReviewDue"),
        ("jwcli.analysis.status", "CheckIns"),
        ("jwcli.analysis.status", "EscalationWarning"),
        ("jwcli.analysis.commitments", "CommitmentState"),
    }
)
_ALLOWED_MODULES = ("jwcli.model.scores", "jwcli.model.signoff")

_code_key: bytes | None = None


def code_key() -> bytes:
    """load/cache.py's version key plus a digest of every file of the jwcli package: a result
    is computed by the analysis, the renderers and their templates, which that key leaves out."""
    global _code_key
    if _code_key is None:
        digest = hashlib.blake2b(store.version_key(), digest_size=16)
        package = Path(__file__).resolve().parent.parent
        paths: list[str] = []
        for folder, dirs, files in os.walk(package):
            dirs[:] = [d for d in dirs if d != "__pycache__"]  # compiled: rewritten at will
            paths.extend(os.path.join(folder, name) for name in files)
        for path in sorted(paths):
            digest.update(os.path.relpath(path, package).encode("utf-8", "surrogateescape"))
            try:
                digest.update(Path(path).read_bytes())
            except OSError:
                digest.update(b"?")
        _code_key = digest.digest()
    return _code_key


def _digest(parts: tuple[Any, ...]) -> bytes:
    # repr of builtins (str, bytes, int, bool, None, tuples) is canonical; marshal is not: it
    # writes an object shared elsewhere in the process as a back-reference
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogateescape"), digest_size=32).digest()


def _name(command: str, options: tuple[Any, ...]) -> str:
    return f"{_PREFIX}{command}-{_digest((command, options)).hex()[:20]}.bin"


def find(
    root: str, command: str, options: tuple[Any, ...], key: tuple[Any, ...]
) -> dict[str, Any] | None:
    """The value stored for `command` with `options` if it was stored under `key`, else None."""
    folder = store.cache_dir(root)
    if folder is None:
        return None
    stored = store.read(os.path.join(folder, _name(command, options)), plain=True)
    if stored is None or stored.get("key") != _digest((code_key(), key)):
        return None
    value = stored.get("value")
    return value if type(value) is dict else None


def keep(
    root: str, command: str, options: tuple[Any, ...], key: tuple[Any, ...], value: dict[str, Any]
) -> None:
    """Store `value` (builtins only: bytes, str, int, tuples, lists, dicts) for a later `find`."""
    name = _name(command, options)
    if store.write(root, name, {"key": _digest((code_key(), key)), "value": value}, plain=True):
        _prune(root, command, name)


def _prune(root: str, command: str, kept: str) -> None:
    folder = store.cache_dir(root)
    if folder is None:
        return
    prefix = f"{_PREFIX}{command}-"
    limit = KEEP.get(command, 8)
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n != kept]
    except OSError:
        return
    if len(names) < limit:
        return
    aged: list[tuple[int, str]] = []
    for name in names:
        with contextlib.suppress(OSError):
            aged.append((os.lstat(os.path.join(folder, name)).st_mtime_ns, name))
    aged.sort()
    for _, name in aged[: len(aged) - limit + 1]:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, name))


def pack_objects(value: Any) -> bytes:
    """Scorecards and sign-offs as bytes for a stored value (see `unpack_objects`)."""
    return pickle.dumps(value, protocol=5)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or module in _ALLOWED_MODULES:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        if (module, name) == ("jwcli.quarters", "Quarter"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in jw's results cache")


def unpack_objects(data: Any) -> Any:
    """What `pack_objects` stored, or None when it cannot be read back."""
    if type(data) is not bytes:
        return None
    try:
        return _Unpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged pickle can raise almost anything; it is only a miss
        return None
