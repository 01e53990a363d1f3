"""Which files the loader reads, in the order it reads them, and what `stat` says about each.

One listing serves the loader and the cache: the cache's keys and the "nothing changed" short-cut
are computed over exactly the files `load_repo` would read. Import-light on purpose (no pydantic,
no yaml): `jw validate` on an unchanged tree needs only this and the stored findings.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from array import array
from dataclasses import dataclass, field
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
    found: list[tuple[str, StatKey | None]] = []
    seen: list[str] = [] if links is None else links
    top = os.path.join(root, RECORDS)
    kind = _is_link(top)
    if kind:
        seen.append(RECORDS)
    elif kind is False:
        _walk(top, RECORDS, found, limit, seen)
    return found


def _walk(
    folder: str,
    rel: str,
    found: list[tuple[str, StatKey | None]],
    limit: int | None,
    links: list[str],
) -> None:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return  # as os.walk: a folder that cannot be listed is passed over
    files: list[os.DirEntry[str]] = []
    dirs: list[os.DirEntry[str]] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()  # follows a link: a link to a folder is told apart below
        except OSError:
            is_dir = False
        (dirs if is_dir else files).append(entry)
    files.sort(key=lambda e: e.name)
    append = found.append
    for entry in files:
        name = entry.name
        if name.endswith((".yaml", ".yml")):
            if limit is None:
                append((f"{rel}/{name}", None))
                continue
            # the hot loop of an unchanged `jw validate`: one stat per file, nothing more (of the
            # entry itself: a link's key is the link's, never its target's)
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                append((f"{rel}/{name}", None))
                continue
            mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
            if mtime >= limit or ctime >= limit:
                append((f"{rel}/{name}", None))
            else:
                append((f"{rel}/{name}", hash((st.st_size, mtime, ctime, st.st_ino, st.st_dev))))
    dirs.sort(key=lambda e: e.name)
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
            _walk(entry.path, f"{rel}/{entry.name}", found, limit, links)


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


@dataclass
class Tree:
    """The files the loader will read, with their stat keys, and a digest of the whole listing."""

    root: str
    started_ns: int
    records: list[tuple[str, StatKey | None]]
    assessments: list[tuple[str, str]]
    keys: dict[str, StatKey | None] = field(default_factory=dict)  # charter, baselines, assessments
    fingerprint: bytes = b""
    # False when a file changed too recently (or could not be stat-ed) to vouch for the listing
    settled: bool = True
    # folders under records/ and assessments/ (or those two) that are symbolic links: not read
    links: list[str] = field(default_factory=list)

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
    tree = Tree(
        base, started, walk_records(base, limit, links), list_assessments(root, links), links=links
    )
    for rel in (CHARTER, BASELINES):
        tree.keys[rel] = stat_path(f"{base}/{rel}", limit)
    for folder, name in tree.assessments:
        rel = f"{ASSESSMENTS}/{folder}/{name}" if folder else f"{ASSESSMENTS}/{name}"
        tree.keys[rel] = stat_path(f"{base}/{rel}", limit)
    # Paths joined, keys packed as 64-bit integers: a few C calls for 100,000 files.
    listing = [*sorted(tree.keys.items()), *tree.records]
    digest = hashlib.blake2b(digest_size=32)
    digest.update("\0".join(rel for rel, _ in listing).encode("utf-8", "surrogateescape"))
    digest.update(array("q", [0 if key is None else key for _, key in listing]).tobytes())
    tree.fingerprint = digest.digest()
    # A missing baselines.yaml is normal; any other None is a file too new or not stat-able.
    unsettled = any(key is None for _, key in tree.records) or any(
        key is None and (rel != BASELINES or os.path.lexists(f"{base}/{rel}"))
        for rel, key in tree.keys.items()
    )
    # A linked folder is an error reported on every run: never vouched for by the cache.
    tree.settled = not unsettled and not links
    return tree
