#!/usr/bin/env python3
"""`jw import` of 10,000 cost rows, as a ratio to `jw validate` of the repository it produces.

    python benchmarks/bench_import.py [--rows 10000] [--base 2000] [--runs 3]

A repository of `--base` records is generated (generate.py), committed, and a CSV of `--rows`
valid cost rows is written for it (Windows-1252, `;`-separated, as Excel's "CSV" is in much of
Europe). Each run copies the committed repository afresh, times `jw import cost FILE` (reading,
checking every row and the batch with the repository, writing the files and the one commit),
then times a cold `jw --no-cache validate` of the result: the reference, since the import does
at least what validate does, plus writing and committing. Median of the runs. Figures go to
stdout; everything written is under benchmarks/out/.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
TODAY = "2026-11-29"
JW = [sys.executable, "-m", "jwcli"]


def _env(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
        "PYTHONPATH": str(HERE.parent / "src"),
    }


def _base(records: int, env: dict[str, str]) -> Path:
    base = OUT / f"import-base-{records}"
    if not (base / ".git").exists():
        shutil.rmtree(base, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(base), "--records", str(records)],
            check=True,
            env=env,
        )
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "generated"]):
            subprocess.run(["git", *args], cwd=base, check=True, env=env)
    return base


def _csv(base: Path, rows: int) -> Path:
    """`rows` cost rows on the charter's services and clients, periods before the as-of date."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from jwcli.load.repo import load_repo
    from jwcli.quarters import Quarter

    rel = load_repo(base)
    assert rel.charter is not None
    pairs = [(s.id, c) for s in rel.charter.services for c in s.clients]
    fsm = rel.fiscal_year_start
    last = Quarter.of(dt_date(TODAY), fsm).previous()
    quarters = [last]
    while len(quarters) < 8:
        quarters.append(quarters[-1].previous())
    rng = random.Random(7)
    lines = ["Date;Service;Party;Period;Amount;Summary"]
    for i in range(rows):
        service, party = rng.choice(pairs)
        quarter = rng.choice(quarters)
        booked = quarter.end(fsm).isoformat()
        pence = rng.randrange(10_000, 5_000_000)
        lines.append(
            f"{booked};{service};{party};{quarter};{pence // 100}.{pence % 100:02d};"
            f"Ledger line {i}: {service} charge to {party} (£)"
        )
    path = OUT / f"costs-{rows}.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def dt_date(text: str):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date.fromisoformat(text)


def _timed(cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--base", type=int, default=2_000, help="records already there")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    env = _env(OUT / "home")
    base = _base(args.base, env)
    sheet = _csv(base, args.rows)
    imports: list[float] = []
    validates: list[float] = []
    for run in range(args.runs):
        work = OUT / f"import-run-{run}"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(base, work, ignore=shutil.ignore_patterns(".jw"))
        imports.append(
            _timed([*JW, "-C", str(work), "--today", TODAY, "import", "cost", str(sheet)], env)
        )
        validates.append(
            # exit 1 (findings) still times a full validation: the generated repository may
            # carry errors of its own under newer rules, which the import neither adds nor needs
            _timed([*JW, "-C", str(work), "--today", TODAY, "--no-cache", "validate"], env, (0, 1))
        )
        shutil.rmtree(work, ignore_errors=True)
    imp, val = statistics.median(imports), statistics.median(validates)
    total = args.base + args.rows
    print(f"jw import cost, {args.rows} rows into {args.base} records: {imp:.2f} s (median)")
    print(f"jw --no-cache validate of the result ({total} records): {val:.2f} s (median)")
    print(f"ratio import / validate: {imp / val:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
