"""Swagger 2.0 documents: validated as 2.0, and only the rules that read what 2.0 has run."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conformance.cli import app
from conformance.lint import lint_document, registered_rules
from conformance.lint.config import LintConfig, parse_rulesets
from conformance.lint.formats import Format

from .lint_breakages import Breakage
from .lint_swagger import SWAGGER_BREAKAGES, SWAGGER_MINIMAL

runner = CliRunner()
EVERY_SET = LintConfig(rulesets=parse_rulesets(["all"]))
FOR_SWAGGER = {rule.name for rule in registered_rules() if Format.OAS2 in rule.formats}
DEFAULT_SEVERITY = {rule.name: rule.severity.value for rule in registered_rules()}


@pytest.fixture(autouse=True)
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def lint(path: Path, *options: str) -> tuple[int, list[dict[str, str]]]:
    result = runner.invoke(app, ["lint", str(path), "--format", "json", *options])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_a_clean_swagger_document_has_no_findings(tmp_path: Path) -> None:
    path = tmp_path / "swagger.yaml"
    path.write_text(yaml.safe_dump(SWAGGER_MINIMAL, sort_keys=False), encoding="utf-8")

    exit_code, findings = lint(path)

    assert (exit_code, findings) == (0, [])


def test_only_the_rules_for_swagger_run_on_it() -> None:
    findings = lint_document(SWAGGER_MINIMAL, EVERY_SET)

    # The house rules that read only what 2.0 shares do run when asked (this document
    # documents no X-Request-ID), the OpenAPI 3 ones never.
    assert "contract:request-id-header" in {f.rule for f in findings}
    assert {f.rule for f in findings} <= FOR_SWAGGER


@pytest.mark.parametrize("breakage", SWAGGER_BREAKAGES.values(), ids=SWAGGER_BREAKAGES.keys())
def test_each_swagger_breakage_is_reported_by_its_rule(breakage: Breakage) -> None:
    document = copy.deepcopy(SWAGGER_MINIMAL)
    breakage.breaks(document)

    found = [(f.rule, f.path, f.severity.value) for f in lint_document(document)]

    assert found == [(breakage.rule, breakage.path, DEFAULT_SEVERITY[breakage.rule])]


def test_a_published_swagger_document_gets_only_swagger_findings(shared_specs: Path) -> None:
    exit_code, findings = lint(
        shared_specs / "xero.com" / "2.0" / "swagger.yaml", "--ruleset", "all"
    )

    rules = {finding["rule"] for finding in findings}
    assert rules <= FOR_SWAGGER
    # Valid Swagger 2.0 (its unquoted dates are strings, as in JSON): no validity finding,
    # and nothing asks it to be OpenAPI 3.
    assert "oas-schema" not in rules
    assert not [f for f in findings if "3.x" in f["message"]]
    # Xero's operations have no operationId and no 422: the rules that say so do run.
    assert {"operation-operationId", "contract:invalid-input-422"} <= rules
    assert exit_code == 1
