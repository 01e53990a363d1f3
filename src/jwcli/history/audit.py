"""`jw audit`: the audit trail read back from git, and what in it breaks the charter's rules.

The whole history of HEAD is read in one `git log --raw` pass (blob ids included). While git
walks it, one `git grep` reads the `date` and `kind` of every record at HEAD (records are
append-only, so that is nearly every version the history holds) and the charter and amendments
are validated; then the few other contents the rules need come in one `git cat-file --batch`.
The number of git processes does not grow with the history. Merges are read against their first
parent, and a change a merge only brings in from a branch already audited is not listed twice.

Flags (each with its commit and file):
- `record-modified`, `record-deleted`: records are append-only once committed (a correction is a
  new record with `supersedes`). A change of layout or comments only is not a modification, and
  moving a record to another folder unchanged is neither.
- `after-review`: a record or assessment of a quarter added, changed or deleted in a commit that
  descends from that quarter's `review/<quarter>` tag. A record's quarter is the fiscal quarter of
  its `date` (before and after the change; its folder when the file cannot be read), an
  assessment's is its folder's.
- `charter-unversioned`: the charter's data (not only comments or layout) changed without raising
  `version`, or `version` went down.
- `amendment-missing`: a charter `version` above 1 with no `amendment` record (at HEAD) for it.
- `amendment-parties`: an amendment whose `agreed_by` omits a party of the version it agrees or
  of the one before (joining and leaving parties agree too).
- `baseline-moved`: baseline costs or savings targets set or changed after cost or saving records
  were committed: baselines are fixed before savings are claimed.
- `breaking-change`: a KPI target loosened (given its direction) or `amber_within` widened, a KPI
  or trigger deleted, a party removed, a budget's tolerance widened.
- `unsigned`: a commit without a good signature while the charter in force requires signed
  commits (checked only when HEAD's charter sets `require_signed_commits: true`: it costs a gpg
  call per commit).
- `unreadable`: a charter or baselines version that does not parse, so its change went unchecked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jwcli.errors import DataInvalid, GitProblem, UsageError
from jwcli.history import git
from jwcli.model.findings import Finding
from jwcli.quarters import Quarter

# The names of jwcli.model.relationship, which is not imported: it pulls in pydantic, and the
# audit imports that only while git walks the history.
CHARTER_FILE = "charter.yaml"
BASELINES_FILE = "baselines.yaml"
RECORDS_DIR = "records"
ASSESSMENTS_DIR = "assessments"

REVIEW_TAG_PREFIX = "review/"
GOOD_SIGNATURES = frozenset("GUXY")  # good; unknown validity; expired signature or key
_SIGNATURE_MEANING = {
    "N": "no signature",
    "B": "bad signature",
    "E": "the signature cannot be checked (missing key)",
    "R": "signed with a revoked key",
}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# a top-level `date:` or `kind:` written plainly, as `jw add` writes them
_PLAIN_VALUE = r":[ \t]+(?P<q>[\"']?)(?P<v>[A-Za-z0-9-]+)(?P=q)(?:[ \t]+#.*)?[ \t]*$"
_FIELD_RE = {
    key: re.compile(f"^{key}{_PLAIN_VALUE}".encode(), re.MULTILINE) for key in ("date", "kind")
}
_LINE_RE = re.compile(f"^(?P<k>date|kind){_PLAIN_VALUE}")
_GREP_FIELDS = "^(date|kind)[[:space:]]*:"
_UNREADABLE: Any = object()
InRange = Callable[["git.LogCommit"], bool]  # which commits the report covers (--since)
_SIGNING_RE = re.compile(rb"require_signed_commits[\"']?[ \t]*:[ \t]*[\"']?(?:true|True|TRUE)")


@dataclass(frozen=True, slots=True)
class Flag:
    rule: str
    commit: str
    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "commit": self.commit,
            "path": self.path,
            "message": self.message,
        }


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


@dataclass(slots=True)
class AuditReport:
    commits: list[CommitEntry]
    flags: list[Flag]
    signatures_checked: bool
    fsck: list[str] | None = None  # git fsck's problems when it ran

    def as_dict(self) -> dict[str, Any]:
        return {
            "commits": [c.as_dict() for c in self.commits],
            "flags": [f.as_dict() for f in self.flags],
        }


def parse_since(text: str) -> dt.date | None:
    """`--since` takes a date or a revision: the date when the text is one, else None."""
    if not _DATE_RE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since `{text}` is not a real calendar date") from None


def audit(root: Path, *, since: str | None = None, fsck: bool = False) -> AuditReport:
    """The audit trail of the relationship repository at `root` (its git history up to HEAD)."""
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

    head_charter = git.read_blobs(root, [f"HEAD:./{CHARTER_FILE}"])[f"HEAD:./{CHARTER_FILE}"]
    if head_charter is None:
        raise GitProblem(
            f"{CHARTER_FILE} is not committed: the audit trail starts with the charter",
            hint=f"commit it: git add {CHARTER_FILE} && git commit -m 'Charter'",
        )
    # git walks the history while the YAML and model modules load and the charter validates;
    # whether to ask for signatures is decided on the raw text, checked once it is parsed
    guessed = _SIGNING_RE.search(head_charter) is not None
    log = git.Log(root, signatures=guessed)
    grep = git.Grep(root, "HEAD", RECORDS_DIR, [_GREP_FIELDS, "amendment"])
    tree = git.Tree(root, "HEAD", RECORDS_DIR)
    review_tags = git.tags(root, REVIEW_TAG_PREFIX)
    current = _current_state(root, head_charter, lambda: _head_records(grep, tree))
    signing = current.require_signed
    commits = log.commits()
    if signing and not guessed:  # the setting is written in a way the quick look missed
        commits = git.Log(root, signatures=True).commits()
    excluded: set[str] = set()
    if since_commit is not None:
        parents = {c.id: c.parents for c in commits}
        excluded = _ancestors(git.merge_bases(root, "HEAD", since_commit), parents)
    walk = _Walk(root, current, review_tags, signing, current.known)
    walk.run(
        commits,
        None
        if since is None
        else lambda c: (
            c.id not in excluded
            and (since_date is None or dt.datetime.fromisoformat(c.committed).date() >= since_date)
        ),
    )
    order = {c.id: i for i, c in enumerate(commits)}
    walk.flags.sort(key=lambda f: order[f.commit])  # stable: each commit's flags as found
    return AuditReport(walk.entries, walk.flags, signing, [] if fsck else None)


# --- the state at HEAD -------------------------------------------------------------------------


def _head_records(grep: git.Grep, tree: git.Tree) -> tuple[dict[str, dict[str, str]], list[str]]:
    """From `git grep` at HEAD: each record blob's `date` and `kind` as plainly written (by blob
    id), and the records that mention `amendment` (the candidates to read in full)."""
    by_path: dict[str, dict[str, str]] = {}
    candidates: dict[str, None] = {}
    for path, line in grep.lines():
        match = _LINE_RE.match(line)
        if match:
            by_path.setdefault(path, {}).setdefault(match["k"], match["v"])
        if "amendment" in line:
            candidates[path] = None
    known = {e.oid: by_path[e.path] for e in tree.entries() if e.path in by_path}
    return known, list(candidates)


@dataclass(slots=True)
class _Current:
    require_signed: bool
    fiscal_year_start: int
    parties: set[str]
    amendments: dict[str, tuple[int, list[str]]]  # path -> (version, agreed_by), active ones
    known: dict[str, dict[str, str]]  # record blob id -> `date` and `kind` read by git grep


def _current_state(
    root: Path,
    charter_bytes: bytes,
    head_records: Callable[[], tuple[dict[str, dict[str, str]], list[str]]],
) -> _Current:
    """HEAD's charter and amendment records, validated like `jw validate` would.

    Only the files the charter checks read are validated, so that the audit of a large history
    stays about as fast as `git log`; errors in them stop the audit (DataInvalid, exit 1).
    """
    from pydantic import ValidationError

    from jwcli.load.positions import _position
    from jwcli.load.pydantic_errors import findings_from_errors
    from jwcli.load.yamlsafe import MAX_BYTES, YamlProblem, decode, parse
    from jwcli.model.charter import Charter
    from jwcli.model.records import Amendment

    findings: list[Finding] = []

    def load(path: str, blob: bytes, model: Any) -> Any:
        try:
            data, marks = parse(decode(blob), marks=True)
        except YamlProblem as problem:
            findings.append(
                Finding(path, problem.message, problem.rule, line=problem.line, col=problem.col)
            )
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            found = findings_from_errors(path, exc.errors(include_url=False))
            for f in found:
                f.line, f.col = _position(marks or {}, f.loc, f.at_key)
            findings.extend(found)
            return None

    charter = load(CHARTER_FILE, charter_bytes, Charter)
    known, candidates = head_records()  # git grep ran while pydantic loaded
    blobs = git.read_blobs(root, [f"HEAD:./{p}" for p in candidates])
    amendments: dict[str, Any] = {}
    for path in candidates:
        blob = blobs[f"HEAD:./{path}"]
        if blob is None or not path.endswith(".yaml") or len(blob) > MAX_BYTES:
            continue
        data = _parse(blob)
        if isinstance(data, dict) and data.get("kind") == "amendment":
            record = load(path, blob, Amendment)
            if record is not None:
                amendments[path] = record
    if charter is None or any(f.is_error for f in findings):
        findings.sort(key=Finding.sort_key)
        raise DataInvalid(
            "the committed charter or amendment records (HEAD) do not validate: fix them and "
            "commit before auditing",
            list[object](findings),
        )
    superseded = {t for a in amendments.values() for t in a.superseded_ids}
    active = {
        path: (a.version, list(a.agreed_by))
        for path, a in amendments.items()
        if _record_id(path) not in superseded
    }
    return _Current(
        charter.governance.require_signed_commits,
        charter.fiscal_year_start,
        set(charter.party_ids()),
        active,
        known,
    )


# --- the walk over the history -----------------------------------------------------------------


class _Blobs:
    """Blob contents fetched in one batch, parsed at most once each."""

    def __init__(self, root: Path, known: dict[str, dict[str, str]]) -> None:
        self.root = root
        self.known = known  # blob id -> fields read off HEAD's records by `git grep`
        self.raw: dict[str, bytes | None] = {}
        self._parsed: dict[str, Any] = {}

    def fields_known(self, oid: str) -> bool:
        found = self.known.get(oid)
        return found is not None and "date" in found and "kind" in found

    def fetch(self, oids: Iterable[str]) -> None:
        wanted = [o for o in dict.fromkeys(oids) if o not in self.raw]
        self.raw.update(git.read_blobs(self.root, wanted))

    def data(self, oid: str) -> Any:
        if oid not in self._parsed:
            blob = self.raw.get(oid)
            self._parsed[oid] = _UNREADABLE if blob is None else _parse(blob)
        return self._parsed[oid]

    def field(self, oid: str, key: str) -> str | None:
        """A record's top-level `key`: read off the text when it is plainly written."""
        known = self.known.get(oid)
        if known is not None and key in known:
            return known[key]
        blob = self.raw.get(oid)
        if blob is None:
            return None
        match = _FIELD_RE[key].search(blob)
        if match:
            return match["v"].decode()
        data = self.data(oid)
        value = data.get(key) if isinstance(data, dict) else None
        return value if isinstance(value, str) else None

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


