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
checks (so a model change invalidates it), the Python and pydantic/PyYAML versions.

**Only this user's jw can have written it.** `.jw/` is inside the working tree, so anyone who can
write the tree (another account on a shared checkout, an earlier job in a persistent CI
workspace, a partner committing `.jw/` into the repository) could otherwise forge "no findings"
or other scores. Each file therefore carries a keyed MAC (BLAKE2b with a 32-byte secret, as
HMAC-SHA256 but faster) over its header and payload; the secret is per user, kept outside every
repository (`$XDG_CACHE_HOME/jw/key`, else `~/.cache/jw/key`, created 0600 and refused unless it
is a regular file owned by this user that no one else can read). The MAC is checked before a
byte is unpickled; without a usable secret nothing is cached. Files are opened without
following links and without blocking (a FIFO or a link to `/dev/zero` is a miss), anything that
is not a regular file or is larger than `MAX_BYTES` is not read, unpickling is still restricted to
jw's models and a few value types, and every entry is type-checked before use. Anything wrong is a
miss: the file is parsed again and the cache rewritten, never an error. Writes are atomic
(`write.files.replace_own`), and a failure to write (a read-only checkout) is ignored.

Small repositories are not cached (`MIN_FILES`): parsing them costs less than the cache's own
reads and writes, and `jw validate` on them writes nothing at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.util
import io
import itertools
import marshal
import os
import pickle
import stat
import sys
from array import array
from pathlib import Path
from typing import Any

from jwcli import __version__
from jwcli.load.tree import StatKey, Tree
from jwcli.quarters import Quarter

CACHE_DIR = ".jw/cache"
# Below this many files to load (records plus assessments), the cache is not used: measured on
# the 663-file example, a warm run took 0.20 s against 0.18 s without the cache.
MIN_FILES = 2000

_MAGIC = b"jw-cache 2\n"
_MAGIC_PLAIN = b"jw-cache 2 marshal\n"
_DIGEST = 32
# No cache file jw writes comes near this (36 MB in all for 100,000 records, the largest shard a
# few MB); a larger one is not read, so a sparse or endless file costs nothing.
MAX_BYTES = 256 * 1024 * 1024
_KEY_BYTES = 32
_PERSON = b"jw-cache"
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


def _key_path() -> str | None:
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "jw", "key")


_keys: dict[str, bytes] = {}


def user_key() -> bytes | None:
    """This user's secret for the cache's MACs, created on first use; None if there is no
    usable one (no home, a read-only home, a key file someone else could have written)."""
    path = _key_path()
    if path is None:
        return None
    key = _keys.get(path)
    if key is not None:
        return key
    key = _read_key(path)
    if key is None:
        _make_key(path)
        key = _read_key(path)  # whoever won a race to create it, everyone reads the same key
    if key is not None:
        _keys[path] = key
    return key


