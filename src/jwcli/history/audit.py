"""`jw audit`: the audit trail read back from git, and what in it breaks the relationship's rules.

The whole history of HEAD is read in one `git log --raw` pass (blob ids included). While git
walks it, HEAD's records are read in one `git cat-file --batch` and each is parsed and validated
exactly as `jw validate` reads it (the safe YAML loader and the models), so what a record says
(its kind, the quarter it belongs to, what it supersedes) never depends on how its text is laid
out. The few older versions the rules need come in one more batch. The number of git processes
does not grow with the history. Merges are read against their first parent, and a change a merge
only brings in from a branch already audited is not listed twice.

**Errors** (exit 1; lifecycle.md, "Audit: errors and notices"):
- `record-modified`, `record-deleted`: records are append-only once committed (a correction is a
  new record with `supersedes`). A change of layout or comments only is not a modification, and
  moving a record to another folder unchanged is neither.
- `after-close`: a closed quarter's record or assessment changed or deleted after its close
  commit (the first commit with trailers `Jw-Kind: review` and `Jw-Quarter: <quarter>`).
- `assessment-author`: an assessment file changed by a commit whose author email differs from the
  one that added it (judged at non-merge commits: a file belongs to its assessor).
- `review-tag`: a closed quarter's `review/<quarter>` tag missing or pointing elsewhere;
  `second-close`: a second close commit for a quarter.
- The charter rules, for the commits that descend from the charter's first agreement:
  `charter-unversioned` (data changed without raising `version`), `amendment-missing`,
  `amendment-parties` (a version not agreed by every member), `breaking-change` (a change that
  loosens, not agreed; or `fiscal_year_start`/`effective` changed), `baseline-moved`.
- `unsigned`: a commit without a good signature while the charter requires signed commits (a
  signature of unknown validity, git's `U`, counts as unsigned).
- `unreadable`: a charter or baselines version that does not validate, so its change went
  unchecked.

**Notices** (exit 0; `--strict` fails on those not yet acknowledged by a later close commit):
- `late`: a record (or assessment) of a closed quarter added after its close commit, listed under
  each quarter it is late for.
- `agreed-change`: a loosening the parties agreed by amendment.
- `review-tag` notices: a tag whose quarter is not closed in this history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwcli.errors import DataInvalid, GitProblem, UsageError
from jwcli.history import git
from jwcli.history.audit_state import Resume, WalkState
from jwcli.model.findings import Finding
from jwcli.quarters import Quarter

if TYPE_CHECKING:  # closes.py imports the models, which audit loads only while git walks
    from jwcli.history.closes import Closes

CHARTER_FILE = "charter.yaml"
BASELINES_FILE = "baselines.yaml"
RECORDS_DIR = "records"
ASSESSMENTS_DIR = "assessments"

REVIEW_TAG_PREFIX = "review/"
# good; good but expired; good by an expired key. `U` (unknown validity: a key nobody here
# trusts) is not good: anyone can make a key in anyone's name.
GOOD_SIGNATURES = frozenset("GXY")
_SIGNATURE_MEANING = {
    "N": "no signature",
    "B": "bad signature",
    "U": "a signature of unknown validity (a key not trusted here)",
    "E": "the signature cannot be checked (missing key)",
    "R": "signed with a revoked key",
}
NOTICES = frozenset({"late", "agreed-change"})
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNREADABLE: Any = object()
InRange = Callable[["git.LogCommit"], bool]  # which commits the report covers (--since)
_SIGNING_RE = re.compile(rb"require_signed_commits[\"']?[ \t]*:[ \t]*[\"']?(?:true|True|TRUE)")


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    commit: str
    path: str
    message: str
    severity: str = "error"  # or "notice"
    quarter: str | None = None  # the closed quarter a late record is late for
    acknowledged: bool = False  # a notice followed by a later close commit

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "commit": self.commit,
            "path": self.path,
            "message": self.message,
            "quarter": self.quarter,
            "acknowledged": self.acknowledged,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Flag:
        return cls(
            data["rule"],
            data["commit"],
            data["path"],
            data["message"],
            data["severity"],
            data["quarter"],
            data["acknowledged"],
        )


@dataclass(slots=True)
class CommitEntry:
    commit: str
    author: str
    email: str
    date: str  # the author's date, ISO 8601
    subject: str
    trailers: dict[str, str]
    signature: str | None  # git's %G? letter when signatures are checked
    added: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    charter: bool = False
    baselines: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "date": self.date,
            "subject": self.subject,
            "trailers": self.trailers,
            "signature": self.signature,
            "added": self.added,
            "modified": self.modified,
            "deleted": self.deleted,
            "charter": self.charter,
            "baselines": self.baselines,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CommitEntry:
        return cls(**data)


@dataclass(slots=True)
class AuditReport:
    commits: list[CommitEntry]
    flags: list[Flag]
    signatures_checked: bool
    fsck: list[str] | None = None  # git fsck's problems when it ran
    closes: dict[str, str] = field(default_factory=dict)  # quarter -> its close commit
    first_agreement: str | None = None  # the commit that first agreed the charter

    @property
    def errors(self) -> list[Flag]:
        return [f for f in self.flags if f.severity == "error"]

    @property
    def notices(self) -> list[Flag]:
        return [f for f in self.flags if f.severity == "notice"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "commits": [c.as_dict() for c in self.commits],
            "flags": [f.as_dict() for f in self.flags],
            "errors": len(self.errors),
            "notices": len(self.notices),
            "unacknowledged": sum(1 for f in self.notices if not f.acknowledged),
            "closes": self.closes,
            "first_agreement": self.first_agreement,
        }


def parse_since(text: str) -> dt.date | None:
    """`--since` takes a date or a revision: the date when the text is one, else None."""
    if not _DATE_RE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since `{text}` is not a real calendar date") from None


def audit(
    root: Path, *, since: str | None = None, fsck: bool = False, remember: bool = True
) -> AuditReport:
    """The audit trail of the relationship repository at `root` (its git history up to HEAD).

    `remember`: use and keep the last audit in this user's cache folder (`jw --no-cache audit`
    reads the whole history and leaves the cache alone; the report is the same either way)."""
    git.preflight(root, for_write=False)
    if fsck:
        problems = git.fsck(root)
        if problems:
            shown = "\n    ".join(problems[:20])
            more = f"\n    ... and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise GitProblem(
                f"git fsck reports a damaged object store:\n    {shown}{more}",
                hint="restore the damaged objects from another clone (`git fetch` from a "
                "partner's copy) or a backup; do not commit until `git fsck` is clean",
            )
    since_date = parse_since(since) if since else None
    since_commit = git.resolve_commit(root, since) if since and since_date is None else None

    from jwcli.history import audit_cache

    head = git.head_commit(root) or ""
    remember = remember and since is None  # --since reports a part: nothing to remember
    remembered = audit_cache.load_report(root) if remember else None
    if remembered is not None and remembered["head"] == head:
        try:
            data = remembered["report"]
            report = _from_cache(data)
            review = [git.TrailerCommit(c, when, dict(t)) for c, when, t in data["review"]]
            order = {c: i for i, c in enumerate(data["ids"])}
        except (KeyError, TypeError, ValueError):
            pass
        else:
            from jwcli.history.closes import find_closes

            # the tags are not part of the history a commit id names: checked afresh
            closes = find_closes(root, read=review)
            tag_flags = _tag_flags(root, closes, git.tags(root, REVIEW_TAG_PREFIX))
            # Tags move without HEAD moving: a tag finding on a commit the remembered walk has
            # no place for would be listed out of history order, so walk again (a broken tag
            # is rare)
            if all(f.commit in order for f in tag_flags):
                report.flags += tag_flags
                return _finish(report, fsck, order, data["acked"])
            remembered = None
    if remembered is not None:
        extended = _extend(root, head, remembered["head"], remembered["report"], fsck)
        if extended is not None:
            return extended

    head_charter = git.read_blobs(root, [f"HEAD:./{CHARTER_FILE}"])[f"HEAD:./{CHARTER_FILE}"]
    if head_charter is None:
        raise GitProblem(
            f"{CHARTER_FILE} is not committed: the audit trail starts with the charter",
            hint=f"commit it: git add {CHARTER_FILE} && git commit -m 'Charter'",
        )
    # git walks the history while HEAD's records are read and validated; whether to ask for
    # signatures is decided on the raw text, checked once it is parsed
    guessed = _SIGNING_RE.search(head_charter) is not None
    log = git.Log(root, signatures=guessed)
    tree = git.Tree(root, "HEAD", RECORDS_DIR)
    review_tags = git.tags(root, REVIEW_TAG_PREFIX)
    current = _current_state(
        root, head_charter, tree, audit_cache.load_facts(root) if remember else {}
    )
    signing = current.charter.governance.require_signed_commits
    commits = log.commits()
    if signing and not guessed:  # the setting is written in a way the quick look missed
        commits = git.Log(root, signatures=True).commits()
    review = _review_commits(commits)
    from jwcli.history.closes import find_closes

    closes = find_closes(root, read=review)
    excluded: set[str] = set()
    if since_commit is not None:
        parents = {c.id: c.parents for c in commits}
        excluded = _ancestors(git.merge_bases(root, "HEAD", since_commit), parents)
    walk = _Walk(root, current, signing, closes)
    walk.run(
        commits,
        None
        if since is None
        else lambda c: (
            c.id not in excluded
            and (since_date is None or dt.datetime.fromisoformat(c.committed).date() >= since_date)
        ),
    )
    ids = [c.id for c in commits]
    order = {c: i for i, c in enumerate(ids)}
    acked = _before_closes(commits, set(walk.closes.values()))
    report = AuditReport(
        walk.entries,
        walk.flags,
        signing,
        None,
        {str(q): c for q, c in sorted(walk.closes.items())},
        walk.first_agreement,
    )
    if remember:
        _remember(root, head, report, walk, ids, acked, review, current.at_head)
        audit_cache.save_facts(
            root, _encode_facts(walk.blobs.facts, current.charter.fiscal_year_start)
        )
    report.flags += _tag_flags(root, closes, review_tags)
    return _finish(report, fsck, order, acked)


def _remember(
    root: Path,
    head: str,
    report: AuditReport,
    walk: _Walk,
    ids: list[str],
    acked: Iterable[str],
    review: Sequence[git.TrailerCommit],
    at_head: _AtHead,
) -> None:
    """Keep the report of `head`'s history and where the walk stopped, for the next run."""
    from jwcli.history import audit_cache, audit_state

    flagged = {f.commit for f in report.flags}
    audit_cache.save_report(
        root,
        head,
        {
            **report.as_dict(),
            "signatures_checked": report.signatures_checked,
            "ids": ids,
            "acked": sorted(set(acked) & flagged),
            "review": [[c.id, c.committed, c.trailers] for c in review],
        },
        {
            "walk": audit_state.encode(walk.state),
            "supersedes": at_head.supersedes,
            "amendments": at_head.amendments,
        },
    )


