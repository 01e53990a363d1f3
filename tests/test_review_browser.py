"""The HTML pack in a real browser: headless Chromium with the network off renders it (the
screenshot is not blank), logs no console message or script error, requests nothing on the
page's behalf, and prints it to an A4 PDF through `jw review --format pdf`.

Skipped where Chromium is not installed, except in CI (CI=true), where a missing browser fails:
the pack's promise to print cleanly is only checked here.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from jwcli.render.browser import find_chromium, run_chromium
from tests.helpers import jw, write_repo
from tests.pngread import decode
from tests.review_data import FILES

TODAY = ["--today", "2025-10-15"]


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser test: install chromium (see .ci/run)")
        pytest.skip("chromium is not installed (apt-get install chromium); browser test skipped")
    return found


def _load(html: Path, work: Path, chromium: str) -> tuple[str, Any, bytes]:
    """Open `html` once: its log, its net log and a screenshot."""
    netlog, png = work / "net.json", work / "shot.png"
    run = run_chromium(
        html.resolve().as_uri(),
        [
            f"--screenshot={png}",
            "--window-size=900,1300",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            f"--log-net-log={netlog}",
        ],
        executable=chromium,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stderr, json.loads(netlog.read_text()), png.read_bytes()


def _page_requests(netlog: Any) -> set[str]:
    """URLs requested on behalf of a page loaded from a file (Chromium's own update and account
    pings, which the host resolver rules send nowhere, are not the page's)."""
    found = set()
    for event in netlog["events"]:
        params = event.get("params", {})
        if "url" in params and "file://" in params.get("network_isolation_key", ""):
            found.add(params["url"])
    return found


def _console(log: str) -> list[str]:
    return [ln for ln in log.splitlines() if ":CONSOLE" in ln or "Uncaught" in ln]


def test_the_detectors_catch_a_page_that_misbehaves(tmp_path: Path, chromium: str) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><p>x</p><img src="http://example.org/x.png">'
        '<script>throw new Error("kaboom")</script>'
    )
    log, netlog, _ = _load(bad, tmp_path, chromium)
    assert any("kaboom" in line for line in _console(log))
    assert "http://example.org/x.png" in _page_requests(netlog)


def test_pack_renders_offline_without_errors_and_prints_to_pdf(
    tmp_path: Path, chromium: str
) -> None:
    root = write_repo(tmp_path / "repo", FILES)
    result = jw(
        "-C", str(root), *TODAY, "review", "--format", "html,pdf", env={"JW_CHROMIUM": chromium}
    )
    assert result.exit_code == 0, result.output
    folder = root / "reviews/2025-Q2"
    log, netlog, png = _load(folder / "review.html", tmp_path, chromium)
    assert _console(log) == []
    assert _page_requests(netlog) == set()
    image = decode(png)
    assert (image.width, image.height) == (900, 1300)
    # a blank or failed page is one or two colours; the cover has text, rules and tinted boxes
    assert len(image.distinct_colours(step=3)) > 50
    pdf = (folder / "review.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 30_000
    # every section after the cover starts a new A4 page: at least eleven pages
    pages = re.findall(rb"/Type\s*/Page\b", pdf)
    assert len(pages) >= 11
    # A4 is 595 × 842 points
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+59[45](\.\d+)?\s+84[12](\.\d+)?\s*\]", pdf)
    # its only dates are the report date, so printing the same pack again gives the same bytes
    assert re.findall(rb"/CreationDate \(D:(\d{8})", pdf) == [b"20251015"]
    again = jw(
        "-C",
        str(root),
        *TODAY,
        "review",
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "b"),
        env={"JW_CHROMIUM": chromium},
    )
    assert again.exit_code == 0, again.output
    assert (tmp_path / "b" / "review.pdf").read_bytes() == pdf
