"""The quarters signed off in the repository's history, for `jw validate` to hold back their
warnings (lifecycle.md, "Signed-off quarters").

A quarter is closed from its close commit on: a commit of HEAD's history whose trailers are
`Jw-Kind: review` and `Jw-Quarter: Q`. history/closes.py (sign-off) owns that rule in full;
this is the one call `jw validate` makes, kept small so that it can defer to it.
"""

from __future__ import annotations

from pathlib import Path

from jwcli.history import git
from jwcli.quarters import Quarter


def closed_quarters(root: Path) -> frozenset[str]:
    """Labels of the quarters closed in HEAD's history; none outside git or without commits."""
    if not git.available():
        return frozenset()
    proc = git.run(
        [
            "log",
            "--no-show-signature",
            "--fixed-strings",
            "--grep=Jw-Kind: review",
            "--format=%(trailers:key=Jw-Kind,valueonly,separator=%x2C)%x00"
            "%(trailers:key=Jw-Quarter,valueonly,separator=%x2C)%x1e",
            "HEAD",
            "--",
        ],
        root,
        check=False,
    )
    if proc.returncode != 0:
        return frozenset()
    found: set[str] = set()
    for chunk in proc.stdout.split("\x1e"):
        kind, _, quarters = chunk.strip().partition("\0")
        if "review" not in [k.strip() for k in kind.split(",")]:
            continue
        for label in quarters.split(","):
            if Quarter.from_label(label.strip()) is not None:
                found.add(label.strip())
    return frozenset(found)
