"""`jw review` through the CLI: files, formats, refusals, --close and --as-of on real histories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import commit_files, git, jw, snapshot, write_repo
from tests.review_data import FILES

TODAY = ["--today", "2025-10-15"]
SECTION_IDS = (
    "cover",
    "summary",
    "scorecard",
    "commitments",
    "kpis",
    "costs",
    "innovation",
    "evidence",
    "governance",
    "audit",
    "agenda",
)


def _pack(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_default_quarter_is_the_last_completed_and_reruns_are_byte_identical(
    tmp_path: Path,
) -> None:
    root = write_repo(tmp_path / "repo", FILES)
    result = jw("-C", str(root), *TODAY, "review")
    assert result.exit_code == 0, result.output
    # 15 Oct 2025 with the fiscal year from April is in 2025-Q3: the last completed is 2025-Q2
    folder = root / "reviews" / "2025-Q2"
    first = _pack(folder)
    assert sorted(first) == ["review.html", "review.json", "review.md"]
    assert first["review.md"].startswith(
        b"# Test Shared Services \xe2\x80\x94 quarterly review 2025-Q2"
    )
    again = jw("-C", str(root), *TODAY, "review", "--quarter", "Q2 2025")
    assert again.exit_code == 0, again.output
    assert _pack(folder) == first


def test_formats_and_out(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", FILES)
    out = tmp_path / "elsewhere"
    result = jw(
        "-C",
        str(root),
        *TODAY,
        "review",
        "-q",
        "2025-Q2",
        "--format",
        "JSON, md",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["review.json", "review.md"]
    assert not (root / "reviews").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2025-Q5"], "is not a quarter"),
        (["--format", "md,docx"], "not docx"),
        (["--as-of", "HEAD"], "--out"),
        (["--close", "--out", "x"], "drop --out"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    root = write_repo(tmp_path / "repo", FILES)
    before = snapshot(root)
    result = jw("-C", str(root), *TODAY, "review", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert snapshot(root) == before


def test_invalid_data_exits_1_with_located_findings_and_writes_nothing(tmp_path: Path) -> None:
    files = dict(FILES)
    files["records/2025-Q2/bad-date.yaml"] = (
        "kind: claim\ndate: 2025-02-30\nparty: acme\nsummary: x\n"
    )
    root = write_repo(tmp_path / "repo", files)
    result = jw("-C", str(root), *TODAY, "review")
    assert result.exit_code == 1
    assert "records/2025-Q2/bad-date.yaml:2:7: error:" in result.stdout
    assert not (root / "reviews").exists()


def test_json_scores_are_jw_score_json(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", FILES)
    assert jw("-C", str(root), *TODAY, "review", "--format", "json").exit_code == 0
    pack = json.loads((root / "reviews/2025-Q2/review.json").read_text())
    scored = jw("-C", str(root), *TODAY, "score", "--quarter", "2025-Q2", "--format", "json")
    assert scored.exit_code == 0, scored.output
    assert pack["scores"] == json.loads(scored.stdout)
    assert set(pack) >= set(SECTION_IDS) | {"scores"}


def test_html_is_one_self_contained_file_with_every_section(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", FILES)
    assert jw("-C", str(root), *TODAY, "review", "--format", "html").exit_code == 0
    html = (root / "reviews/2025-Q2/review.html").read_text()
    for section in SECTION_IDS:
        assert f'<section id="{section}"' in html
    assert "<script" not in html.lower()
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html, re.IGNORECASE)
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html, re.IGNORECASE)
    refs += re.findall(r"url\(\s*['\"]?([^)'\"]*)", html, re.IGNORECASE)
    assert refs and all(r.startswith("#") for r in refs), [r for r in refs if not r.startswith("#")]
    assert "@import" not in html
    # print layout: A4 pages, a page break before each section, headers repeated, rows kept whole
    assert "size: A4" in html
    assert "break-before: page" in html
    assert "display: table-header-group" in html
    assert "break-inside: avoid" in html
    # charts: the heat map, a KPI trend, costs against baseline, the savings funnel
    for title in (
        "Scorecard heat map",
        "Trend of First-time fix rate",
        "Run costs against baseline",
        "Savings funnel",
        "Project spend against budget",
    ):
        assert f">{title}</title>" in html


HOSTILE = '<script>alert("x")</script> | {{ 7*7 }} [/bold] `tick`\nsecond line'


def test_hostile_text_is_inert_and_intact_in_every_format(tmp_path: Path) -> None:
    files = dict(FILES)
    files["records/2025-Q2/cl-acme.yaml"] = (
        "kind: claim\ndate: 2025-08-01\nparty: acme\nsummary: " + json.dumps(HOSTILE) + "\n"
    )
    root = write_repo(tmp_path / "repo", files)
    result = jw("-C", str(root), *TODAY, "review")
    assert result.exit_code == 0, result.output
    folder = root / "reviews/2025-Q2"
    # JSON: the exact text, as data
    pack = json.loads((folder / "review.json").read_text())
    assert [c["summary"] for c in pack["evidence"]["claims"]] == [HOSTILE]
    # HTML: escaped, never a tag or a template; the text is all there
    html = (folder / "review.html").read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; | {{ 7*7 }} [/bold] `tick`" in html
    # Markdown: one table row, escaped so a renderer shows exactly the text
    md = (folder / "review.md").read_text()
    line = next(ln for ln in md.splitlines() if "alert" in ln)
    assert line.startswith("- acme, 1 August 2025: ")
    assert (
        '&lt;script&gt;alert("x")&lt;/script&gt; \\| {{ 7\\*7 }} \\[/bold\\] \\`tick\\`'
        "<br>second line" in line
    )
    assert "<script>" not in md


def test_pdf_without_chromium_is_an_environment_problem(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", FILES)
    result = jw(
        "-C",
        str(root),
        *TODAY,
        "review",
        "--format",
        "md,pdf",
        env={"JW_CHROMIUM": str(tmp_path / "no-such-browser")},
    )
    assert result.exit_code == 3
    assert "needs Chromium" in result.stderr
    assert not (root / "reviews").exists()


# --- with git ----------------------------------------------------------------------------------


def _history(root: Path) -> tuple[str, str]:
    """Two commits: the data up to 12 Sep, then the rest of the quarter (dated in October)."""
    early = {k: v for k, v in FILES.items() if not k.startswith("records/2025-Q2/")}
    early["charter.yaml"] = FILES["charter.yaml"]
    early.update({k: v for k, v in FILES.items() if k.startswith("records/2025-Q2/c-")})
    early["records/2025-Q2/am-2.yaml"] = FILES["records/2025-Q2/am-2.yaml"]
    root.mkdir(parents=True)
    git(root, "init", "-q")
    write_repo(root, early)
    first = commit_files(root, {}, "Charter and commitments", date="2025-10-10T09:00:00+01:00")
    write_repo(root, FILES)
    second = commit_files(
        root,
        {},
        "The rest of the quarter",
        author=("Raj Patel", "raj@x.org"),
        date="2025-10-12T09:00:00+01:00",
    )
    return first, second


def test_cover_names_the_commit_and_uncommitted_changes(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = tmp_path / "repo"
    _, head = _history(root)
    assert jw("-C", str(root), *TODAY, "review", "--format", "md,json").exit_code == 0
    md = (root / "reviews/2025-Q2/review.md").read_text()
    assert f"Built from commit `{head[:12]}` of 12 October 2025." in md
    assert "Uncommitted changes" not in md
    # the pack it wrote is not a change to the data: a second run says the same
    first = _pack(root / "reviews/2025-Q2")
    assert jw("-C", str(root), *TODAY, "review", "--format", "md,json").exit_code == 0
    assert _pack(root / "reviews/2025-Q2") == first
    (root / "records/2025-Q2/cl-late.yaml").write_text(
        "kind: claim\ndate: 2025-09-29\nparty: north\nsummary: Late claim\nevidence: [c-north-1]\n"
    )
    assert jw("-C", str(root), *TODAY, "review", "--format", "md").exit_code == 0
    assert "**Uncommitted changes:**" in (root / "reviews/2025-Q2/review.md").read_text()


def test_audit_trail_counts_commits_in_the_quarter_by_author(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = tmp_path / "repo"
    _history(root)
    # commits dated in October 2025 fall in 2025-Q3 (fiscal year from April), not in 2025-Q2
    assert (
        jw(
            "-C", str(root), "--today", "2026-01-20", "review", "-q", "2025-Q3", "--format", "json"
        ).exit_code
        == 0
    )
    audit = json.loads((root / "reviews/2025-Q3/review.json").read_text())["audit"]
    assert audit["available"] is True and audit["commits"] == 2
    authors = {a["author"]: a for a in audit["authors"]}
    # the second commit added every 2025-Q2 record but the four commitments (c-acme-1, c-acme-2,
    # c-north-1, c-south-1) and the amendment, which the first one had
    added_later = sum(1 for k in FILES if k.startswith("records/2025-Q2/")) - 4 - 1
    assert authors["Raj Patel"]["records_added"] == added_later
    assert authors["Ann Lee"]["commits"] == 1


def test_close_commits_and_tags_then_the_pack_is_refused(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = tmp_path / "repo"
    _history(root)
    result = jw("-C", str(root), *TODAY, "review", "--close")
    assert result.exit_code == 0, result.output
    assert git(root, "tag", "--list", "review/*") == "review/2025-Q2"
    assert git(root, "log", "-1", "--format=%s") == "jw: close review 2025-Q2"
    assert "Jw-Quarter: 2025-Q2" in git(root, "log", "-1", "--format=%b")
    committed = git(root, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert committed == [f"reviews/2025-Q2/review.{ext}" for ext in ("html", "json", "md")]
    assert git(root, "status", "--porcelain") == ""
    closed = _pack(root / "reviews/2025-Q2")
    again = jw("-C", str(root), *TODAY, "review", "-q", "2025-Q2")
    assert again.exit_code == 1
    assert "closed (tag review/2025-Q2)" in again.stderr and "--out" in again.stderr
    assert _pack(root / "reviews/2025-Q2") == closed
    copy = tmp_path / "copy"
    assert jw("-C", str(root), *TODAY, "review", "-q", "2025-Q2", "--out", str(copy)).exit_code == 0


def test_close_refuses_a_dirty_tree_an_open_quarter_and_invalid_data(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = tmp_path / "repo"
    _history(root)
    (root / "notes.txt").write_text("draft")
    dirty = jw("-C", str(root), *TODAY, "review", "--close")
    assert dirty.exit_code == 3 and "uncommitted changes" in dirty.stderr
    (root / "notes.txt").unlink()
    current = jw("-C", str(root), *TODAY, "review", "--close", "-q", "current")
    assert current.exit_code == 1 and "has not ended yet" in current.stderr
    commit_files(root, {"records/2025-Q2/bad.yaml": "kind: claim\ndate: 2025-09-31\n"}, "Bad")
    invalid = jw("-C", str(root), *TODAY, "review", "--close")
    assert invalid.exit_code == 1 and "records/2025-Q2/bad.yaml" in invalid.stdout
    assert git(root, "tag", "--list") == ""
    assert not (root / "reviews").exists()


def test_as_of_reads_git_objects_leaves_the_tree_alone_and_is_reproducible(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = tmp_path / "repo"
    first, _ = _history(root)
    (root / "records/2025-Q2/cl-draft.yaml").write_text("not: [valid")  # uncommitted junk
    before = snapshot(root)
    index = (root / ".git/index").read_bytes()
    out1, out2 = tmp_path / "a", tmp_path / "b"
    # no --today: it is the commit's date (10 Oct 2025), so the default quarter is 2025-Q2
    r1 = jw("-C", str(root), "review", "--as-of", first[:10], "--out", str(out1))
    r2 = jw("-C", str(root), "review", "--as-of", first, "--out", str(out2))
    assert r1.exit_code == 0, r1.output
    assert r2.exit_code == 0, r2.output
    assert _pack(out1) == _pack(out2)
    assert snapshot(root) == before and (root / ".git/index").read_bytes() == index
    pack = json.loads((out1 / "review.json").read_text())
    assert pack["cover"]["quarter"] == "2025-Q2" and pack["cover"]["today"] == "2025-10-10"
    assert pack["cover"]["source"] == {
        "commit": first,
        "commit_date": "2025-10-10",
        "dirty": False,
        "from_objects": True,
        "git": True,
    }
    # at that commit there were commitments but no costs yet
    assert pack["costs"]["run_costs"][0]["actual"] is None
    assert pack["commitments"]["parties"][2]["due"] == 2
    unknown = jw("-C", str(root), "review", "--as-of", "no-such-rev", "--out", str(out1))
    assert unknown.exit_code == 2 and "not a commit" in unknown.stderr


def test_a_repository_without_commits_says_so_on_the_cover(
    tmp_path: Path, isolated_git: dict[str, str]
) -> None:
    root = write_repo(tmp_path / "repo", FILES)
    git(root, "init", "-q")
    result = jw("-C", str(root), *TODAY, "review", "--format", "json")
    assert result.exit_code == 0, result.output
    pack = json.loads((root / "reviews/2025-Q2/review.json").read_text())
    assert pack["cover"]["source"]["git"] is True and pack["cover"]["source"]["commit"] is None
    assert pack["audit"]["available"] is False
    assert "no commits yet" in pack["audit"]["reason"]
