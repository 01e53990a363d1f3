#!/usr/bin/env python3
"""Time `jw audit` on a 10,000-commit history against one `git log --name-status` pass over it.

    .venv/bin/python benchmarks/bench_audit.py [--commits 10000] [--runs 3] [--force]

Writes the history in one go with `git fast-import` into benchmarks/out/audit-<commits>/ (reused
when it exists): a charter and baselines, then one record per commit as `jw add` makes them
(trailers included), by three authors, with a `review/<quarter>` tag after each quarter, a charter
amendment every 2,500 commits, and a few records edited or backdated after their quarter closed,
so the audit has flags to find. Then prints, as Markdown, the median of `--runs` timed runs of
each command (stdout to /dev/null, runs interleaved, one untimed warm-up each) and the ratio to
the git log pass. The target (shared/spec/quality.md): `jw audit` <= 1.5x.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
JW = Path(os.environ.get("JW", ROOT / ".venv" / "bin" / "jw"))

CHARTER = """\
relationship: Benchmark Shared Services
version: {version}
effective: 2023-04-01
fiscal_year_start: 4
currency: GBP
parties:
  - id: north
    name: North District Council
    role: client
  - id: south
    name: South Borough Council
    role: client
  - id: acme
    name: Acme Managed Services Ltd
    role: supplier
services:
  - id: helpdesk
    name: ICT service desk
    provider: acme
    clients: [north, south]
kpis:
  - id: first-time-fix
    name: First-time fix rate
    owner: acme
    unit: percent
    direction: higher
    target: {target}
    amber_within: 5
"""
BASELINES = """\
costs:
  - service: helpdesk
    party: north
    annual: 400000.00
    as_of: 2023-03-31
    basis: 6 FTE analysts, licences
