"""docs/lint-rules.md, rendered from the rule registry so that it cannot drift.

Regenerate it with `python -m conformance.lint.docs` from the project checkout; a test
fails while the committed file differs from what the registry renders.
"""

from __future__ import annotations

from pathlib import Path

from ..generate import find_project_root
from .registry import Rule, RuleSet, registered_rules

__all__ = ["DOC_PATH", "render_rules_markdown", "write_rules_doc"]

DOC_PATH = Path("docs") / "lint-rules.md"

# The order in which a reviewer meets the sets: can tools read it, the common advice,
# security, then this project's own promises.
_SET_ORDER = list(RuleSet)


def render_rules_markdown() -> str:
    """The rule catalogue as Markdown: one table row per registered rule."""
    lines = [
        "# Lint rules",
        "",
        "<!-- Generated from the rule registry by `python -m conformance.lint.docs`. -->",
        "",
        "`conformance lint [SPEC]` runs the rules below. Names follow Spectral's `oas` ruleset,",
        "the OWASP API Security 2023 ruleset (`owasp:`) and this project's contract (`contract:`).",
        "Any **error** makes the command exit 1; **warnings**, **info** and **hints** are",
        "reported but do not fail it.",
        "",
        "Each rule belongs to one set:",
        "",
        "- `validity`: the document is OpenAPI that tools can read. Always on.",
        "- `recommended`: Spectral's `oas` rules; on by default on any document. An error is",
        "  what breaks clients or tools; a warning is advice.",
        "- `owasp`: the OWASP API Security 2023 rules, at the severities of Spectral's OWASP",
        "  ruleset; on when asked for (`--ruleset owasp`).",
        "- `contract`: this project's house rules for its own contract; on by default only on",
        "  the bundled `spec/openapi.yaml`.",
        "",
        "A rule runs only on the formats it lists: `oas2` (Swagger 2.0), `oas3` (OpenAPI 3.x).",
        "Choose sets with `--ruleset` (repeatable: `recommended`, `owasp`, `contract`, `all`) or",
        "`[lint] rulesets` in conformance.toml, and change a rule's severity (or turn it `off`)",
        "under `[lint.rules]`; see the README.",
        "",
        "| Rule | Set | Formats | Severity | Checks | Why |",
        "|---|---|---|---|---|---|",
    ]
    for rule in sorted(registered_rules(), key=_set_then_name):
        formats = ", ".join(sorted(rule.formats))
        cells = [
            f"`{rule.name}`",
            rule.ruleset.value,
            formats,
            rule.severity.value,
            rule.checks,
            rule.why,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _set_then_name(rule: Rule) -> tuple[int, str]:
    return _SET_ORDER.index(rule.ruleset), rule.name


def write_rules_doc(root: Path | None = None) -> Path:
    """Write the catalogue into the project checkout at or above `root`; return its path."""
    target = find_project_root(root) / DOC_PATH
    target.write_text(render_rules_markdown(), encoding="utf-8")
    return target


if __name__ == "__main__":
    write_rules_doc()
