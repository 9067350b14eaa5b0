"""The reports, from one finished run: JSON (as documented), JUnit XML, HTML and the console."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from rich.console import Console

from conformance.engine.events import RunFinished, RunResult
from conformance.engine.reporters.console import ConsoleReporter
from conformance.engine.reporters.files import HtmlReport, JsonReport, JunitReport
from conformance.engine.results import (
    CauseKind,
    FailureRecord,
    Outcome,
    RequestRecord,
    ResponseRecord,
    SetupCause,
    Status,
)

ROOT = Path(__file__).resolve().parents[3]
CURL = "curl -i -X GET http://127.0.0.1:8000/api/v1/users/2"


def _result() -> RunResult:
    failure = FailureRecord(
        check_id="authz.user-read-cross-user",
        operation="readUser",
        title="another user's account was served",
        expected="403",
        seen="200 {...}",
        request=RequestRecord("GET", "http://127.0.0.1:8000/api/v1/users/2", {}, None),
        response=ResponseRecord(200, {"content-type": "application/json"}, "{}"),
        curl=CURL,
    )
    waived = FailureRecord("config.cors", None, "a foreign origin is allowed", "none", "*")
    return RunResult(
        url="http://127.0.0.1:8000",
        spec="spec/openapi.yaml (bundled)",
        seed=42,
        run_tag="abcd1234",
        profile="quick",
        started_at="2026-11-27T12:00:00+00:00",
        duration=12.5,
        outcomes=[
            Outcome("generic.not-a-server-error", "readItem", Status.PASSED),
            Outcome("authz.user-read-cross-user", "readUser", Status.FAILED, 0.2, (failure,)),
            Outcome(
                "config.cors",
                None,
                Status.WAIVED,
                failures=(
                    FailureRecord(**{**_fields(waived), "waiver": "CORS is the gateway's job"}),
                ),
                reason="CORS is the gateway's job",
            ),
            Outcome("authz.superuser-reads-all", None, Status.SKIPPED, reason="needs admin"),
        ],
    )


def _fields(record: FailureRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__slots__}


def _documented(section: str) -> set[str]:
    text = (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.MULTILINE))


def test_the_json_report_has_the_documented_fields(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.json"
    JsonReport(path).handle(RunFinished(_result()))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["schema_version"] == 1
    assert document["run"]["exit_code"] == 1 and document["run"]["seed"] == 42
    assert document["summary"] == {
        "passed": 1,
        "failed": 1,
        "waived": 1,
        "skipped": 1,
        "error": 0,
    }
    outcome = document["outcomes"][1]
    assert set(outcome) == _documented("Outcome")
    assert set(outcome["failures"][0]) == _documented("Failure")
    assert outcome["owasp"] == "API1:2023"
    assert outcome["failures"][0]["curl"] == CURL
    schema = json.loads(
        (ROOT / "conformance" / "engine" / "reporters" / "report.schema.json").read_text("utf-8")
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


def test_junit_counts_failures_and_skips_and_keeps_the_curl_line(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    JunitReport(path).handle(RunFinished(_result()))
    root = ET.parse(path).getroot()
    suites = {suite.get("name"): suite for suite in root}
    assert suites["authz"].get("failures") == "1"
    assert suites["authz"].get("skipped") == "1"
    failure = root.find(".//testcase[@name='authz.user-read-cross-user[readUser]']/failure")
    assert failure is not None and failure.text is not None and CURL in failure.text
    waived = root.find(".//testcase[@name='config.cors']/skipped")
    assert waived is not None and "gateway" in (waived.get("message") or "")


def test_html_shows_the_verdict_and_every_failure(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    HtmlReport(path).handle(RunFinished(_result()))
    page = path.read_text(encoding="utf-8")
    assert "conformance run: FAILED" in page
    assert "authz.user-read-cross-user" in page and "CORS is the gateway&#x27;s job" in page


def test_the_console_summary_names_the_failure_the_waiver_and_the_seed() -> None:
    buffer = io.StringIO()
    ConsoleReporter(Console(file=buffer, width=200)).handle(RunFinished(_result()))
    text = buffer.getvalue()
    assert "authz.user-read-cross-user on readUser: another user's account was served" in text
    assert "expected: 403" in text and "seen:     200" in text and CURL in text
    assert "waived: CORS is the gateway's job" in text
    assert "authz.superuser-reads-all: needs admin" in text
    assert "FAILED" in text and "replay with: conformance run --seed 42" in text


# A row the run could not make stops three checks on two operations; one cause, said once.
REFUSED = SetupCause(
    kind=CauseKind.REFUSED,
    need="row",
    step="creating a row of users",
    identity="a normal account",
    operation="createUser",
    request="POST /api/v1/users/",
    status=403,
    seen='{"detail":"The user doesn\'t have enough privileges"}',
)
CAUSE_TEXT = "creating a row of users (POST /api/v1/users/) as a normal account was refused (403)"


def _stopped_by_setup() -> RunResult:
    reason = f"set-up: {CAUSE_TEXT}"
    return RunResult(
        url="http://127.0.0.1:8000",
        spec="http://127.0.0.1:8000/api/v1/openapi.json",
        seed=None,
        run_tag="abcd1234",
        profile="quick",
        started_at="2026-11-27T12:00:00+00:00",
        outcomes=[
            Outcome(
                "workflows.create-read", "createUser", Status.SKIPPED, reason=reason, cause=REFUSED
            ),
            Outcome(
                "authz.read-cross-user", "readUser", Status.SKIPPED, reason=reason, cause=REFUSED
            ),
            Outcome(
                "limits.string-length", "createUser", Status.SKIPPED, reason=reason, cause=REFUSED
            ),
            Outcome(
                "limits.string-length", "updateUser", Status.SKIPPED, reason=reason, cause=REFUSED
            ),
            Outcome("login.rate-limit", None, Status.SKIPPED, reason="documents no 429"),
            Outcome("config.nosniff", "readUser", Status.PASSED),
        ],
    )


def test_the_cause_text_names_the_step_the_operation_the_identity_and_the_status() -> None:
    assert REFUSED.text == CAUSE_TEXT
    assert REFUSED.hint is not None and "the run signs up" in REFUSED.hint
    unreadable = dataclasses.replace(
        REFUSED, kind=CauseKind.UNREADABLE, status=201, detail="no id in the answer"
    )
    assert unreadable.text.endswith("as a normal account answered 201: no id in the answer")
    failed = dataclasses.replace(REFUSED, kind=CauseKind.SERVER_ERROR, status=500, identity=None)
    assert failed.text == "creating a row of users (POST /api/v1/users/) failed on the server (500)"


def test_the_console_states_a_set_up_cause_once_with_the_checks_it_skipped() -> None:
    buffer = io.StringIO()
    ConsoleReporter(Console(file=buffer, width=300)).handle(RunFinished(_stopped_by_setup()))
    text = buffer.getvalue()
    assert text.count(CAUSE_TEXT) == 1, text
    assert (
        "3 checks skipped (on 3 operations): workflows.create-read, authz.read-cross-user, "
        "limits.string-length" in text
    )
    assert "doesn't have enough privileges" in text
    # The other reasons are listed as before; the set-up skips are not repeated there.
    assert "login.rate-limit: documents no 429" in text
    assert "skipped or errored limits.string-length" not in text
    assert "PASSED 1 passed, 5 skipped (4 because set-up failed)" in text


def test_the_json_report_carries_the_cause_on_each_outcome_and_each_cause_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.json"
    JsonReport(path).handle(RunFinished(_stopped_by_setup()))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["run"]["exit_code"] == 0
    stopped = [o for o in document["outcomes"] if o["cause"] is not None]
    assert len(stopped) == 4
    assert {o["cause"]["text"] for o in stopped} == {CAUSE_TEXT}
    assert stopped[0]["reason"] == f"set-up: {CAUSE_TEXT}"
    assert stopped[0]["cause"]["status_code"] == 403 and stopped[0]["cause"]["kind"] == "refused"
    [cause] = document["causes"]
    assert cause["text"] == CAUSE_TEXT and cause["outcomes"] == 4
    assert cause["checks"] == [
        "workflows.create-read",
        "authz.read-cross-user",
        "limits.string-length",
    ]
    assert set(stopped[0]["cause"]) == _documented("Cause")
    schema = json.loads(
        (ROOT / "conformance" / "engine" / "reporters" / "report.schema.json").read_text("utf-8")
    )
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


def test_the_html_report_groups_set_up_skips_under_their_cause(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    HtmlReport(path).handle(RunFinished(_stopped_by_setup()))
    page = path.read_text(encoding="utf-8")
    untested = page.split('id="untested"', 1)[1]
    assert "Set-up that did not work" in untested
    setup_part, others = untested.split("Set-up that did not work", 1)[1].split("</ul>", 1)
    assert (
        setup_part.count("3 checks") == 1 and "as a normal account was refused (403)" in setup_part
    )
    assert "documents no 429" in others
    assert "3 checks skipped because a step they needed did not work" in page
