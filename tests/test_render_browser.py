"""The Chromium runner's pure parts: finding the browser and pinning the PDF's dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jwcli.render import browser


def test_pin_dates_keeps_the_length_so_the_xref_offsets_hold() -> None:
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<</Producer (Skia/PDF m156)\n"
        b"/CreationDate (D:20261129231354+00'00')\n/ModDate (D:20261129231355+01'00')>>\n"
    )
    pinned = browser.pin_dates(pdf, dt.date(2025, 10, 15))
    assert len(pinned) == len(pdf)
    assert b"/CreationDate (D:20251015000000+00'00')" in pinned
    assert b"/ModDate (D:20251015000000+00'00')" in pinned
    assert b"2026" not in pinned


def test_jw_chromium_overrides_the_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JW_CHROMIUM", str(fake))
    assert browser.find_chromium() == str(fake)
    monkeypatch.setenv("JW_CHROMIUM", str(tmp_path / "missing"))
    assert browser.find_chromium() is None


def test_a_failed_print_is_an_environment_problem_and_leaves_no_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "broken-chrome"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JW_CHROMIUM", str(fake))
    html = tmp_path / "review.html"
    html.write_text("<!DOCTYPE html><p>x</p>")
    with pytest.raises(browser.EnvironmentProblem, match="cannot open display"):
        browser.print_pdf(html, tmp_path / "out" / "review.pdf")
    assert not (tmp_path / "out" / "review.pdf").exists()
