"""Which files the loader reads, in the order it reads them, and what `stat` says about each.

One listing serves the loader and the cache: the cache's keys and the "nothing changed" short-cut
are computed over exactly the files `load_repo` would read. Import-light on purpose (no pydantic,
no yaml): `jw validate` on an unchanged tree needs only this and the stored findings.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import sys
import time
from array import array
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from jwcli.errors import NotARepository

# What a file's content is taken to be keyed on: size, mtime_ns, ctime_ns, inode and device (as
# git and quality.md do), folded into one integer by Python's tuple hash (deterministic for ints;
# the cache's version key includes the Python version). ctime moves on every write, rename or
# chmod, and no tool can set it back. One int instead of a 5-tuple saves ~20 MB per 100,000 files.
StatKey = int

RACY_NS = 2_000_000_000

CHARTER = "charter.yaml"
BASELINES = "baselines.yaml"
RECORDS = "records"
ASSESSMENTS = "assessments"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding charter.yaml, as git finds `.git`."""
    start = start.resolve()
    if not start.is_dir():
        raise NotARepository(f"{start} is not a folder", hint="pass an existing folder to -C")
    for folder in (start, *start.parents):
        if (folder / CHARTER).is_file():
            return folder
    raise NotARepository(
        f"no {CHARTER} in {start} or any folder above it: this is not a relationship repository",
        hint="run `jw init` to create one, or point at one with `jw -C DIR ...`",
    )


def stat_key(info: os.stat_result, limit: int) -> StatKey | None:
    """The key of a file stat-ed as `info`, or None if it changed at or after `limit` (ns)."""
    mtime, ctime = info.st_mtime_ns, info.st_ctime_ns
    if mtime >= limit or ctime >= limit:
        return None
    return hash((info.st_size, mtime, ctime, info.st_ino, info.st_dev))


def stat_path(path: str, limit: int) -> StatKey | None:
    try:
        return stat_key(os.lstat(path), limit)
    except OSError:
        return None


