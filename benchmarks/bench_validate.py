#!/usr/bin/env python3
"""Time `jw validate` against the floor of reading the same bytes, in one run.

    .venv/bin/python benchmarks/bench_validate.py [--sizes 10000,100000] [--runs 3]
                                                  [--profile] [--git] [--ledgers]

Generates (or reuses) repositories under benchmarks/out/ with benchmarks/generate.py, then
prints Markdown tables: (a) reading every file jw reads, bytes only, no parsing; (b) `jw validate
--no-cache` as a subprocess on both cores and pinned to one (`taskset`), median of `--runs`, its
ratio to (a) and its peak memory; jw with its cache: nothing changed (against `git status`), one
record changed (against (a)), `jw score` and `jw review` (against `hledger balance`); start-up of
`jw --version` and `jw --help` against `python -c pass`; where the time goes inside one load
(in-process phases). `--git` also times `git status --porcelain` on the same tree (the target for
an unchanged repository); `--ledgers` times `bean-check` and `hledger check` on equivalent ledgers
when those tools are on PATH. `--profile` profiles load_repo + validate on the smallest size with
pyinstrument when installed (cProfile otherwise) and prints the hot spots.

Ratios are what matter (shared/spec/quality.md, Performance): absolute times vary by machine.
All timings are taken with a warm page cache (each measured command runs once untimed first).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
VENV_BIN = ROOT / ".venv" / "bin"
TODAY = "2026-11-29"
SEED, QUARTERS, PARTIES = 1, 40, 6

GNU_TIME = "/usr/bin/time"  # a small C program: its children's peak RSS is their own


# -- the repositories ---------------------------------------------------------------------------


def ensure_repo(records: int, ledgers: bool) -> Path:
    """The repository for `records`, generated unless one with the same parameters exists."""
    out = OUT / f"repo-{records}"
    stamp_file = out / ".generated.json"
    fresh = stamp_file.is_file() and (
        stamp_file.stat().st_mtime >= (HERE / "generate.py").stat().st_mtime
    )
    if fresh:
        stamp = json.loads(stamp_file.read_text())
        same = (
            stamp.get("records"),
            stamp.get("seed"),
            stamp.get("quarters"),
            stamp.get("parties"),
        ) == (records, SEED, QUARTERS, PARTIES)
        if same and (stamp.get("ledgers") or not ledgers):
            return out
    started = time.perf_counter()
    # In a child process, so that this one stays small (see run_child).
    cmd = [sys.executable, str(HERE / "generate.py"), str(out), "--force"]
    cmd += ["--records", str(records), "--seed", str(SEED), "--quarters", str(QUARTERS)]
    cmd += ["--parties", str(PARTIES), *(["--ledgers"] if ledgers else [])]
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    print(
        f"generated {records:,} records in {time.perf_counter() - started:.1f} s -> {out}",
        file=sys.stderr,
    )
    return out


def jw_inputs(root: Path) -> list[str]:
    """Every file `jw validate` reads: charter, baselines, records/ and assessments/."""
    paths = [
        str(root / name) for name in ("charter.yaml", "baselines.yaml") if (root / name).is_file()
    ]
    for top in ("records", "assessments"):
        for folder, dirs, files in os.walk(root / top):
            dirs.sort()
            paths.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(".yaml"))
    return paths


def read_all_bytes(root: Path) -> tuple[int, int]:
    """The floor: walk the folders and read every file jw reads, without decoding or parsing."""
    files = total = 0
    for path in jw_inputs(root):
        with open(path, "rb") as handle:
            total += len(handle.read())
        files += 1
    return files, total


# -- timing -------------------------------------------------------------------------------------


def median_time(func: Callable[[], Any], runs: int) -> tuple[float, Any]:
    func()  # warm the page cache and the interpreter's caches; not timed
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run_child(cmd: Sequence[str], cwd: Path | None = None) -> tuple[float, int, int, str, str]:
    """Run a command; wall seconds, exit code, peak RSS in bytes (0 if unknown), out, err.

    A child's ru_maxrss counts the memory of the process that forked it until it execs (the
    kernel records the old address space's high-water mark at exec), so the peak is taken
    through GNU time, whose own footprint is about 2 MB; this script may hold far more.
    """
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        wrapped = list(cmd)
        if os.path.exists(GNU_TIME):
            wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", str(rss_file), *cmd]
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            started = time.perf_counter()
            proc = subprocess.run(
                wrapped, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL
            )
            elapsed = time.perf_counter() - started
            out.seek(0)
            err.seek(0)
            text_out = out.read().decode("utf-8", "replace")
            text_err = err.read().decode("utf-8", "replace")
        rss = 0
        if rss_file.is_file():
            lines = rss_file.read_text().split()
            rss = int(lines[-1]) * 1024 if lines and lines[-1].isdigit() else 0  # KiB
        return elapsed, proc.returncode, rss, text_out, text_err


def median_child(
    cmd: Sequence[str], runs: int, cwd: Path | None = None
) -> tuple[float, int, int, str, str]:
    """Median wall time of `runs` runs after one untimed run; the largest peak RSS seen."""
    run_child(cmd, cwd)
    results = [run_child(cmd, cwd) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    last = results[-1]
    return wall, last[1], max(r[2] for r in results), last[3], last[4]


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mb(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size else "?"


# -- the benchmarks -----------------------------------------------------------------------------


def bench_validate(root: Path, runs: int) -> dict[str, Any]:
    floor, (files, total) = median_time(lambda: read_all_bytes(root), runs)
    jw = str(VENV_BIN / "jw")
    wall, code, rss, _out, err = median_child(
        [jw, "-C", str(root), "--today", TODAY, "--no-cache", "validate"], runs
    )
    summary = err.strip().splitlines()[-1] if err.strip() else "(no summary)"
    match = re.search(r"(\d+) files checked: (\d+) errors?, (\d+) warnings?", summary)
    if code != 0 or match is None or match[2] != "0":
        raise SystemExit(f"jw validate on {root} did not pass (exit {code}): {summary}")
    found = {
        "files": files,
        "bytes": total,
        "floor": floor,
        "validate": wall,
        "rss": rss,
        "errors": int(match[2]),
        "warnings": int(match[3]),
    }
    if shutil.which("taskset"):
        # the same cold run pinned to one core: load_repo then parses serially
        one, _, _, _, _ = median_child(
            ["taskset", "-c", "0", jw, "-C", str(root), "--today", TODAY, "--no-cache", "validate"],
            runs,
        )
        found["validate_one_core"] = one
    return found


def _quarter_before(today: str) -> str:
    """The last completed quarter on `today`, as `jw review` defaults to (fiscal year from April,
    as generate.py writes the charter)."""
    import datetime as dt

    date = dt.date.fromisoformat(today)
    fiscal_month = (date.month - 4) % 12  # 0 = April
    year = date.year if date.month >= 4 else date.year - 1
    number = fiscal_month // 3 + 1
    if number == 1:
        return f"{year - 1}-Q4"
    return f"{year}-Q{number - 1}"


def bench_cache(root: Path, runs: int) -> dict[str, Any]:
    """jw with its cache (.jw/cache/): nothing changed, one record changed, score and review.

    The cache is built by one untimed run. Files written within 2 s of a run are never cached
    (load/cache.py), so a freshly generated tree is left to age first.
    """
    jw = [str(VENV_BIN / "jw"), "-C", str(root), "--today", TODAY]
    newest = max(p.stat().st_ctime for p in (root / "records").iterdir())
    time.sleep(max(0.0, newest + 2.5 - time.time()))
    run_child([*jw, "validate"])  # builds the cache
    found: dict[str, Any] = {}
    wall, code, rss, _out, err = median_child([*jw, "validate"], runs)
    if code != 0:
        raise SystemExit(f"cached jw validate failed (exit {code}): {err[-300:]}")
    found["unchanged"] = (wall, rss)

    # One record changed before every run: a comment line added and taken away in turn, so the
    # file really differs each time (and is re-parsed), and every other file comes from the cache.
    victim = next(iter(sorted((root / "records").iterdir())))
    target = sorted(victim.iterdir())[len(list(victim.iterdir())) // 2]
    original = target.read_bytes()
    times, peak = [], 0
    try:
        for n in range(runs + 1):
            target.write_bytes(original + f"# benchmark edit {n}\n".encode())
            elapsed, code, rss, _out, err = run_child([*jw, "validate"])
            if code != 0:
                raise SystemExit(f"jw validate after one edit failed (exit {code}): {err[-300:]}")
            if n:  # the first run is the untimed warm-up, as everywhere else
                times.append(elapsed)
                peak = max(peak, rss)
    finally:
        target.write_bytes(original)
    found["one_changed"] = (statistics.median(times), peak)
    run_child([*jw, "validate"])  # the restored file: back to the unchanged state

    quarter = _quarter_before(TODAY)
    wall, code, rss, _out, err = median_child([*jw, "score", "--quarter", quarter], runs)
    if code != 0:
        raise SystemExit(f"jw score failed (exit {code}): {err[-300:]}")
    found["score"] = (wall, rss)
    with tempfile.TemporaryDirectory() as out:
        cmd = [*jw, "review", "--quarter", quarter, "--format", "md,html,json", "--out", out]
        wall, code, rss, _out, err = median_child(cmd, runs)
    if code != 0:
        raise SystemExit(f"jw review failed (exit {code}): {err[-300:]}")
    found["review"] = (wall, rss)
    return found


def bench_hledger_balance(root: Path, runs: int, hledger: str | None) -> tuple[float, int] | None:
    journal = root / "ledgers" / "all.journal"
    if not hledger or not journal.is_file():
        return None
    wall, code, rss, _out, err = median_child([hledger, "-f", str(journal), "balance"], runs)
    if code != 0:
        print(f"hledger balance failed (exit {code}): {err[-300:]}", file=sys.stderr)
        return None
    return wall, rss


def bench_git(root: Path, runs: int) -> float:
    """`git status --porcelain` on the same tree, committed once in an isolated identity."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    if not (root / ".git").is_dir():
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "data"]):
            subprocess.run(["git", *args], cwd=root, env=env, check=True)
    cmd = ["git", "-C", str(root), "status", "--porcelain"]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_ledgers(
    root: Path, runs: int, bean_check: str | None, hledger: str | None
) -> dict[str, tuple[float, int]]:
    """bean-check (no cache) and `hledger check` with declared accounts and commodities, on the
    ledger with one transaction per record (`all`) and the one with only cost and saving
    records (`money`)."""
    found: dict[str, tuple[float, int]] = {}
    for ledger in ("all", "money"):
        tools: list[tuple[str, list[str]]] = []
        if bean_check:
            tools.append(
                (
                    f"bean-check -C ({ledger})",
                    [bean_check, "-C", str(root / "ledgers" / f"{ledger}.beancount")],
                )
            )
        if hledger:
            tools.append(
                (
                    f"hledger check ({ledger})",
                    [
                        hledger,
                        "-f",
                        str(root / "ledgers" / f"{ledger}.journal"),
                        "check",
                        "accounts",
                        "commodities",
                    ],
                )
            )
        for name, cmd in tools:
            wall, code, rss, _out, err = median_child(cmd, runs)
            if code != 0:
                print(f"{name} failed (exit {code}): {err[-500:]}", file=sys.stderr)
                continue
            found[name] = (wall, rss)
    return found


