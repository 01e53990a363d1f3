"""The `jw` program's entry point: `jw --version` and `jw --help` without importing the CLI.

Importing typer and building its command tree is most of a bare `jw --help` (~60 of ~100 ms on
the benchmark machine; quality.md allows 6.5x `python -c pass`). So `jw --version` prints the
version straight away, and `jw --help` prints the text typer rendered the last time, kept in
this user's cache folder and keyed on everything it is made from (the sources of jw's command
line, the typer installed, Python, the terminal width). Anything else, a miss included, runs the
full command line, which renders the help and stores it for next time.
"""

from __future__ import annotations

import os
import sys

from jwcli import __version__

_HELP_MAX = 65536


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 1 and not any(k.startswith("_JW_COMPLETE") for k in os.environ):
        if args[0] == "--version":
            print(f"jw {__version__}")
            return
        if args[0] == "--help":
            _help()
            return
    from jwcli.cli import main as cli_main

    cli_main()


def _help() -> None:
    path = _help_path()
    text = _read_own(path) if path is not None else None
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import contextlib
    import io

    from jwcli.cli import main as cli_main

    buffer = io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(buffer):
        try:
            cli_main()
        except SystemExit as exc:
            code = exc.code
    text = buffer.getvalue()
    sys.stdout.write(text)
    sys.stdout.flush()
    if code in (0, None) and text and path is not None:
        _store(path, text)
    if code not in (0, None):
        raise SystemExit(code)


def _cache_folder() -> str | None:
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "jw")


def _help_path() -> str | None:
    """Where the help for this jw, typer, Python and terminal width is kept."""
    import hashlib

    folder = _cache_folder()
    if folder is None:
        return None
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{sys.version}\0{_width()}\0".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    sources = [os.path.join(package, n) for n in ("__init__.py", "cli.py", "completion.py")]
    commands = os.path.join(package, "commands")
    try:
        sources.extend(
            os.path.join(commands, n) for n in sorted(os.listdir(commands)) if n.endswith(".py")
        )
        for source in sources:
            with open(source, "rb") as handle:
                digest.update(source.encode() + b"\0" + handle.read())
    except OSError:
        return None
    typer = _typer_stamp()
    if typer is None:
        return None
    digest.update(typer.encode())
    return os.path.join(folder, f"help-{digest.hexdigest()}.txt")


def _typer_stamp() -> str | None:
    """The installed typer (its files' sizes and times), found without importing it."""
    for entry in sys.path:
        folder = os.path.join(entry or ".", "typer")
        try:
            parts = [
                f"{name}:{info.st_size}:{info.st_mtime_ns}"
                for name in ("__init__.py", "core.py", "main.py")
                for info in [os.stat(os.path.join(folder, name))]
            ]
        except OSError:
            continue
        return f"{os.path.abspath(folder)}\0" + "\0".join(parts)
    return None


def _width() -> int:
    """The width click wraps help to: COLUMNS, else the terminal's, capped at 80."""
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else 0
    if width <= 0:  # as shutil.get_terminal_size, which click asks
        try:
            width = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            width = 0
    return max(min(width or 80, 80) - 2, 50)


def _read_own(path: str) -> str | None:
    """The text at `path` if it is a small regular file of this user's, not a link."""
    from jwcli.load.private import read_own_file

    data = read_own_file(path, _HELP_MAX)
    try:
        return data.decode("utf-8") if data else None
    except UnicodeDecodeError:
        return None


def _store(path: str, text: str) -> None:
    import contextlib
    import tempfile

    folder = os.path.dirname(path)
    with contextlib.suppress(OSError):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".help.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
            os.replace(temp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