def _is_link(path: str) -> bool | None:
    """True for a symbolic link, False for a real folder, None for anything else or nothing."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return True
    return False if stat.S_ISDIR(mode) else None


def walk_records(
    root: str, limit: int | None = None, links: list[str] | None = None
) -> list[tuple[str, StatKey | None]]:
    """Every `.yaml` and `.yml` file under records/, as `os.walk` with sorted names would list
    them (hidden folders skipped, symbolic links to folders not followed but added to `links`,
    records/ itself included). With `limit`, each with its stat key (None where stat fails, or
    the file changed at or after `limit`); without, with None. A link to a file is listed like a
    file, and refused when read (load.yamlsafe.read_text)."""
    folders = list_records(root, [] if links is None else links)
    if limit is not None:
        stat_folders(folders, limit)
    return [pair for folder in folders for pair in folder.pairs()]


@dataclass(slots=True)
class Folder:
    """The record files of one folder, in listing order, and their stat keys once stat-ed:
    kept per folder (names and a packed array, not one tuple and one path per file) because
    an unchanged `jw validate` needs only their digest."""

    rel: str  # "records/2025-Q1"
    path: str  # the folder, for stat
    names: list[str]  # the `.yaml`/`.yml` files in it, sorted
    keys: array[int] = field(default_factory=lambda: array("q"))  # 0 where `missing`
    missing: list[int] = field(default_factory=list)  # indices of names with no key

    def pairs(self) -> list[tuple[str, StatKey | None]]:
        rel, keys = self.rel, self.keys
        if len(keys) != len(self.names):  # listed only, never stat-ed
            return [(f"{rel}/{name}", None) for name in self.names]
        pairs: list[tuple[str, StatKey | None]] = [
            (f"{rel}/{name}", key) for name, key in zip(self.names, keys, strict=True)
        ]
        for i in self.missing:
            pairs[i] = (pairs[i][0], None)
        return pairs


def list_records(root: str, links: list[str]) -> list[Folder]:
    """The folders under records/ that `walk_records` lists, in its order, without a `stat`."""
    found: list[Folder] = []
    top = os.path.join(root, RECORDS)
    kind = _is_link(top)
    if kind:
        links.append(RECORDS)
    elif kind is False:
        _walk(top, RECORDS, found, links)
    return found


def _walk(folder: str, rel: str, found: list[Folder], links: list[str]) -> None:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return  # as os.walk: a folder that cannot be listed is passed over
    entries.sort(key=_name)
    files: list[str] = []
    dirs: list[os.DirEntry[str]] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()  # follows a link: a link to a folder is told apart below
        except OSError:
            is_dir = False
        if is_dir:
            dirs.append(entry)
        elif entry.name.endswith((".yaml", ".yml")):
            files.append(entry.name)
    found.append(Folder(rel, folder, files))
    for entry in dirs:
        if entry.name.startswith("."):
            continue
        try:
            link = entry.is_symlink()
        except OSError:
            link = False
        if link:
            links.append(f"{rel}/{entry.name}")
        else:
            _walk(entry.path, f"{rel}/{entry.name}", found, links)


_name = attrgetter("name")

# Above this many files the stat calls are shared with a forked child (see stat_folders).
SHARED_STAT_MIN = 20_000


def stat_folders(folders: list[Folder], limit: int) -> None:
    """Fill in every folder's keys (see `stat_key`): the hot loop of an unchanged `jw validate`.

    The `stat` calls are most of it (at 100,000 files ~0.2 s of kernel time and ~0.1 s of
    building stat results), and Python threads do not overlap them (handing the GIL back and
    forth around each call cost more than it saved: 0.29 s -> 0.31 s). So above SHARED_STAT_MIN
    files a forked child stats the second half and sends the keys back through a pipe, as git
    status spreads its `lstat` calls over threads. Where it cannot fork (not Linux, other
    threads running) or the child fails, this process stats everything: same keys either way.
    """
    total = sum(len(f.names) for f in folders)
    pieces = [(f, 0, len(f.names)) for f in folders]
    if total >= SHARED_STAT_MIN and sys.platform.startswith("linux"):
        cut, seen = total // 2, 0
        for i, f in enumerate(folders):
            if seen + len(f.names) > cut:
                at = cut - seen
                mine, theirs = [*pieces[:i], (f, 0, at)], [(f, at, len(f.names)), *pieces[i + 1 :]]
                child = _in_child(theirs, limit)
                if child is not None:
                    _stat_pieces(mine, limit)
                    got = child.result()
                    if got is None:
                        _stat_pieces(theirs, limit)
                    else:
                        _take(theirs, got)
                    return
                break
            seen += len(f.names)
    _stat_pieces(pieces, limit)


def _stat_pieces(pieces: list[tuple[Folder, int, int]], limit: int) -> None:
    for folder, lo, hi in pieces:
        keys, missing = _stat_names(folder.path, folder.names[lo:hi], limit)
        folder.keys.extend(keys)
        folder.missing.extend(lo + i for i in missing)


def _stat_names(path: str, names: list[str], limit: int) -> tuple[array[int], list[int]]:
    keys = array("q")
    missing: list[int] = []
    prefix = f"{path}/"
    lstat = os.lstat
    for name in names:
        # of the entry itself: a link's key is the link's, never its target's
        try:
            st = lstat(prefix + name)
        except OSError:
            missing.append(len(keys))
            keys.append(0)
            continue
        mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
        if mtime >= limit or ctime >= limit:
            missing.append(len(keys))
            keys.append(0)
        else:
            keys.append(hash((st.st_size, mtime, ctime, st.st_ino, st.st_dev)))
    return keys, missing


class _Child:
    """A forked process stat-ing `pieces`; `result()` is its keys, or None if it failed."""

    def __init__(self, pid: int, fd: int, pieces: list[tuple[Folder, int, int]]) -> None:
        self.pid, self.fd, self.pieces = pid, fd, pieces

    def result(self) -> list[tuple[bytes, list[int]]] | None:
        chunks = []
        with os.fdopen(self.fd, "rb") as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)
        if status != 0:
            return None
        try:
            got = marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None
        # what came back is checked before use: the right number of keys for every piece
        if not isinstance(got, list) or len(got) != len(self.pieces):
            return None
        for (_, lo, hi), item in zip(self.pieces, got, strict=True):
            if not (isinstance(item, tuple) and len(item) == 2 and type(item[0]) is bytes):
                return None
            if len(item[0]) != 8 * (hi - lo) or not isinstance(item[1], list):
                return None
            if not all(type(i) is int and 0 <= i < hi - lo for i in item[1]):
                return None
        return got


def _in_child(pieces: list[tuple[Folder, int, int]], limit: int) -> _Child | None:
    import threading

    if threading.active_count() > 1:
        return None  # forking beside other threads could leave one of their locks held
    try:
        read, write = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: stat, send the keys, and leave without running any clean-up
        code = 1
        try:
            os.close(read)
            out = []
            for folder, lo, hi in pieces:
                keys, missing = _stat_names(folder.path, folder.names[lo:hi], limit)
                out.append((keys.tobytes(), missing))
            data = marshal.dumps(out)
            view = memoryview(data)
            while view:
                view = view[os.write(write, view) :]
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return _Child(pid, read, pieces)


def _take(pieces: list[tuple[Folder, int, int]], got: list[tuple[bytes, list[int]]]) -> None:
    for (folder, lo, _), (packed, missing) in zip(pieces, got, strict=True):
        folder.keys.frombytes(packed)
        folder.missing.extend(lo + i for i in missing)


def list_assessments(root: Path, links: list[str] | None = None) -> list[tuple[str, str]]:
    """(quarter folder, file name) of every non-hidden `.yaml`/`.yml` under assessments/; a
    file directly in assessments/ comes with folder "" (the loader says where it belongs).
    Symbolic links to folders (assessments/ itself included) are not followed but added to
    `links`."""
    top = root / ASSESSMENTS
    found: list[tuple[str, str]] = []
    seen: list[str] = [] if links is None else links
    kind = _is_link(os.fspath(top))
    if kind:
        seen.append(ASSESSMENTS)
    if kind is not False:
        return found
    folders = []
    for path in sorted(top.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            if path.is_dir():
                seen.append(f"{ASSESSMENTS}/{path.name}")
            continue
        if path.is_dir():
            folders.append(path)
        elif path.name.endswith((".yaml", ".yml")):
            found.append(("", path.name))
    for folder in folders:
        for file in sorted(folder.iterdir()):
            if file.name.startswith(".") or not file.name.endswith((".yaml", ".yml")):
                continue
            found.append((folder.name, file.name))
    return found


class Tree:
    """The files the loader will read, with their stat keys, and a digest of the whole listing."""

    def __init__(
        self,
        root: str,
        started_ns: int,
        folders: list[Folder],
        assessments: list[tuple[str, str]],
        links: list[str],
    ) -> None:
        self.root = root
        self.started_ns = started_ns
        self.folders = folders
        self.record_count = sum(len(f.names) for f in folders)
        self.assessments = assessments
        self.keys: dict[str, StatKey | None] = {}  # charter, baselines, assessments
        self.fingerprint = b""
        # False when a file changed too recently (or could not be stat-ed) to vouch for the
        # listing
        self.settled = True
        # folders under records/ and assessments/ (or those two) that are symbolic links: not
        # read
        self.links = links
        self._records: list[tuple[str, StatKey | None]] | None = None

    @property
    def records(self) -> list[tuple[str, StatKey | None]]:
        """Every record file (path from the root) with its key, in listing order. Made on first
        use: an unchanged `jw validate` needs only `record_count` and the fingerprint."""
        if self._records is None:
            self._records = [pair for folder in self.folders for pair in folder.pairs()]
        return self._records

    @records.setter
    def records(self, value: list[tuple[str, StatKey | None]]) -> None:
        self._records = value
        self.folders = []

    def key(self, rel: str) -> StatKey | None:
        return self.keys.get(rel)


def scan(root: Path) -> Tree:
    """List and stat everything the loader reads: charter, baselines, records/, assessments/.

    A file changed within RACY_NS before the scan gets no key (None): it could change again
    within the same clock tick and leave every stat field equal, so it is never cached and the
    listing does not vouch for the tree (`settled` is False).
    """
    base = os.fspath(root)
    started = time.time_ns()
    limit = started - RACY_NS
    links: list[str] = []
    folders = list_records(base, links)
    tree = Tree(base, started, folders, list_assessments(root, links), links)
    stat_folders(folders, limit)
    for rel in (CHARTER, BASELINES):
        tree.keys[rel] = stat_path(f"{base}/{rel}", limit)
    for folder, name in tree.assessments:
        rel = f"{ASSESSMENTS}/{folder}/{name}" if folder else f"{ASSESSMENTS}/{name}"
        tree.keys[rel] = stat_path(f"{base}/{rel}", limit)
    # Names joined and keys packed per folder: a few C calls per folder, none per file. Every
    # part is delimited (names hold neither NUL nor "/"; a folder's count says where its keys
    # end), so two different listings never feed the digest the same bytes.
    others = sorted(tree.keys.items())
    digest = hashlib.blake2b(digest_size=32)
    digest.update("\0".join(rel for rel, _ in others).encode("utf-8", "surrogateescape"))
    digest.update(array("q", [0 if key is None else key for _, key in others]).tobytes())
    for f in folders:
        head = f"\1{f.rel}\0{len(f.names)}\0" + "\0".join(f.names)
        digest.update(head.encode("utf-8", "surrogateescape"))
        digest.update(f.keys.tobytes())
    tree.fingerprint = digest.digest()
    # A missing baselines.yaml is normal; any other None is a file too new or not stat-able.
    unsettled = any(f.missing for f in folders) or any(
        key is None and (rel != BASELINES or os.path.lexists(f"{base}/{rel}"))
        for rel, key in tree.keys.items()
    )
    # A linked folder is an error reported on every run: never vouched for by the cache.
    tree.settled = not unsettled and not links
    return tree
