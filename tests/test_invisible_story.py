"""The caches are invisible over a relationship's life: one differential story on a real git
history.

A seeded random sequence of the steps a partnership manager and a hostile partner take (records
added of several kinds, edited, edited while others cite them, deleted, moved to another
quarter's folder, touched without a change; commits, a quarter closed with `jw review --close`,
a late record with `--late`, the charter amended, `--today` moved on, `git reset --hard`,
`git commit --amend`, a `review/` tag deleted or moved). After every step each reading command
runs three ways and must print, exit and write exactly the same:
- warm: with every cache, this user's memories kept from the earlier steps (run twice, so the
  second run is answered from the results remembered by the first);
- new user: with the repository's cache but a fresh $XDG_CACHE_HOME holding only this user's
  cache key (the per-user memories of close commits and of the audit start empty);
- cold: `--no-cache` and a fresh $XDG_CACHE_HOME with nothing in it.

Only the CLI is exercised, so the test holds whatever the caches' internals become. As in
test_cache.py the cache is switched on for a small repository (`MIN_FILES`), files are trusted
once the kernel's coarse ctime clock has passed their change (`RACY_NS` 0 and a short sleep),
and every file written gets its own modification time in the past. The test asserts that the
caches were used: the warm runs parse fewer files than the cold ones, and in at least half the
steps the second warm run of `jw score` loads no model at all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import random
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from jwcli.load import cache, repo, tree
from tests.helpers import git, jw, rec

CHARTER = """\
relationship: Invisible Partnership
version: {version}
effective: 2026-01-01
fiscal_year_start: 1
currency: GBP
parties:
  - {{id: north, name: North Council, role: client}}
  - {{id: acme, name: Acme Ltd, role: supplier}}
services:
  - {{id: helpdesk, name: Service desk, provider: acme, clients: [north]}}
objectives:
  - id: cut-cost
    statement: Reduce the cost of the service desk by 20%
    business_objective: Medium-term financial plan line 4
    owner: north
    due: 2027-12-31
kpis:
  - id: first-time-fix
    name: First-time fix rate
    objective: cut-cost
    owner: acme
    unit: percent
    direction: higher
    baseline: 60
    target: {target}
    amber_within: 5
    due: 2027-12-31
scoring:
  innovation_target_per_quarter: 0
escalation:
  levels:
    - {{level: 1, name: Cup of coffee, respond_within_days: 14, action: Talk it through.}}
  triggers:
    - {{id: red-kpis, metric: kpi-red-count, above: 0, level: 1}}
    - {{id: slipping, metric: on-time-rate, below: 0.8, level: 1}}
"""

BASELINES = """\
costs:
  - {service: helpdesk, party: north, annual: 400000.00, as_of: 2025-12-31, basis: 2025 outturn}
savings_targets:
  - {service: helpdesk, rate: 0.2, by: 2027-12-31}