"""
AUTHORS = [
    b"Ann Lee <ann@north.example>",
    b"Raj Patel <raj@acme.example>",
    b"Sue Obi <sue@south.example>",
]
START = dt.date(2023, 4, 1)
EPOCH = 1_680_336_000  # 2023-04-01T08:00:00Z


def quarter_of(day: dt.date) -> str:
    """Fiscal quarter label with the year starting in April."""
    months = day.year * 12 + day.month - 1 - 3
    year, month0 = divmod(months, 12)
    return f"{year}-Q{month0 // 3 + 1}"


def record(i: int, day: dt.date) -> tuple[str, str, str]:
    """(kind, id, text) of the i-th record, cycling through the kinds people add most."""
    kinds = ["observation", "commitment", "measurement", "meeting", "cost", "lesson"]
    kind = kinds[i % len(kinds)]
    rid = f"{day}-{kind}-{i}"
    head = f"kind: {kind}\ndate: {day}\nsummary: {kind.capitalize()} number {i} of the benchmark\n"
    body = {
        "observation": "party: acme\nbehaviours: [critical-friend]\neffect: positive\n",
        "commitment": f"party: acme\ndue: {day + dt.timedelta(days=30)}\n",
        "measurement": f"kpi: first-time-fix\nperiod: {quarter_of(day)}\nvalue: {70 + i % 20}\n",
        "meeting": "type: check-in\nattendees:\n  north: [Ann Lee]\n  acme: [Raj Patel]\n",
        "cost": f"service: helpdesk\nparty: north\nperiod: {quarter_of(day)}\namount: 1000.00\n",
        "lesson": "party: south\n",
    }[kind]
    return kind, rid, head + body


def generate(repo: Path, commits: int) -> None:
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    stream: list[bytes] = []

    def data(blob: bytes) -> None:
        stream.append(b"data %d\n" % len(blob))
        stream.append(blob + b"\n")

    def commit(n: int, files: dict[str, str], message: str) -> None:
        who = AUTHORS[n % len(AUTHORS)]
        stamp = EPOCH + n * 3000
        stream.append(b"commit refs/heads/main\nmark :%d\n" % (n + 1))
        stream.append(b"author %s %d +0000\ncommitter %s %d +0000\n" % (who, stamp, who, stamp))
        data(message.encode())
        if n:
            stream.append(b"from :%d\n" % n)
        for path, text in files.items():
            stream.append(b"M 100644 inline %s\n" % path.encode())
            data(text.encode())

    def tag(name: str, mark: int, n: int) -> None:
        stream.append(b"tag %s\nfrom :%d\n" % (name.encode(), mark))
        stream.append(b"tagger %s %d +0000\n" % (AUTHORS[0], EPOCH + n * 3000))
        data(f"Review of {name[7:]} closed".encode())

    agreed = (
        "kind: amendment\ndate: 2023-04-01\nsummary: Version 1 agreed\nversion: 1\n"
        "agreed_by: [north, south, acme]\n"
    )
    commit(
        0,
        {
            "charter.yaml": CHARTER.format(version=1, target=80),
            "baselines.yaml": BASELINES,
            f"records/{quarter_of(START)}/2023-04-01-charter-v1.yaml": agreed,
        },
        "Charter version 1, agreed",
    )
    version = 1
    paths: list[tuple[str, str]] = []
    last_quarter = quarter_of(START)
    for n in range(1, commits):
        day = START + dt.timedelta(days=n // 8)  # eight records a day
        if quarter_of(day) != last_quarter and n > 1:
            # the close commit, as `jw review --close` writes it, and its tag
            commit(
                n,
                {f"reviews/{last_quarter}/review.md": f"# Review {last_quarter}\n"},
                f"jw: review {last_quarter} closed\n\nJw-Kind: review\n"
                f"Jw-Quarter: {last_quarter}\nJw-Today: {day}\n",
            )
            tag(f"review/{last_quarter}", n + 1, n)
            last_quarter = quarter_of(day)
            continue
        if n % 2500 == 0:
            version += 1
            amendment = (
                f"kind: amendment\ndate: {day}\nsummary: Version {version} agreed\n"
                f"version: {version}\nagreed_by: [north, south, acme]\n"
            )
            commit(
                n,
                {
                    "charter.yaml": CHARTER.format(version=version, target=80 + version),
                    f"records/{quarter_of(day)}/{day}-charter-v{version}.yaml": amendment,
                },
                f"Charter version {version}",
            )
            continue
        if n % 1000 == 500 and paths:  # an edit of an earlier record: a flag
            path, text = paths[n // 2]
            commit(n, {path: text.replace("summary: ", "summary: Edited: ")}, "Fix a typo")
            continue
        kind, rid, text = record(n, day)
        path = f"records/{quarter_of(day)}/{rid}.yaml"
        paths.append((path, text))
        commit(n, {path: text}, f"jw: add {kind} {rid}\n\nJw-Kind: {kind}\nJw-Record: {rid}\n")
    subprocess.run(
        ["git", "fast-import", "--quiet"], input=b"".join(stream), cwd=repo, check=True, env=env
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True, env=env)


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
    )
    return time.perf_counter() - started


def _cold_env() -> dict[str, str]:
    """An environment whose per-user cache folder is new and empty: audit remembers nothing."""
    import tempfile

    return {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="jw-bench-cache-")}


def _moved_env(repo: Path) -> dict[str, str]:
    """A cache folder as after an audit of the commit before HEAD: what a CI run after one more
    commit finds (the audit extends the remembered one with `git log <remembered>..HEAD`)."""
    env = _cold_env()
    git = ["git", "-C", str(repo), "-c", "advice.detachedHead=false"]
    subprocess.run([*git, "checkout", "-q", "--detach", "HEAD~1"], check=True)
    try:
        subprocess.run(
            [str(JW), "-C", str(repo), "audit"], capture_output=True, env=env, check=False
        )
    finally:
        subprocess.run([*git, "checkout", "-q", "main"], check=True)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--force", action="store_true", help="regenerate the history")
    args = parser.parse_args()

    repo = OUT / f"audit-{args.commits}"
    if args.force or not (repo / ".git").is_dir():
        started = time.perf_counter()
        generate(repo, args.commits)
        print(
            f"generated {args.commits:,} commits in {time.perf_counter() - started:.1f} s "
            f"-> {repo}",
            file=sys.stderr,
        )

    commands = {
        "git log --name-status (the baseline)": ["git", "log", "--name-status"],
        "jw audit": [str(JW), "-C", str(repo), "audit"],
        "jw audit, nothing remembered": [str(JW), "-C", str(repo), "audit"],
        "jw audit, HEAD moved": [str(JW), "-C", str(repo), "audit"],
        "jw audit --format json": [str(JW), "-C", str(repo), "audit", "--format", "json"],
        "git fsck --full (what --fsck adds)": ["git", "fsck", "--full", "--no-progress"],
    }
    cold, moved = "jw audit, nothing remembered", "jw audit, HEAD moved"
    for cmd in commands.values():
        timed(cmd, repo)  # warm the page cache and git's own caches
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            env = _cold_env() if name == cold else (_moved_env(repo) if name == moved else None)
            times[name].append(timed(cmd, repo, env))

    check = subprocess.run(
        [str(JW), "-C", str(repo), "audit", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    import json

    report = json.loads(check.stdout)
    base = statistics.median(times["git log --name-status (the baseline)"])
    print(
        f"## jw audit, {args.commits:,} commits ({platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()})\n"
    )
    print(
        f"{len(report['commits']):,} commits listed, {len(report['flags'])} flags, "
        f"exit {check.returncode}\n"
    )
    print(f"| command | median of {args.runs} (s) | runs (s) | ratio to git log |")
    print("|---|---:|---|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.3f}" for v in values)
        print(f"| `{name}` | {median:.3f} | {runs} | {median / base:.2f}x |")


if __name__ == "__main__":
    main()
