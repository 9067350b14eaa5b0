"""Every published API description goes through lint, inspect and generate (`../shared/specs`).

Real documents written by people who never saw this project: YAML written by hand
(unquoted dates, an hour of 24, tabs), densely linked schemas (Stripe), patterns that
backtrack, a webhook-only 3.1 document and Swagger 2.0. Each command runs in this
process, as the CLI runs it; none may raise, and each answers what a user would expect.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.contract import load_contract, load_document
from conformance.generate import generate_spec
from conformance.inspect import describe, text_lines
from conformance.lint import lint_document
from conformance.lint.config import LintConfig, cli_rulesets

from .published import ABSENT, Published, documents

DOCUMENTS = documents()
PARAMS = [pytest.param(document, id=document.path) for document in DOCUMENTS] or [
    pytest.param(None, id="absent", marks=pytest.mark.skip(reason=ABSENT))
]


@pytest.mark.parametrize("document", PARAMS)
def test_lint_reports_findings_of_rules_for_the_documents_format(document: Published) -> None:
    findings = lint_document(load_document(document.file))

    everything = lint_document(
        load_document(document.file), LintConfig(rulesets=cli_rulesets(["all"]))
    )
    assert all(finding.message for finding in everything)
    if document.swagger:
        # 2.0's own rules: nothing asks a 2.0 document to be OpenAPI 3.
        assert not [f for f in everything if f.rule.startswith("oas3") or "3.x" in f.message]
    # The bundled contract's house rules say nothing of another API unless asked.
    assert not [finding for finding in findings if finding.rule.startswith("contract:")]


@pytest.mark.parametrize("document", PARAMS)
def test_inspect_models_every_operation(document: Published) -> None:
    contract = load_contract(str(document.file))

    model = describe(contract, has_admin=False, identities=2)
    lines = text_lines(model)

    assert model["operations"] == document.operations
    if document.operations == 0:
        assert contract.webhooks
        assert "nothing to call: the document describes only webhooks" in lines[2]
    else:
        assert set(model["by_operation"]) == set(contract.operations)
        assert lines[-1].startswith("  skipped") or "checks will run" in lines[-1]


@pytest.mark.parametrize("document", PARAMS)
def test_generate_makes_models_that_compile(document: Published, tmp_path: Path) -> None:
    output = tmp_path / "models"

    # A package: a document whose dotted names make modules gets them (Stripe: 11).
    result = generate_spec(document.file, output)

    made = sorted(output.rglob("*.py"))
    assert made and sorted(result.changed) == made
    for module in made:
        compile(module.read_text(encoding="utf-8"), str(module), "exec")
