#!/usr/bin/env python3
"""In-process CPU of one `jw audit` (the library call) on a history `bench_audit.py` generated,
as a first run, after HEAD moved by one commit, or at the same HEAD; `--profile` adds cProfile.

    PYTHONPATH=src python benchmarks/profile_audit.py benchmarks/out/audit-10000 moved [--profile]

CPU time, not wall time, so that it can be compared before and after a change on a shared
machine. Each run uses a new, empty cache folder; `moved` first audits the commit before HEAD
(checked out detached, then `main` again), as a CI run after one more commit finds it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("case", choices=["first", "moved", "same"])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="jw-profile-audit-")
    os.environ["XDG_CACHE_HOME"] = cache
    from jwcli.history.audit import audit

    def git(*command: str) -> None:
        subprocess.run(["git", "-C", str(args.repo), *command], check=True, capture_output=True)

    try:
        if args.case == "moved":
            git("checkout", "-q", "--detach", "HEAD~1")
            try:
                audit(args.repo)
            finally:
                git("checkout", "-q", "main")
        elif args.case == "same":
            audit(args.repo)
        profile = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profile is not None:
            profile.enable()
        report = audit(args.repo)
        if profile is not None:
            profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profile is not None:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        print(
            f"{args.case}: cpu {cpu:.3f} s, wall {wall:.3f} s "
            f"({len(report.commits)} commits, {len(report.flags)} flags)"
        )
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
