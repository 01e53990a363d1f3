"""`jw review` end to end: load (from the working tree or a past revision), validate, build the
pack, render the formats, write them, and for `--close` commit and tag.

Everything that can refuse is checked before anything is written, so a refused run leaves the
repository as it was. Git is reached only through `jwcli.history` (the two small adapters below,
`_data_dirty` and `_ancestry`, pass their own arguments to `history.git.run*`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jwcli.errors import (
    DataInvalid,
    EnvironmentProblem,
    GitProblem,
    JwError,
    RefusedToOverwrite,
    UsageError,
)
from jwcli.model.findings import Finding
from jwcli.model.relationship import REVIEWS_DIR, Relationship
from jwcli.quarters import Quarter, check_quarter_argument
from jwcli.render.pack import AuditView, AuthorCommits, ChangeAfterClose, ReviewPack, Source

FORMATS = ("md", "html", "json", "pdf")
DEFAULT_FORMATS = ("md", "html", "json")
TAG_PREFIX = "review/"
FILE_NAMES = {"md": "review.md", "html": "review.html", "json": "review.json", "pdf": "review.pdf"}


def parse_formats(text: str) -> tuple[str, ...]:
    """`md,html,json` (any order, any case, spaces allowed) -> the formats in canonical order."""
    wanted = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise UsageError(
            f"--format takes a comma-separated list of {', '.join(FORMATS)}"
            + (f"; not {', '.join(unknown)}" if unknown else "")
        )
    return tuple(f for f in FORMATS if f in wanted)


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    root: Path  # the relationship repository's root (the working tree)
    quarter: str | None = None  # as typed; default: the last completed quarter
    formats: tuple[str, ...] = DEFAULT_FORMATS
    out: Path | None = None
    as_of: str | None = None  # a git revision
    close: bool = False
    today: dt.date | None = None  # --today / JW_TODAY
    cache: bool = False  # read and write .jw/cache/ for the working tree (not --no-cache)


@dataclass(slots=True)
class ReviewResult:
    quarter: Quarter
    folder: Path
    written: list[Path] = field(default_factory=list)
    commit: str | None = None
    tag: str | None = None
    source: Source | None = None
    warnings: int = 0


def review(request: ReviewRequest) -> ReviewResult:
    """Render (and with `close`, commit and tag) the review pack the request asks for.

    Raises DataInvalid (with the findings) when the data has errors, UsageError for a bad
    request, EnvironmentProblem/GitProblem when git or Chromium blocks it.
    """
    from jwcli.history import git

    root = request.root
    if request.quarter is not None:
        check_quarter_argument(request.quarter)
    in_git = git.toplevel(root) is not None
    if request.close:
        _check_close_request(request, in_git)
    if request.as_of is not None:
        if request.out is None:
            raise UsageError(
                "--as-of renders a past revision and leaves the working tree alone: "
                "say where to write the pack with --out DIR"
            )
        if not in_git:
            raise GitProblem(f"--as-of needs git history, and {root} is not in a git repository")
        git.preflight(root, for_write=False)
        commit = git.resolve_commit(root, request.as_of)
        today = request.today or git.commit_date(root, commit)
        with tempfile.TemporaryDirectory(prefix="jw-as-of-") as tmp:
            _materialise(Path(tmp), root, commit)
            rel, warnings = _load_valid(Path(tmp), today)
            source = Source(True, commit, git.commit_date(root, commit), False, True)
            return _render(request, rel, warnings, today, source, commit, in_git)
    today = request.today or dt.date.today()
    if request.close:
        git.preflight(root, for_write=True)
        if _data_dirty(root):
            raise GitProblem(
                "the working tree has uncommitted changes: a closed review must be reproducible "
                "from a commit",
                hint="commit (or stash) your changes with git, then run `jw review --close` again",
            )
    rel, warnings = _load_valid(root, today, request.cache)
    source, head = _working_tree_source(root, in_git)
    return _render(request, rel, warnings, today, source, head, in_git)


def _check_close_request(request: ReviewRequest, in_git: bool) -> None:
    if request.as_of is not None:
        raise UsageError("--close signs off the current state: it cannot be combined with --as-of")
    if request.out is not None:
        raise UsageError(
            "--close commits the pack to reviews/<quarter>/ in the repository: drop --out"
        )
    if not in_git:
        raise GitProblem(
            f"--close commits and tags the pack, and {request.root} is not in a git repository",
            hint="put the relationship repository under git first (`git init`, then commit)",
        )


_DATA_FILES = ("charter.yaml", "baselines.yaml")
_DATA_FOLDERS = ("records/", "assessments/")


def _materialise(folder: Path, root: Path, commit: str) -> None:
    """The revision's files under `folder`: the data files (charter, baselines, records,
    assessments) with their content; every other file (attachments, packs) as an empty sparse
    file of its size, so an attachment's existence is checked without reading it into memory
    (a 300 MB attachment must not cost 300 MB)."""
    from jwcli.history import git

    entries = git.Tree(root, commit).entries()
    data = [e for e in entries if e.path in _DATA_FILES or e.path.startswith(_DATA_FOLDERS)]
    blobs = git.read_blobs(root, (e.oid for e in data))
    wanted = {e.path for e in data}
    for entry in entries:
        # paths come from git's tree: refuse anything that would leave the folder
        if ".." in Path(entry.path).parts or Path(entry.path).is_absolute():
            continue
        target = folder / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if entry.path in wanted:
            target.write_bytes(blobs[entry.oid] or b"")
        else:
            with open(target, "wb") as handle:
                handle.truncate(entry.size)


def _load_valid(root: Path, today: dt.date, cache: bool = False) -> tuple[Relationship, int]:
    from jwcli.checks.run import check_repo
    from jwcli.checks.validate import has_errors

    done = check_repo(root, today, cache=cache, models=True)
    rel, findings = done.rel, done.findings
    assert rel is not None  # models=True always loads them
    if has_errors(findings):
        errors: list[Finding] = [f for f in findings if f.is_error]
        raise DataInvalid(
            f"the data has {len(errors)} error{'s' * (len(errors) != 1)}: "
            "fix them (`jw validate`) before rendering the review",
            list(errors),
        )
    return rel, len(findings)


def _working_tree_source(root: Path, in_git: bool) -> tuple[Source, str | None]:
    from jwcli.history import git

    if not in_git:
        return Source(False, None, None, False, False), None
    head = git.head_commit(root)
    if head is None:
        return Source(True, None, None, False, False), None
    return Source(True, head, git.commit_date(root, head), _data_dirty(root), False), head


def _data_dirty(root: Path) -> bool:
    """Whether anything but jw's own packs (reviews/) differs from HEAD, untracked files included.

    Adapter over history.git: `git.is_dirty` counts reviews/ too, which would make a second run
    report "uncommitted changes" only because the first one wrote its pack.
    """
    from jwcli.history import git

    proc = git.run_bytes(
        ["status", "--porcelain", "-z", "--", ".", f":(exclude){REVIEWS_DIR}/"], root
    )
    return bool(proc.stdout)


def _ancestry(root: Path, commit: str) -> set[str]:
    """Every commit reachable from `commit` (adapter over history.git)."""
    from jwcli.history import git

    return set(git.run(["rev-list", commit, "--"], root).stdout.split())


def _render(
    request: ReviewRequest,
    rel: Relationship,
    warnings: int,
    today: dt.date,
    source: Source,
    commit: str | None,
    in_git: bool,
) -> ReviewResult:
    from jwcli.analysis.quarters import (
        last_completed_quarter,
        parse_quarter_argument,
        require_started,
    )
    from jwcli.render.review import NO_AUDIT, build_review

    root = request.root
    fsm = rel.fiscal_year_start
    if request.quarter is None:
        quarter = last_completed_quarter(today, fsm)
    else:
        parsed = parse_quarter_argument(request.quarter, today, fsm)
        assert parsed is not None  # the spelling was checked before loading
        quarter = require_started(parsed, today, fsm)
    default_folder = root / REVIEWS_DIR / str(quarter)
    folder = request.out if request.out is not None else default_folder
    tags = _review_tags(root) if in_git else {}
    tag = f"{TAG_PREFIX}{quarter}"
    if tag in tags and _same_folder(folder, default_folder):
        what = "closed" if not request.close else "already closed"
        raise RefusedToOverwrite(
            f"the review of {quarter} is {what} (tag {tag}): its pack is the signed-off record "
            "and jw does not rewrite it",
            hint="render a copy elsewhere with --out DIR",
        )
    if request.close and quarter.end(fsm) >= today:
        raise JwError(
            f"{quarter} has not ended yet (it ends {quarter.end(fsm).isoformat()}): a review is "
            "closed after its quarter",
            hint="close the last completed quarter, or pass --today after the quarter's end",
        )
    if "pdf" in request.formats:
        from jwcli.render.browser import find_chromium

        if find_chromium() is None:
            raise EnvironmentProblem(
                "--format pdf needs Chromium (or Chrome), which is not installed or not on PATH",
                hint="install it (Debian/Ubuntu: `apt-get install chromium`), set JW_CHROMIUM "
                "to its path, or leave pdf out and print review.html from a browser",
            )
    if in_git and commit:
        audit = _audit_view(root, commit, quarter, fsm, tags)
    elif in_git:
        audit = _no_audit("The repository has no commits yet: there is no history to audit.")
    else:
        audit = NO_AUDIT
    pack = build_review(rel, quarter, today, source=source, audit=audit)
    result = ReviewResult(quarter, folder, source=source, warnings=warnings)
    result.written = write_pack(pack, folder, request.formats, root=root)
    if request.close:
        from jwcli.history import git

        paths = [p.resolve().relative_to(root.resolve()).as_posix() for p in result.written]
        result.commit = git.commit_paths(
            root,
            paths,
            f"jw: close review {quarter}",
            {"Jw-Kind": "review", "Jw-Quarter": str(quarter)},
        )
        git.tag(root, tag, f"Review of {quarter} closed: the sign-off point for its records")
        result.tag = tag
    return result


def _same_folder(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _review_tags(root: Path) -> dict[str, str]:
    from jwcli.history import git

    if git.head_commit(root) is None:
        return {}
    return git.tags(root, TAG_PREFIX)


def render_files(pack: ReviewPack, formats: Sequence[str]) -> dict[str, bytes]:
    """The text formats of the pack as bytes (UTF-8, LF line ends): name -> content."""
    from jwcli.render.jinja import render_html, render_markdown
    from jwcli.render.pack import dumps, to_jsonable

    out: dict[str, bytes] = {}
    if "md" in formats:
        out["md"] = render_markdown(pack).encode("utf-8")
    if "html" in formats or "pdf" in formats:
        out["html"] = render_html(pack).encode("utf-8")
    if "json" in formats:
        out["json"] = dumps(to_jsonable(pack)).encode("utf-8")
    return out


def write_pack(
    pack: ReviewPack, folder: Path, formats: Sequence[str], *, root: Path | None = None
) -> list[Path]:
    """Write the requested formats into `folder` (jw's own files: replaced atomically); never
    through a symbolic link inside the repository at `root`."""
    from jwcli.write.files import make_folder, replace_own

    make_folder(folder, root)
    rendered = render_files(pack, formats)
    written: list[Path] = []
    for fmt in ("md", "html", "json"):
        if fmt in formats:
            path = folder / FILE_NAMES[fmt]
            replace_own(path, rendered[fmt])
            written.append(path)
    if "pdf" in formats:
        from jwcli.render.browser import print_pdf

        pdf = folder / FILE_NAMES["pdf"]
        if "html" in formats:
            print_pdf(folder / FILE_NAMES["html"], pdf, pack.cover.today)
        else:
            with tempfile.TemporaryDirectory(prefix="jw-review-") as tmp:
                html = Path(tmp) / FILE_NAMES["html"]
                html.write_bytes(rendered["html"])
                print_pdf(html, pdf, pack.cover.today)
        written.append(pdf)
    return written


def _no_audit(reason: str) -> AuditView:
    return AuditView(
        available=False,
        reason=reason,
        commits=0,
        authors=(),
        previous_review=None,
        previous_closed_on=None,
        changes_after_close=(),
    )


def _audit_view(
    root: Path, commit: str, quarter: Quarter, fsm: int, tags: dict[str, str]
) -> AuditView:
    """Commits of the quarter by author and records changed after a review was closed, as seen
    from `commit` (HEAD, or the --as-of revision): the history after it is left out."""
    from jwcli.history.audit import audit

    try:
        report = audit(root)
    except JwError as problem:
        return _no_audit(f"The audit trail could not be read: {problem.message}")
    reachable = _ancestry(root, commit)
    start, end = quarter.start(fsm), quarter.end(fsm)
    by_author: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    entries = {e.commit: e for e in report.commits if e.commit in reachable}
    in_quarter = 0
    for e in entries.values():
        day = dt.datetime.fromisoformat(e.date).date()
        if not start <= day <= end:
            continue
        in_quarter += 1
        counts = by_author[e.author]
        counts[0] += 1
        counts[1] += sum(1 for p in e.added if p.startswith("records/"))
        counts[2] += len(e.modified) + len(e.deleted)
    authors = tuple(
        AuthorCommits(name, c[0], c[1], c[2])
        for name, c in sorted(by_author.items(), key=lambda t: (-t[1][0], t[0]))
    )
    previous: tuple[Quarter, str] | None = None
    for name, tagged in tags.items():
        q = Quarter.from_label(name[len(TAG_PREFIX) :])
        older = q is not None and q < quarter and tagged in reachable
        if q is not None and older and (previous is None or q > previous[0]):
            previous = (q, tagged)
    changes = []
    for flag in report.flags:
        if flag.rule != "after-review" or flag.commit not in entries:
            continue
        e = entries[flag.commit]
        changes.append(
            ChangeAfterClose(
                path=flag.path,
                what=flag.message,
                commit=flag.commit,
                author=e.author,
                date=dt.datetime.fromisoformat(e.date).date(),
            )
        )
    changes.sort(key=lambda c: (c.date, c.path, c.commit))
    closed_on = None
    if previous is not None:
        from jwcli.history import git

        closed_on = git.commit_date(root, previous[1])
    return AuditView(
        available=True,
        reason="",
        commits=in_quarter,
        authors=authors,
        previous_review=f"{TAG_PREFIX}{previous[0]}" if previous else None,
        previous_closed_on=closed_on,
        changes_after_close=tuple(changes),
    )
