"""Markdown surfaces stay inert: data can neither close the job summary's block nor become links,
images or headings in review.md on a git host.

markdown-it (CommonMark, which GitHub's Markdown extends) renders what a host would; GFM's bare
URL autolinks act only on plain text, never inside code spans, so a URL is inert when it is not
in a text token.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from jwcli.render.filters import md_cell
from jwcli.write.scaffold import WORKFLOW
from tests.helpers import jw, write_repo
from tests.review_data import FILES, R, record

HOSTILE = (
    "Acme\n```\n# Injected heading\n![tracker](https://evil.example/p.png)\n"
    "[click](https://evil.example) </pre> <img src=x> & www.evil.example\n```"
)


def _text_tokens(markdown: str) -> list[str]:
    """Every plain-text run a renderer (and an autolinker) sees in `markdown`."""
    found = []
    for block in MarkdownIt("commonmark").parse(markdown):
        for child in block.children or []:
            if child.type == "text":
                found.append(child.content)
    return found


def _no_links(markdown: str) -> None:
    html = MarkdownIt("commonmark").render(markdown)
    assert "<a " not in html and "<img" not in html, html
    for text in _text_tokens(markdown):
        assert "://" not in text and "www." not in text, text


def test_md_cell_leaves_no_link_image_heading_or_bare_url() -> None:
    cell = md_cell(HOSTILE)
    _no_links(cell)
    html = MarkdownIt("commonmark").render(cell)
    assert not re.search(r"<h[1-6]", html)
    assert "<pre" not in html and "<code>https://evil.example/p.png</code>" in html


def test_review_md_shows_urls_in_summaries_as_code_never_as_links(tmp_path: Path) -> None:
    files = dict(FILES)
    files[R + "l-url.yaml"] = record(
        "lesson", "2025-09-06", "'Read https://evil.example/login and www.evil.example'",
        party="south",
    )  # fmt: skip
    root = write_repo(tmp_path / "repo", files)
    result = jw("-C", str(root), "--today", "2025-10-15", "review", "--format", "md")
    assert result.exit_code == 0, result.output
    text = (root / "reviews/2025-Q2/review.md").read_text()
    assert "`https://evil.example/login`" in text
    for text_run in _text_tokens(text):
        assert "evil.example" not in text_run, text_run


def _summary_script() -> str:
    workflow = yaml.safe_load(WORKFLOW.format(requirements="jw-requirements.txt"))
    (job,) = workflow["jobs"].values()
    return str(next(s["run"] for s in job["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", "")))


def test_workflow_summary_cannot_be_closed_by_a_relationship_name(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "jw"
    # a `jw score` whose table shows the hostile relationship name
    fake.write_text("#!/bin/sh\ncat <<'EOF'\nScorecard " + HOSTILE + "\nEOF\n")
    fake.chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    subprocess.run(["bash", "-e", "-c", _summary_script()], env=env, check=True)
    markdown = summary.read_text()
    html = MarkdownIt("commonmark").render(markdown)
    # only the workflow's own two headings; the data is shown, escaped, inside <pre>
    assert re.findall(r"<h\d>[^<]*</h\d>", html) == [
        "<h2>Scorecard, last quarter</h2>",
        "<h2>Scorecard, this quarter so far</h2>",
    ]
    assert html.count("<pre>") == 2 and html.count("</pre>") == 2
    assert "<img" not in html and "<a " not in html
    assert "&lt;/pre&gt;" in html and "# Injected heading" in html


def test_workflow_summary_step_fails_when_jw_score_fails(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "jw").write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    (bin_dir / "jw").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "summary.md")
    done = subprocess.run(["bash", "-e", "-c", _summary_script()], env=env, capture_output=True)
    assert done.returncode == 3