def _extend(
    root: Path, head: str, head_before: str, data: dict[str, Any], fsck: bool
) -> AuditReport | None:
    """The report of `head`'s history from the one remembered for an earlier HEAD, walking only
    the commits since (`git log <remembered>..HEAD`); None when that would not give what a walk
    over the whole history gives, and the caller walks it all.

    Extending is exact when the new commits are a straight line on the remembered HEAD (each
    one's only parent is the one before): git then lists the old history as before, so the
    rules see every old commit as they did, and every new one after them. Three things that new
    commits could change about old commits' flags make it walk everything instead: a merge (its
    order among older commits, and what it brings in), a change to the charter (its version
    and parties judge old changes), and a change to which amendments are in force at HEAD
    (whether old charter changes were agreed)."""
    from jwcli.history import audit_cache, audit_state
    from jwcli.history.closes import find_closes

    try:
        report = _from_cache(data)
        review = [git.TrailerCommit(c, when, dict(t)) for c, when, t in data["review"]]
        ids = list(data["ids"])
        acked = set(data["acked"])
        walked = audit_cache.load_walk(root, head_before)
        if walked is None:
            return None
        state = audit_state.decode(walked["walk"])
        at_head = _AtHead.decode(walked["supersedes"], walked["amendments"])
    except (KeyError, TypeError, ValueError):
        return None
    try:
        commits = git.Log(root, signatures=report.signatures_checked, after=state.head).commits()
    except (GitProblem, ValueError):  # the remembered HEAD is gone (history rewritten, gc'd)
        return None
    parent = state.head
    for c in commits:
        if c.parents != (parent,) or any(ch.path == CHARTER_FILE for ch in c.changes):
            return None
        parent = c.id
    if parent != head or state.head != head_before:  # HEAD is no descendant of the remembered
        return None
    changed = [ch for c in commits for ch in c.changes if _area(ch.path) == "record"]
    head_charter = f"HEAD:./{CHARTER_FILE}"
    blobs = git.read_blobs(root, [head_charter, *(ch.new for ch in changed if ch.new)])
    charter = _charter_model(blobs[head_charter])
    if charter is None:
        return None
    fys = charter.fiscal_year_start
    facts = {ch.new: _facts(blobs[ch.new], fys) for ch in changed if ch.new}
    now = at_head.changed(changed, facts)
    if now.in_force() != at_head.in_force():
        return None
    # the amendments in force are those remembered, so the walk never needs their models
    current = _Current(charter, facts, {}, now)
    closes = find_closes(root, read=[*review, *_review_commits(commits)])
    walk = _Walk(root, current, report.signatures_checked, closes)
    walk.state = state
    walk.first_agreement = report.first_agreement
    old_head = state.head
    walk.run(commits, None, audit_state.Resume(old_head, state.closed, state.governed))
    # a close commit acknowledges the notices of every commit it descends from: on a straight
    # line, all the remembered ones and the new ones before it
    close_ids = set(walk.closes.values())
    last_close = max((i for i, c in enumerate(commits) if c.id in close_ids), default=-1)
    if last_close >= 0:
        acked.update(ids)
        acked.update(c.id for c in commits[:last_close])
    ids += [c.id for c in commits]
    extended = AuditReport(
        report.commits + walk.entries,
        report.flags + walk.flags,
        report.signatures_checked,
        None,
        {str(q): c for q, c in sorted(walk.closes.items())},
        report.first_agreement,
    )
    _remember(root, head, extended, walk, ids, acked, [*review, *_review_commits(commits)], now)
    extended.flags += _tag_flags(root, closes, git.tags(root, REVIEW_TAG_PREFIX))
    return _finish(extended, fsck, {c: i for i, c in enumerate(ids)}, acked)


