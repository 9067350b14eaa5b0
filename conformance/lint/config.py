"""Which rules run, and how severe each one is: rule sets and per-rule severities.

Like Spectral's `extends` and rule overrides, or Redocly's `recommended` config:

- `validity` rules always run (a document tools cannot read makes every other finding moot);
- the chosen sets run: `--ruleset` (repeatable), else `[lint] rulesets` of conformance.toml,
  else the defaults: `recommended` on any document, plus `contract` on the bundled one,
  whose house rules say nothing about anyone else's API;
- `[lint.rules]` sets a rule's severity, which also turns it on when its set is off, or
  turns it `off`;
- a rule runs only on the document formats it declares (`lint.formats`).

    [lint]
    rulesets = ["recommended", "owasp"]
    [lint.rules]
    "owasp:api4:2023-string-limit" = "warning"
    "operation-tags" = "off"
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config import find_config, read_config, refuse_unknown_keys
from ..errors import ConfigError, UsageError
from .findings import Severity
from .formats import Format
from .registry import Rule, RuleSet, registered_rules

__all__ = [
    "ALL",
    "OFF",
    "SELECTABLE",
    "LintConfig",
    "cli_rulesets",
    "default_rulesets",
    "load_lint_config",
    "parse_lint_table",
    "parse_rulesets",
]

SELECTABLE = (RuleSet.RECOMMENDED, RuleSet.OWASP, RuleSet.CONTRACT)
"""The sets one can choose; `validity` is always on."""
ALL = "all"
"""Every selectable set, by one name."""
OFF = "off"
"""The setting that turns a rule off."""

_SET_NAMES = (*(ruleset.value for ruleset in SELECTABLE), ALL)
_LEVELS = (*(severity.value for severity in Severity), OFF)
_LINT_KEYS = ("rulesets", "rules")


@dataclass(frozen=True)
class LintConfig:
    """The rule sets chosen and the severities set, as the CLI and conformance.toml said."""

    rulesets: frozenset[RuleSet] | None = None
    """The chosen sets; None means the defaults for the document (`default_rulesets`)."""
    severities: Mapping[str, Severity | None] = field(default_factory=dict)
    """A severity per rule name; None turns the rule off."""

    def with_rulesets(self, rulesets: frozenset[RuleSet] | None) -> LintConfig:
        """This configuration with other sets chosen (None keeps the current choice)."""
        return self if rulesets is None else replace(self, rulesets=rulesets)

    def active(
        self, *, formats: frozenset[Format], bundled: bool
    ) -> Iterator[tuple[Rule, Severity]]:
        """Each rule that runs on a document of `formats`, with the severity it reports at."""
        chosen = self.rulesets if self.rulesets is not None else default_rulesets(bundled)
        for registered in registered_rules():
            if not registered.formats & formats:
                continue
            severity = self.severity(registered)
            named = registered.name in self.severities
            on = registered.ruleset is RuleSet.VALIDITY or registered.ruleset in chosen
            if severity is not None and (on or named):
                yield registered, severity

    def severity(self, registered: Rule) -> Severity | None:
        """The severity `registered` reports at when it runs; None if it is turned off."""
        if registered.name in self.severities:
            return self.severities[registered.name]
        return registered.severity


def default_rulesets(bundled: bool) -> frozenset[RuleSet]:
    """`recommended`, plus `contract` on the bundled contract (the house rules are its own)."""
    if bundled:
        return frozenset({RuleSet.RECOMMENDED, RuleSet.CONTRACT})
    return frozenset({RuleSet.RECOMMENDED})


def parse_rulesets(names: Iterable[str]) -> frozenset[RuleSet]:
    """Set names (`recommended`, `owasp`, `contract`, `all`) as sets; ValueError names the
    first one that is none of them."""
    chosen: set[RuleSet] = set()
    for name in names:
        if name == ALL:
            chosen.update(SELECTABLE)
        elif name in {ruleset.value for ruleset in SELECTABLE}:
            chosen.add(RuleSet(name))
        else:
            raise ValueError(name)
    return frozenset(chosen)


def load_lint_config(option: Path | None, cwd: Path | None = None) -> LintConfig:
    """The `[lint]` table of the file `--config` names, or of ./conformance.toml if any."""
    path = find_config(option, cwd)
    if path is None:
        return LintConfig()
    return parse_lint_table(read_config(path).get("lint", {}), path)


def parse_lint_table(table: Any, path: Path) -> LintConfig:
    """`[lint]` of conformance.toml; a `ConfigError` names any key or value it cannot take."""
    where = str(path)
    if not isinstance(table, dict):
        raise ConfigError("`lint` must be a table ([lint])", path=where)
    refuse_unknown_keys(table, _LINT_KEYS, section="lint", path=where)
    rulesets = None
    if "rulesets" in table:
        rulesets = _rulesets(table["rulesets"], where)
    return LintConfig(rulesets=rulesets, severities=_severities(table.get("rules", {}), where))


def _rulesets(value: Any, where: str) -> frozenset[RuleSet]:
    allowed = "one of " + ", ".join(_SET_NAMES)
    if not isinstance(value, list):
        raise ConfigError(
            f"[lint] rulesets = {value!r} is not a list", path=where, hint=f"a list of {allowed}"
        )
    for name in value:
        if not isinstance(name, str) or name not in _SET_NAMES:
            raise ConfigError(
                f"[lint] rulesets: {name!r} is not a rule set", path=where, hint=allowed
            )
    return parse_rulesets(value)


def _severities(value: Any, where: str) -> dict[str, Severity | None]:
    if not isinstance(value, dict):
        raise ConfigError("`lint.rules` must be a table ([lint.rules])", path=where)
    rules = {registered.name: registered for registered in registered_rules()}
    levels = "one of " + ", ".join(_LEVELS)
    found: dict[str, Severity | None] = {}
    for name, level in value.items():
        setting = f"[lint.rules] {name!r} = {level!r}"
        if name not in rules:
            close = difflib.get_close_matches(name, rules, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(
                f"{setting}: no rule is named {name!r}",
                path=where,
                hint=hint + "every rule is listed in docs/lint-rules.md",
            )
        if not isinstance(level, str) or level not in _LEVELS:
            raise ConfigError(f"{setting} is not a severity", path=where, hint=levels)
        if level == OFF and rules[name].ruleset is RuleSet.VALIDITY:
            raise ConfigError(
                f"{setting}: validity rules are always on",
                path=where,
                hint="give it a severity instead: " + ", ".join(s.value for s in Severity),
            )
        found[name] = None if level == OFF else Severity(level)
    return found


def cli_rulesets(names: list[str] | None) -> frozenset[RuleSet] | None:
    """`--ruleset` values as sets, None when none was given; a `UsageError` names a wrong one."""
    if not names:
        return None
    try:
        return parse_rulesets(names)
    except ValueError as exc:
        raise UsageError(
            f"--ruleset {exc.args[0]!r} is not a rule set", hint="one of " + ", ".join(_SET_NAMES)
        ) from None
