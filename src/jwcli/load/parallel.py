"""A cold parse on every core (shared/spec/quality.md: "use both cores for a cold parse where it
pays"). Reading, parsing and validating a record file depends on that file alone, so the files are
cut into chunks, parsed by worker processes, and the models and findings come back by pickle.

Only above PARALLEL_MIN files: starting workers and sending the models back costs a fixed
few milliseconds plus ~5 us a file, which a few thousand files repay. Where processes cannot be
started (not Linux, other threads running, a sandbox refusing fork), the caller parses serially.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

# Fewer files than this are parsed serially. Measured on 2 cores (load_repo, in-process):
# 2,000 files 0.31 s either way, 10,000 0.70 -> 0.58 s, 100,000 5.0 -> 3.5 s.
PARALLEL_MIN = 2000
# Files per task: large enough that pickling overhead per task is small, small enough that the
# cores finish together.
CHUNK = 1000


def _parse_chunk(base: str, paths: list[str]) -> list[tuple[Any, list[Any]]]:
    from jwcli.load.repo import load_record

    gc.disable()  # as in load_repo: many small objects, no cycles
    out: list[tuple[Any, list[Any]]] = []
    for path in paths:
        found: list[Any] = []
        record = load_record(base, path, found)
        out.append((record, found))
    return out


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def parse_in_parallel(
    base: str,
    paths: list[str],
    workers: int | None,
    on_progress: Callable[[int, int], None] | None,
    total: int,
) -> dict[str, tuple[Any, list[Any]]]:
    """{path: (model or None, findings)} for `paths`; {} when it would not pay or cannot run
    (the caller then parses them itself)."""
    count = min(workers or _cores(), (len(paths) + CHUNK - 1) // CHUNK)
    if count < 2 or not sys.platform.startswith("linux") or threading.active_count() > 1:
        # Workers are forked: they start in milliseconds with the models already imported, and
        # never re-run the program's __main__ as spawned ones do. Forking is only safe while
        # this is the one thread (a lock held by another would stay held in the child), and
        # only on Linux (macOS frameworks do not survive it).
        return {}
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
        results: dict[str, tuple[Any, list[Any]]] = {}
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            done = total - len(paths)
            for chunk, parsed in zip(
                chunks, pool.map(_parse_chunk, [base] * len(chunks), chunks), strict=True
            ):
                results.update(zip(chunk, parsed, strict=True))
                done += len(chunk)
                if on_progress is not None:
                    on_progress(done, total)
        return results
    except Exception:  # no usable multiprocessing here: parse serially, same results
        return {}
