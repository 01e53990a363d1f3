"""The two Jinja environments of the review pack.

Templates are package data (PackageLoader) and only ever receive a prepared view model: data is
never compiled as a template, so `{{ 7*7 }}` in a record stays text. Both environments use
StrictUndefined, so a misspelt name in a template fails the render instead of printing nothing.
HTML autoescapes everything; Markdown has no autoescape, so every piece of data goes through the
`md` filter (filters.md_cell), which a test checks for each template variable of user text.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from jwcli.render import charts, filters
from jwcli.render.pack import SECTIONS, ReviewPack

PROJECT_RAG = {
    "within-budget": "green",
    "within-tolerance": "amber",
    "over-tolerance": "red",
    "no-spend": None,
}


def _common(env: Environment) -> Environment:
    env.filters.update(filters.FILTERS)
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.keep_trailing_newline = True
    return env


@cache
def html_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("jwcli.render", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
    )
    _common(env)
    env.filters.update(charts.FILTERS)
    return env


@cache
def markdown_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("jwcli.render", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
    )
    _common(env)
    env.filters["md"] = filters.md_cell
    return env


def _context(pack: ReviewPack) -> dict[str, Any]:
    return {
        "pack": pack,
        "sections": SECTIONS,
        "anchors": {
            sid: _github_anchor(f"{i}. {title}") for i, (sid, title) in enumerate(SECTIONS, 1)
        },
        "numbers": {sid: i for i, (sid, _) in enumerate(SECTIONS, 1)},
        "titles": dict(SECTIONS),
        "legend": charts.legend(),
        "project_rag": PROJECT_RAG,
        "project_words": charts.PROJECT_WORDS,
    }


def _github_anchor(heading: str) -> str:
    """The anchor a git host gives a Markdown heading: lower case, punctuation dropped, spaces
    to hyphens (GitHub's rule; GitLab and Gitea follow it for plain headings)."""
    kept = "".join(ch for ch in heading.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def render_markdown(pack: ReviewPack) -> str:
    return markdown_environment().get_template("review.md.j2").render(_context(pack))


def render_html(pack: ReviewPack) -> str:
    return html_environment().get_template("review.html.j2").render(_context(pack))