def _review_commits(commits: Iterable[git.LogCommit]) -> list[git.TrailerCommit]:
    return [
        git.TrailerCommit(c.id, c.committed, c.trailers)
        for c in commits
        if c.trailers.get("Jw-Kind", "").strip().lower() == "review"
    ]


def _charter_model(blob: bytes | None) -> Any:
    """HEAD's charter validated, or None (the whole walk then says what is wrong with it)."""
    from pydantic import ValidationError

    from jwcli.model.charter import Charter

    data = _parse(blob) if blob is not None else _UNREADABLE
    if not isinstance(data, dict):
        return None
    try:
        return Charter.model_validate(data)
    except ValidationError:
        return None


def _finish(
    report: AuditReport, fsck: bool, order: dict[str, int], acked: Iterable[str]
) -> AuditReport:
    done = set(acked)
    report.flags = [
        dataclasses.replace(f, acknowledged=True)
        if f.severity == "notice" and f.commit in done
        else f
        for f in report.flags
    ]
    report.flags.sort(key=lambda f: order.get(f.commit, len(order)))  # stable
    report.fsck = [] if fsck else None
    return report


def _from_cache(data: dict[str, Any]) -> AuditReport:
    return AuditReport(
        [CommitEntry.from_dict(c) for c in data["commits"]],
        [Flag.from_dict(f) for f in data["flags"]],
        bool(data["signatures_checked"]),
        None,
        dict(data["closes"]),
        data["first_agreement"],
    )


def _before_closes(commits: Sequence[git.LogCommit], closes: set[str]) -> set[str]:
    """The commits that some close commit descends from (their notices are acknowledged)."""
    parents = {c.id: c.parents for c in commits}
    return _ancestors((p for c in closes for p in parents.get(c, ())), parents)


def _tag_flags(root: Path, closes: Closes, tags: dict[str, str]) -> list[Flag]:
    """`review/<quarter>` tags against the close commits: the tag is for people and tools, the
    close commit is the sign-off, so a missing or moved tag is an error with its fix."""
    flags = []
    for close in closes.ordered():
        name, commit, quarter = close.tag, close.commit, close.quarter
        fix = f"git tag -a {name} {commit[:12]} -m 'Review {quarter}' && git push origin {name}"
        if close.tag_status == "missing":
            message = f"{quarter} was closed here but tag {name} is missing; restore it: {fix}"
        elif close.tag_status == "moved":
            where = (close.tag_commit or "")[:10]
            message = (
                f"tag {name} points at {where}, not at the close commit {commit[:10]}; put it "
                f"back: git tag -d {name} && {fix} --force"
            )
        else:
            continue
        flags.append(Flag("review-tag", commit, "", message))
    for elsewhere, tagged in sorted(closes.elsewhere.items()):
        name = f"{REVIEW_TAG_PREFIX}{elsewhere}"
        message = f"{elsewhere} was closed on another branch (tag {name}): merge it"
        flags.append(Flag("review-tag", tagged, "", message, "notice"))
    for name, tagged in sorted(tags.items()):
        unclosed = Quarter.from_label(name[len(REVIEW_TAG_PREFIX) :])
        if unclosed is None or unclosed in closes.closed or unclosed in closes.elsewhere:
            continue
        message = (
            f"tag {name} marks a commit that is not a close commit for {unclosed} "
            "(no `Jw-Kind: review` and `Jw-Quarter` trailers), so it does not close the "
            f"quarter: close it with `jw review --quarter {unclosed} --close`"
        )
        flags.append(Flag("review-tag", tagged, "", message, "notice"))
    return flags


