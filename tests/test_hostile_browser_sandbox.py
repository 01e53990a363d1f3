"""Chromium prints a pack built from partners' data: it keeps its sandbox unless jw runs as root
(where Chromium will not start with it)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from jwcli.render import browser


def test_sandbox_is_kept_for_every_user_but_root() -> None:
    assert browser.sandbox_flags(1000) == ()
    assert browser.sandbox_flags(0) == ("--no-sandbox",)
    assert "--no-sandbox" not in browser.OFFLINE_FLAGS


def test_the_flags_chromium_gets_follow_who_runs_jw(tmp_path: Path) -> None:
    args_file = tmp_path / "args"
    fake = tmp_path / "chromium"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {args_file}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    browser.run_chromium("file:///dev/null", ["--dump-dom"], executable=str(fake))
    args = args_file.read_text().splitlines()
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)
    assert "--headless" in args and "--host-resolver-rules=MAP * ~NOTFOUND" in args
