"""The only module that runs `git`: argument lists (never a shell), `--` before paths, `-z` output.

jw never deletes a lock file and never rewrites history. Every problem that blocks a command is a
`GitProblem` (exit 3) whose hint says how to fix it; callers check `preflight` before they write
anything, so a refused command leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jwcli.errors import GitProblem, UsageError

# Settings a person's own git configuration could set that would change what jw reads back.
_READ_CONFIG = ("-c", "log.showSignature=false", "-c", "core.quotePath=false")
# Programs a repository's own `.git/config` can name. A clone never copies that file, but an
# archive or a shared drive does, so every git call jw makes switches them off (or back to git's
# defaults), except the commits it makes on purpose, whose hooks the person expects. Filters
# named in `.gitattributes` are switched off where git reads the work tree (`_filters_off`);
# diff drivers and textconv by `--no-ext-diff --no-textconv` where a diff is made.
_NO_PROGRAMS = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "gpg.program=gpg",
    "-c",
    "gpg.ssh.program=ssh-keygen",
    "-c",
    "gpg.x509.program=gpgsm",
    "-c",
    "core.pager=cat",
    "-c",
    "diff.external=",
)
_IN_PROGRESS = {
    "MERGE_HEAD": "a merge",
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase or `git am`",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
}
_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg")
# How long a write waits for another git process (a concurrent `jw add`, say) to let go of
# `index.lock` before giving up with the fix: such commits take a few hundred milliseconds.
LOCK_WAIT_S = 2.0


def _git() -> str:
    found = shutil.which("git")
    if found is None:
        raise GitProblem("git is not installed or not on PATH", hint="install git and retry")
    return found


def _env(extra: Mapping[str, str] | None) -> dict[str, str]:
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(extra or {})}


def run(
    args: Sequence[str],
    cwd: Path,
    *,
    check: bool = True,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    on_purpose: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run git with `args`; `on_purpose` (the commits jw makes) keeps the repository's hooks."""
    proc = subprocess.run(
        [_git(), *(() if on_purpose else _NO_PROGRAMS), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(env),
        check=False,
    )
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()
        raise GitProblem(f"`git {' '.join(args[:2])}` failed: {detail}")
    return proc


def run_bytes(
    args: Sequence[str], cwd: Path, *, check: bool = True, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """`run` for output parsed as bytes: `-z` lists and blob contents are not text."""
    if stdin is None:
        proc = subprocess.run(
            [_git(), *_NO_PROGRAMS, *args],
            cwd=cwd,
            capture_output=True,
            env=_env(None),
            check=False,
        )
    else:
        proc = _exchange([_git(), *_NO_PROGRAMS, *args], cwd, stdin)
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()
        raise GitProblem(f"`git {' '.join(args[:2])}` failed: {detail}")
    return proc


def _exchange(cmd: list[str], cwd: Path, data: bytes) -> subprocess.CompletedProcess[bytes]:
    """Run with `data` as input through temporary files: `communicate` moves a large input in
    512-byte writes, one poll each, which costs more than `cat-file --batch` itself."""
    import tempfile

    with (
        tempfile.TemporaryFile() as feed,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        feed.write(data)
        feed.seek(0)
        code = subprocess.run(
            cmd, cwd=cwd, stdin=feed, stdout=out, stderr=err, env=_env(None), check=False
        ).returncode
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(cmd, code, out.read(), err.read())


def available() -> bool:
    return shutil.which("git") is not None


def toplevel(path: Path) -> Path | None:
    """The work tree's top folder when `path` is inside a git repository, else None."""
    if shutil.which("git") is None:
        return None
    proc = run(["rev-parse", "--show-toplevel"], path, check=False)
    return Path(proc.stdout.strip()) if proc.returncode == 0 else None


def init(path: Path) -> None:
    """A new repository whose first branch is `main`, whatever init.defaultBranch says (the
    workflow jw init writes and the docs count on it); symbolic-ref works on every git version."""
    run(["init", "--quiet"], path)
    run(["symbolic-ref", "HEAD", "refs/heads/main"], path)


# --- preflight ---------------------------------------------------------------------------------


def preflight(root: Path, *, for_write: bool, first_commit: bool = False) -> None:
    """Refuse, with the fix, a repository in a state that would block the command.

    Reading needs a repository with commits. Writing (committing) also needs HEAD on a branch, no
    merge or rebase half done, no `index.lock`, and an identity git does not have to guess, since
    the history is the audit trail. `first_commit` is for `jw init`: the repository may be empty.
    """
    probes = ["index.lock", *_IN_PROGRESS]
    args = ["rev-parse", "--show-toplevel"]
    for probe in probes:
        args += ["--git-path", probe]
    proc = run(args, root, check=False)
    if proc.returncode != 0:
        detail = proc.stderr.strip()
        if "dubious ownership" in detail:
            raise GitProblem(
                f"git refuses to work in {root}: the repository belongs to another user",
                hint=f"if you trust it: git config --global --add safe.directory {root}",
            )
        raise GitProblem(
            f"{root} is not inside a git repository ({detail.splitlines()[-1] if detail else ''})",
            hint="run `git init` there and commit the files (`git add -A && git commit -m "
            "'Charter'`), or point -C at a relationship repository that is in git",
        )
    lines = proc.stdout.splitlines()
    paths = {probe: root / line for probe, line in zip(probes, lines[1:], strict=True)}
    if not first_commit and head_commit(root) is None:
        raise GitProblem(
            "no commits yet: the git repository is empty",
            hint="make a first commit: git add -A && git commit -m 'Charter'",
        )
    if not for_write:
        return
    if run(["symbolic-ref", "-q", "HEAD"], root, check=False).returncode != 0:
        at = run(["rev-parse", "--short", "HEAD"], root, check=False).stdout.strip()
        raise GitProblem(
            f"HEAD is detached (at {at}): a commit made now would belong to no branch",
            hint="switch to a branch first: `git switch main` (or `git switch -c <new-branch>` "
            "to keep working from this commit)",
        )
    for probe, what in _IN_PROGRESS.items():
        if paths[probe].exists():
            raise GitProblem(
                f"{what} is in progress in this repository",
                hint="finish it (`git status` says how) or abort it, then run jw again",
            )
    lock = paths["index.lock"]
    deadline = time.monotonic() + LOCK_WAIT_S
    while lock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if lock.exists():
        raise GitProblem(
            f"{lock} exists: another git process may be running",
            hint="wait for it to finish and retry; if no git process is running, one crashed "
            "and left the lock behind: delete the file yourself (jw never deletes it)",
        )
    for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        check = run(["-c", "user.useConfigOnly=true", "var", ident], root, check=False)
        if check.returncode != 0:
            raise GitProblem(
                "git does not know who you are, and the history is the audit trail: every "
                "commit must name its author",
                hint='git config --global user.name "Your Name" && '
                'git config --global user.email "you@example.org"',
            )


# --- writing -----------------------------------------------------------------------------------


def _with_trailers(message: str, trailers: Mapping[str, str] | None) -> str:
    """The commit message with its `Key: value` trailers, each on one line."""
    if not trailers:
        return message
    for key, value in trailers.items():
        if "\n" in value or ":" in key or "\n" in key:
            raise ValueError(f"trailer {key!r}: {value!r} must be one line")
    return message + "\n\n" + "\n".join(f"{key}: {value}" for key, value in trailers.items())


def commit_paths(
    root: Path, paths: Sequence[str], message: str, trailers: Mapping[str, str] | None = None
) -> str:
    """Stage exactly `paths` and commit only them; returns the new commit id.

    The files are already written; when git refuses, they are kept and the GitProblem says
    whether they are staged, so nothing is lost and the person can finish with `git commit`.
    """
    body = _with_trailers(message, trailers)
    added = _while_locked(["add", "--", *paths], root, on_purpose=True)
    if added.returncode != 0:
        raise _commit_refused(root, paths, added, staged=False)
    committed = _while_locked(
        ["commit", "--quiet", "-m", body, "--", *paths], root, on_purpose=True
    )
    if committed.returncode != 0:
        raise _commit_refused(root, paths, committed, staged=True)
    return run(["rev-parse", "HEAD"], root).stdout.strip()


def _while_locked(
    args: list[str], root: Path, *, on_purpose: bool = False
) -> subprocess.CompletedProcess[str]:
    """`run(args)`, tried again for up to LOCK_WAIT_S while it fails only because another git
    process holds `index.lock` (jw never deletes the lock: it waits, then says how to fix it)."""
    deadline = time.monotonic() + LOCK_WAIT_S
    pause = 0.05
    while True:
        proc = run(args, root, check=False, on_purpose=on_purpose)
        if proc.returncode == 0 or "index.lock" not in proc.stderr or time.monotonic() > deadline:
            return proc
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def commit_new_files(
    root: Path, paths: Sequence[str], message: str, trailers: Mapping[str, str] | None = None
) -> str:
    """`commit_paths` for a batch of new files (`jw import`): the paths are staged through
    `update-index --stdin`, which takes them as they are instead of matching each as a pathspec
    (10,000 files: 0.3 s instead of 15 s), and when nothing else was staged the commit takes the
    index as it is; otherwise only these paths are committed, as `commit_paths` does."""
    body = _with_trailers(message, trailers)
    others = run(["diff", "--cached", "--name-only", "-z"], root, check=False).stdout
    listed = "".join(f"{path}\0" for path in paths)
    added = run(
        ["update-index", "--add", "-z", "--stdin"], root, check=False, stdin=listed, on_purpose=True
    )
    if added.returncode != 0:
        raise _commit_refused(root, paths, added, staged=False)
    only = ["--", *paths] if others else []
    committed = _while_locked(["commit", "--quiet", "-m", body, *only], root, on_purpose=True)
    if committed.returncode != 0:
        raise _commit_refused(root, paths, committed, staged=True)
    return run(["rev-parse", "HEAD"], root).stdout.strip()


def _commit_refused(
    root: Path, paths: Sequence[str], proc: subprocess.CompletedProcess[str], *, staged: bool
) -> GitProblem:
    output = "\n".join(part.strip() for part in (proc.stdout, proc.stderr) if part.strip())
    shown = (
        ", ".join(paths) if len(paths) <= 3 else f"{', '.join(paths[:3])} and {len(paths) - 3} more"
    )
    state = "staged but not committed" if staged else "not staged and not committed"
    kept = f"{shown}: written and kept, {state}"
    finish = f"git add -- {' '.join(paths)} && git commit" if not staged else "git commit"
    if "index.lock" in output:
        return GitProblem(
            f"git is locked by another process (index.lock exists); {kept}",
            hint=f"when no git process is running any more, run: {finish} "
            "(if none is running, delete the lock file yourself; jw never deletes it)",
        )
    if "who you are" in output or "auto-detect" in output or "empty ident" in output:
        return GitProblem(
            f"git does not know who you are; {kept}",
            hint='git config --global user.name "Your Name" && git config --global user.email '
            f'"you@example.org", then: {finish}',
        )
    hooks = _hooks(root) if staged else []
    if hooks:
        return GitProblem(
            f"the {' / '.join(hooks)} hook refused the commit; {kept}.\n"
            f"  the hook said:\n    " + (output.replace("\n", "\n    ") or "(nothing)"),
            hint=f"fix what the hook reports, then run: {finish}",
        )
    return GitProblem(
        f"git refused the commit; {kept}.\n  git said:\n    " + output.replace("\n", "\n    "),
        hint=f"fix the problem above, then run: {finish}",
    )


def _hooks(root: Path) -> list[str]:
    args = ["rev-parse"]
    for hook in _HOOKS:
        args += ["--git-path", f"hooks/{hook}"]
    # the hooks the commit ran: the repository's own setting, as for the commit itself
    proc = run(args, root, check=False, on_purpose=True)
    if proc.returncode != 0:
        return []
    return [
        hook
        for hook, line in zip(_HOOKS, proc.stdout.splitlines(), strict=False)
        if os.access(root / line, os.X_OK)
    ]


def tag(root: Path, name: str, message: str, commit: str = "HEAD") -> None:
    """Create the annotated tag `name` at `commit`; an existing tag is refused, never moved."""
    valid = run(["check-ref-format", f"refs/tags/{name}"], root, check=False).returncode == 0
    if not valid or name.startswith("-"):
        raise UsageError(f"`{name}` is not a valid git tag name")
    if run(["rev-parse", "-q", "--verify", f"refs/tags/{name}"], root, check=False).returncode == 0:
        raise GitProblem(
            f"tag {name} already exists: jw never moves a tag",
            hint=f"`git show {name}` shows what it marks",
        )
    proc = run(["tag", "-a", "-m", message, "--end-of-options", name, commit], root, check=False)
    if proc.returncode != 0:
        raise GitProblem(f"git could not create tag {name}: {proc.stderr.strip()}")


# --- reading -----------------------------------------------------------------------------------


def head_commit(root: Path) -> str | None:
    """The commit HEAD points at, or None in a repository without commits."""
    proc = run(["rev-parse", "-q", "--verify", "HEAD^{commit}"], root, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def resolve_commit(root: Path, rev: str) -> str:
    """The full id of the commit `rev` names; a revision git does not know is a usage error."""
    proc = run(
        ["rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}"], root, check=False
    )
    if proc.returncode != 0:
        raise UsageError(f"`{rev}` is not a commit, branch or tag of this repository")
    return proc.stdout.strip()


def commit_date(root: Path, rev: str) -> dt.date:
    """The day `rev` was committed, in the committer's own time zone."""
    commit = resolve_commit(root, rev)
    stamp = run(["show", "-s", "--no-show-signature", "--format=%cI", commit, "--"], root)
    return dt.datetime.fromisoformat(stamp.stdout.strip()).date()


def is_dirty(root: Path) -> bool:
    """Whether the work tree under `root` differs from HEAD (untracked files count)."""
    proc = run_bytes([*_filters_off(root), "status", "--porcelain", "-z", "--", "."], root)
    return bool(proc.stdout)


def _filters_off(root: Path) -> list[str]:
    """`-c` settings that switch off every filter driver the configuration defines: comparing
    the work tree with the index would otherwise run their `clean` or `process` programs.
    Reading the configuration runs nothing."""
    proc = run_bytes(
        ["config", "-z", "--get-regexp", r"^filter\..*\.(clean|smudge|process)$"], root, check=False
    )
    found: list[str] = []
    for item in proc.stdout.split(b"\0"):
        key = item.partition(b"\n")[0].decode("utf-8", "surrogateescape")
        if key:
            found += ["-c", f"{key}="]
    return found


def merge_bases(root: Path, a: str, b: str) -> list[str]:
    proc = run(["merge-base", "--all", a, b], root, check=False)
    return proc.stdout.split() if proc.returncode == 0 else []


def git_dir(root: Path) -> Path:
    """The repository's common git directory, resolved (the same for every worktree)."""
    proc = run(["rev-parse", "--path-format=absolute", "--git-common-dir"], root)
    return Path(proc.stdout.strip()).resolve()


def tags(root: Path, prefix: str) -> dict[str, str]:
    """Tags under `refs/tags/<prefix>`, name -> the commit each marks (annotated tags peeled)."""
    return {name: commit for name, (_, commit) in tag_objects(root, prefix).items() if commit}


def tag_objects(root: Path, prefix: str) -> dict[str, tuple[str, str | None]]:
    """Tags under `refs/tags/<prefix>`: name -> (the object the ref names, the commit it marks
    once peeled, None when it marks no commit)."""
    fmt = "%(refname:strip=2)%00%(objectname)%00%(*objectname)%00%(objecttype)%00%(*objecttype)"
    proc = run(["for-each-ref", f"--format={fmt}", f"refs/tags/{prefix}"], root)
    found: dict[str, tuple[str, str | None]] = {}
    for line in proc.stdout.splitlines():
        name, obj, peeled, kind, peeled_kind = line.split("\0")
        if kind == "commit":
            found[name] = (obj, obj)
        else:
            found[name] = (obj, peeled if peeled_kind == "commit" else None)
    return found


class Background:
    """A git process started now and collected later, so that the caller works while git does.

    Its output goes to temporary files, not pipes: git never waits on a full pipe, and no
    Python thread has to drain one (threads would contend for the GIL with the caller's work).
    """

    def __init__(self, args: Sequence[str], cwd: Path, ok: Sequence[int] = (0,)) -> None:
        import tempfile

        self._args = list(args)
        self._ok = tuple(ok)
        # closed by output(), which every caller reaches
        self._out = tempfile.TemporaryFile()  # noqa: SIM115
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            [_git(), *_NO_PROGRAMS, *args],
            cwd=cwd,
            stdout=self._out,
            stderr=self._err,
            env=_env(None),
        )

    def output(self) -> bytes:
        code = self._proc.wait()
        with self._out, self._err:
            if code not in self._ok:
                self._err.seek(0)
                detail = self._err.read().decode("utf-8", "replace").strip()
                raise GitProblem(self._failed(detail))
            self._out.seek(0)
            return self._out.read()

    def _failed(self, detail: str) -> str:
        return f"`git {' '.join(self._args[:2])}` failed: {detail}"


class Grep(Background):
    """Lines matching any of `patterns` (extended regular expressions) in the files under
    `under` at `rev`, searched in the background; `lines()` pairs each with its path."""

    def __init__(self, root: Path, rev: str, under: str, patterns: Sequence[str]) -> None:
        self._prefix = _prefix(root)
        # one thread: it runs beside `git log`, and a small machine has no core to spare
        args = ["grep", "--no-color", "--threads=1", "-z", "-I", "--full-name", "-E"]
        for pattern in patterns:
            args += ["-e", pattern]
        super().__init__([*args, rev, "--", under], root, ok=(0, 1))  # 1: nothing matched

    def lines(self) -> list[tuple[str, str]]:
        """(path relative to root, line) for every matching line, in git's order."""
        found: list[tuple[str, str]] = []
        cut = len(self._prefix)
        for line in self.output().split(b"\n"):
            name, sep, text = line.partition(b"\0")
            if not sep:
                continue  # a path with a newline in it: not a record name jw accepts anyway
            path = name.decode("utf-8", "surrogateescape").split(":", 1)[1][cut:]
            found.append((path, text.decode("utf-8", "replace")))
        return found


def _prefix(root: Path) -> str:
    """Where `root` sits inside its work tree, as `sub/dir/` (empty at the top)."""
    return run(["rev-parse", "--show-prefix"], root).stdout.strip()


@dataclass(frozen=True, slots=True)
class TreeEntry:
    path: str  # relative to the folder the tree was listed from
    mode: str
    oid: str
    size: int


class Tree(Background):
    """The regular files under `prefix` (relative to `root`) at `commit`, listed in the
    background. Symbolic links and submodules are left out: jw never follows a link, and a past
    revision has no file system to check one against."""

    def __init__(self, root: Path, commit: str, prefix: str = "") -> None:
        super().__init__(["ls-tree", "-r", "-z", "-l", commit, "--", prefix or "."], root)

    def entries(self) -> list[TreeEntry]:
        entries: list[TreeEntry] = []
        for item in self.output().split(b"\0"):
            if not item:
                continue
            meta, _, name = item.partition(b"\t")
            mode, kind, oid, size = meta.split()
            if kind != b"blob" or mode not in (b"100644", b"100755"):
                continue
            path = name.decode("utf-8", "surrogateescape")
            entries.append(TreeEntry(path, mode.decode(), oid.decode(), int(size)))
        return entries


def list_tree(root: Path, rev: str, prefix: str = "") -> list[TreeEntry]:
    """The regular files under `prefix` (relative to `root`) at revision `rev` (see `Tree`)."""
    return Tree(root, resolve_commit(root, rev), prefix).entries()


def read_blobs(root: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Contents of many objects in one `git cat-file --batch`: spec -> bytes, None when missing.

    A spec is a blob id or `<rev>:<path>` (a path starting `./` is relative to `root`).
    """
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    for spec in wanted:
        if "\n" in spec:
            raise ValueError(f"object name with a newline: {spec!r}")
    proc = run_bytes(
        ["cat-file", "--batch", "--buffer"], root, stdin="".join(f"{s}\n" for s in wanted).encode()
    )
    out = proc.stdout
    found: dict[str, bytes | None] = {}
    pos = 0
    for spec in wanted:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if header[-1] == b"missing" or header[-1] == b"ambiguous":
            found[spec] = None
            continue
        size = int(header[2])
        found[spec] = out[pos : pos + size]
        pos += size + 1  # contents are followed by a newline
    return found


def read_tree(root: Path, rev: str, prefix: str = "") -> dict[str, bytes]:
    """Every regular file under `prefix` at `rev`: path relative to `root` -> bytes.

    Two git processes whatever the number of files (ls-tree, then one cat-file batch).
    """
    entries = list_tree(root, rev, prefix)
    blobs = read_blobs(root, (e.oid for e in entries))
    return {e.path: blobs[e.oid] or b"" for e in entries}


def fsck(root: Path) -> list[str]:
    """What `git fsck` finds wrong with the object store; empty when it is sound."""
    proc = run(["fsck", "--full", "--no-dangling", "--no-progress"], root, check=False)
    if proc.returncode == 0:
        return []
    lines = [ln.strip() for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
    return lines or [f"git fsck exited with status {proc.returncode}"]


# --- the log -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    status: str  # A, M, D or T (type change)
    path: str  # relative to the folder the log was read from
    old: str | None  # blob ids; None where the file does not exist on that side
    new: str | None
    mode: str = ""  # the new side's file mode as git writes it (100644, 120000 a link, ...)


@dataclass(slots=True)
class LogCommit:
    id: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: str  # ISO 8601 with the author's offset
    committed: str
    trailers: dict[str, str]
    signature: str | None  # git's %G? letter when asked for, else None
    subject: str
    changes: list[Change] = field(default_factory=list)


TRAILER_KEYS = ("Jw-Kind", "Jw-Record", "Jw-Quarter", "Jw-Today")
_MARK = b"\x01"
_HEX = frozenset(b"0123456789abcdef")
_CHUNK = 1 << 18  # parse git's output in pieces of at least this many bytes


class Log(Background):
    """`git log --raw` over HEAD's whole history, started at once and parsed later.

    One pass gives every commit and every change with its blob ids, so a caller reads contents
    in one `cat-file` batch instead of a process per commit. Merges are compared with their first
    parent. `commits()` returns them oldest first, every parent before its children.
    """

    def __init__(self, root: Path, *, signatures: bool = False, after: str | None = None) -> None:
        """`after`: a commit id; only the commits since it (`git log <after>..HEAD`)."""
        if after is not None and not (len(after) == 40 and _HEX.issuperset(after.encode())):
            raise ValueError(f"not a commit id: {after!r}")
        fields = ["%H", "%P", "%an", "%ae", "%aI", "%cI"]
        fields += [f"%(trailers:key={key},valueonly,separator=%x2C)" for key in TRAILER_KEYS]
        fields += ["%G?" if signatures else "", "%s"]
        self._fields = len(fields)
        args = [
            *_READ_CONFIG,
            "log",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--raw",
            "--no-abbrev",
            "-z",
            "--no-renames",
            "--diff-merges=first-parent",
            "--relative",
            "--format=%x01" + "%x00".join(fields),
            "HEAD",
            *([f"^{after}"] if after else []),
            "--",
        ]
        super().__init__(args, root)

    def _failed(self, detail: str) -> str:
        return f"`git log` failed: {detail} (if git reports a damaged object: `jw audit --fsck`)"

    def commits(self) -> list[LogCommit]:
        """Parse the output while git is still writing it (reading at offsets with `pread`,
        which leaves the file position git writes at alone), then the rest."""
        import time

        fd = self._out.fileno()
        parsed: list[LogCommit] = []
        done = 0
        while self._proc.poll() is None:
            size = os.fstat(fd).st_size
            cut = -1
            if size - done >= _CHUNK:
                data = os.pread(fd, size - done, done)
                cut = _last_commit_start(data)
            if cut <= 0:
                time.sleep(0.005)
                continue
            parsed.extend(parse_log(data[:cut], self._fields))
            done += cut
        parsed.extend(parse_log(self.output()[done:], self._fields))
        return _parents_first(parsed)


def _last_commit_start(data: bytes) -> int:
    """Where the last commit (perhaps still incomplete) starts in `data`; -1 when none is seen."""
    cut = data.rfind(_MARK)
    while cut > 0 and not (len(data) - cut > 41 and _HEX.issuperset(data[cut + 1 : cut + 41])):
        cut = data.rfind(_MARK, 0, cut)
    return cut


def _parents_first(newest_first: list[LogCommit]) -> list[LogCommit]:
    """Oldest first with every parent before its children, whatever the commit dates say."""
    by_id = {c.id: c for c in newest_first}
    done: set[str] = set()
    ordered: list[LogCommit] = []
    for start in reversed(newest_first):
        if start.id in done:
            continue
        stack = [start]
        while stack:
            top = stack[-1]
            waiting = [p for p in top.parents if p in by_id and p not in done]
            if waiting:
                stack.extend(by_id[p] for p in waiting)
                continue
            stack.pop()
            if top.id not in done:
                done.add(top.id)
                ordered.append(top)
    return ordered


def parse_log(out: bytes, fields: int) -> list[LogCommit]:
    """Parse `git log -z --raw` output whose format starts each commit with \\x01."""
    pieces = out.split(_MARK)
    records: list[bytes] = []
    for piece in pieces[1:]:
        # \x01 inside a name or path would split a commit: glue it back to the one it belongs to
        if records and not (len(piece) > 40 and _HEX.issuperset(piece[:40])):
            records[-1] += _MARK + piece
        else:
            records.append(piece)
    if pieces[0].strip(b"\n\0"):
        raise GitProblem(f"unexpected `git log` output near {pieces[0][:40]!r}")
    commits: list[LogCommit] = []
    signature_at, subject_at = fields - 2, fields - 1
    for record in records:
        tokens = record.split(b"\0")
        head = [t.decode("utf-8", "replace") for t in tokens[:fields]]
        trailers = {}
        for key, value in zip(TRAILER_KEYS, head[6 : 6 + len(TRAILER_KEYS)], strict=True):
            if value:
                trailers[key] = value.strip()
        commit = LogCommit(
            head[0],
            tuple(head[1].split()),
            head[2],
            head[3],
            head[4],
            head[5],
            trailers,
            head[signature_at] or None,
            head[subject_at],
        )
        changes = commit.changes
        i, n = fields, len(tokens) - 1
        while i < n:
            meta = tokens[i]
            if meta[:1] == b"\n":
                meta = meta[1:]
            if meta[:1] != b":":
                break
            _, mode, old, new, status = meta.decode().split(" ")
            changes.append(
                Change(
                    status[:1],
                    tokens[i + 1].decode("utf-8", "surrogateescape"),
                    old if old.strip("0") else None,
                    new if new.strip("0") else None,
                    mode,
                )
            )
            i += 2
        commits.append(commit)
    return commits


# --- sign-off ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrailerCommit:
    id: str
    committed: str  # ISO 8601 with the committer's offset
    trailers: dict[str, str]


def is_shallow(root: Path) -> bool:
    """Whether the repository is a shallow clone (part of its history is missing)."""
    proc = run(["rev-parse", "--is-shallow-repository"], root, check=False)
    return proc.stdout.strip() == "true"


def review_commits(root: Path, rev: str) -> list[TrailerCommit]:
    """Commits reachable from `rev` whose message mentions `Jw-Kind: review`, oldest first in
    topological order (parents before children), with their `Jw-Kind`, `Jw-Quarter` and
    `Jw-Today` trailers. One `git log` pass; the caller checks the trailers themselves."""
    keys = ("Jw-Kind", "Jw-Quarter", "Jw-Today")
    fields = ["%H", "%cI"] + [f"%(trailers:key={k},valueonly,separator=%x2C)" for k in keys]
    args = [
        *_READ_CONFIG,
        "log",
        "--no-color",
        "-z",
        "--topo-order",
        "--reverse",
        "--regexp-ignore-case",
        "--grep=^Jw-Kind: *review",
        "--format=" + "%x1f".join(fields),
        "--end-of-options",
        rev,
        "--",
    ]
    proc = run_bytes(args, root)
    found: list[TrailerCommit] = []
    for item in proc.stdout.split(b"\0"):
        parts = item.decode("utf-8", "replace").strip("\n").split("\x1f")
        if len(parts) != 2 + len(keys):
            continue
        trailers = {k: v.strip() for k, v in zip(keys, parts[2:], strict=True) if v.strip()}
        found.append(TrailerCommit(parts[0], parts[1], trailers))
    return found


def head_and_tags(root: Path, prefix: str) -> tuple[str, bool, dict[str, str]] | None:
    """HEAD's commit, whether the clone is shallow, and the tags under `refs/tags/<prefix>`
    (name -> the object each names, not peeled), from one `git rev-parse`: what a remembered
    history needs to know it still holds, in one process instead of three. None when HEAD names
    no commit or the output is not as expected (the caller then asks the usual way)."""
    args = ["rev-parse", "--is-shallow-repository", "HEAD^{commit}", f"--glob=refs/tags/{prefix}*"]
    # the same refs again by name; `--` after them so a file named like an argument is no
    # ambiguity (rev-parse echoes it last)
    args += ["--symbolic-full-name", f"--glob=refs/tags/{prefix}*", "--"]
    proc = run(args, root, check=False)
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or len(lines) < 3 or lines[-1] != "--" or len(lines) % 2 == 0:
        return None
    shallow, head, listed = lines[0], lines[1], lines[2:-1]
    half = len(listed) // 2
    ids, names = listed[:half], listed[half:]
    if shallow not in ("true", "false") or not all(map(_is_oid, [head, *ids])):
        return None
    if not all(name.startswith(f"refs/tags/{prefix}") for name in names):
        return None
    found = {name[len("refs/tags/") :]: oid for name, oid in zip(names, ids, strict=True)}
    return head, shallow == "true", found


def _is_oid(text: str) -> bool:
    return len(text) in (40, 64) and _HEX.issuperset(text.encode())


def has_merges(root: Path, old: str, new: str) -> bool:
    """Whether any commit reachable from `new` but not from `old` is a merge."""
    args = ["rev-list", "--min-parents=2", "--max-count=1", "--end-of-options", new, f"^{old}"]
    return bool(run(args, root).stdout.strip())


def is_ancestor(root: Path, commit: str, rev: str) -> bool:
    """Whether `commit` is `rev` or one of its ancestors."""
    args = ["merge-base", "--is-ancestor", "--end-of-options", commit, rev]
    return run(args, root, check=False).returncode == 0


def diff_trees(root: Path, old: str, new: str | None, paths: Sequence[str]) -> list[Change]:
    """Files under `paths` that differ between commit `old` and commit `new` (the working
    tree's tracked files when `new` is None), without rename detection: a moved file is a
    deletion and an addition, and the caller matches them by name."""
    args = [*_READ_CONFIG, *(_filters_off(root) if new is None else ())]
    args += ["diff", "--raw", "-z", "--no-abbrev", "--no-renames", "--relative"]
    args += ["--no-ext-diff", "--no-textconv", "--end-of-options", old]
    if new is not None:
        args.append(new)
    proc = run_bytes([*args, "--", *(paths or ["."])], root)
    return _raw_changes(proc.stdout)


def _raw_changes(output: bytes) -> list[Change]:
    """The changes of `git diff --raw -z --no-renames` (or diff-tree): each is a `:`-line of
    modes, object ids and status, then the path; an all-zero id is a side without the file."""
    tokens = output.split(b"\0")
    changes: list[Change] = []
    i = 0
    while i + 1 < len(tokens):
        meta = tokens[i]
        if meta[:1] != b":":
            i += 1
            continue
        _, _, old_oid, new_oid, status = meta.decode().split(" ")
        path = tokens[i + 1].decode("utf-8", "surrogateescape")
        changes.append(
            Change(
                status[:1],
                path,
                old_oid if old_oid.strip("0") else None,
                new_oid if new_oid.strip("0") else None,
            )
        )
        i += 2
    return changes


def untracked(root: Path, paths: Sequence[str]) -> list[str]:
    """Files under `paths` that git does not track, ignored ones included (jw reads them)."""
    proc = run_bytes(["ls-files", "-z", "--others", "--", *(paths or ["."])], root)
    return [p.decode("utf-8", "surrogateescape") for p in proc.stdout.split(b"\0") if p]


def tracked(root: Path, paths: Sequence[str]) -> set[str]:
    """Which files under `paths` git tracks (in the index): one read of the index, no walk of
    the work tree (which `untracked` needs)."""
    proc = run_bytes(["ls-files", "-z", "--", *(paths or ["."])], root)
    return {p.decode("utf-8", "surrogateescape") for p in proc.stdout.split(b"\0") if p}


def diffs_to(root: Path, new: str, olds: Sequence[tuple[str, Sequence[str]]]) -> list[list[Change]]:
    """For each (commit, paths) of `olds`, the files under those paths that differ between the
    commit and commit `new`, as `diff_trees(root, commit, new, paths)` gives them. Commits are
    compared without the work tree, and the git processes run side by side: forty closes cost
    little more than one. (One `diff-tree --stdin` would take one set of paths for all, which
    git matches against every file of every folder that differs.) No paths: nothing asked."""
    running = [_CommitDiff(root, old, new, paths) if paths else None for old, paths in olds]
    return [diff.changes() if diff is not None else [] for diff in running]


class _CommitDiff(Background):
    def __init__(self, root: Path, old: str, new: str, paths: Sequence[str]) -> None:
        args = [*_READ_CONFIG, "diff-tree", "-r", "-z", "--raw", "--no-abbrev", "--no-renames"]
        args += ["--relative", "--no-ext-diff", "--no-textconv", "--end-of-options", old, new]
        super().__init__([*args, "--", *paths], root)

    def changes(self) -> list[Change]:
        return _raw_changes(self.output())


def object_ids(root: Path, specs: Iterable[str]) -> dict[str, str | None]:
    """The object id each spec (`<rev>:./<path>`, as in `read_blobs`) names, None where it names
    nothing, from one `git cat-file --batch-check`: a folder's tree id at two commits says
    whether anything in it changed between them without listing it."""
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    if any("\n" in spec for spec in wanted):
        raise ValueError("object name with a newline")
    feed = "".join(f"{s}\n" for s in wanted).encode()
    lines = run_bytes(["cat-file", "--batch-check", "--buffer"], root, stdin=feed).stdout
    found: dict[str, str | None] = {}
    for spec, line in zip(wanted, lines.decode("utf-8", "replace").split("\n"), strict=False):
        # "<oid> <type> <size>", or "<spec> missing" (a spec may hold spaces, an id never)
        parts = line.split(" ")
        found[spec] = parts[0] if len(parts) == 3 and _is_oid(parts[0]) else None
    if len(found) != len(wanted):
        raise GitProblem("`git cat-file` answered fewer names than asked")
    return found