# --- the state at HEAD -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """What one version of a record says, as the models read it (None: it does not validate)."""

    kind: str | None
    quarter: Quarter | None  # the quarter it belongs to
    due: Quarter | None  # a commitment's due quarter
    supersedes: tuple[str, ...]
    service: str | None
    party: str | None
    run_cost: bool  # a cost with no `project`
    model: Any  # the validated amendment (only amendments are kept)


_NO_FACTS = Facts(None, None, None, (), None, None, False, None)


def _facts(blob: bytes | None, fiscal_year_start: int) -> Facts:
    from pydantic import ValidationError

    from jwcli.analysis.quarters import record_quarter
    from jwcli.model.records import RECORD_KINDS, Amendment, Commitment, Cost

    data = _parse(blob) if blob is not None else _UNREADABLE
    if not isinstance(data, dict):
        return _NO_FACTS
    kind = data.get("kind")
    model = RECORD_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return _NO_FACTS
    try:
        record = model.model_validate(data)
    except ValidationError:
        return Facts(kind, None, None, (), None, None, False, None)
    return Facts(
        kind,
        record_quarter(record, fiscal_year_start),
        Quarter.of(record.due, fiscal_year_start) if isinstance(record, Commitment) else None,
        record.superseded_ids,
        # the fields as stored: getattr on a field a kind lacks takes pydantic's slow path
        record.__dict__.get("service"),
        record.__dict__.get("party"),
        isinstance(record, Cost) and record.project is None,
        record if isinstance(record, Amendment) else None,
    )


def _encode_facts(facts: dict[str, Facts], fys: int) -> dict[str, list[Any]]:
    """Facts to remember by blob id (amendments are read again: audit keeps their models)."""
    return {
        oid: [
            f.kind,
            str(f.quarter) if f.quarter else None,
            str(f.due) if f.due else None,
            list(f.supersedes),
            f.service,
            f.party,
            f.run_cost,
            fys,
        ]
        for oid, f in facts.items()
        if f.kind != "amendment"
    }


def _decode_facts(remembered: dict[str, list[Any]], fys: int) -> dict[str, Facts]:
    found = {}
    labels: dict[str, Quarter | None] = {}  # a few dozen quarters for thousands of records

    def quarter_of(label: str | None) -> Quarter | None:
        if not label:
            return None
        if label not in labels:
            labels[label] = Quarter.from_label(label)
        return labels[label]

    for oid, (kind, quarter, due, supersedes, service, party, run_cost, at) in remembered.items():
        if at != fys:  # quarters depend on the fiscal year
            continue
        found[oid] = Facts(
            kind,
            quarter_of(quarter),
            quarter_of(due),
            tuple(supersedes),
            service,
            party,
            run_cost,
            None,
        )
    return found


_REGULAR = frozenset({"100644", "100755"})  # the files a tree listing keeps (no links)


@dataclass(slots=True)
class _AtHead:
    """What HEAD's records say about which amendments are in force, by path: the ids each record
    supersedes and the amendments that validate (their blob ids). Remembered with the report, so
    that a later run knows whether new commits changed it without reading every record again."""

    supersedes: dict[str, list[str]]
    amendments: dict[str, str]

    def in_force(self) -> dict[str, str]:
        gone = {t for ids in self.supersedes.values() for t in ids}
        return {p: oid for p, oid in self.amendments.items() if _record_id(p) not in gone}

    def changed(self, changes: Iterable[git.Change], facts: dict[str, Facts]) -> _AtHead:
        """After `changes` (record changes, oldest first) with the `facts` of their new blobs."""
        supersedes, amendments = dict(self.supersedes), dict(self.amendments)
        for ch in changes:
            supersedes.pop(ch.path, None)
            amendments.pop(ch.path, None)
            if ch.new and ch.mode in _REGULAR:  # a link is no record (the tree leaves it out)
                found = facts[ch.new]
                if found.supersedes:
                    supersedes[ch.path] = list(found.supersedes)
                if found.model is not None:
                    amendments[ch.path] = ch.new
        return _AtHead(supersedes, amendments)

    @classmethod
    def decode(cls, supersedes: Any, amendments: Any) -> _AtHead:
        if not isinstance(supersedes, dict) or not isinstance(amendments, dict):
            raise ValueError("records at HEAD")
        for ids in supersedes.values():
            if not isinstance(ids, list) or not all(isinstance(t, str) for t in ids):
                raise ValueError("supersedes")
        if not all(isinstance(oid, str) for oid in amendments.values()):
            raise ValueError("amendments")
        return cls(supersedes, amendments)


@dataclass(slots=True)
class _Current:
    charter: Any  # the validated Charter at HEAD
    facts: dict[str, Facts]  # blob id -> facts, HEAD's records first
    amendments: dict[str, Any]  # path -> Amendment, HEAD's active amendments
    at_head: _AtHead


