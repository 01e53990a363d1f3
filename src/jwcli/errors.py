"""One exception tree and one exit-code table for every command (commands.md)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # the data fails validation or a check the command performs
    USAGE = 2  # bad option, unknown party, bad quarter label, missing field without a terminal
    ENVIRONMENT = 3  # not a relationship repository, git missing or blocking


class JwError(Exception):
    """A problem reported to the user as a message, never as a traceback."""

    exit_code: ExitCode = ExitCode.FINDINGS

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}\n  fix: {self.hint}"


class UsageError(JwError):
    exit_code = ExitCode.USAGE


class EnvironmentProblem(JwError):
    exit_code = ExitCode.ENVIRONMENT


class NotARepository(EnvironmentProblem):
    pass


class GitProblem(EnvironmentProblem):
    pass


class DataInvalid(JwError):
    """The data has errors; the findings travel with the exception so the CLI can print them."""

    exit_code = ExitCode.FINDINGS

    def __init__(self, message: str, findings: list[object] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


class RefusedToOverwrite(JwError):
    exit_code = ExitCode.FINDINGS


class LinkRefused(JwError):
    """A folder jw would write into, inside the repository, is a symbolic link."""

    exit_code = ExitCode.FINDINGS