def bench_startup(runs: int) -> tuple[dict[str, tuple[float, int]], str]:
    """Median wall time and peak RSS of the start-up commands; the heavy modules `--help` loads."""
    python, jw = str(VENV_BIN / "python"), str(VENV_BIN / "jw")
    results = {}
    for name, cmd in (
        ("python -c pass", [python, "-c", "pass"]),
        ("jw --version", [jw, "--version"]),
        ("jw --help", [jw, "--help"]),
    ):
        wall, _code, rss, _out, _err = median_child(cmd, runs)
        results[name] = (wall, rss)
    probe = (
        "import sys\nsys.argv = ['jw', '--help']\nfrom jwcli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pydantic', 'yaml', 'jinja2', 'rich') if m in sys.modules]\n"
        "print(','.join(heavy) or 'none', file=sys.stderr)\n"
    )
    _, _, _, _, err = run_child([python, "-c", probe])
    return results, err.strip().splitlines()[-1] if err.strip() else "?"


def phases(root: Path) -> dict[str, float]:
    """Where one load's time goes, in-process, with the collector paused as load_repo does."""
    import datetime as dt

    import yaml

    from jwcli.checks.validate import validate
    from jwcli.load import yamlsafe
    from jwcli.load.repo import load_repo
    from jwcli.model.records import RECORD_KINDS

    paths = [p for p in jw_inputs(root) if "/records/" in p]
    result: dict[str, float] = {"files": float(len(paths))}
    gc.disable()
    try:
        started = time.perf_counter()
        texts = [yamlsafe.read_text(Path(p)) for p in paths]
        result["read + decode (read_text)"] = time.perf_counter() - started
        started = time.perf_counter()
        for text in texts:
            yamlsafe.check_characters(text)
        result["character checks (regexes)"] = time.perf_counter() - started
        started = time.perf_counter()
        for text in texts:
            list(yaml.parse(text, Loader=yaml.CSafeLoader))
        result["libyaml events only (yaml.parse)"] = time.perf_counter() - started
        started = time.perf_counter()
        datas = [yamlsafe.parse(text)[0] for text in texts]
        result["jw parse (events -> values, checks incl.)"] = time.perf_counter() - started
        started = time.perf_counter()
        for text in texts:
            yaml.load(text, Loader=yaml.CSafeLoader)
        result["for comparison: yaml.load CSafeLoader"] = time.perf_counter() - started
        started = time.perf_counter()
        for data in datas:
            RECORD_KINDS[data["kind"]].model_validate(data)
        result["pydantic model_validate"] = time.perf_counter() - started
    finally:
        gc.enable()
    del texts, datas
    gc.collect()
    started = time.perf_counter()
    rel = load_repo(root, workers=1)
    result["load_repo, one core (all of the above, all files)"] = time.perf_counter() - started
    del rel
    gc.collect()
    started = time.perf_counter()
    rel = load_repo(root)
    result["load_repo, both cores"] = time.perf_counter() - started
    started = time.perf_counter()
    validate(rel, dt.date.fromisoformat(TODAY))
    result["validate (checks + locate)"] = time.perf_counter() - started
    return result


