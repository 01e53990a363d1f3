"""The two ways jw writes a file.

`create_new` is for files a person will own (records, assessments, a new charter): create-only and
atomic — the content goes to a temporary file, is flushed to disk, then hard-linked to its name,
which fails if the name exists. Two processes racing for one id: exactly one wins; a crash
mid-write leaves at most a stray temporary file, never a partial record.

`replace_own` is for jw's own output (packs, schemas), which may be regenerated.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from jwcli.errors import RefusedToOverwrite


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_beside(path: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); the record is shared work, so give it the
        # permissions any new file would get here.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create_new(path: Path, data: bytes) -> None:
    """Write `path` only if it does not exist yet; never overwrites, never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
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
    _sync_dir(path.parent)


def replace_own(path: Path, data: bytes) -> None:
    """Atomically (re)write one of jw's own output files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_beside(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_dir(path.parent)
