"""conformance.toml: where it is, and reading it into plain data, once per command.

Each command parses its own tables from that data (`engine.settings` the `[[waiver]]`,
`[roles]`, `[[identity]]` and `[auth]` of `run`; `lint.config` the `[lint]` table), so the file has
one reader and one list of the tables it may hold.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError, UsageError

__all__ = ["CONFIG_FILE", "SECTIONS", "find_config", "read_config", "refuse_unknown_keys"]

CONFIG_FILE = "conformance.toml"

SECTIONS = ("waiver", "roles", "identity", "auth", "lint")
"""The top-level tables conformance.toml may hold; any other is a mistake, reported."""


def find_config(option: Path | None, cwd: Path | None = None) -> Path | None:
    """The file `--config` names (it must exist), else ./conformance.toml if there is one."""
    if option is not None:
        if not option.is_file():
            raise UsageError(f"--config {option}: no such file")
        return option
    candidate = (cwd or Path.cwd()) / CONFIG_FILE
    return candidate if candidate.is_file() else None


def read_config(path: Path) -> dict[str, Any]:
    """The file's tables, once it is known to be TOML with only known top-level tables."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from exc
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(
            f"unknown settings: {', '.join(unknown)}",
            path=str(path),
            hint="known: " + ", ".join(SECTIONS),
        )
    return data


def refuse_unknown_keys(
    table: Mapping[str, Any], known: Collection[str], *, section: str, path: str
) -> None:
    """`ConfigError` naming the keys of `[section]` that are not `known`, and those that are."""
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(
            f"[{section}] has unknown keys: {', '.join(unknown)}",
            path=path,
            hint="known: " + ", ".join(known),
        )
