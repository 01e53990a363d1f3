"""The review workflow (`jw review`, `--as-of`, `--close`): open one snapshot of the repository
(the working tree, a past revision, or HEAD's committed tree for a close), build the pack with
what history says about it (closed quarters, sign-off, changes since), render the formats,
write them, and for `--close` commit and tag.

Everything that can refuse is checked before anything is written, so a refused run leaves the
repository as it was. Git is reached only through `jwcli.history` (the small `_ancestry` adapter
passes its own arguments to `history.git.run`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jwcli.actions.remember import GitState
from jwcli.actions.snapshot import Snapshot, data_dirty, revision, working_tree
from jwcli.errors import (
    EnvironmentProblem,
    GitProblem,
    JwError,
    RefusedToOverwrite,
    UsageError,
)
from jwcli.history.closes import TAG_PREFIX, Close, Closes
from jwcli.model.relationship import (
    ASSESSMENTS_DIR,
    BASELINES_FILE,
    CHARTER_FILE,
    RECORDS_DIR,
    REVIEWS_DIR,
    Relationship,
)
from jwcli.quarters import Quarter, check_quarter_argument
from jwcli.render.pack import (
    AuditView,
    AuthorCommits,
    ChangeAfterClose,
    ReviewPack,
    SignOffView,
    Source,
)

FORMATS = ("md", "html", "json", "pdf")
DEFAULT_FORMATS = ("md", "html", "json")
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
    unmeasured: tuple[str, ...] = ()  # --close: KPIs with no measurement, now counted 0
    draft_charter: bool = False  # --close: the charter was still a draft
    retagged: bool = False  # --close of a closed quarter put its missing tag back


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
        git.preflight(root, for_write=True)
        if data_dirty(root):
            raise GitProblem(
                "the working tree has uncommitted changes: a closed review must be reproducible "
                "from a commit",
                hint="commit (or stash) your changes with git, then run `jw review --close` again",
            )
        # Closing signs off exactly what is committed. The tree is clean, so the working tree
        # is HEAD's unless git ignores a data file: then the pack is built from HEAD's tree.
        today = request.today or dt.date.today()
        if git.untracked(root, [CHARTER_FILE, BASELINES_FILE, RECORDS_DIR, ASSESSMENTS_DIR]):
            with revision(root, "HEAD", today) as snap:
                return _render(request, snap)
        with working_tree(root, today, cache=request.cache) as snap:
            return _render(request, snap)
    if request.as_of is not None:
        if request.out is None:
            raise UsageError(
                "--as-of renders a past revision and leaves the working tree alone: "
                "say where to write the pack with --out DIR"
            )
        if not in_git:
            raise GitProblem(f"--as-of needs git history, and {root} is not in a git repository")
        with revision(root, request.as_of, request.today) as snap:
            return _render(request, snap)
    return _review_working_tree(request, request.today or dt.date.today())


def _review_working_tree(request: ReviewRequest, today: dt.date) -> ReviewResult:
    """The pack of the working tree: the files written by an earlier run on the same inputs
    (actions/remember.py says which), else rendered (and remembered). Never for `--close`, which
    commits what it writes, nor `--as-of`."""
    from jwcli.actions.remember import git_state
    from jwcli.actions.snapshot import check_valid, models_of
    from jwcli.load import results

    if not request.cache:
        with working_tree(request.root, today) as snap:
            return _render(request, snap)
    done = check_valid(request.root, today, cache=True)
    tree = done.tree
    state = git_state(request.root, tree, dirty=True) if tree and tree.settled else None
    remember = None
    if tree is not None and state is not None:
        options = (request.quarter or "", request.formats, today.isoformat())
        key = (tree.fingerprint, options, state.parts)
        found = results.find(tree.root, "review", options, key)
        if found is not None:
            written = _remembered(request, found, state, today, len(done.findings))
            if written is not None:
                return written

        def remember(quarter: Quarter, files: dict[str, bytes]) -> None:
            value = {"quarter": str(quarter), "files": files}
            results.keep(tree.root, "review", options, key, value)

    if state is None:
        with working_tree(request.root, today, done=done) as snap:
            return _render(request, snap)
    snap = Snapshot(
        request.root,
        models_of(done),
        len(done.findings),
        today,
        state.in_git,
        state.head,
        state.when,
        False,
        state.dirty,
        cache=True,
        _closes=state.closes,
    )
    with snap:
        return _render(request, snap, remember)


def _remembered(
    request: ReviewRequest,
    found: dict[str, object],
    state: GitState,
    today: dt.date,
    warnings: int,
) -> ReviewResult | None:
    """Write the files an earlier run rendered on the same inputs (None if the entry is not
    what `remember` stores), refusing what `_render` refuses before it writes."""
    quarter = Quarter.from_label(str(found.get("quarter")))
    files = found.get("files")
    if (
        quarter is None
        or type(files) is not dict
        or not all(type(k) is str and type(v) is bytes for k, v in files.items())
        or not _rendered_all(files, request.formats)
    ):
        return None
    root = request.root
    default_folder = root / REVIEWS_DIR / str(quarter)
    folder = request.out if request.out is not None else default_folder
    close = state.closes.closed.get(quarter)
    if close is not None and _same_folder(folder, default_folder):
        raise _closed_pack(quarter, close)
    _check_chromium(request.formats, False)
    source = Source(state.in_git, state.head, state.when, state.dirty, False)
    result = ReviewResult(quarter, folder, source=source, warnings=warnings)
    result.written = write_rendered(files, folder, request.formats, today, root=root)
    return result


def _rendered_all(files: dict[str, bytes], formats: Sequence[str]) -> bool:
    wanted = {"html" if f == "pdf" else f for f in formats}
    return wanted <= files.keys()


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


def _source(snap: Snapshot) -> Source:
    return Source(snap.in_git, snap.commit, snap.commit_date, snap.dirty, snap.from_revision)


def _quarter(request: ReviewRequest, snap: Snapshot) -> Quarter:
    from jwcli.analysis.quarters import (
        last_completed_quarter,
        parse_quarter_argument,
        require_started,
    )

    fsm = snap.rel.fiscal_year_start
    if request.quarter is None:
        return last_completed_quarter(snap.today, fsm)
    parsed = parse_quarter_argument(request.quarter, snap.today, fsm)
    assert parsed is not None  # the spelling was checked before loading
    return require_started(parsed, snap.today, fsm)


def _render(
    request: ReviewRequest,
    snap: Snapshot,
    remember: Callable[[Quarter, dict[str, bytes]], None] | None = None,
) -> ReviewResult:
    from jwcli.analysis.charter_state import is_draft
    from jwcli.render.review import NO_AUDIT, build_review

    root = request.root
    rel, today = snap.rel, snap.today
    fsm = rel.fiscal_year_start
    quarter = _quarter(request, snap)
    default_folder = root / REVIEWS_DIR / str(quarter)
    folder = request.out if request.out is not None else default_folder
    closes = snap.closes()
    close = closes.closed.get(quarter)
    tag = f"{TAG_PREFIX}{quarter}"
    if request.close:
        if close is not None:
            return _closed_already(request, snap, quarter, close)
        _check_finished(quarter, today, fsm)
        if quarter in closes.elsewhere or tag in _review_tags(root):
            raise RefusedToOverwrite(
                f"tag {tag} exists but no close commit of {quarter} is in this branch's history "
                "(closed on another branch?)",
                hint="merge the branch that closed it, or ask who moved the tag",
            )
    elif close is not None and _same_folder(folder, default_folder):
        raise _closed_pack(quarter, close)
    formats = request.formats
    if request.close:
        formats = _present_formats(folder, formats)
    _check_chromium(formats, request.close)
    if snap.in_git and snap.commit:
        audit = _audit_view(root, snap.commit, quarter, fsm, closes, remember=request.cache)
    elif snap.in_git:
        audit = _no_audit("The repository has no commits yet: there is no history to audit.")
    else:
        audit = NO_AUDIT
    source = _source(snap)
    days = snap.close_days()
    pack = build_review(rel, quarter, today, source=source, audit=audit, closes=days)
    draft = is_draft(rel)
    view = _sign_off_view(snap, quarter, draft)
    # the pack's scores are exactly `jw score --format json`, which carries the sign-off
    scores = {**pack.scores, "signed_off": view.signed_off.to_json() if view.signed_off else None}
    pack = dataclasses.replace(pack, sign_off=view, scores=scores)
    result = ReviewResult(quarter, folder, source=source, warnings=snap.warnings)
    if request.close:
        result.unmeasured = _unmeasured(rel, quarter)
        result.draft_charter = draft
    rendered = render_files(pack, formats)
    result.written = write_rendered(rendered, folder, formats, pack.cover.today, root=root)
    if remember is not None:
        remember(quarter, rendered)
    if request.close:
        from jwcli.history import git

        paths = [p.resolve().relative_to(root.resolve()).as_posix() for p in result.written]
        message = f"jw: close review {quarter}"
        if draft:
            message += (
                "\n\nDraft charter: no amendment of the charter's version is agreed by every "
                "party yet."
            )
        result.commit = git.commit_paths(
            root,
            paths,
            message,
            {"Jw-Kind": "review", "Jw-Quarter": str(quarter), "Jw-Today": today.isoformat()},
        )
        git.tag(root, tag, f"Review of {quarter} closed: the sign-off point for its records")
        result.tag = tag
    return result


def _closed_pack(quarter: Quarter, close: Close) -> RefusedToOverwrite:
    return RefusedToOverwrite(
        f"the review of {quarter} is closed ({_marked(close)}): its pack is the signed-off "
        "record and jw does not rewrite it",
        hint="render a copy elsewhere with --out DIR",
    )


def _check_chromium(formats: Sequence[str], close: bool) -> None:
    if "pdf" in formats:
        from jwcli.render.browser import find_chromium

        if find_chromium() is None:
            raise EnvironmentProblem(
                "--format pdf needs Chromium (or Chrome), which is not installed or not on PATH",
                hint="install it (Debian/Ubuntu: `apt-get install chromium`), set JW_CHROMIUM "
                "to its path, or leave pdf out and print review.html from a browser"
                + (" (and delete the old review.pdf)" if close else ""),
            )


def real_today() -> dt.date:
    """The real clock: --today cannot close a quarter that has not ended yet."""
    return dt.date.today()


def _check_finished(quarter: Quarter, today: dt.date, fsm: int) -> None:
    from jwcli.analysis.quarters import is_finished

    end = quarter.end(fsm)
    real = real_today()
    for day, what in ((today, "the date the data is evaluated as of"), (real, "today")):
        if not is_finished(quarter, day, fsm):
            raise JwError(
                f"{quarter} has not ended yet as of {day.isoformat()} ({what}; it ends "
                f"{end.isoformat()}): a review is closed after its quarter",
                hint="close the last completed quarter",
            )


def _closed_already(
    request: ReviewRequest, snap: Snapshot, quarter: Quarter, close: Close
) -> ReviewResult:
    """`--close` of a closed quarter refuses, but puts back a missing tag (lifecycle.md)."""
    from jwcli.history import git

    if close.tag_status == "missing":
        git.tag(
            request.root,
            close.tag,
            f"Review of {quarter} closed: the sign-off point for its records",
            commit=close.commit,
        )
        result = ReviewResult(quarter, request.root / REVIEWS_DIR / str(quarter))
        result.commit, result.tag, result.retagged = close.commit, close.tag, True
        return result
    where = (
        f"; tag {close.tag} points at {close.tag_commit[:12]} instead: `jw audit` says how "
        "to fix it"
        if close.tag_status == "moved" and close.tag_commit
        else ""
    )
    raise RefusedToOverwrite(
        f"{quarter} is already closed ({_marked(close)}){where}",
        hint="record late data with `jw add ... --late`; the next review lists what changed",
    )


def _marked(close: Close) -> str:
    what = f"commit {close.commit[:12]} of {close.committed.isoformat()}"
    return f"tag {close.tag}) by ({what}" if close.tag_status == "ok" else what


def _present_formats(folder: Path, formats: tuple[str, ...]) -> tuple[str, ...]:
    """The requested formats plus every format already in the folder: a closed pack is
    committed whole, never with an older rendering left untracked beside it."""
    present = {fmt for fmt, name in FILE_NAMES.items() if (folder / name).is_file()}
    return tuple(f for f in FORMATS if f in formats or f in present)


def _unmeasured(rel: Relationship, quarter: Quarter) -> tuple[str, ...]:
    """KPIs in force with no measurement for the quarter: closing ends their grace."""
    charter = rel.charter
    if charter is None:
        return ()
    measured = {
        e.record.kpi
        for e in rel.records.values()
        if e.record.kind == "measurement" and e.record.period == quarter
    }
    start = quarter.start(charter.fiscal_year_start)
    return tuple(
        k.id for k in charter.kpis if k.id not in measured and (k.due is None or k.due >= start)
    )


def _sign_off_view(snap: Snapshot, quarter: Quarter, draft: bool) -> SignOffView:
    from jwcli.actions.signoff import changed_after, signed_off

    if not snap.in_git or snap.commit is None:
        return SignOffView(False, draft, None, None, None, ())
    closes = snap.closes()
    previous = closes.latest()
    return SignOffView(
        True,
        draft,
        signed_off(snap, quarter),
        str(previous.quarter) if previous else None,
        previous.committed if previous else None,
        tuple(changed_after(snap)),
    )


def _same_folder(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _review_tags(root: Path) -> dict[str, str]:
    from jwcli.history import git

    if git.head_commit(root) is None:
        return {}
    return git.tags(root, TAG_PREFIX)


def _ancestry(root: Path, commit: str) -> set[str]:
    """Every commit reachable from `commit` (adapter over history.git)."""
    from jwcli.history import git

    return set(git.run(["rev-list", commit, "--"], root).stdout.split())


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
    return write_rendered(render_files(pack, formats), folder, formats, pack.cover.today, root=root)


def write_rendered(
    rendered: dict[str, bytes],
    folder: Path,
    formats: Sequence[str],
    today: dt.date,
    *,
    root: Path | None = None,
) -> list[Path]:
    """Write the formats `render_files` gave (the PDF printed from its HTML as of `today`)."""
    from jwcli.write.files import make_folder, replace_own

    make_folder(folder, root)
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
            print_pdf(folder / FILE_NAMES["html"], pdf, today)
        else:
            with tempfile.TemporaryDirectory(prefix="jw-review-") as tmp:
                html = Path(tmp) / FILE_NAMES["html"]
                html.write_bytes(rendered["html"])
                print_pdf(html, pdf, today)
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
    root: Path, commit: str, quarter: Quarter, fsm: int, closes: Closes, *, remember: bool
) -> AuditView:
    """Commits of the quarter by author and records changed after a review was closed, as seen
    from `commit` (HEAD, or the --as-of revision): the history after it is left out.
    `remember`: use the audit remembered in this user's cache (not with `--no-cache`)."""
    from jwcli.history.audit import audit

    try:
        report = audit(root, remember=remember)
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
    previous = closes.previous(quarter)
    changes = []
    for flag in report.flags:
        # data of a closed quarter changed (errors) or added late (notices) after its close
        if flag.rule not in ("after-close", "late") or flag.commit not in entries:
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
    return AuditView(
        available=True,
        reason="",
        commits=in_quarter,
        authors=authors,
        previous_review=previous.tag if previous else None,
        previous_closed_on=previous.committed if previous else None,
        changes_after_close=tuple(changes),
    )
