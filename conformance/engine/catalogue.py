"""The check catalogue: loading every check, and rendering `docs/checks.md` from the registry."""

from __future__ import annotations

import sys
from pathlib import Path

from .registry import REGISTRY, Family, Registry

__all__ = ["CATALOGUE_PATH", "load_checks", "main", "render_catalogue"]


def load_checks() -> Registry:
    """Import every check module (registering its checks) and return the registry."""
    from . import checks  # noqa: F401 (imported for its registrations)

    return REGISTRY


def render_catalogue(registry: Registry | None = None) -> str:
    """The Markdown of `docs/checks.md`: every check, by family, with its OWASP category."""
    from ..contract import load_contract

    registry = registry or load_checks()
    bundled = load_contract(None)
    lines = [
        "# Check catalogue",
        "",
        "<!-- Generated from the check registry: `python -m conformance.engine.catalogue`. -->",
        "",
        "Every check `conformance run` performs, with its stable id, what it asserts and its",
        "category in the [OWASP API Security Top 10 (2023)](https://owasp.org/API-Security/editions/2023/en/0x11-t10/).",
        "Failures, waivers (`conformance.toml`) and reports name checks by these ids.",
        "Checks marked *admin* need admin credentials "
        "and are skipped, with the reason, without them. Checks that run on any spec find",
        "their operations through the contract model; `conformance inspect --spec SPEC` lists",
        "them for a given spec.",
        "",
    ]
    for family in Family:
        items = [item for item in registry if item.family is family]
        if not items:
            continue
        lines += [f"## {family.heading}: `{family.value}.*`", ""]
        lines += ["| id | asserts | OWASP 2023 | operations |", "|---|---|---|---|"]
        for item in items:
            note = " *admin*" if item.needs_admin else ""
            operations = ", ".join(f"`{op}`" for op in item.operations) or "every operation"
            if item.targets is not None:
                found = item.targets(bundled)
                operations = "found in the spec's model" + (
                    " (bundled spec: " + ", ".join(f"`{op}`" for op in found) + ")" if found else ""
                )
            elif item.schemathesis_name is None and not item.operations:
                operations = "the whole API"
            lines.append(
                f"| `{item.id}`{note} | {item.description} | "
                f"{item.owasp.value} {item.owasp.heading} | {operations} |"
            )
        lines.append("")
    return "\n".join(lines)


CATALOGUE_PATH = Path("docs") / "checks.md"


def main(argv: list[str] | None = None) -> int:
    """`python -m conformance.engine.catalogue [--check]`: write (or verify) docs/checks.md."""
    from ..generate import find_project_root

    args = sys.argv[1:] if argv is None else argv
    path = find_project_root() / CATALOGUE_PATH
    rendered = render_catalogue()
    if "--check" in args:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        return 0 if current == rendered else 1
    path.write_text(rendered, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