def _read_key(path: str) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_mode & 0o077
            or info.st_size != _KEY_BYTES
        ):
            return None
        key = os.read(fd, _KEY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return key if len(key) == _KEY_BYTES else None


def _make_key(path: str) -> None:
    """Write a fresh secret to `path` create-only and whole (a temporary file, then a link), so
    a concurrent jw never reads half a key."""
    import secrets  # only the first run of all needs these two
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".key.", dir=folder)  # 0600
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(_KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _mac(key: bytes, header: bytes, payload: Any) -> bytes:
    mac = hashlib.blake2b(header, digest_size=_DIGEST, key=key, person=_PERSON)
    mac.update(payload)
    return mac.digest()


def _read_bytes(path: str) -> bytes | None:
    """The bytes of `path` if it is a regular file (not a link, FIFO or device) of at most
    MAX_BYTES; None otherwise. Never blocks, never reads more than MAX_BYTES + 1."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        chunks: list[bytes] = []
        left = MAX_BYTES + 1
        while left > 0:  # usually one read: the size is known
            chunk = os.read(fd, min(left, max(info.st_size + 1, 65536)))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return data if len(data) <= MAX_BYTES else None


def read(path: str, *, plain: bool = False) -> dict[str, Any] | None:
    """The value stored at `path`, or None when it is missing, damaged, from another jw or not
    written by this user's jw (its MAC does not check out). `plain`: a value written with
    `write(..., plain=True)`."""
    key = user_key()
    if key is None:
        return None
    data = _read_bytes(path)
    if data is None:
        return None
    # magic, the version key, a MAC of all of that and the payload, the payload
    magic = _MAGIC_PLAIN if plain else _MAGIC
    version = version_key()
    start = len(magic) + len(version)
    head = start + _DIGEST
    if len(data) < head or not data.startswith(magic) or data[len(magic) : start] != version:
        return None
    payload = memoryview(data)[head:]
    if not hmac.compare_digest(_mac(key, data[:start], payload), data[start:head]):
        return None
    try:
        # marshal is only ever given bytes this user's jw wrote (the MAC above): it is not
        # meant for untrusted input
        value = marshal.loads(payload) if plain else _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # a damaged or hostile pickle can raise almost anything; none is trusted
        return None
    return value if isinstance(value, dict) else None


def write(root: str, name: str, value: dict[str, Any], *, plain: bool = False) -> bool:
    """Store `value` as `<root>/.jw/cache/<name>`, atomically; False if that was not possible.

    `plain`: the value holds only builtins (dict, list, tuple, str, int, bool, None) and is
    written with marshal, which loads several times faster than pickle."""
    folder = cache_dir(root)
    key = user_key()
    if folder is None or key is None:
        return False
    try:
        from jwcli.write.files import replace_own

        if plain:
            payload = marshal.dumps(value)
        else:
            buffer = io.BytesIO()
            _Pickler(buffer, protocol=5).dump(value)
            payload = buffer.getvalue()
        header = (_MAGIC_PLAIN if plain else _MAGIC) + version_key()
        _ensure_ignored(root)
        replace_own(Path(folder) / name, header + _mac(key, header, payload) + payload)
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
                if type(entries) is dict:
                    shard = entries
            self._shards[folder] = shard
            self._seen[folder] = set()
        return shard

    def get(self, rel: str, key: StatKey | None, kinds: frozenset[type]) -> Any:
        """The model stored for `rel` if its stat key is still `key` and its class is one of
        `kinds`, else None (an entry of any other shape is a miss, and is replaced)."""
        folder = rel.rpartition("/")[0]
        shard = self._shard(folder)
        self._seen[folder].add(rel)
        if key is None:
            return None
        hit = shard.get(rel)
        if type(hit) is tuple and len(hit) == 2:
            stored, model = hit
            if type(stored) is int and stored == key and type(model) in kinds:
                return model
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
    if (
        state is None
        or type(state.get("today")) is not str
        or state["today"] != today
        or type(state.get("fingerprint")) is not bytes
        or state["fingerprint"] != tree.fingerprint
        or type(state.get("files_read")) is not int
        or not _findings_rows(state.get("findings"))
    ):
        return None
    attachments = state.get("attachments")
    if type(attachments) is not list or not all(
        type(pair) is tuple
        and len(pair) == 2
        and type(pair[0]) is str
        and (pair[1] is None or type(pair[1]) is str)
        for pair in attachments
    ):
        return None
    from jwcli.checks.paths import attachment_problem

    root = Path(tree.root)
    for text, problem in attachments:
        if attachment_problem(root, text) != problem:
            return None
    return state


def _findings_rows(rows: Any) -> bool:
    """Whether `rows` are what `store_findings` stores: tuples of a Finding's fields."""
    if type(rows) is not list:
        return False
    for row in rows:
        if type(row) is not tuple or len(row) != 9:
            return False
        path, message, rule, severity, line, col, loc, at_key, quarter = row
        if (
            not (quarter is None or type(quarter) is str)
            or type(path) is not str
            or type(message) is not str
            or type(rule) is not str
            or severity not in ("error", "warning")
            or not (line is None or type(line) is int)
            or not (col is None or type(col) is int)
            or type(loc) is not tuple
            or not all(type(part) in (str, int) for part in loc)
            or type(at_key) is not bool
        ):
            return False
    return True


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


# --- the state of the incremental validation (checks.run) ----------------------------------------

_CHECKS_FILE = "checks.pickle"


def stored_checks(root: str) -> dict[str, Any] | None:
    """What the last validation left for the next one to re-check only what changed (see
    `checks.run`), every entry type-checked; None if there is none or any entry is wrong."""
    folder = cache_dir(root)
    if folder is None:
        return None
    state = read(os.path.join(folder, _CHECKS_FILE), plain=True)
    if state is None:
        return None
    context, ids, keys = state.get("context"), state.get("ids"), state.get("keys")
    findings = state.get("findings")
    depending, touches = state.get("dependents"), state.get("touches")
    if (
        type(context) is not tuple
        or not all(type(part) in (str, int) for part in context)
        or type(ids) is not list
        or type(keys) is not bytes
        or type(depending) is not dict
        or type(touches) is not dict
        or type(findings) is not dict
    ):
        return None
    # 100,000 entries: type-checked column by column, with map() doing the looping in C
    packed = array("q")
    if len(keys) != 8 * len(ids) or not _only(ids, str):
        return None
    packed.frombytes(keys)
    state["keys"] = packed
    # key (record id or group) -> ids depending on it; record id -> the groups it is in
    for index in (depending, touches):
        if not _only(index, str) or not _only(index.values(), tuple):
            return None
        if not _only(itertools.chain.from_iterable(index.values()), str):
            return None
    if not _only(findings, str) or not all(_findings_rows(rows) for rows in findings.values()):
        return None
    if not _positions(state.get("positions")):
        return None
    return state


def _positions(positions: Any) -> bool:
    """Whether `positions` is path -> (stat key, ((loc, at_key, line, col), ...))."""
    if type(positions) is not dict or not _only(positions, str):
        return False
    for value in positions.values():
        if type(value) is not tuple or len(value) != 2 or type(value[0]) is not int:
            return False
        if type(value[1]) is not tuple:
            return False
        for row in value[1]:
            if (
                type(row) is not tuple
                or len(row) != 4
                or type(row[0]) is not tuple
                or not all(type(part) in (str, int) for part in row[0])
                or type(row[1]) is not bool
                or type(row[2]) is not int
                or type(row[3]) is not int
            ):
                return False
    return True


def _only(values: Any, kind: type) -> bool:
    """Whether every value is exactly of type `kind` (True when there are none)."""
    return set(map(type, values)) <= {kind}


def store_checks(root: str, state: dict[str, Any]) -> None:
    write(root, _CHECKS_FILE, state, plain=True)