def profile(root: Path, top: int) -> str:
    import datetime as dt

    from jwcli.checks.validate import validate
    from jwcli.load.repo import load_repo

    today = dt.date.fromisoformat(TODAY)

    def work() -> None:
        validate(load_repo(root, workers=1), today)  # serial: a profile sees one process

    work()  # warm
    if importlib.util.find_spec("pyinstrument") is not None:
        import pyinstrument

        profiler = pyinstrument.Profiler(interval=0.0005)
        profiler.start()
        work()
        profiler.stop()
        text: str = profiler.output_text(unicode=False, color=False, show_all=False)
        return text
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    work()
    prof.disable()
    stream = io.StringIO()
    stats = pstats.Stats(prof, stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return stream.getvalue()


# -- the report ---------------------------------------------------------------------------------


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (0 where /proc/stat is absent)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    import resource

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    import yaml

    return (
        f"{os.cpu_count()} cores ({model}), {memory} RAM, Python "
        f"{platform.python_version()}, PyYAML {yaml.__version__} with libyaml: "
        f"{yaml.__with_libyaml__}, {platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="record counts, comma-separated (default 10000,100000)",
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (median)")
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--no-phases", action="store_true", help="skip the in-process phases")
    parser.add_argument(
        "--no-cache-runs",
        action="store_true",
        help="skip the runs with the cache (nothing changed, one change, score, review)",
    )
    parser.add_argument(
        "--git",
        action="store_true",
        help="also time `git status --porcelain` (commits the tree once)",
    )
    parser.add_argument(
        "--ledgers",
        action="store_true",
        help="also time bean-check / hledger check on equivalent ledgers",
    )
    parser.add_argument(
        "--bean-check",
        default=shutil.which("bean-check"),
        help="bean-check to run with --ledgers (default: from PATH)",
    )
    parser.add_argument(
        "--hledger",
        default=shutil.which("hledger"),
        help="hledger to run with --ledgers (default: from PATH)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile load_repo + validate on the smallest size"
    )
    parser.add_argument("--top", type=int, default=30, help="rows of the cProfile listing")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not (VENV_BIN / "jw").exists():
        parser.error(f"{VENV_BIN / 'jw'} not found: install the project into .venv first")

    # An installed jw has its bytecode compiled (pip does it); a shell that forbids writing it
    # would make every child recompile jw's modules and time the compiler instead.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"Machine: {machine()}\n")
    wall_start, busy_start, own_start = time.perf_counter(), busy_cpu_seconds(), own_cpu_seconds()
    repos = {n: ensure_repo(n, args.ledgers) for n in sizes}
    if args.profile:
        smallest = min(sizes)
        print(f"## Profile: load_repo + validate, {smallest:,} records, in-process\n")
        print("```")
        print(profile(repos[smallest], args.top).rstrip())
        print("```\n")
        return 0

    results = {n: bench_validate(repos[n], args.runs) for n in sizes}
    extra: dict[int, dict[str, tuple[float, int]]] = {n: {} for n in sizes}
    if args.git:
        for n in sizes:
            extra[n]["git status --porcelain"] = (bench_git(repos[n], args.runs), 0)
    if args.ledgers:
        for n in sizes:
            extra[n].update(bench_ledgers(repos[n], args.runs, args.bean_check, args.hledger))

    cached = {n: bench_cache(repos[n], args.runs) for n in sizes} if not args.no_cache_runs else {}
    balance = {n: bench_hledger_balance(repos[n], args.runs, args.hledger) for n in sizes}

    heads = " | ".join(f"{n:,} records" for n in sizes)
    print(f"## jw validate (cold: no cache), median of {args.runs}\n")
    print(f"| figure | {heads} |")
    print("|---|" + "---|" * len(sizes))

    def row(name: str, cells: list[str]) -> None:
        print(f"| {name} | " + " | ".join(cells) + " |")

    res = [results[n] for n in sizes]
    row("files jw reads", [f"{r['files']:,}" for r in res])
    row("bytes", [f"{r['bytes'] / 1e6:.1f} MB" for r in res])
    row("(a) read all bytes, no parsing (the floor)", [fmt_s(r["floor"]) for r in res])
    row("(b) `jw validate`, subprocess", [fmt_s(r["validate"]) for r in res])
    row("**ratio b/a**", [f"**{r['validate'] / r['floor']:.1f}x**" for r in res])
    if all("validate_one_core" in r for r in res):
        one_core = [fmt_s(r["validate_one_core"]) for r in res]
        row("(b1) `jw validate`, cold, one core (taskset)", one_core)
    row("`jw validate` per file", [f"{r['validate'] / r['files'] * 1e6:.0f} µs" for r in res])
    row("peak RSS of `jw validate`", [fmt_mb(r["rss"]) for r in res])
    row("findings", [f"{r['errors']} errors, {r['warnings']} warnings" for r in res])
    for name in sorted({name for n in sizes for name in extra[n]}):
        got = [extra[n].get(name) for n in sizes]
        row(f"`{name}`", [fmt_s(g[0]) if g else "-" for g in got])
        row(
            f"ratio `jw validate` / `{name}`",
            [f"{r['validate'] / g[0]:.1f}x" if g else "-" for r, g in zip(res, got, strict=True)],
        )
        if name != "git status --porcelain":
            row(f"peak RSS of `{name}`", [fmt_mb(g[1]) if g else "-" for g in got])
        if name.startswith("bean-check -C (all") and all("validate_one_core" in r for r in res):
            row(
                f"ratio `jw validate` one core / `{name}`",
                [
                    f"{r['validate_one_core'] / g[0]:.2f}x" if g else "-"
                    for r, g in zip(res, got, strict=True)
                ],
            )
    print()

    if cached:
        print(f"## jw with its cache (.jw/cache/), median of {args.runs}\n")
        print(f"| figure | {heads} |")
        print("|---|" + "---|" * len(sizes))
        got = [cached[n] for n in sizes]
        git_status = [extra[n].get("git status --porcelain") for n in sizes]
        row("`jw validate`, nothing changed", [fmt_s(c["unchanged"][0]) for c in got])
        row(
            "ratio to `git status --porcelain` (target ≤ 3x)",
            [
                f"**{c['unchanged'][0] / g[0]:.1f}x**" if g else "- (run with --git)"
                for c, g in zip(got, git_status, strict=True)
            ],
        )
        row("`jw validate`, one record changed", [fmt_s(c["one_changed"][0]) for c in got])
        row(
            "ratio to reading the bytes (target ≤ 1.5x)",
            [f"**{c['one_changed'][0] / r['floor']:.1f}x**" for c, r in zip(got, res, strict=True)],
        )
        row("peak RSS, one record changed", [fmt_mb(c["one_changed"][1]) for c in got])
        row("`jw score`, warm", [fmt_s(c["score"][0]) for c in got])
        row("`jw review` (md, html, json), warm", [fmt_s(c["review"][0]) for c in got])
        bal = [balance[n] for n in sizes]
        row("`hledger balance`, all records", [fmt_s(b[0]) if b else "-" for b in bal])
        for name in ("score", "review"):
            row(
                f"ratio `jw {name}` / `hledger balance` (target ≤ 0.5x)",
                [
                    f"**{c[name][0] / b[0]:.2f}x**" if b else "- (run with --ledgers)"
                    for c, b in zip(got, bal, strict=True)
                ],
            )
        print()

    start, heavy = bench_startup(args.startup_runs)
    base = start["python -c pass"][0]
    print(f"## Start-up, median of {args.startup_runs}\n")
    print("| command | time | ratio to `python -c pass` | peak RSS |")
    print("|---|---|---|---|")
    for name in ("python -c pass", "jw --version", "jw --help"):
        wall, rss = start[name]
        print(f"| `{name}` | {fmt_s(wall)} | {wall / base:.1f}x | {fmt_mb(rss)} |")
    print(f"\nHeavy modules imported by `jw --help`: {heavy}\n")

    if not args.no_phases:
        for n in sizes:
            found = phases(repos[n])
            files = int(found.pop("files"))
            print(f"## Where the time goes, {n:,} records ({files:,} record files), in-process\n")
            print("| phase | total | per file |")
            print("|---|---|---|")
            for name, seconds in found.items():
                print(f"| {name} | {fmt_s(seconds)} | {seconds / files * 1e6:.0f} µs |")
            print()
    # The figures are only comparable when nothing else ran: say how much else did.
    wall = time.perf_counter() - wall_start
    others = busy_cpu_seconds() - busy_start - (own_cpu_seconds() - own_start)
    print(
        f"Other processes used {max(others, 0):.0f} CPU-seconds during this {wall:.0f} s run "
        f"({max(others, 0) / wall * 100:.0f}% of one core); above ~10% the figures are noisy."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
