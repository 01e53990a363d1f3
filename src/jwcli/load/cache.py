"""The cache of validated files, under `<repo>/.jw/cache/` (shared/spec/quality.md, Performance).

An optimisation, never a source of truth. What it holds and why each piece can be trusted:

- **Models of files that loaded without a finding**, one pickle per folder ("shard"), keyed per
  file on `tree.StatKey` (a hash of size, mtime, ctime, inode and device), as git's index is. A
  file whose stat is unchanged is not read again. ctime cannot be set back by any tool, and inode
  and device differ in every checkout, so a cache copied or committed from elsewhere never
  matches. Files changed within `tree.RACY_NS` of a run are never cached (a second write in the
  same clock tick would leave every stat field equal). Files with findings are never cached:
  they are parsed every run, so their findings are reproduced exactly.
- **The findings of the last `jw validate`** with a fingerprint of the whole listing (every
  path the loader reads and its stat key), the `--today` date and the attachment checks' results.
  When all of them match, nothing the findings depend on has changed.

Everything is keyed on `version_key()`: jw's version and the source of the models, loader and
checks (so a model change invalidates it), the Python and pydantic/PyYAML versions. Each file
starts with a magic line and a BLAKE2b digest of the pickle that follows; a file that is short,
garbled or from another version is ignored and rewritten, never trusted. Unpickling is restricted
to jw's models and a few value types, so even a forged file cannot run code. Writes are atomic
(`write.files.replace_own`), and a failure to write (a read-only checkout) is ignored.

Small repositories are not cached (`MIN_FILES`): parsing them costs less than the cache's own
reads and writes, and `jw validate` on them writes nothing at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from jwcli import __version__
from jwcli.load.tree import StatKey, Tree
from jwcli.quarters import Quarter

CACHE_DIR = ".jw/cache"
# Below this many files to load (records plus assessments), the cache is not used: measured on
# the 663-file example, a warm run took 0.20 s against 0.18 s without the cache.
MIN_FILES = 2000

_MAGIC = b"jw-cache 1\n"
_DIGEST = 32
_FINDINGS_FILE = "findings.pickle"
# The value types a model's fields hold besides builtins (quarters are references, see
# _Pickler); model classes are checked apart.
_SAFE_GLOBALS = frozenset({("datetime", "date"), ("decimal", "Decimal")})

_LIBRARIES = (("pydantic", "pydantic-"), ("pydantic_core", "pydantic_core-"), ("yaml", "pyyaml-"))

_version_key: bytes | None = None


def version_key() -> bytes:
    """What a cached entry was made by: jw, the code of its models and checks, the libraries."""
    global _version_key
    if _version_key is None:
        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{__version__}\0{sys.version}\0".encode())
        package = Path(__file__).resolve().parent.parent
        sources = [package / "quarters.py", package / "__init__.py"]
        for sub in ("model", "load", "checks"):
            sources.extend(sorted((package / sub).glob("*.py")))
        for source in sources:
            digest.update(source.name.encode())
            try:
                digest.update(source.read_bytes())
            except OSError:
                digest.update(b"?")
        digest.update(_library_versions().encode())
        _version_key = digest.digest()
    return _version_key


def _library_versions() -> str:
    """The installed pydantic, pydantic-core and PyYAML, by their dist-info folders' names.

    importlib.metadata would cost ~30 ms of imports on every run; listing the folder that holds
    the packages costs a fraction of a millisecond.
    """
    found: list[str] = []
    for module, dist in (
        ("pydantic", "pydantic-"),
        ("pydantic_core", "pydantic_core-"),
        ("yaml", "pyyaml-"),
    ):
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        if origin is None:
            found.append(f"{module}:absent")
            continue
        site = os.path.dirname(os.path.dirname(origin))
        try:
            names = [n for n in os.listdir(site) if n.lower().startswith(dist)]
        except OSError:
            names = []
        if not names:  # not installed from a wheel: fall back on the module file's stat
            info = os.stat(origin)
            names = [f"{origin}:{info.st_size}:{info.st_mtime_ns}"]
        found.extend(sorted(names))
    return "\0".join(found)


class _Pickler(pickle.Pickler):
    """Writes each quarter as a reference (year, number): tens of thousands of records name a
    few dozen quarters, and rebuilding a frozen dataclass costs more than looking one up."""

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is Quarter:
            return (obj.year, obj.number)
        return None


class _Unpickler(pickle.Unpickler):
    """Builds only jw's models and the value types they hold: a forged file cannot run code."""

    def __init__(self, data: io.BytesIO) -> None:
        super().__init__(data)
        self._quarters: dict[Any, Quarter] = {}

    def persistent_load(self, pid: Any) -> Any:
        found = self._quarters.get(pid)
        if found is None:
            year, number = pid
            if type(year) is not int or type(number) is not int or not 1 <= number <= 4:
                raise pickle.UnpicklingError("not a quarter")
            found = self._quarters[pid] = Quarter(year, number)
        return found

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        if module.startswith("jwcli.model."):
            from pydantic import BaseModel

            found = super().find_class(module, name)
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in jw's cache")


def cache_dir(root: str) -> str | None:
    """`<root>/.jw/cache`, or None when `.jw` or `.jw/cache` is a symbolic link or not a folder
    (jw writes its cache only into real folders inside the repository)."""
    for rel in (".jw", CACHE_DIR):
        try:
            mode = os.lstat(os.path.join(root, rel)).st_mode
        except FileNotFoundError:
            continue
        except OSError:
            return None
        if not stat.S_ISDIR(mode):
            return None
    return os.path.join(root, CACHE_DIR)