def _current_state(
    root: Path, charter_bytes: bytes, tree: git.Tree, remembered: dict[str, list[Any]]
) -> _Current:
    """HEAD's charter, validated like `jw validate` would (errors stop the audit), and every record
    at HEAD read as the models read it."""
    from pydantic import ValidationError

    from jwcli.load.positions import _position
    from jwcli.load.pydantic_errors import findings_from_errors
    from jwcli.load.yamlsafe import YamlProblem, decode, parse
    from jwcli.model.charter import Charter

    findings: list[Finding] = []
    charter: Any = None
    try:
        data, marks = parse(decode(charter_bytes), marks=True)
        charter = Charter.model_validate(data)
    except YamlProblem as problem:
        findings.append(
            Finding(CHARTER_FILE, problem.message, problem.rule, line=problem.line, col=problem.col)
        )
    except ValidationError as exc:
        found = findings_from_errors(CHARTER_FILE, exc.errors(include_url=False))
        for f in found:
            f.line, f.col = _position(marks or {}, f.loc, f.at_key)
        findings.extend(found)
    if charter is None:
        findings.sort(key=Finding.sort_key)
        raise DataInvalid(
            "the committed charter (HEAD) does not validate: fix it and commit before auditing",
            list[object](findings),
        )
    entries = [e for e in tree.entries() if e.path.endswith(".yaml")]
    fys = charter.fiscal_year_start
    facts: dict[str, Facts] = _decode_facts(remembered, fys)
    blobs = git.read_blobs(root, [e.oid for e in entries if e.oid not in facts])
    import gc

    collecting = gc.isenabled()
    gc.disable()  # many small objects and no cycles, as in the loader
    try:
        for e in entries:
            if e.oid not in facts:
                facts[e.oid] = _facts(blobs[e.oid], fys)
    finally:
        if collecting:
            gc.enable()
    # HEAD's records only: versions remembered from other commits supersede nothing at HEAD
    at_head = _AtHead(
        {e.path: list(facts[e.oid].supersedes) for e in entries if facts[e.oid].supersedes},
        {e.path: e.oid for e in entries if facts[e.oid].model is not None},
    )
    in_force = at_head.in_force()
    amendments = {path: facts[oid].model for path, oid in in_force.items()}
    return _Current(charter, facts, amendments, at_head)


# --- reading versions --------------------------------------------------------------------------


def _parse(blob: bytes) -> Any:
    from jwcli.load.yamlsafe import MAX_BYTES, YamlProblem, decode, parse

    if len(blob) > MAX_BYTES:
        return _UNREADABLE
    try:
        return parse(decode(blob))[0]
    except (YamlProblem, UnicodeDecodeError):
        return _UNREADABLE


class _Blobs:
    """Blob contents fetched in batches, parsed and validated at most once each."""

    def __init__(self, root: Path, current: _Current) -> None:
        self.root = root
        self.fys = current.charter.fiscal_year_start
        self.facts = current.facts
        self.raw: dict[str, bytes | None] = {}
        self._parsed: dict[str, Any] = {}
        self._models: dict[tuple[str, str], Any] = {}

    def fetch(self, oids: Iterable[str]) -> None:
        wanted = [o for o in dict.fromkeys(oids) if o not in self.raw]
        self.raw.update(git.read_blobs(self.root, wanted))

    def data(self, oid: str) -> Any:
        if oid not in self._parsed:
            blob = self.raw.get(oid)
            self._parsed[oid] = _UNREADABLE if blob is None else _parse(blob)
        return self._parsed[oid]

    def record(self, oid: str) -> Facts:
        found = self.facts.get(oid)
        if found is None:
            found = self.facts[oid] = _facts(self.raw.get(oid), self.fys)
        return found

    def model(self, oid: str, which: str) -> Any:
        """The charter or baselines version `oid` validated, or None when it does not validate."""
        key = (oid, which)
        if key not in self._models:
            from pydantic import ValidationError

            from jwcli.model.baselines import Baselines
            from jwcli.model.charter import Charter

            data = self.data(oid)
            model: Any = None
            if isinstance(data, dict):
                try:
                    model = (Charter if which == "charter" else Baselines).model_validate(data)
                except ValidationError:
                    model = None
            self._models[key] = model
        return self._models[key]

    def same(self, old: str, new: str) -> bool:
        """Whether two versions hold the same data (comments and layout aside)."""
        if old == new:
            return True
        if self.raw.get(old) is None or self.raw.get(new) is None:
            return False
        a, b = self.data(old), self.data(new)
        if a is _UNREADABLE or b is _UNREADABLE:
            return False
        return bool(a == b)


def _record_id(path: str) -> str:
    return path.rsplit("/", 1)[-1][: -len(".yaml")]


def _area(path: str) -> str | None:
    """Which part of the data a path is: charter, baselines, record, assessment, or None."""
    if path == CHARTER_FILE:
        return "charter"
    if path == BASELINES_FILE:
        return "baselines"
    if not path.endswith(".yaml"):
        return None
    if path.startswith(RECORDS_DIR + "/"):
        return "record"
    if path.startswith(ASSESSMENTS_DIR + "/") and path.count("/") == 2:
        return "assessment"
    return None


def _ancestors(starts: Iterable[str], parents: dict[str, tuple[str, ...]]) -> set[str]:
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        commit = todo.pop()
        if commit in seen:
            continue
        seen.add(commit)
        todo.extend(parents.get(commit, ()))
    return seen


def _short(commit: str) -> str:
    return commit[:10]


def _day(c: git.LogCommit) -> dt.date:
    return dt.datetime.fromisoformat(c.authored).date()


# --- the walk over the history -----------------------------------------------------------------