def _parse(blob: bytes) -> Any:
    from jwcli.load.yamlsafe import MAX_BYTES, YamlProblem, decode, parse

    if len(blob) > MAX_BYTES:
        return _UNREADABLE
    try:
        return parse(decode(blob))[0]
    except YamlProblem:
        return _UNREADABLE


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


def _requires_signing(charter: Any) -> bool:
    governance = charter.get("governance") if isinstance(charter, dict) else None
    return isinstance(governance, dict) and governance.get("require_signed_commits") is True


def _short(commit: str) -> str:
    return commit[:10]


class _Walk:
    def __init__(
        self,
        root: Path,
        current: _Current,
        review_tags: dict[str, str],
        signing: bool,
        known: dict[str, dict[str, str]],
    ) -> None:
        self.current = current
        self.signing = signing
        self.blobs = _Blobs(root, known)
        self.tagged: dict[str, set[Quarter]] = {}
        for name, commit in review_tags.items():
            quarter = Quarter.from_label(name[len(REVIEW_TAG_PREFIX) :])
            if quarter is not None:
                self.tagged.setdefault(commit, set()).add(quarter)
        self.entries: list[CommitEntry] = []
        self.flags: list[Flag] = []
        self._flagged: set[tuple[str, str, str, str]] = set()
        self._in_range = False
        self._quarters: dict[str, Quarter | None] = {}
        self._days: dict[str, dt.date] = {}

    # Quarters whose review is closed in the history a commit builds on: the union over its
    # parents of what they inherit and what is tagged on them.
    def _closed(self, commits: list[git.LogCommit]) -> dict[str, frozenset[Quarter]]:
        closed: dict[str, frozenset[Quarter]] = {}
        empty: frozenset[Quarter] = frozenset()
        for c in commits:
            acc = empty
            for p in c.parents:
                inherited = closed.get(p, empty)
                tagged = self.tagged.get(p)
                if tagged:
                    inherited = inherited | tagged
                acc = inherited if not acc else acc | inherited
            closed[c.id] = acc
        return closed

    def _prefetch(
        self, commits: list[git.LogCommit], closed: dict[str, frozenset[Quarter]]
    ) -> None:
        """Fetch, in one batch, every blob a rule will read."""
        last_baselines = max(
            (i for i, c in enumerate(commits) for ch in c.changes if ch.path == BASELINES_FILE),
            default=-1,
        )
        wanted: list[str] = []
        first_blob: dict[str, str] = {}
        for i, c in enumerate(commits):
            ids_here: dict[str, int] = {}
            for ch in c.changes:
                if _area(ch.path) == "record":
                    rid = _record_id(ch.path)
                    ids_here[rid] = ids_here.get(rid, 0) + 1
            for ch in c.changes:
                area = _area(ch.path)
                if area in ("charter", "baselines"):
                    wanted.extend(o for o in (ch.old, ch.new) if o)
                elif area == "record":
                    rid = _record_id(ch.path)
                    again = ch.status == "A" and rid in first_blob
                    if ch.status not in ("A", "D") or ids_here[rid] > 1 or again:
                        wanted.extend(o for o in (ch.old, ch.new) if o)  # data compared
                    elif closed[c.id] or (ch.status == "A" and i < last_baselines):
                        wanted.extend(  # only `date` and `kind` read
                            o for o in (ch.old, ch.new) if o and not self.blobs.fields_known(o)
                        )
                    if again:
                        wanted.append(first_blob[rid])
                    if ch.status == "A" and ch.new:
                        first_blob.setdefault(rid, ch.new)
        self.blobs.fetch(wanted)

    def flag(
        self, rule: str, commit: str, path: str, message: str, blob: str | None = None
    ) -> None:
        key = (rule, path, blob if blob is not None else commit, message)
        if key in self._flagged:
            return
        self._flagged.add(key)
        if self._in_range:
            self.flags.append(Flag(rule, commit, path, message))

    def run(self, commits: list[git.LogCommit], in_range: InRange | None) -> None:
        closed = self._closed(commits)
        self._prefetch(commits, closed)
        first: dict[str, tuple[str, str]] = {}  # record id -> (commit, blob) first committed
        added_in: dict[str, str] = {}  # path -> the commit that last added it
        seen: set[tuple[str, str | None]] = set()  # (path, blob) changes already walked
        merges = any(len(c.parents) > 1 for c in commits)  # only merges need `seen`
        costs_committed = False
        version_first: dict[int, str] = {}
        parties_of: dict[int, set[str]] = {}
        charter_now: Any = None
        no_moves: set[str] = set()
        for c in commits:
            data_changes = [(ch, area) for ch in c.changes if (area := _area(ch.path))]
            if not data_changes:
                continue
            self._in_range = in_range is None or bool(in_range(c))
            merge = len(c.parents) > 1
            quarters_closed = closed[c.id]
            entry = CommitEntry(
                c.id, c.author, c.email, c.authored, c.subject, c.trailers, c.signature
            )
            deletes = any(ch.status == "D" for ch, _ in data_changes)
            moved = self._moves(data_changes) if deletes else no_moves
            for ch, area in data_changes:
                fresh = not merge or (ch.path, ch.new) not in seen
                if merges:
                    seen.add((ch.path, ch.new))
                if area == "charter":
                    entry.charter = True
                    if fresh:
                        charter_now = self._charter(c, ch, charter_now, version_first, parties_of)
                    continue
                if area == "baselines":
                    entry.baselines = True
                    if fresh:
                        self._baselines(c, ch, costs_committed)
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
                    if quarters_closed:
                        self._assessment_after_review(c, ch, quarters_closed)
                    continue
                rid = _record_id(ch.path)
                if fresh and rid not in moved and (ch.status != "A" or rid in first):
                    self._append_only(c, ch, rid, first)
                if ch.status == "A":
                    added_in[ch.path] = c.id
                    if rid not in first:
                        first[rid] = (c.id, ch.new or "")
                    if not costs_committed and ch.new:
                        costs_committed = self.blobs.field(ch.new, "kind") in ("cost", "saving")
                if quarters_closed and rid not in moved:
                    self._record_after_review(c, ch, rid, quarters_closed)
            if self.signing and _requires_signing(charter_now):
                letter = c.signature or "N"
                if letter not in GOOD_SIGNATURES:
                    meaning = _SIGNATURE_MEANING.get(letter, f"signature status {letter}")
                    self.flag(
                        "unsigned",
                        c.id,
                        data_changes[0][0].path,
                        f"commit has {meaning}, "
                        "but the charter requires signed commits "
                        "(governance.require_signed_commits)",
                    )
            if self._in_range and (
                entry.added or entry.modified or entry.deleted or entry.charter or entry.baselines
            ):
                self.entries.append(entry)
        self._versions_and_amendments(commits, in_range, version_first, parties_of, added_in)

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
            if earlier is None or not ch.new or self.blobs.same(earlier[1], ch.new):
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

    def _record_after_review(
        self, c: git.LogCommit, ch: git.Change, rid: str, closed: frozenset[Quarter]
    ) -> None:
        if ch.old is None and ch.new is not None:  # the common case: a record added
            quarter = self._quarter(ch.new, ch.path)
            if quarter is None or quarter not in closed:
                return
            hits = [quarter]
        else:
            versions = (ch.old, ch.new)
            quarters = {q for oid in versions if oid and (q := self._quarter(oid, ch.path))}
            hits = sorted(quarters & closed)
        for quarter in hits:
            verb = {"A": "added", "D": "deleted"}.get(ch.status, "changed")
            self.flag(
                "after-review",
                c.id,
                ch.path,
                f"record `{rid}` of {quarter} {verb} after "
                f"the {quarter} review was closed (tag {REVIEW_TAG_PREFIX}{quarter})",
                ch.new or ch.old,
            )

    def _quarter(self, oid: str, path: str) -> Quarter | None:
        """The fiscal quarter of a record version's `date` (its folder's when it has none)."""
        if oid in self._quarters:
            return self._quarters[oid]
        text = self.blobs.field(oid, "date")
        day = self._days.get(text) if text else None
        if text and day is None:
            try:
                day = self._days[text] = dt.date.fromisoformat(text)
            except ValueError:
                day = None
        if day is not None:
            found: Quarter | None = Quarter.of(day, self.current.fiscal_year_start)
        else:
            parts = path.split("/")
            found = Quarter.from_label(parts[1]) if len(parts) > 2 else None
        self._quarters[oid] = found
        return found

    def _assessment_after_review(
        self, c: git.LogCommit, ch: git.Change, closed: frozenset[Quarter]
    ) -> None:
        quarter = Quarter.from_label(ch.path.split("/")[1])
        if quarter is not None and quarter in closed:
            verb = {"A": "added", "D": "deleted"}.get(ch.status, "changed")
            self.flag(
                "after-review",
                c.id,
                ch.path,
                f"assessment for {quarter} {verb} after the "
                f"{quarter} review was closed (tag {REVIEW_TAG_PREFIX}{quarter})",
                ch.new or ch.old,
            )

    def _charter(
        self,
        c: git.LogCommit,
        ch: git.Change,
        before: Any,
        version_first: dict[int, str],
        parties_of: dict[int, set[str]],
    ) -> Any:
        if ch.new is None:
            self.flag("charter-unversioned", c.id, CHARTER_FILE, "charter.yaml deleted")
            return None
        new = self.blobs.data(ch.new)
        if not isinstance(new, dict):
            self.flag(
                "unreadable",
                c.id,
                CHARTER_FILE,
                "charter.yaml at this commit is not a "
                "readable charter, so its change could not be checked",
            )
            return before
        old = self.blobs.data(ch.old) if ch.old else None
        v_new = _int(new.get("version"))
        if isinstance(old, dict):
            v_old = _int(old.get("version"))
            if v_new is not None and v_old is not None and v_new < v_old:
                self.flag(
                    "charter-unversioned",
                    c.id,
                    CHARTER_FILE,
                    f"charter `version` lowered from {v_old} to {v_new}",
                )
            elif _without(old, "version") != _without(new, "version"):
                if v_new is None or v_old is None or v_new <= v_old:
                    self.flag(
                        "charter-unversioned",
                        c.id,
                        CHARTER_FILE,
                        f"charter data changed without raising `version` (still {v_new}); "
                        "raise it and record the parties' `amendment`",
                    )
                for problem in _breaking_charter(old, new):
                    self.flag(
                        "breaking-change", c.id, CHARTER_FILE, f"breaking charter change: {problem}"
                    )
        elif ch.old is not None:
            self.flag(
                "unreadable",
                c.id,
                CHARTER_FILE,
                "the previous charter.yaml is not readable, so this change could not be checked",
            )
        if v_new is not None:
            version_first.setdefault(v_new, c.id)
            parties_of[v_new] = _ids(new.get("parties"))
        return new

    def _baselines(self, c: git.LogCommit, ch: git.Change, costs_committed: bool) -> None:
        new = self.blobs.data(ch.new) if ch.new else {}
        old = self.blobs.data(ch.old) if ch.old else {}
        if new is _UNREADABLE or old is _UNREADABLE:
            self.flag(
                "unreadable",
                c.id,
                BASELINES_FILE,
                "baselines.yaml at this commit (or the "
                "one before) is not readable, so this change could not be checked",
            )
            return
        new = new if isinstance(new, dict) else {}
        old = old if isinstance(old, dict) else {}
        moved = [s for s in ("costs", "savings_targets") if old.get(s) != new.get(s)]
        if moved and costs_committed:
            self.flag(
                "baseline-moved",
                c.id,
                BASELINES_FILE,
                f"baselines ({', '.join(moved)}) changed after cost or saving records "
                "were committed: baselines are fixed before savings are claimed",
            )
        for problem in _breaking_baselines(old, new):
            self.flag("breaking-change", c.id, BASELINES_FILE, f"breaking change: {problem}")

    def _versions_and_amendments(
        self,
        commits: list[git.LogCommit],
        in_range: InRange | None,
        version_first: dict[int, str],
        parties_of: dict[int, set[str]],
        added_in: dict[str, str],
    ) -> None:
        by_id = {c.id: c for c in commits}
        agreed = {version for version, _ in self.current.amendments.values()}
        for version, commit in sorted(version_first.items()):
            self._in_range = in_range is None or bool(in_range(by_id[commit]))
            if version > 1 and version not in agreed:
                self.flag(
                    "amendment-missing",
                    commit,
                    CHARTER_FILE,
                    f"charter version {version} (first committed here) has no `amendment` "
                    "record agreeing it",
                )
        for path, (version, agreed_by) in sorted(self.current.amendments.items()):
            added = added_in.get(path)
            if added is None:
                continue
            self._in_range = in_range is None or bool(in_range(by_id[added]))
            parties = parties_of.get(version, set()) | parties_of.get(version - 1, set())
            missing = sorted((parties or self.current.parties) - set(agreed_by))
            if missing:
                self.flag(
                    "amendment-parties",
                    added,
                    path,
                    f"amendment to version {version} is not agreed by {', '.join(missing)}",
                )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