def read(path: str) -> dict[str, Any] | None:
    """The value stored at `path`, or None when it is missing, damaged or from another jw."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    # magic, the version key, a digest of the payload, the payload
    version = version_key()
    start = len(_MAGIC) + len(version)
    head = start + _DIGEST
    if len(data) < head or not data.startswith(_MAGIC) or data[len(_MAGIC) : start] != version:
        return None
    payload = memoryview(data)[head:]
    if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != data[start:head]:
        return None
    try:
        value = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # a damaged or hostile pickle can raise almost anything; none is trusted
        return None
    return value if isinstance(value, dict) else None


def write(root: str, name: str, value: dict[str, Any]) -> bool:
    """Store `value` as `<root>/.jw/cache/<name>`, atomically; False if that was not possible."""
    folder = cache_dir(root)
    if folder is None:
        return False
    try:
        from jwcli.write.files import replace_own

        buffer = io.BytesIO()
        _Pickler(buffer, protocol=5).dump(value)
        payload = buffer.getvalue()
        digest = hashlib.blake2b(payload, digest_size=_DIGEST).digest()
        _ensure_ignored(root)
        replace_own(Path(folder) / name, _MAGIC + version_key() + digest + payload)
    except Exception:  # a read-only checkout, a full disk: the cache is only an optimisation
        return False
    return True


def _ensure_ignored(root: str) -> None:
    """`.jw/.gitignore` ignoring everything, so the cache is never committed, even in a
    repository whose own .gitignore does not name `.jw/`."""
    ignore = os.path.join(root, ".jw", ".gitignore")
    if not os.path.exists(ignore):
        os.makedirs(os.path.join(root, CACHE_DIR), exist_ok=True)
        from jwcli.write.files import replace_own

        replace_own(Path(ignore), b"# jw's cache: never commit it\n*\n")


def _shard_name(folder: str) -> str:
    return "files-" + hashlib.blake2b(folder.encode(), digest_size=10).hexdigest() + ".pickle"


class FileCache:
    """Validated models by file, one shard per folder, read on first use and written if changed."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.folder = cache_dir(tree.root)
        self._shards: dict[str, dict[str, tuple[StatKey, Any]]] = {}
        self._seen: dict[str, set[str]] = {}
        self._dirty: set[str] = set()

    def _shard(self, folder: str) -> dict[str, tuple[StatKey, Any]]:
        shard = self._shards.get(folder)
        if shard is None:
            shard = {}
            if self.folder is not None:
                stored = read(os.path.join(self.folder, _shard_name(folder)))
                entries = (
                    stored.get("entries") if stored and stored.get("folder") == folder else None
                )
                if isinstance(entries, dict):
                    shard = entries
            self._shards[folder] = shard
            self._seen[folder] = set()
        return shard

    def get(self, rel: str, key: StatKey | None) -> Any:
        """The model stored for `rel` if its stat key is still `key`, else None."""
        folder = rel.rpartition("/")[0]
        shard = self._shard(folder)
        self._seen[folder].add(rel)
        if key is None:
            return None
        hit = shard.get(rel)
        if hit is not None and hit[0] == key:
            return hit[1]
        return None

    def put(self, rel: str, key: StatKey | None, model: Any) -> None:
        if key is None:
            return
        folder = rel.rpartition("/")[0]
        self._shard(folder)[rel] = (key, model)
        self._seen[folder].add(rel)
        self._dirty.add(folder)

    def save(self) -> None:
        """Write the shards that changed; drop entries and shards of files no longer there."""
        if self.folder is None:
            return
        for folder, shard in self._shards.items():
            gone = shard.keys() - self._seen[folder]
            if gone:
                for rel in gone:
                    del shard[rel]
                self._dirty.add(folder)
        for folder in sorted(self._dirty):
            write(
                self.tree.root,
                _shard_name(folder),
                {"folder": folder, "entries": self._shards[folder]},
            )
        live = {_shard_name(folder) for folder in self._shards}
        self._shards.clear()  # their models live on in the Relationship; the rest is garbage
        self._seen.clear()
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.startswith("files-") and name not in live:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.folder, name))


def stored_findings(tree: Tree, today: str) -> dict[str, Any] | None:
    """The last run's findings, if nothing they depend on can have changed since."""
    if not tree.settled:
        return None
    folder = cache_dir(tree.root)
    if folder is None:
        return None
    state = read(os.path.join(folder, _FINDINGS_FILE))
    if state is None or state.get("today") != today or state.get("fingerprint") != tree.fingerprint:
        return None
    attachments = state.get("attachments")
    if not isinstance(attachments, list):
        return None
    from jwcli.checks.paths import attachment_problem

    root = Path(tree.root)
    for text, problem in attachments:
        if attachment_problem(root, text) != problem:
            return None
    return state


def store_findings(
    tree: Tree,
    today: str,
    findings: list[tuple[Any, ...]],
    files_read: int,
    attachments: list[tuple[str, str | None]],
) -> None:
    if not tree.settled:
        return
    state = {
        "today": today,
        "fingerprint": tree.fingerprint,
        "attachments": attachments,
        "findings": findings,
        "files_read": files_read,
    }
    write(tree.root, _FINDINGS_FILE, state)
