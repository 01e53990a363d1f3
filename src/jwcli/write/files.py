"""The two ways jw writes a file.

`create_new` is for files a person will own (records, assessments, a new charter): create-only and
atomic — the content goes to a temporary file, is flushed to disk, then hard-linked to its name,
which fails if the name exists. Two processes racing for one id: exactly one wins; a crash
mid-write leaves at most a stray temporary file, never a partial record.

`replace_own` is for jw's own output (packs, schemas), which may be regenerated.

Given the repository's `root`, both refuse to write through a folder inside it that is a symbolic
link: a partner could commit `records -> ../somewhere` or `exports -> ~/.ssh`, and jw must never
create or replace files outside the repository on its behalf. Folders outside the repository
(an `--out` the person typed) are theirs to choose.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from jwcli.errors import LinkRefused, RefusedToOverwrite


def umask() -> int:
    """The process's umask (read by setting it and putting it back): new files get 0o666 less it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# jw's temporary files: `.<name>.jw-<8 random>.tmp`. One left by a killed write is removed by the
# next write into its folder, once it is older than any write takes: a concurrent jw's temporary
# file is never touched. (Earlier versions left out `jw-`; such names could be a person's own, so
# they are left alone.)
_TEMP_RE = re.compile(r"\..+\.jw-[a-z0-9_]{8}\.tmp")
STALE_TEMP_S = 300
_swept: set[str] = set()


def sweep_temp_files(folder: Path) -> list[str]:
    """Remove jw's stale temporary files from `folder` (only there, only regular files, never
    through a link); the names removed. Done once per folder per process: cheap enough for
    every write."""
    key = os.path.abspath(folder)
    if key in _swept:
        return []
    _swept.add(key)
    removed: list[str] = []
    limit = time.time() - STALE_TEMP_S
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".tmp") or not _TEMP_RE.fullmatch(entry.name):
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
                        os.unlink(entry.path)  # unlink removes a name, never follows it
                        removed.append(entry.name)
    except OSError:
        pass  # an unreadable folder: the write itself will say what is wrong
    return removed


def _temp_beside(path: Path, data: bytes) -> Path:
    sweep_temp_files(path.parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.jw-", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); the record is shared work, so give it the
        # permissions any new file would get here.
        os.fchmod(fd, 0o666 & ~umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_folder(folder: Path, root: Path | None = None) -> None:
    """Create `folder` and its parents. Below `root`, every component is checked with `lstat`
    and made with `mkdir` one at a time, so none is a symbolic link (nor a file)."""
    if root is None:
        folder.mkdir(parents=True, exist_ok=True)
        return
    base = os.path.abspath(root)
    target = os.path.abspath(folder)
    rel = os.path.relpath(target, base)
    if rel == "." or rel == ".." or rel.startswith(".." + os.sep):
        folder.mkdir(parents=True, exist_ok=True)  # the repository itself, or outside it
        return
    current = base
    done: list[str] = []
    for part in rel.split(os.sep):
        current = os.path.join(current, part)
        done.append(part)
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):
                os.mkdir(current)
            mode = os.lstat(current).st_mode
        shown = "/".join(done)
        if stat.S_ISLNK(mode):
            raise LinkRefused(
                f"{shown} is a symbolic link: jw writes only into folders kept in the "
                "repository itself, never through a link that may lead outside it",
                hint=f"replace the link with a real folder (git rm {shown}, then mkdir {shown}), "
                "or write elsewhere with --out",
            )
        if not stat.S_ISDIR(mode):
            raise LinkRefused(
                f"{shown} is not a folder, so jw cannot write into it",
                hint=f"move {shown} out of the way, or write elsewhere with --out",
            )


def create_new(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Write `path` only if it does not exist yet; never overwrites, never leaves half a file.
    With `root`, never through a symbolic link inside the repository (see `make_folder`)."""
    make_folder(path.parent, root)
    if path.exists():
        raise RefusedToOverwrite(
            f"{path} already exists; jw never overwrites a file", hint="choose another id or name"
        )
    temp = _temp_beside(path, data)
    try:
        os.link(temp, path)
    except FileExistsError:
        raise RefusedToOverwrite(
            f"{path} already exists; jw never overwrites a file", hint="choose another id or name"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    sync_dir(path.parent)


def replace_own(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Atomically (re)write one of jw's own output files. With `root`, never through a symbolic
    link inside the repository (see `make_folder`); a link at `path` itself is replaced, not
    followed."""
    make_folder(path.parent, root)
    temp = _temp_beside(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_dir(path.parent)
