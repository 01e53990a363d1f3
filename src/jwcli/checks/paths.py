"""Whether an attachment path is safe to name: kept apart from the record checks so that the
cache can re-check attachments without importing the models (see load/cache.py)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def attachment_problem(root: Path, text: str) -> str | None:
    """Why an attachment is refused, or None. Only `lstat` is used: attachments are never read."""
    if text.startswith("https://"):
        return None
    if "://" in text:
        return "links must start with https://"
    if text.startswith(("/", "~")) or _DRIVE_RE.match(text):
        return "must be a path inside the repository, not an absolute or home path"
    if "\\" in text:
        return "uses `\\`: write `/` between folders"
    parts = text.split("/")
    if ".." in parts:
        return "must not leave the repository (`..`)"
    current = root
    for part in parts:
        if part in ("", "."):
            continue
        current = current / part
        try:
            info = os.lstat(current)
        except OSError:
            return "does not exist"
        if stat.S_ISLNK(info.st_mode):
            return "goes through a symbolic link; attach the file itself"
    if not stat.S_ISREG(os.lstat(current).st_mode):
        return "is not a regular file"
    return None
