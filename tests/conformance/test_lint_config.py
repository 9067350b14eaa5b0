"""Choosing what `conformance lint` checks: rule sets, `[lint]` of conformance.toml, severities."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conformance.cli import app
from conformance.contract import DEFAULT_SPEC, load_document
from conformance.contract.loader import is_bundled
from conformance.lint import lint_document
from conformance.lint.config import LintConfig, parse_rulesets

from .lint_breakages import BREAKAGES, Document, broken

CONSOLE_SCRIPT = Path(sys.executable).with_name("conformance")
runner = CliRunner()


@pytest.fixture(scope="module")
def contract() -> Document:
    return load_document(None)


@pytest.fixture(autouse=True)
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write_broken(tmp_path: Path, contract: Document, *names: str) -> Path:
    """A copy of the bundled contract with the named breakages, as a file of its own."""
    document = broken(contract, BREAKAGES[names[0]])
    for name in names[1:]:
        BREAKAGES[name].breaks(document)
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def lint(path: Path, *options: str) -> tuple[int, list[dict[str, str]]]:
    result = runner.invoke(app, ["lint", str(path), "--format", "json", *options])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def rules_of(findings: list[dict[str, str]]) -> set[str]:
    return {finding["rule"] for finding in findings}


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conformance.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- Default sets ---------------------------------------------------------------------------


def test_the_house_rules_are_not_applied_to_another_document(
    contract: Document, tmp_path: Path
) -> None:
    path = write_broken(tmp_path, contract, "response without X-Request-ID", "missing tags")

    exit_code, findings = lint(path)

    # `recommended` runs (its warning is there); `contract:` says nothing of this document.
    assert rules_of(findings) == {"operation-tags"}
    assert exit_code == 0


def test_the_house_rules_apply_to_the_bundled_contract(contract: Document) -> None:
    document = broken(contract, BREAKAGES["response without X-Request-ID"])

    bundled = lint_document(document, bundled=True)
    elsewhere = lint_document(document)

    assert [f.rule for f in bundled] == ["contract:request-id-header"]
    assert elsewhere == []


def test_the_bundled_contract_is_recognised_by_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DEFAULT_SPEC.parent.parent)

    assert is_bundled(None)
    assert is_bundled("spec/openapi.yaml")
    assert is_bundled(str(DEFAULT_SPEC))
    assert not is_bundled("https://example.com/spec/openapi.yaml")


def test_owasp_runs_only_when_asked(contract: Document, tmp_path: Path) -> None:
    path = write_broken(tmp_path, contract, "unbounded string")

    _, by_default = lint(path)
    exit_code, asked = lint(path, "--ruleset", "owasp")

    assert by_default == []
    assert rules_of(asked) == {"owasp:api4:2023-string-limit"}
    assert exit_code == 1


# -- Choosing sets ---------------------------------------------------------------------------


def test_ruleset_replaces_the_defaults_and_validity_always_runs(
    contract: Document, tmp_path: Path
) -> None:
    path = write_broken(
        tmp_path, contract, "missing tags", "unbounded string", "missing summary", "dangling $ref"
    )

    _, owasp = lint(path, "--ruleset", "owasp")
    _, two = lint(path, "--ruleset", "owasp", "--ruleset", "contract")
    _, every = lint(path, "--ruleset", "all")

    assert rules_of(owasp) == {"owasp:api4:2023-string-limit", "invalid-ref"}
    assert rules_of(two) == rules_of(owasp) | {"contract:operation-summary"}
    assert rules_of(every) == rules_of(two) | {"operation-tags"}


def test_the_config_file_chooses_sets_and_the_flag_overrides_it(
    contract: Document, tmp_path: Path
) -> None:
    path = write_broken(tmp_path, contract, "missing tags", "unbounded string")
    config(tmp_path, '[lint]\nrulesets = ["owasp"]\n')

    _, from_file = lint(path)
    _, from_flag = lint(path, "--ruleset", "recommended")

    assert rules_of(from_file) == {"owasp:api4:2023-string-limit"}
    assert rules_of(from_flag) == {"operation-tags"}


def test_an_explicit_config_file_is_read(contract: Document, tmp_path: Path) -> None:
    path = write_broken(tmp_path, contract, "unbounded string")
    elsewhere = tmp_path / "lint-settings"
    elsewhere.mkdir()
    chosen = config(elsewhere, '[lint]\nrulesets = ["all"]\n')

    _, findings = lint(path, "--config", str(chosen))

    assert rules_of(findings) == {"owasp:api4:2023-string-limit"}


# -- Severities ------------------------------------------------------------------------------


def test_a_severity_set_in_the_config_is_reported_and_decides_the_exit_code(
    contract: Document, tmp_path: Path
) -> None:
    path = write_broken(tmp_path, contract, "unbounded string")
    config(
        tmp_path,
        '[lint]\nrulesets = ["recommended", "owasp"]\n'
        '[lint.rules]\n"owasp:api4:2023-string-limit" = "warning"\n',
    )

    result = runner.invoke(app, ["lint", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split()[:2] == ["warning", "owasp:api4:2023-string-limit"]
    assert result.stdout.splitlines()[-1] == "0 errors, 1 warning, 0 infos, 0 hints"


def test_naming_a_rule_turns_it_on_though_its_set_is_off(
    contract: Document, tmp_path: Path
) -> None:
    path = write_broken(tmp_path, contract, "unbounded string", "unbounded array")
    config(tmp_path, '[lint.rules]\n"owasp:api4:2023-array-limit" = "hint"\n')

    exit_code, findings = lint(path)

    assert [(f["rule"], f["severity"]) for f in findings] == [
        ("owasp:api4:2023-array-limit", "hint")
    ]
    assert exit_code == 0


def test_a_rule_turned_off_reports_nothing(contract: Document, tmp_path: Path) -> None:
    path = write_broken(tmp_path, contract, "missing tags", "undeclared tag")
    config(tmp_path, '[lint.rules]\n"operation-tags" = "off"\n')

    _, findings = lint(path)

    assert rules_of(findings) == {"operation-tag-defined"}


def test_a_validity_rule_can_be_downgraded(contract: Document, tmp_path: Path) -> None:
    path = write_broken(tmp_path, contract, "invalid OpenAPI")
    config(tmp_path, '[lint.rules]\n"oas-schema" = "warning"\n')

    exit_code, findings = lint(path)

    assert {(f["rule"], f["severity"]) for f in findings} == {("oas-schema", "warning")}
    assert exit_code == 0


def test_lint_document_takes_the_same_configuration(contract: Document) -> None:
    document = broken(contract, BREAKAGES["unbounded string"])
    settings = LintConfig(rulesets=parse_rulesets(["owasp"]), severities={})

    assert [f.rule for f in lint_document(document, settings)] == ["owasp:api4:2023-string-limit"]


# -- Mistakes: one line, exit 2 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[lint]\nrulesets = ["strict"]\n',
            "[lint] rulesets: 'strict' is not a rule set "
            "(one of recommended, owasp, contract, all)",
        ),
        (
            '[lint]\nrulesets = "owasp"\n',
            "[lint] rulesets = 'owasp' is not a list "
            "(a list of one of recommended, owasp, contract, all)",
        ),
        (
            '[lint.rules]\n"operation-tags" = "fatal"\n',
            "[lint.rules] 'operation-tags' = 'fatal' is not a severity "
            "(one of error, warning, info, hint, off)",
        ),
        (
            '[lint.rules]\n"operation-tag" = "off"\n',
            "[lint.rules] 'operation-tag' = 'off': no rule is named 'operation-tag' "
            "(did you mean 'operation-tags'? every rule is listed in docs/lint-rules.md)",
        ),
        (
            '[lint.rules]\n"invalid-ref" = "off"\n',
            "[lint.rules] 'invalid-ref' = 'off': validity rules are always on "
            "(give it a severity instead: error, warning, info, hint)",
        ),
        ("[lint]\nstrict = true\n", "[lint] has unknown keys: strict (known: rulesets, rules)"),
        ("[linter]\n", "unknown settings: linter (known: waiver, roles, identity, auth, lint)"),
    ],
    ids=[
        "unknown set",
        "sets not a list",
        "unknown severity",
        "unknown rule",
        "validity off",
        "unknown key",
        "unknown table",
    ],
)
def test_a_wrong_setting_is_one_line_naming_it_and_exit_2(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = config(tmp_path, text)

    result = subprocess.run(
        [CONSOLE_SCRIPT, "lint"], capture_output=True, text=True, check=False, cwd=tmp_path
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"error: {path}: {expected}"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--ruleset", "strict"],
            "error: --ruleset 'strict' is not a rule set "
            "(one of recommended, owasp, contract, all)",
        ),
        (["--config", "absent.toml"], "error: --config absent.toml: no such file"),
    ],
    ids=["unknown set", "missing config file"],
)
def test_a_wrong_flag_is_one_line_and_exit_2(
    tmp_path: Path, options: list[str], expected: str
) -> None:
    result = subprocess.run(
        [CONSOLE_SCRIPT, "lint", *options], capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert result.stderr.strip() == expected