"""

START = dt.date(2026, 4, 20)
END = dt.date(2026, 12, 20)
SEEDS = (15, 104)  # 104 found the audit order difference (test_invisible_audit_order.py)
STEPS = 6  # random steps per quarter
QUARTERS = 2


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _previous_quarter(day: dt.date) -> str:
    return _quarter(_quarter_start(day) - dt.timedelta(days=1))


def _at(day: dt.date) -> dict[str, str]:
    """Commits made during a step carry the story's date, one second later each time (so that
    an amended commit differs from the one it replaces)."""
    _clock[0] += 1
    stamp = f"{day.isoformat()}T10:00:{_clock[0] % 60:02d}+00:00"
    return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


_clock = [0]
_mtime = [1_600_000_000]


class Story:
    """The repository, the story's calendar and what the three ways of running jw need."""

    def __init__(self, base: Path, seed: int) -> None:
        self.base = base
        self.root = base / "repo"
        self.rng = random.Random(seed)
        self.today = START
        self.version = 1
        self.log: list[str] = []
        self.xdg = base / "xdg-warm"
        self.runs = 0
        self.warm_reads = 0
        self.cold_reads = 0
        self.score_hits = 0

    # -- the repository ------------------------------------------------------------------------

    def records(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Every record on disk: id -> (path relative to the root, its fields)."""
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for path in sorted((self.root / "records").glob("*/*.yaml")):
            fields = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(fields, dict):
                found[path.stem] = (path.relative_to(self.root).as_posix(), fields)
        return found

    def of_kind(self, kind: str) -> list[str]:
        return [i for i, (_, f) in self.records().items() if f.get("kind") == kind]

    def closed(self) -> list[str]:
        tags = git(self.root, "tag", "--list", "review/*").split()
        return [t.removeprefix("review/") for t in tags]

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, message: str) -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--allow-empty", "-m", message, env=_at(self.today))

    def jw(self, *args: str, xdg: Path | None = None) -> Any:
        env = {"XDG_CACHE_HOME": str(xdg or self.xdg), **_at(self.today)}
        return jw("-C", str(self.root), "--today", self.today.isoformat(), *args, env=env)

    def settle(self) -> None:
        """Files written in this step get their own modification time in the past (as a person's
        edits do); then the coarse ctime clock moves past the writes."""
        recent = time.time() - 3600
        for folder, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if d not in (".git", ".jw"))
            for name in sorted(names):
                path = os.path.join(folder, name)
                if os.lstat(path).st_mtime > recent:
                    _mtime[0] += 1
                    os.utime(path, ns=(_mtime[0] * 10**9, _mtime[0] * 10**9))
        time.sleep(0.03)

    # -- the steps ----------------------------------------------------------------------------

    def open_day(self) -> dt.date:
        """A day in today's quarter, or in the one before if it is not closed."""
        start = _quarter_start(self.today)
        if _previous_quarter(self.today) not in self.closed() and self.rng.random() < 0.4:
            start = _quarter_start(start - dt.timedelta(days=1))
        return start + dt.timedelta(days=self.rng.randrange(max(1, (self.today - start).days)))

    def add(self) -> str:
        day = self.open_day()
        kind = self.rng.choice(["commitment", "update", "measurement", "cost", "claim"])
        fields: dict[str, Any] = {}
        commitments = self.of_kind("commitment")
        if kind == "update" and not commitments:
            kind = "commitment"
        if kind == "commitment":
            fields = {
                "party": self.rng.choice(["north", "acme"]),
                "due": str(day + dt.timedelta(30)),
            }
        elif kind == "update":
            fields = {
                "commitment": self.rng.choice(commitments),
                "status": self.rng.choice(["delivered", "missed"]),
            }
        elif kind == "measurement":
            period = _quarter(day)
            fields = {
                "kpi": "first-time-fix",
                "period": period,
                "value": self.rng.randrange(60, 95),
            }
            earlier = [
                i
                for i, (_, f) in self.records().items()
                if f.get("kind") == "measurement" and f.get("period") == period
            ]
            if earlier:  # a correction of the quarter's reading
                fields["supersedes"] = [self.rng.choice(earlier)]
        elif kind == "cost":
            fields = {
                "service": "helpdesk",
                "party": "north",
                "period": _quarter(day),
                "amount": self.rng.randrange(80, 110) * 1000,
            }
        else:  # a claim citing earlier records as its evidence
            cited = sorted(self.records())[1:]
            fields = {"party": "acme", "evidence": self.rng.sample(cited, min(2, len(cited)))}
        ident = f"{day.isoformat()}-{kind}-{self.rng.randrange(10**6)}"
        self.write(f"records/{_quarter(day)}/{ident}.yaml", rec(kind, day.isoformat(), **fields))
        return f"add {ident} {fields}"

    def _pick(self, kinds: tuple[str, ...] = ()) -> tuple[str, str, dict[str, Any]] | None:
        found = [
            (i, rel, f)
            for i, (rel, f) in self.records().items()
            if f.get("kind") != "amendment" and (not kinds or f.get("kind") in kinds)
        ]
        return self.rng.choice(found) if found else None

    def edit(self) -> str:
        picked = self._pick()
        if picked is None:
            return self.add()
        _, rel, fields = picked
        for key, value in (("value", 55), ("amount", 123000), ("status", "missed")):
            if key in fields and self.rng.random() < 0.7:
                fields[key] = value
                break
        else:
            fields["summary"] = f"{fields.get('summary')} (edited)"
        self.write(rel, json.dumps(fields, default=str))
        return f"edit {rel}"

    def edit_cited(self) -> str:
        """Edit a record a later record names: a commitment with updates, or a claim's evidence."""
        named: set[str] = set()
        for _, fields in self.records().values():
            for key in ("commitment", "evidence", "supersedes"):
                value = fields.get(key)
                named.update(value if isinstance(value, list) else [value] if value else [])
        found = [(i, rel, f) for i, (rel, f) in self.records().items() if i in named]
        if not found:
            return self.edit()
        _, rel, fields = self.rng.choice(found)
        if fields.get("kind") == "commitment":
            fields["due"] = str(dt.date.fromisoformat(str(fields["due"])) - dt.timedelta(25))
            fields["party"] = "acme" if fields.get("party") == "north" else "north"
        else:
            fields["summary"] = "cited, then rewritten"
        self.write(rel, json.dumps(fields, default=str))
        return f"edit cited {rel}"

    def delete(self) -> str:
        picked = self._pick()
        if picked is None:
            return self.add()
        (self.root / picked[1]).unlink()
        return f"delete {picked[1]}"

    def move(self) -> str:
        picked = self._pick()
        if picked is None:
            return self.add()
        ident, rel, _ = picked
        folder = self.rng.choice(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
        target = self.root / "records" / folder / f"{ident}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).rename(target)
        return f"move {rel} to {folder}"

    def touch(self) -> str:
        picked = self._pick()
        rel = picked[1] if picked else "charter.yaml"
        _mtime[0] += 1
        os.utime(self.root / rel, ns=(_mtime[0] * 10**9, _mtime[0] * 10**9))
        return f"touch {rel}"

    def do_commit(self) -> str:
        self.commit("Records of the week")
        return "commit"

    def close(self) -> str:
        quarter = _previous_quarter(self.today)
        self.commit("Before the review")
        done = self.jw("review", "--close", "-q", quarter)
        return f"close {quarter}: exit {done.exit_code} {done.stderr.strip()[:120]}"

    def late(self) -> str:
        closed = self.closed()
        if not closed:
            return self.close()
        quarter = self.rng.choice(closed)
        year, q = int(quarter[:4]), int(quarter[-1])
        day = dt.date(year, q * 3, 20)
        done = self.jw(
            "add", "claim", "--late", "--date", day.isoformat(), "--party", "acme",
            "--summary", f"Late claim {self.rng.randrange(10**6)}",
            "--evidence", ",".join(sorted(self.records())[:1]),
        )  # fmt: skip
        return f"late claim in {quarter}: exit {done.exit_code} {done.stderr.strip()[:120]}"

    def amend(self) -> str:
        self.version += 1
        target = self.rng.choice([75, 80, 85, 90])
        self.write("charter.yaml", CHARTER.format(version=self.version, target=target))
        self.commit(f"Charter version {self.version}")
        done = self.jw(
            "add", "amendment", "--date", self.today.isoformat(), "--version", str(self.version),
            "--agreed-by", "north,acme", "--summary", f"Version {self.version} agreed",
        )  # fmt: skip
        return f"amend charter to v{self.version} (target {target}): exit {done.exit_code}"

    def move_today(self) -> str:
        self.today = min(END, self.today + dt.timedelta(days=self.rng.randrange(3, 30)))
        return f"today {self.today}"

    def next_quarter(self) -> str:
        start = _quarter_start(self.today)
        self.today = _quarter_start(start + dt.timedelta(days=100)) + dt.timedelta(days=9)
        return f"today {self.today}, a new quarter"

    def reset(self) -> str:
        if int(git(self.root, "rev-list", "--count", "HEAD")) <= 1:
            return self.do_commit()
        git(self.root, "reset", "-q", "--hard", "HEAD~1")
        return "git reset --hard HEAD~1"

    def amend_commit(self) -> str:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--amend", "--no-edit", "--allow-empty", env=_at(self.today))
        return "git commit --amend"

    def retag(self) -> str:
        closed = self.closed()
        if not closed:
            return self.close()
        tag = f"review/{self.rng.choice(closed)}"
        if self.rng.random() < 0.5:
            git(self.root, "tag", "-d", tag)
            return f"delete tag {tag}"
        git(self.root, "tag", "-f", tag, "HEAD~1")
        return f"move tag {tag} to HEAD~1"

    # -- the comparison -----------------------------------------------------------------------

    def check(self, step: int) -> None:
        quarter = _previous_quarter(self.today)
        commands = [
            ("validate",),
            ("score", "--quarter", quarter, "--format", "json"),
            ("status", "--format", "json"),
            ("audit",),
            ("review", "--quarter", quarter, "--format", "md,json", "--out", "{out}"),
        ]
        for n, command in enumerate(commands):
            warm = self.run(command, step, "warm", self.xdg, [])
            again = self.run(command, step, "again", self.xdg, [])
            user = self.base / f"xdg-user-{step}-{n}"
            (user / "jw").mkdir(parents=True)
            shutil.copy2(self.xdg / "jw" / "key", user / "jw" / "key")
            new_user = self.run(command, step, "user", user, [])
            cold = self.run(
                command, step, "cold", self.base / f"xdg-cold-{step}-{n}", ["--no-cache"]
            )
            story = "\n".join(self.log)
            for name, other in (("again", again), ("new user", new_user), ("no cache", cold)):
                if warm != other:
                    diff = difflib.unified_diff(
                        warm[2].splitlines(), other[2].splitlines(), "warm", name, lineterm=""
                    )
                    where = (
                        f"{' '.join(command)}: warm (exit {warm[0]}) != {name} (exit {other[0]})"
                    )
                    files = ""
                    for name_ in sorted(set(warm[3]) | set(other[3])):
                        mine, theirs = warm[3].get(name_, b""), other[3].get(name_, b"")
                        if mine != theirs:
                            files = f"; {name_} differs"
                            diff = difflib.unified_diff(
                                mine.decode(errors="replace").splitlines(),
                                theirs.decode(errors="replace").splitlines(),
                                "warm",
                                name,
                                lineterm="",
                            )
                            break
                    pytest.fail(f"{where}{files}, after\n{story}\n" + "\n".join(diff))

    def run(
        self, command: tuple[str, ...], step: int, mode: str, xdg: Path, flags: list[str]
    ) -> tuple[int, str, str, dict[str, bytes]]:
        out = self.base / "out" / f"{step}-{command[0]}-{mode}"
        args = [a.replace("{out}", str(out)) for a in command]
        reads = len(_reads)
        loads = len(_loads)
        done = self.jw(*flags, *args, xdg=xdg)
        if mode == "warm":
            self.warm_reads += len(_reads) - reads
        if mode == "cold":
            self.cold_reads += len(_reads) - reads
        if mode == "again" and command[0] == "score" and len(_loads) == loads:
            self.score_hits += 1
        written = {}
        if out.exists():
            written = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
        shown = (str(done.stdout) + "\0" + str(done.stderr)).replace(str(out), "OUT")
        assert "Traceback" not in shown, shown
        return done.exit_code, str(done.stdout).replace(str(out), "OUT"), shown, written


_reads: list[str] = []
_loads: list[int] = []


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache on for a small repository; the files parsed and the models loaded counted."""
    import jwcli.actions.review

    monkeypatch.setattr(cache, "MIN_FILES", 0)
    monkeypatch.setattr(tree, "RACY_NS", 0)
    # --close refuses a quarter not yet over by the real clock: the story's calendar is the clock
    monkeypatch.setattr(jwcli.actions.review, "real_today", lambda: dt.date(2027, 6, 1))
    real_read, real_load = repo._read, repo.load_repo

    def read(root: Any, rel: str, findings: Any) -> Any:
        _reads.append(rel)
        return real_read(root, rel, findings)

    def load(*args: Any, **kwargs: Any) -> Any:
        _loads.append(1)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(repo, "_read", read)
    monkeypatch.setattr(repo, "load_repo", load)
    _reads.clear()
    _loads.clear()


STEP_WEIGHTS = {
    "add": 5,
    "edit": 2,
    "edit_cited": 2,
    "delete": 1,
    "move": 1,
    "touch": 1,
    "do_commit": 3,
    "close": 1,
    "late": 1,
    "amend": 1,
    "move_today": 2,
    "reset": 1,
    "amend_commit": 1,
    "retag": 1,
}


@pytest.mark.usefixtures("counted")
@pytest.mark.parametrize("seed", SEEDS)
def test_every_step_reads_the_same_with_and_without_caches(
    tmp_path: Path, isolated_git: Any, seed: int
) -> None:
    story = Story(tmp_path, seed)
    root = story.root
    root.mkdir()
    git(root, "init", "-q")
    story.write("charter.yaml", CHARTER.format(version=1, target=80))
    story.write("baselines.yaml", BASELINES)
    story.write(
        "records/2026-Q1/2026-01-05-charter-agreed.yaml",
        rec("amendment", "2026-01-05", version=1, agreed_by=["north", "acme"]),
    )
    for _ in range(4):
        story.add()
    story.commit("The charter agreed and the first records")
    story.settle()
    story.log.append(f"seed {seed}: start on {story.today}")
    story.check(0)

    names = list(STEP_WEIGHTS)
    # Each quarter of the story: random steps, then the quarter ends and is closed (so the late
    # records, the tags and the resets meet closed quarters), the first one from the start.
    plan = ["close"]
    for _ in range(QUARTERS):
        plan += story.rng.choices(names, weights=list(STEP_WEIGHTS.values()), k=STEPS)
        plan += ["next_quarter", "close"]
    for step, name in enumerate(plan, start=1):
        story.log.append(f"{step}. {getattr(story, name)()}")
        story.settle()
        story.check(step)

    # the caches were used, not just written: warm runs parsed fewer files than cold ones, and a
    # repeated `jw score` was answered without loading the repository
    assert story.warm_reads < story.cold_reads, (story.warm_reads, story.cold_reads)
    assert story.score_hits >= len(plan) // 2, story.score_hits
