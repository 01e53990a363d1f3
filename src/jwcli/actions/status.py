"""`jw status`: what needs attention today, remembered by its inputs.

Status reads every quarter's triggers (a trigger unanswered years ago is still listed), so on
100,000 records it costs as much as `jw score` (loading every model and scoring every
quarter). Like score and review (actions/remember.py), a repeated run on unchanged inputs is
answered from load/results.py. Besides what a score depends on, status reads one thing outside
the data files: whether each `reviews/<quarter>/` holds a pack (the "pack written" line and
`--check`), so the key also lists, for every folder under `reviews/`, whether it holds one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from jwcli.analysis.status import PACK_FILES, Status
from jwcli.checks.run import Outcome
from jwcli.model.relationship import REVIEWS_DIR, Relationship


def status(root: Path, rel: Relationship, today: dt.date) -> Status:
    """The status of the working tree on `today`, with the records added since the last
    sign-off that change a closed quarter (from git)."""
    from jwcli.actions.signoff import late_since_last_close
    from jwcli.actions.snapshot import loaded
    from jwcli.analysis.status import status as compute_status

    # a close ends its quarter's measurement grace and the misses it acknowledges
    snap = loaded(root, rel, today)
    found = compute_status(rel, today, snap.close_days())
    latest, late = late_since_last_close(snap)
    if latest is not None:
        found = dataclasses.replace(
            found,
            late_since_close=tuple((str(x.quarter), x.id, x.path, x.reason) for x in late),
            last_close=f"{latest.quarter}, closed on {latest.committed}",
        )
    return found


def status_command(
    root: Path,
    done: Outcome,
    today: dt.date,
    *,
    cache: bool,
    load: Callable[[], Relationship],
) -> Status:
    """`jw status`'s result for a validated tree (`done`): remembered from an earlier run on the
    same inputs, else computed from the models `load` gives (and remembered)."""
    from jwcli.actions.remember import git_state
    from jwcli.load import results

    tree = done.tree
    key: tuple[object, ...] | None = None
    options = (today.isoformat(),)
    if cache and tree is not None and tree.settled:
        state = git_state(root, tree, dirty=False)
        if state is not None:
            key = (tree.fingerprint, options, state.parts, packs_written(root))
            found = results.find(tree.root, "status", options, key)
            if found is not None:
                stored = results.unpack_objects(found.get("result"))
                if type(stored) is Status:
                    return stored
    result = status(root, load(), today)
    if key is not None and tree is not None:
        results.keep(tree.root, "status", options, key, {"result": results.pack_objects(result)})
    return result


def packs_written(root: Path) -> tuple[tuple[str, bool], ...]:
    """Every folder under `reviews/` and whether it holds a pack, as analysis/status.py judges
    it (a file, or a link to one, named review.md, .html or .json)."""
    top = root / REVIEWS_DIR
    try:
        names = sorted(os.listdir(top))
    except OSError:  # no reviews/ (or not a folder): no pack anywhere
        return ()
    return tuple(
        (name, any((top / name / file).is_file() for file in PACK_FILES)) for name in names
    )
