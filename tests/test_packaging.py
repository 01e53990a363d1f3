"""The charter templates ship inside the wheel, and an installed `jw init` finds them there."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_wheel_carries_the_templates_and_installed_init_uses_them(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(PROJECT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("jwcli-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for template in ("shared-supplier", "strategic-alliance", "internal-joint-working"):
        assert f"jwcli/charters/{template}/charter.yaml" in names
    # Run from the unpacked wheel alone: the source tree's charters/ is not reachable from there.
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    code = "import jwcli.write.scaffold as s; print(s.templates_dir())"
    where = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert where == str(tmp_path / "site" / "jwcli" / "charters")
    listed = subprocess.run(
        [sys.executable, "-m", "jwcli", "init", "--list-templates"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert "strategic-alliance" in listed