def _by_id(items: Any, key: str = "id") -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {
        item[key]: item
        for item in items
        if isinstance(item, dict) and isinstance(item.get(key), str)
    }


def _ids(items: Any) -> set[str]:
    return set(_by_id(items))


def _breaking_charter(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems = [
        f"party `{p}` removed" for p in sorted(_ids(old.get("parties")) - _ids(new.get("parties")))
    ]
    old_kpis, new_kpis = _by_id(old.get("kpis")), _by_id(new.get("kpis"))
    for kpi_id, before in old_kpis.items():
        after = new_kpis.get(kpi_id)
        if after is None:
            problems.append(f"KPI `{kpi_id}` deleted")
            continue
        t_old, t_new = _number(before.get("target")), _number(after.get("target"))
        direction = after.get("direction")
        if (
            t_old is not None
            and t_new is not None
            and direction == before.get("direction")
            and (
                (direction == "higher" and t_new < t_old)
                or (direction == "lower" and t_new > t_old)
            )
        ):
            problems.append(
                f"KPI `{kpi_id}` target loosened from {t_old} to {t_new} ({direction} is better)"
            )
        a_old = _number(before.get("amber_within", 0))
        a_new = _number(after.get("amber_within", 0))
        if a_old is not None and a_new is not None and a_new > a_old:
            problems.append(f"KPI `{kpi_id}` amber_within widened from {a_old} to {a_new}")
    old_esc, new_esc = old.get("escalation"), new.get("escalation")
    old_triggers = _ids(old_esc.get("triggers")) if isinstance(old_esc, dict) else set()
    new_triggers = _ids(new_esc.get("triggers")) if isinstance(new_esc, dict) else set()
    problems += [f"trigger `{t}` deleted" for t in sorted(old_triggers - new_triggers)]
    return problems


def _breaking_baselines(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems = []
    new_budgets = _by_id(new.get("budgets"), "project")
    for project, before in _by_id(old.get("budgets"), "project").items():
        after = new_budgets.get(project)
        if after is None:
            continue
        t_old, t_new = _number(before.get("tolerance")), _number(after.get("tolerance"))
        if t_old is not None and t_new is not None and t_new > t_old:
            problems.append(f"budget `{project}` tolerance widened from {t_old} to {t_new}")
    return problems
