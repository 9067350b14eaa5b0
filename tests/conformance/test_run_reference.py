"""`conformance run` against real servers: the reference conforms; the run cleans up after itself.

Each test runs the CLI in a child process, as a user would, and reads its reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from conformance.embedded import EmbeddedTarget, embedded_reference

pytestmark = pytest.mark.slow


def _run(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report = cwd / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--report-json", str(report), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    document = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}
    return result, document


def _problems(document: dict[str, Any]) -> list[str]:
    problems = []
    for outcome in document.get("outcomes", []):
        if outcome["status"] in ("failed", "error"):
            # With the request: a failure that does not come back is then still diagnosable.
            found = [
                f"{f['title']} / {f['seen']} / {f.get('curl') or f.get('request')}"
                for f in outcome["failures"]
            ]
            problems.append(
                f"{outcome['check_id']} on {outcome['operation']}: {found or outcome['reason']}"
            )
    return problems


def _admin_env(target: EmbeddedTarget) -> dict[str, str]:
    return {
        "CONFORMANCE_ADMIN_EMAIL": target.admin_email,
        "CONFORMANCE_ADMIN_PASSWORD": target.admin_password,
    }


def _user_count(target: EmbeddedTarget) -> int:
    with httpx.Client(base_url=target.url) as client:
        token = client.post(
            "/api/v1/auth/login",
            data={"username": target.admin_email, "password": target.admin_password},
        ).json()["access_token"]
        response = client.get(
            "/api/v1/users/", params={"limit": 1}, headers={"Authorization": f"Bearer {token}"}
        )
        return int(response.headers["X-Total-Count"])


def test_a_first_run_with_no_arguments_is_green(tmp_path: Path) -> None:
    """The newcomer's run: the embedded reference, the quick profile, every report.

    How long it takes is measured, not asserted: the quick profile's time budget lives in
    the engine, and the README gives the figure measured on a quiet machine.
    """
    junit, page = tmp_path / "junit.xml", tmp_path / "report.html"
    result, document = _run("--junit-xml", str(junit), "--report-html", str(page), cwd=tmp_path)
    assert result.returncode == 0, _problems(document) or result.stdout[-3000:] + result.stderr
    assert "PASSED" in result.stdout and "replay with: conformance run --seed" in result.stdout
    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "conformance" / "engine" / "reporters")
        .joinpath("report.schema.json")
        .read_text("utf-8")
    )
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    summary = document["summary"]
    assert summary["failed"] == summary["error"] == 0
    assert summary["passed"] > 250
    families = {row["family"] for row in document["families"]}
    assert families >= {"generic", "workflows", "authn", "authz", "limits", "drift"}
    assert document["cleanup"]["left"] == []
    suites = ET.parse(junit).getroot()
    assert sum(int(suite.get("failures", "0")) for suite in suites) == 0
    assert len(suites.findall("testsuite/testcase")) == len(document["outcomes"])
    assert "conformance run: PASSED" in page.read_text(encoding="utf-8")


@pytest.mark.postgres
def test_the_reference_on_postgresql_conforms(tmp_path: Path, postgres_url: str) -> None:
    with embedded_reference(database_url=postgres_url) as target:
        result, document = _run("--url", target.url, cwd=tmp_path, env=_admin_env(target))
    assert result.returncode == 0, _problems(document) or result.stdout[-3000:] + result.stderr
    assert document["summary"]["failed"] == 0


@pytest.fixture
def counted(reference: EmbeddedTarget) -> Iterator[EmbeddedTarget]:
    before = _user_count(reference)
    yield reference
    assert _user_count(reference) == before, "the run left accounts behind"


def test_the_run_deletes_every_account_it_made(tmp_path: Path, counted: EmbeddedTarget) -> None:
    result, document = _run(
        "--url", counted.url, "--seed", "1234", cwd=tmp_path, env=_admin_env(counted)
    )
    assert result.returncode == 0, _problems(document) or result.stdout[-3000:]
    assert document["run"]["seed"] == 1234
    assert document["cleanup"]["deleted"] > 10


def test_keep_data_keeps_the_run_accounts(tmp_path: Path, reference: EmbeddedTarget) -> None:
    before = _user_count(reference)
    result, document = _run(
        "--url",
        reference.url,
        "--check",
        "workflows",
        "--no-generic",
        "--keep-data",
        cwd=tmp_path,
        env=_admin_env(reference),
    )
    assert result.returncode == 0, _problems(document)
    assert document["cleanup"]["kept"] is True
    assert _user_count(reference) > before


def test_without_admin_credentials_the_superuser_checks_are_skipped_with_the_reason(
    tmp_path: Path, reference: EmbeddedTarget
) -> None:
    result, document = _run(
        "--url", reference.url, "--check", "authz", "--no-generic", cwd=tmp_path
    )
    assert result.returncode == 0, _problems(document)
    skipped = {o["check_id"]: o["reason"] for o in document["outcomes"] if o["status"] == "skipped"}
    assert "authz.superuser-reads-all" in skipped
    assert "CONFORMANCE_ADMIN_EMAIL" in skipped["authz.superuser-reads-all"]
    assert "authz.superuser-reads-all" in result.stdout


def _page_size(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The outcomes of `limits.page-size`, by operation."""
    return {o["operation"]: o for o in document["outcomes"] if o["check_id"] == "limits.page-size"}


