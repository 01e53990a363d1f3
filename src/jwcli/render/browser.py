"""Headless Chromium, for printing the HTML pack to an A4 PDF (and screenshots in tests).

The browser runs with everything that could reach the network or the user's profile switched
off: a throwaway profile folder, no sync, no component updates, no background networking, and
host resolution mapped to nowhere, so a pack that tried to fetch anything would fail visibly.
Chromium keeps its own sandbox around the page, except when jw runs as root, where Chromium
refuses to start with it (containers, some CI runners).
Besides history/git.py, this is the one module that starts another program.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jwcli.errors import EnvironmentProblem
from jwcli.write.files import replace_own

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
TIMEOUT_SECONDS = 120
OFFLINE_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


def sandbox_flags(euid: int | None = None) -> tuple[str, ...]:
    """`--no-sandbox` only for root (effective user id 0), which Chromium's sandbox refuses."""
    if euid is None:
        geteuid = getattr(os, "geteuid", None)  # absent on Windows, where the sandbox works
        euid = geteuid() if geteuid is not None else -1
    return ("--no-sandbox",) if euid == 0 else ()


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable: $JW_CHROMIUM when set, else the first on PATH."""
    override = os.environ.get("JW_CHROMIUM")
    if override:
        return shutil.which(override) or (override if Path(override).is_file() else None)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _require() -> str:
    found = find_chromium()
    if found is None:
        raise EnvironmentProblem(
            "--format pdf needs Chromium (or Chrome), which is not installed or not on PATH",
            hint="install it (Debian/Ubuntu: `apt-get install chromium`), set JW_CHROMIUM to its "
            "path, or print review.html to PDF from any browser",
        )
    return found


@dataclass(frozen=True, slots=True)
class BrowserRun:
    returncode: int
    stdout: str
    stderr: str


def run_chromium(url: str, extra: Sequence[str], *, executable: str | None = None) -> BrowserRun:
    """Run headless Chromium once on `url` with `extra` flags, in a throwaway profile."""
    exe = executable or _require()
    with tempfile.TemporaryDirectory(prefix="jw-chromium-") as profile:
        args = [exe, *OFFLINE_FLAGS, *sandbox_flags(), f"--user-data-dir={profile}", *extra, url]
        try:
            proc = subprocess.run(
                args,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
                env={**os.environ, "HOME": profile},
            )
        except subprocess.TimeoutExpired:
            raise EnvironmentProblem(
                f"Chromium did not finish within {TIMEOUT_SECONDS} s", hint="run again"
            ) from None
    return BrowserRun(proc.returncode, proc.stdout, proc.stderr)


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")


def pin_dates(data: bytes, day: dt.date) -> bytes:
    """Set the PDF's creation and modification dates to `day`, midnight UTC.

    Chromium stamps the moment of printing, the one thing that made two prints of the same pack
    differ. The replacement has exactly the length of what it replaces, so the byte offsets in
    the PDF's cross-reference table stay right.
    """
    stamp = day.strftime("%Y%m%d000000").encode()

    def fix(match: re.Match[bytes]) -> bytes:
        zone = match.group(3)
        zone = b"+00'00'" if len(zone) == 7 else (b"Z" if zone == b"Z" else zone)
        return b"/" + match.group(1) + b" (D:" + stamp + zone + b")"

    return _PDF_DATE.sub(fix, data)


def print_pdf(html: Path, pdf: Path, day: dt.date | None = None) -> None:
    """Print `html` to an A4 PDF at `pdf` (page size and margins come from the pack's @page);
    with `day`, the PDF's own dates are set to it so the same pack prints to the same bytes."""
    with tempfile.TemporaryDirectory(prefix="jw-pdf-") as work:
        # print to a temporary folder first: a failed run must not leave half a PDF behind
        temp = Path(work) / "review.pdf"
        result = run_chromium(
            html.resolve().as_uri(),
            [f"--print-to-pdf={temp}", "--no-pdf-header-footer"],
        )
        if (
            result.returncode != 0
            or not temp.is_file()
            or not temp.read_bytes().startswith(b"%PDF")
        ):
            detail = result.stderr.strip().splitlines()[-1:] or ["no output"]
            raise EnvironmentProblem(
                f"Chromium could not print {html.name} to PDF: {detail[0]}",
                hint="check that Chromium runs headless here (`chromium --headless --version`)",
            )
        data = temp.read_bytes()
        replace_own(pdf, pin_dates(data, day) if day is not None else data)


def screenshot(html: Path, png: Path, width: int = 1000, height: int = 1400) -> BrowserRun:
    """Take a screenshot of `html` (for checking a pack by eye and in tests)."""
    return run_chromium(
        html.resolve().as_uri(),
        [
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ],
    )
