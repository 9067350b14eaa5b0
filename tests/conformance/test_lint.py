"""`conformance lint`: the contract passes, and each way of breaking it is caught by name."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conformance.cli import app
from conformance.contract import load_document
from conformance.contract.tree import MAX_DEPTH
from conformance.errors import InternalError
from conformance.lint import Severity, lint_document, registered_rules
from conformance.lint.config import LintConfig, parse_rulesets
from conformance.lint.docs import DOC_PATH, render_rules_markdown
from conformance.lint.formats import ANY_FORMAT
from conformance.lint.registry import RuleSet, rule

from .lint_breakages import BREAKAGES, Breakage, Document, broken
from .lint_minimal import MINIMAL, nodes
from .lint_swagger import SWAGGER_BREAKAGES

REPO = Path(__file__).resolve().parents[2]
CONSOLE_SCRIPT = Path(sys.executable).with_name("conformance")
runner = CliRunner()
# Every rule set, so that each rule can be seen at work on any document.
EVERY_SET = LintConfig(rulesets=parse_rulesets(["all"]))
DEFAULT_SEVERITY = {registered.name: registered.severity for registered in registered_rules()}


@pytest.fixture(autouse=True)
def no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder, so that no ./conformance.toml changes what lint does."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def contract() -> Document:
    """The bundled contract, loaded once; each test breaks its own deep copy."""
    return load_document(None)


def write(tmp_path: Path, document: Document) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def lint_json(path: Path, *options: str) -> tuple[int, list[dict[str, str]]]:
    """Run `conformance lint --format json` on `path`: its exit code and its findings."""
    result = runner.invoke(app, ["lint", str(path), "--format", "json", *options])
    return result.exit_code, json.loads(result.stdout)


# -- The contract itself ---------------------------------------------------------------


def test_the_contract_has_no_findings_in_any_set(contract: Document) -> None:
    # OWASP's rules included, though `conformance lint` runs them only when asked.
    assert lint_document(contract, EVERY_SET, bundled=True) == []


def test_the_cli_passes_the_bundled_contract() -> None:
    result = runner.invoke(app, ["lint"])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == ["0 errors, 0 warnings, 0 infos, 0 hints"]


# -- One broken variant per rule -------------------------------------------------------


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_each_breakage_is_reported_by_its_rule_at_its_path_and_severity(
    contract: Document, breakage: Breakage, tmp_path: Path
) -> None:
    exit_code, findings = lint_json(write(tmp_path, broken(contract, breakage)), "--ruleset", "all")

    severity = DEFAULT_SEVERITY[breakage.rule].value
    expected = {"rule": breakage.rule, "path": breakage.path, "severity": severity}
    assert expected in [{k: f[k] for k in ("rule", "path", "severity")} for f in findings]
    # Only errors fail the command.
    assert exit_code == int(any(finding["severity"] == "error" for finding in findings))


@pytest.mark.parametrize(
    ("name", "severity", "summary"),
    [
        ("unused component", "warning", "0 errors, 1 warning, 0 infos, 0 hints"),
        ("tag without description", "info", "0 errors, 0 warnings, 1 info, 0 hints"),
    ],
)
def test_a_finding_below_error_is_reported_but_does_not_fail(
    contract: Document, name: str, severity: str, summary: str, tmp_path: Path
) -> None:
    breakage = BREAKAGES[name]
    path = write(tmp_path, broken(contract, breakage))

    result = runner.invoke(app, ["lint", str(path)])

    lines = result.stdout.strip().splitlines()
    assert result.exit_code == 0, result.output
    assert lines[-1] == summary
    assert lines[0].split()[:3] == [severity, breakage.rule, breakage.path]


def test_every_rule_has_a_breakage_that_triggers_it() -> None:
    covered = {breakage.rule for breakage in (*BREAKAGES.values(), *SWAGGER_BREAKAGES.values())}
    assert covered == {registered.name for registered in registered_rules()}


# -- Output -----------------------------------------------------------------------------


def test_text_output_is_one_aligned_line_per_finding_then_a_summary(
    contract: Document, tmp_path: Path
) -> None:
    document = broken(contract, BREAKAGES["missing 422"])
    BREAKAGES["unbounded array"].breaks(document)
    BREAKAGES["unused component"].breaks(document)

    result = runner.invoke(app, ["lint", str(write(tmp_path, document)), "--ruleset", "all"])

    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith("error    owasp:api4:2023-array-limit  ")
    assert lines[0].endswith("  components.schemas.ItemList  array schema has no maxItems")
    assert lines[1].split()[:3] == ["warning", "oas3-unused-component", "components.schemas.Spare"]
    assert lines[2].split()[:3] == [
        "error",
        "contract:invalid-input-422",
        "paths./api/v1/items/.post.responses",
    ]
    assert lines[3:] == ["2 errors, 1 warning, 0 infos, 0 hints"]


def test_json_output_is_a_list_of_findings(contract: Document, tmp_path: Path) -> None:
    exit_code, findings = lint_json(
        write(tmp_path, broken(contract, BREAKAGES["missing 422"])), "--ruleset", "all"
    )

    assert exit_code == 1
    assert findings == [
        {
            "rule": "contract:invalid-input-422",
            "severity": "error",
            "path": "paths./api/v1/items/.post.responses",
            "message": "POST /api/v1/items/ takes input but documents no 422",
        }
    ]


def test_an_unknown_format_is_a_usage_error() -> None:
    result = subprocess.run(
        [CONSOLE_SCRIPT, "lint", "--format", "xml"], capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert result.stderr.strip() == "error: unknown --format 'xml' (use text, json or sarif)"


def test_a_spec_is_read_from_a_url(contract: Document, tmp_path: Path) -> None:
    write(tmp_path, broken(contract, BREAKAGES["missing summary"]))
    handler = partial(QuietHandler, directory=str(tmp_path))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/openapi.yaml"
            result = runner.invoke(app, ["lint", url, "--format", "json", "--ruleset", "contract"])
        finally:
            server.shutdown()
            thread.join()

    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)] == ["contract:operation-summary"]


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        return


# -- Bad input: one line, the right exit code, never a traceback ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("openapi: [3.1.0\n", "not valid YAML or JSON"),
        ("- just\n- a list\n", "not a mapping"),
        ("\x00\x01binary", "not valid YAML or JSON"),
    ],
    ids=["not YAML", "not a mapping", "binary"],
)
def test_an_unreadable_spec_is_one_line_and_exit_2(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")

    result = subprocess.run(
        [CONSOLE_SCRIPT, "lint", str(path)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [CONSOLE_SCRIPT, "lint", str(tmp_path / "absent.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"error: {tmp_path / 'absent.yaml'}: no such file (give a path or URL)"
    )


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("openapi: 3.1.0\nx-loop: &a [*a]\n", "x-loop[0]", "contain itself"),
        (
            "openapi: 3.1.0\nx-deep: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
            "x-deep" + "[0]" * MAX_DEPTH,
            "deeper than",
        ),
        ("openapi: 3.1\ninfo: {title: t, version: '1'}\npaths: {}\n", "openapi", "3.x version"),
        ("swagger: 2.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "swagger", '"2.0"'),
    ],
    ids=["a YAML alias loop", "absurd nesting", "openapi as a number", "swagger as a number"],
)
def test_a_document_that_cannot_be_walked_is_one_finding(
    tmp_path: Path, text: str, path: str, message: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")

    exit_code, findings = lint_json(spec)

    assert exit_code == 1
    assert [(f["rule"], f["path"]) for f in findings] == [("oas-schema", path)]
    assert message in findings[0]["message"]


def test_the_minimal_document_is_clean() -> None:
    assert lint_document(MINIMAL, EVERY_SET) == []


@pytest.mark.parametrize(
    ("header", "rule_name"),
    [
        ("WWW-Authenticate", "contract:401-www-authenticate"),
        ("Retry-After", "owasp:api4:2023-rate-limit-retry-after"),
    ],
)
def test_a_shared_response_is_checked_for_each_status_it_serves(
    header: str, rule_name: str
) -> None:
    # `Failure` serves as 401, 422 and 429 alike; each status brings its own header rule.
    document = copy.deepcopy(MINIMAL)
    del document["components"]["responses"]["Failure"]["headers"][header]

    findings = [(f.rule, f.path) for f in lint_document(document, EVERY_SET)]

    assert findings == [(rule_name, "components.responses.Failure.headers")]


@pytest.mark.parametrize("wrong", [None, 7, "text", []], ids=repr)
def test_any_object_replaced_by_a_wrong_type_is_reported_not_a_crash(wrong: object) -> None:
    for path in list(nodes(MINIMAL))[1:]:
        document = copy.deepcopy(MINIMAL)
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        if not isinstance(parent[path[-1]], dict):
            continue
        parent[path[-1]] = copy.deepcopy(wrong)

        # The linter must neither raise nor let the broken object pass unreported.
        assert lint_document(document, EVERY_SET), f"nothing reported with {wrong!r} at {path}"


@pytest.mark.parametrize("wrong", [None, 7, "text", [], {}, {"$ref": "#/nowhere"}], ids=repr)
def test_no_value_of_the_wrong_type_crashes_the_linter(wrong: object) -> None:
    for path in list(nodes(MINIMAL))[1:]:
        document = copy.deepcopy(MINIMAL)
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = copy.deepcopy(wrong)

        # Fails by raising: the linter must report on any document, never crash.
        lint_document(document, EVERY_SET)


# -- The registry and its documentation ------------------------------------------------


def test_a_second_rule_with_a_taken_name_is_refused() -> None:
    before = [registered.name for registered in registered_rules()]

    with pytest.raises(InternalError, match="operation-tags"):
        rule(
            "operation-tags",
            ruleset=RuleSet.RECOMMENDED,
            severity=Severity.ERROR,
            formats=ANY_FORMAT,
            checks="-",
            why="-",
        )(lambda spec: [])

    assert [registered.name for registered in registered_rules()] == before


def test_the_rules_page_is_what_the_registry_renders() -> None:
    committed = (REPO / DOC_PATH).read_text(encoding="utf-8")
    assert committed == render_rules_markdown(), "regenerate: python -m conformance.lint.docs"
