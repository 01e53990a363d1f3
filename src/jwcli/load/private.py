"""Reading jw's own files in this user's cache folder (`$XDG_CACHE_HOME/jw`) without trusting
the path: a link, a FIFO, a device, an oversized file or a file another account owns is never
read, and neither is one that others may write (their jw could not, but their shell could), and
opening never blocks. The audit and close-commit memories use it; what they read is
then checked (MAC, shape) before use."""

from __future__ import annotations

import os
import stat

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def read_own_file(path: str | os.PathLike[str], max_bytes: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of this user, writable by no one else, of at
    most `max_bytes`, else None (missing, unreadable, a link, not a plain file, too big, someone
    else's)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= max_bytes else None
