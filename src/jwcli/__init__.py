"""jw: governance-as-code for joint working relationships.

The package root stays import-light so that `jw --help` and `jw --version` start fast: the public
API below is resolved lazily, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_repo", "validate"]

if TYPE_CHECKING:
    from jwcli.checks.validate import validate
    from jwcli.load.repo import load_repo

_LAZY = {
    "load_repo": "jwcli.load.repo",
    "validate": "jwcli.checks.validate",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(module), name)
