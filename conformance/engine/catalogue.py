"""The check catalogue: loading every check, and rendering `docs/checks.md` from the registry."""

from __future__ import annotations

import sys
from pathlib import Path

from ..contract import Contract, load_contract
from .registry import REGISTRY, RENAMED, Check, Family, Need, Registry

__all__ = ["CATALOGUE_PATH", "load_checks", "main", "render_catalogue"]


def load_checks() -> Registry:
    """Import every check module (registering its checks) and return the registry."""
    from . import checks  # noqa: F401 (imported for its registrations)

    return REGISTRY


def render_catalogue(registry: Registry | None = None, contract: Contract | None = None) -> str:
    """The Markdown of `docs/checks.md`: every check, by family, with its OWASP category,
    what a spec must contain for it to run, the set-up it needs (whose failure skips it),
    and where it runs on the bundled contract."""
    registry = registry or load_checks()
    contract = contract or load_contract(None)
    lines = [
        "# Check catalogue",
        "",
        "<!-- Generated from the check registry: `python -m conformance.engine.catalogue`. -->",
        "",
        "Every check `conformance run` performs, with its stable id, what it asserts and its",
        "category in the [OWASP API Security Top 10 (2023)](https://owasp.org/API-Security/editions/2023/en/0x11-t10/).",
        "Failures, waivers (`conformance.toml`) and reports name checks by these ids.",
        "",
        "*Runs where the spec has* says what a spec must contain for the check to run; on a",
        "spec without it the check is skipped, with that reason (`conformance inspect --spec",
        "SPEC` lists, per operation, the checks that will run). The last column names the",
        "operations it runs on in the bundled contract. Checks marked *admin* need admin",
        "credentials and are skipped, with the reason, without them. *Set-up* names the steps",
        "the check takes but does not judge ([below](#set-up-skipped-not-failed)): when one",
        "does not work, the check is skipped with that cause, never failed.",
        "",
    ]
    for family in Family:
        items = [item for item in registry if item.family is family]
        if not items:
            continue
        lines += [f"## {family.heading}: `{family.value}.*`", ""]
        lines += [
            "| id | asserts | OWASP 2023 | runs where the spec has | set-up | "
            "in the bundled contract |",
            "|---|---|---|---|---|---|",
        ]
        for item in items:
            note = " *admin*" if item.needs_admin else ""
            needs, bundled = _reach(item, contract)
            lines.append(
                f"| `{item.id}`{note} | {item.description} | "
                f"{item.owasp.value} {item.owasp.heading} | {needs} | {_setup(item)} | {bundled} |"
            )
        lines.append("")
    lines += _setup_legend()
    lines += [
        "## Renamed ids",
        "",
        "Ids are never reused. These were renamed when their check came to cover every",
        "resource of any spec, not only the bundled contract's items or sign-up; a waiver or",
        "`--check` naming an old id is told the new one.",
        "",
        "| old id | new id |",
        "|---|---|",
        *(f"| `{old}` | `{new}` |" for old, new in RENAMED.items()),
        "",
    ]
    return "\n".join(lines)


def _setup(item: Check) -> str:
    if item.schemathesis_name is not None:
        return "schemathesis's own"
    return ", ".join(f"`{need.value}`" for need in item.setup) or "none"


def _setup_legend() -> list[str]:
    """What each set-up step is, and when a check is skipped rather than failed for it."""
    return [
        "## Set-up: skipped, not failed",
        "",
        "A check fails only on the behaviour it asserts. To get there it takes steps it does",
        "not judge; when one does not work, what it asserts was never seen, so the check is",
        "*skipped*, with a cause that names the step, the operation, as whom it was sent and",
        "what came back, e.g. `set-up: creating a row of users (POST /api/v1/users/) as a",
        "normal account was refused (403)`. The run states each cause once, with the checks",
        "it skipped (console, JSON `causes`, the HTML report's *Not tested*); such skips do",
        "not fail the run (exit 0 when nothing failed).",
        "",
        "A check whose assertion is the step itself judges it: `workflows.create-read` fails",
        "on a create that answers 5xx, an undocumented status or no id (a refusal of the",
        "run's account, 401 or 403, still skips it: the spec does not say that any account",
        "may create), `workflows.signup-login` on a sign-up or login that does not work,",
        "`concurrency.parallel-creates` on parallel creates that fail.",
        "",
        "| set-up | what the run does | skipped (with the cause) when |",
        "|---|---|---|",
        *(f"| `{need.value}` | {need.summary} | {need.skipped_when} |" for need in Need),
        "",
    ]


def _reach(item: Check, contract: Contract) -> tuple[str, str]:
    """What a spec needs for `item` to run, and the operations it runs on in `contract`."""
    if item.schemathesis_name is not None:
        return "any operation", "every operation"
    if item.targets is not None:
        found = item.targets(contract)
        return item.targets.needs, ", ".join(f"`{op}`" for op in found) or "none"
    if item.operations:
        named = ", ".join(f"`{op}`" for op in item.operations)
        return f"the operations {named}", named
    return "any spec", "the whole API"


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
