"""A write killed half-way leaves a hidden temporary file; the next write into that folder
removes it, and nothing else: not a fresh one (a concurrent jw's), not a person's file, not a
link's target, not a file in another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import jw, rec, write_repo

HOUR_AGO = time.time() - 3600


def _killed_write(target: Path) -> Path:
    """Run jw's atomic write in another process and kill it before the file gets its name."""
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from jwcli.write.files import _temp_beside\n"
        "_temp_beside(Path(sys.argv[1]), b'kind: lesson\\n')\n"
        "os._exit(9)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", code, str(target)], env=env, check=False)
    assert done.returncode == 9
    (left,) = [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert left.name.startswith(f".{target.name}.jw-") and not target.exists()
    return left


def test_the_next_write_removes_what_a_killed_write_left(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "rel",
        {"records/2025-Q2/2025-07-01-there.yaml": rec("lesson", "2025-07-01", party="north")},
    )
    folder = root / "records" / "2025-Q2"
    stale = _killed_write(folder / "2025-07-02-killed.yaml")
    os.utime(stale, (HOUR_AGO, HOUR_AGO))
    second = folder / ".2025-07-03-other.yaml.jw-k2j4h5g1.tmp"
    second.write_text("x")
    os.utime(second, (HOUR_AGO, HOUR_AGO))
    # all of these stay
    fresh = folder / ".2025-07-04-busy.yaml.jw-abcd1234.tmp"  # a concurrent jw's, being written
    fresh.write_text("x")
    person = folder / ".my-notes.20240101.tmp"  # jw's shape without `jw-`: a person's file
    person.write_text("mine")
    os.utime(person, (HOUR_AGO, HOUR_AGO))
    outside = tmp_path / "precious.txt"
    outside.write_text("precious")
    link = folder / ".x.yaml.jw-zzzz9999.tmp"
    os.symlink(outside, link)
    os.utime(link, (HOUR_AGO, HOUR_AGO), follow_symlinks=False)
    elsewhere = root / "records" / "2025-Q1" / ".2025-04-01-a.yaml.jw-abcd1234.tmp"
    elsewhere.parent.mkdir()
    elsewhere.write_text("x")
    os.utime(elsewhere, (HOUR_AGO, HOUR_AGO))

    result = jw(
        "-C", str(root), "--today", "2025-08-01", "add", "lesson",
        "--date", "2025-07-05", "--party", "north", "--summary", "After the crash",
        "--no-commit",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (folder / "2025-07-05-after-the-crash.yaml").is_file()
    assert not stale.exists() and not second.exists()
    assert fresh.exists() and person.read_text() == "mine" and elsewhere.exists()
    assert link.is_symlink() and outside.read_text() == "precious"
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")) == sorted(
        [fresh.name, person.name, link.name]
    )