def test_the_page_size_check_asks_the_admins_list_as_the_admin(tmp_path: Path) -> None:
    # The embedded reference gives its admin: listUsers, reserved to administrators, is
    # judged on its own bounds (limit 1..100) as the admin, not refused as a plain user.
    result, document = _run("--check", "limits.page-size", "--no-generic", cwd=tmp_path)
    assert result.returncode == 0, _problems(document) or result.stdout[-3000:] + result.stderr
    outcomes = _page_size(document)
    assert outcomes["listUsers"]["status"] == "passed", outcomes
    assert outcomes["listItems"]["status"] == "passed", outcomes


def test_without_admin_credentials_the_admins_list_is_skipped_by_the_page_size_check(
    tmp_path: Path, reference: EmbeddedTarget
) -> None:
    result, document = _run(
        "--url", reference.url, "--check", "limits.page-size", "--no-generic", cwd=tmp_path
    )
    assert result.returncode == 0, _problems(document)
    outcomes = _page_size(document)
    assert outcomes["listUsers"]["status"] == "skipped", outcomes
    reason = outcomes["listUsers"]["reason"]
    assert reason.startswith("needs administrator credentials: "), reason
    assert "listUsers" in reason and "--admin-email" in reason
    # The plain user's lists are judged all the same.
    assert outcomes["listItems"]["status"] == "passed", outcomes


def test_the_rate_limit_caps_the_request_rate(tmp_path: Path, reference: EmbeddedTarget) -> None:
    result, document = _run(
        "--url", reference.url, "--check", "config", "--no-generic", "--rate-limit", "20/s",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, _problems(document)
    sent, took = document["run"]["requests_sent"], document["run"]["duration_seconds"]
    assert sent >= 20
    assert took >= (sent - 1) / 20, f"{sent} requests in {took} s"


def test_contract_checks_run_in_parallel_workers(tmp_path: Path, reference: EmbeddedTarget) -> None:
    result, document = _run(
        "--url", reference.url, "--no-generic", "--workers", "4", cwd=tmp_path,
        env=_admin_env(reference),
    )  # fmt: skip
    assert result.returncode == 0, _problems(document) or result.stdout[-3000:]
    assert "workers 4" in result.stdout
    assert document["summary"]["failed"] == document["summary"]["error"] == 0
    assert document["summary"]["passed"] >= 50
    assert document["cleanup"]["left"] == []