class _Walk:
    def __init__(self, root: Path, current: _Current, signing: bool, closes: Closes) -> None:
        self.current = current
        self._found_closes = closes
        self.signing = signing
        self.blobs = _Blobs(root, current)
        self.entries: list[CommitEntry] = []
        self.flags: list[Flag] = []
        self.state = WalkState()
        self._in_range = False
        self.closes: dict[Quarter, str] = {}
        self.first_agreement: str | None = None
        self._version_parties: dict[int, Any] = {}  # version -> the charter that introduced it

    # -- closes and agreement, before the rules run

    def _closes(
        self, commits: list[git.LogCommit], seed: dict[str, frozenset[Quarter]] | None = None
    ) -> dict[str, frozenset[Quarter]]:
        """Each commit's closed quarters: those closed by a commit it descends from (the first
        close commit of a quarter in topological order is the one that counts). `seed`: those
        of the commit a resumed walk starts from."""
        closing: dict[str, Quarter] = {}
        for quarter, close in self._found_closes.closed.items():
            self.closes[quarter] = close.commit
            closing[close.commit] = quarter
            for again in close.second_closes:
                self.flag(
                    "second-close",
                    again,
                    "",
                    f"a second close commit for {quarter}: it was closed in "
                    f"{_short(close.commit)}, and a quarter is signed off once. The first close "
                    f"stands (tag {close.tag} must mark it); add what changed since with "
                    "`jw add --late`",
                )
        closed: dict[str, frozenset[Quarter]] = dict(seed or {})
        empty: frozenset[Quarter] = frozenset()
        for c in commits:
            acc = empty
            for p in c.parents:
                inherited = closed.get(p, empty)
                q = closing.get(p)
                if q is not None:
                    inherited = inherited | {q}
                acc = inherited if not acc else acc | inherited
            closed[c.id] = acc
        return closed

    def _agreement(self, commits: list[git.LogCommit]) -> set[str]:
        """Find the first agreement and return the commits that descend from it (the charter
        rules judge only those)."""
        from jwcli.analysis.charter_state import is_agreed

        by_path = self.current.amendments
        so_far: list[Any] = []
        charter: Any = None
        for c in commits:
            for ch in c.changes:
                if ch.path == CHARTER_FILE:
                    if ch.new:
                        self.blobs.fetch([ch.new])
                    charter = self.blobs.model(ch.new, "charter") if ch.new else None
                    if charter is not None:
                        self._version_parties.setdefault(charter.version, charter)
                elif ch.status == "A" and ch.path in by_path:
                    so_far.append(by_path[ch.path])
            if (
                self.first_agreement is None
                and charter is not None
                and so_far
                and is_agreed(charter.parties, so_far, charter.version)
            ):
                self.first_agreement = c.id
        if self.first_agreement is None:
            return set()
        governed: set[str] = set()
        for c in commits:
            if any(p == self.first_agreement or p in governed for p in c.parents):
                governed.add(c.id)
        return governed

    def _agreed_at_head(self, version: int) -> list[str] | None:
        """Who has not agreed `version` at HEAD (empty: agreed; None: no amendment of it)."""
        from jwcli.analysis.charter_state import missing_agreement

        charter = self._version_parties.get(version, self.current.charter)
        return missing_agreement(charter.parties, self.current.amendments.values(), version)

    def _prefetch(self, commits: list[git.LogCommit]) -> None:
        """Fetch, in one batch, every older version a rule will read."""
        wanted: list[str] = []
        facts = self.current.facts
        for c in commits:
            # a record deleted and added in one commit may be a move: both sides are compared
            deletes = any(ch.status == "D" for ch in c.changes)
            for ch in c.changes:
                area = _area(ch.path)
                if area in ("charter", "baselines") or (
                    area == "record" and (ch.status != "A" or deletes or ch.new not in facts)
                ):
                    wanted.extend(o for o in (ch.old, ch.new) if o)
        self.blobs.fetch(wanted)

    def flag(
        self,
        rule: str,
        commit: str,
        path: str,
        message: str,
        blob: str | None = None,
        *,
        quarter: Quarter | None = None,
    ) -> None:
        key = (rule, path, blob if blob is not None else commit, message)
        if key in self.state.flagged:
            return
        self.state.flagged.add(key)
        if self._in_range:
            severity = "notice" if rule in NOTICES else "error"
            label = str(quarter) if quarter is not None else None
            self.flags.append(Flag(rule, commit, path, message, severity, label))

    def run(
        self, commits: list[git.LogCommit], in_range: InRange | None, resume: Resume | None = None
    ) -> None:
        """Walk `commits` (parents first). `resume`: they extend, one parent each, the history a
        remembered walk ended at, whose state `self.state` already holds."""
        self._in_range = True
        self._prefetch(commits)
        if resume is None:
            closed = self._closes(commits)
            governed = self._agreement(commits)
        else:
            # a straight line of new commits: each one's only parent is the one before
            closed = self._closes(commits, {resume.head: resume.closed})
            governed = {c.id for c in commits} if resume.governed else set()
        state = self.state
        first, belongs, authors = state.first, state.belongs, state.authors
        runs, spent = state.runs, state.spent
        seen: set[tuple[str, str | None]] = set()  # (path, blob) changes already walked
        merges = any(len(c.parents) > 1 for c in commits)  # only merges need `seen`
        no_moves: set[str] = set()
        for c in commits:
            data_changes = [(ch, area) for ch in c.changes if (area := _area(ch.path))]
            if not data_changes:
                continue
            self._in_range = in_range is None or bool(in_range(c))
            merge = len(c.parents) > 1
            quarters_closed = closed[c.id]
            is_governed = c.id in governed
            entry = CommitEntry(
                c.id, c.author, c.email, c.authored, c.subject, c.trailers, c.signature
            )
            deletes = any(ch.status == "D" for ch, _ in data_changes)
            moved = self._moves(data_changes) if deletes else no_moves
            charter_change = next((ch for ch, a in data_changes if a == "charter"), None)
            raised = self._raised(charter_change)
            for ch, area in data_changes:
                fresh = not merge or (ch.path, ch.new) not in seen
                if merges:
                    seen.add((ch.path, ch.new))
                if area == "charter":
                    entry.charter = True
                    now = self.blobs.model(ch.new, "charter") if ch.new else None
                    if now is not None:  # an unreadable version leaves the last good one's rule
                        state.signing_now = now.governance.require_signed_commits
                    if fresh and is_governed:
                        self._charter(c, ch, raised)
                    continue
                if area == "baselines":
                    entry.baselines = True
                    if fresh and is_governed:
                        self._baselines(c, ch, raised, runs, spent)
                    continue
                if fresh:
                    status = ch.status
                    listed = (
                        entry.added
                        if status == "A"
                        else (entry.deleted if status == "D" else entry.modified)
                    )
                    listed.append(ch.path)
                if area == "assessment":
                    if fresh:
                        self._assessment(c, ch, quarters_closed, authors, merge)
                    continue
                rid = _record_id(ch.path)
                if fresh and rid not in moved and (ch.status != "A" or rid in first):
                    self._append_only(c, ch, rid, first)
                if ch.status == "A" and ch.new and rid not in first:
                    first[rid] = (c.id, ch.new)
                    facts = self.blobs.record(ch.new)
                    chain = {q for t in facts.supersedes for q in belongs.get(t, ())}
                    if facts.quarter is not None:
                        chain.add(facts.quarter)
                    belongs[rid] = frozenset(chain)
                    if facts.kind in ("cost", "saving"):
                        spent.add(facts.service)
                        if facts.run_cost:
                            runs.add((facts.service, facts.party))
                    if quarters_closed and fresh:
                        self._late(c, ch, rid, facts, belongs[rid], quarters_closed)
                elif quarters_closed and rid not in moved and fresh and ch.status != "A":
                    self._after_close(c, ch, rid, quarters_closed)
            if self.signing and state.signing_now:
                self._signature(c, data_changes[0][0].path)
            if self._in_range and (
                entry.added or entry.modified or entry.deleted or entry.charter or entry.baselines
            ):
                self.entries.append(entry)
        if commits:  # where a later run can pick the walk up
            last = commits[-1].id
            state.head = last
            state.closed = closed[last]
            state.governed = last in governed or last == self.first_agreement

    def _signature(self, c: git.LogCommit, path: str) -> None:
        letter = c.signature or "N"
        if letter not in GOOD_SIGNATURES:
            meaning = _SIGNATURE_MEANING.get(letter, f"signature status {letter}")
            self.flag(
                "unsigned",
                c.id,
                path,
                f"commit has {meaning}, but the charter requires signed commits "
                "(governance.require_signed_commits)",
            )

    def _moves(self, changes: Sequence[tuple[git.Change, str | None]]) -> set[str]:
        """Records deleted and added again under another folder, unchanged, in one commit."""
        gone = {
            _record_id(ch.path): ch.old
            for ch, area in changes
            if ch.status == "D" and area == "record" and ch.old
        }
        if not gone:
            return set()
        return {
            rid
            for ch, area in changes
            if area == "record"
            and ch.status == "A"
            and ch.new
            and (rid := _record_id(ch.path)) in gone
            and self.blobs.same(gone[rid] or "", ch.new)
        }

    def _append_only(
        self, c: git.LogCommit, ch: git.Change, rid: str, first: dict[str, tuple[str, str]]
    ) -> None:
        fix = (
            f"records are append-only: record a correction as a new record with `supersedes: {rid}`"
        )
        if ch.status == "D":
            self.flag("record-deleted", c.id, ch.path, f"record `{rid}` deleted; {fix}", None)
            return
        if ch.status == "A":
            earlier = first.get(rid)
            if earlier is None or not ch.new:
                return
            # both sides: the new one may be known only by its facts, not by its text
            self.blobs.fetch([earlier[1], ch.new])
            if self.blobs.same(earlier[1], ch.new):
                return
            self.flag(
                "record-modified",
                c.id,
                ch.path,
                f"record `{rid}` added again with other "
                f"content than first committed in {_short(earlier[0])}; {fix}",
                ch.new,
            )
            return
        if ch.old and ch.new and self.blobs.same(ch.old, ch.new):
            return  # comments or layout only
        since = first.get(rid)
        where = f" in {_short(since[0])}" if since else ""
        self.flag(
            "record-modified",
            c.id,
            ch.path,
            f"record `{rid}` changed after it was first committed{where}; {fix}",
            ch.new,
        )

    def _late(
        self,
        c: git.LogCommit,
        ch: git.Change,
        rid: str,
        facts: Facts,
        chain: frozenset[Quarter],
        closed: frozenset[Quarter],
    ) -> None:
        hits: dict[Quarter, str] = {}
        for quarter in sorted(chain & closed):
            hits[quarter] = (
                f"belongs to {quarter}"
                if quarter == facts.quarter
                else f"supersedes a record of {quarter}"
            )
        if facts.due is not None and facts.due in closed and facts.due not in hits:
            hits[facts.due] = f"is a commitment due in {facts.due}"
        for quarter, why in sorted(hits.items()):
            self.flag(
                "late",
                c.id,
                ch.path,
                f"late for {quarter}: record `{rid}` {why}, "
                f"closed in {_short(self.closes[quarter])}",
                ch.new,
                quarter=quarter,
            )

    def _after_close(
        self, c: git.LogCommit, ch: git.Change, rid: str, closed: frozenset[Quarter]
    ) -> None:
        quarters = {q for oid in (ch.old, ch.new) if oid and (q := self.blobs.record(oid).quarter)}
        if not quarters:  # unreadable versions: the folder says which quarter it was filed in
            parts = ch.path.split("/")
            folder = Quarter.from_label(parts[1]) if len(parts) > 2 else None
            quarters = {folder} if folder else set()
        for quarter in sorted(quarters & closed):
            verb = "deleted" if ch.status == "D" else "changed"
            self.flag(
                "after-close",
                c.id,
                ch.path,
                f"record `{rid}` of {quarter} {verb} after {quarter} was closed in "
                f"{_short(self.closes[quarter])}: signed-off data never changes; add a "
                "correction with `supersedes` and `--late` instead",
                ch.new or ch.old,
                quarter=quarter,
            )

    def _assessment(
        self,
        c: git.LogCommit,
        ch: git.Change,
        closed: frozenset[Quarter],
        authors: dict[str, str],
        merge: bool,
    ) -> None:
        quarter = Quarter.from_label(ch.path.split("/")[1])
        owner = authors.get(ch.path)
        if not merge:
            if owner is None and ch.status == "A":
                authors[ch.path] = c.email
            elif owner is not None and owner.lower() != c.email.lower():
                verb = "deleted" if ch.status == "D" else "changed"
                self.flag(
                    "assessment-author",
                    c.id,
                    ch.path,
                    f"assessment {verb} by {c.email}, but it was added by {owner}: an "
                    "assessment belongs to its assessor; only they may change it",
                )
        if quarter is None or quarter not in closed:
            return
        if ch.status == "A" and owner is None:
            self.flag(
                "late",
                c.id,
                ch.path,
                f"late for {quarter}: assessment added after {quarter} was closed in "
                f"{_short(self.closes[quarter])}",
                ch.new,
                quarter=quarter,
            )
            return
        verb = {"A": "added again", "D": "deleted"}.get(ch.status, "changed")
        self.flag(
            "after-close",
            c.id,
            ch.path,
            f"assessment for {quarter} {verb} after {quarter} was closed in "
            f"{_short(self.closes[quarter])}: signed-off data never changes",
            ch.new or ch.old,
            quarter=quarter,
        )

    # -- the charter rules (commits after the first agreement)

    def _raised(self, ch: git.Change | None) -> int | None:
        """The charter version a commit raises to, when its change raises it."""
        if ch is None or not ch.new or not ch.old:
            return None
        v_old, v_new = _version(self.blobs.data(ch.old)), _version(self.blobs.data(ch.new))
        if v_old is not None and v_new is not None and v_new > v_old:
            return v_new
        return None

    def _agreed(self, c: git.LogCommit, raised: int | None) -> bool:
        """Whether this commit's change is agreed: it raises the version and HEAD agrees it,
        else the rule that says what is missing."""
        if raised is None:
            return False
        missing = self._agreed_at_head(raised)
        if missing == []:
            return True
        if missing is None:
            self.flag(
                "amendment-missing",
                c.id,
                CHARTER_FILE,
                f"charter version {raised} (raised here) has no `amendment` record agreeing it: "
                f"`jw add amendment --version {raised} --agreed-by ...`",
            )
        else:
            self.flag(
                "amendment-parties",
                c.id,
                CHARTER_FILE,
                f"charter version {raised} is not agreed by {', '.join(missing)}: every member "
                "must agree it in an `amendment` record",
            )
        return False

    def _charter(self, c: git.LogCommit, ch: git.Change, raised: int | None) -> None:
        from jwcli.history.loosening import charter_loosening, fixed_fields_changed

        if ch.new is None:
            self.flag("charter-unversioned", c.id, CHARTER_FILE, "charter.yaml deleted")
            return
        new, old = self.blobs.data(ch.new), self.blobs.data(ch.old) if ch.old else None
        if not isinstance(old, dict) or not isinstance(new, dict):
            self._unreadable(c, CHARTER_FILE)
            return
        v_old, v_new = _version(old), _version(new)
        if _without(old, "version") == _without(new, "version") and v_old == v_new:
            return  # layout or comments only
        if v_old is not None and v_new is not None and v_new < v_old:
            self.flag(
                "charter-unversioned",
                c.id,
                CHARTER_FILE,
                f"charter `version` lowered from {v_old} to {v_new}",
            )
        elif raised is None:
            self.flag(
                "charter-unversioned",
                c.id,
                CHARTER_FILE,
                f"charter data changed without raising `version` (still {v_new}); raise it "
                "and record the parties' agreement: `jw add amendment`",
            )
        agreed = self._agreed(c, raised)
        before = self.blobs.model(ch.old, "charter") if ch.old else None
        after = self.blobs.model(ch.new, "charter")
        if before is None or after is None:
            self._unreadable(c, CHARTER_FILE)
            return
        for problem in fixed_fields_changed(before, after):
            self.flag("breaking-change", c.id, CHARTER_FILE, f"charter: {problem}")
        self._loosened(c, CHARTER_FILE, charter_loosening(before, after, _day(c)), agreed)

    def _loosened(self, c: git.LogCommit, path: str, problems: list[str], agreed: bool) -> None:
        for problem in problems:
            if agreed:
                self.flag("agreed-change", c.id, path, f"agreed loosening: {problem}")
            else:
                self.flag(
                    "breaking-change",
                    c.id,
                    path,
                    f"loosening not agreed: {problem} (raise the charter `version` in the same "
                    "commit and record every party's `amendment`)",
                )

    def _unreadable(self, c: git.LogCommit, path: str) -> None:
        self.flag(
            "unreadable",
            c.id,
            path,
            f"{path} at this commit (or the one before) does not validate, so its change "
            "could not be checked",
        )

    def _baselines(
        self,
        c: git.LogCommit,
        ch: git.Change,
        raised: int | None,
        runs: set[tuple[str | None, str | None]],
        spent: set[str | None],
    ) -> None:
        from jwcli.history.loosening import baselines_loosening
        from jwcli.model.baselines import Baselines

        new = self.blobs.model(ch.new, "baselines") if ch.new else Baselines()
        old = self.blobs.model(ch.old, "baselines") if ch.old else Baselines()
        if new is None or old is None:
            self._unreadable(c, BASELINES_FILE)
            return
        if new == old:
            return
        agreed = raised is not None and self._agreed_at_head(raised) == []
        if not agreed:
            moved = self._moved(old, new, runs, spent)
            if moved:
                self.flag(
                    "baseline-moved",
                    c.id,
                    BASELINES_FILE,
                    f"{'; '.join(moved)}: baselines are fixed before savings are claimed "
                    "(change them with an agreed amendment)",
                )
        self._loosened(c, BASELINES_FILE, baselines_loosening(old, new), agreed)

    @staticmethod
    def _moved(
        old: Any, new: Any, runs: set[tuple[str | None, str | None]], spent: set[str | None]
    ) -> list[str]:
        moved = []
        before = {(b.service, b.party): b for b in old.costs}
        for b in new.costs:
            if (b.service, b.party) in runs and before.get((b.service, b.party)) != b:
                moved.append(
                    f"baseline for `{b.service}`/`{b.party}` set or changed after a run cost "
                    "of theirs was committed"
                )
        targets = {t.service: t for t in old.savings_targets}
        for t in new.savings_targets:
            if t.service in spent and targets.get(t.service) != t:
                moved.append(
                    f"savings target for `{t.service}` set or changed after a cost or saving "
                    "for it was committed"
                )
        return moved


def _version(data: Any) -> int | None:
    value = data.get("version") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}
