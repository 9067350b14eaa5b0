"""docs/lint-rules.md, rendered from the rule registry so that it cannot drift.

Regenerate it with `python -m conformance.lint.docs` from the project checkout; a test
fails while the committed file differs from what the registry renders.
"""

from __future__ import annotations

from pathlib import Path

from ..generate import find_project_root
from .registry import Rule, registered_rules

__all__ = ["DOC_PATH", "render_rules_markdown", "write_rules_doc"]

DOC_PATH = Path("docs") / "lint-rules.md"


def render_rules_markdown() -> str:
    """The rule catalogue as Markdown: one table row per registered rule."""
    lines = [
        "# Lint rules",
        "",
        "<!-- Generated from the rule registry by `python -m conformance.lint.docs`. -->",
        "",
        "`conformance lint [SPEC]` validates the contract with openapi-spec-validator, then",
        "applies the rules below. Names follow Spectral's `oas` ruleset, the OWASP API Security",
        "2023 ruleset (`owasp:`) and this project's contract (`contract:`). Any **error** makes",
        "the command exit 1; **warnings** are reported but do not fail it.",
        "",
        "| Rule | Severity | Checks | Why |",
        "|---|---|---|---|",
    ]
    for rule in sorted(registered_rules(), key=_family_then_name):
        cells = [f"`{rule.name}`", rule.severity.value, rule.checks, rule.why]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _family_then_name(rule: Rule) -> tuple[int, str]:
    # Spectral's names first, then OWASP's, then the contract's own: the order in which
    # a reviewer meets them (validity, security, this project's promises).
    family = 2 if rule.name.startswith("contract:") else 1 if rule.name.startswith("owasp:") else 0
    return family, rule.name


def write_rules_doc(root: Path | None = None) -> Path:
    """Write the catalogue into the project checkout at or above `root`; return its path."""
    target = find_project_root(root) / DOC_PATH
    target.write_text(render_rules_markdown(), encoding="utf-8")
    return target


if __name__ == "__main__":
    write_rules_doc()
