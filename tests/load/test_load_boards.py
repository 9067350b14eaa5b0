"""`conformance load` on an API the team did not write: the boards fixture, from its spec alone.

The boards API has UUID ids, cards nested in boards, envelope lists, a bearer token from
`POST /v2/sessions`, sign-up at `POST /v2/accounts` and no refresh. Nothing in the load
suite names any of it: the journeys come from `spec.yaml`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.embedded import free_port
from tests.conformance.targets import members
from tests.conformance.targets.boards import SPEC_PATH, create_app
from tests.conformance.targets.serving import serve

from .runs import run_load, summary

pytestmark = pytest.mark.slow

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Every operation of the spec but the account's closing, which only the cleanup calls.
OPERATIONS = {
    "POST /v2/accounts",
    "POST /v2/sessions",
    "GET /v2/accounts/self",
    "GET /v2/boards",
    "POST /v2/boards",
    "GET /v2/boards/{board_id}",
    "PATCH /v2/boards/{board_id}",
    "DELETE /v2/boards/{board_id}",
    "GET /v2/boards/{board_id}/cards",
    "POST /v2/boards/{board_id}/cards",
    "GET /v2/boards/{board_id}/cards/{card_id}",
    "PATCH /v2/boards/{board_id}/cards/{card_id}",
    "DELETE /v2/boards/{board_id}/cards/{card_id}",
}


class Recorder:
    """ASGI middleware: keeps the sign-up bodies, and delays the requests a test names."""

    def __init__(self, app: App, delays: dict[tuple[str, str], float] | None = None) -> None:
        self.app = app
        self.delays = {
            (method, re.compile(path)): s for (method, path), s in (delays or {}).items()
        }
        self.signups: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for (method, path), seconds in self.delays.items():
            if scope["method"] == method and path.fullmatch(scope["path"]):
                await asyncio.sleep(seconds)
        if scope["method"] != "POST" or scope["path"] != "/v2/accounts":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def recording() -> MutableMapping[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
            return message

        await self.app(scope, recording, send)
        self.signups.append(json.loads(b"".join(chunks) or b"{}"))


@pytest.fixture
def boards() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder(create_app())
    with serve(recorder) as url:
        yield url, recorder


def load(
    url: str, *args: str, report_dir: Path, spec: Path = SPEC_PATH
) -> subprocess.CompletedProcess[str]:
    return run_load(url, spec, *args, report_dir=report_dir)


def test_a_run_with_no_configuration_works_every_resource_and_cleans_up(boards, tmp_path):
    url, recorder = boards
    result = load(url, "--run-time", "10s", "--slo", "getBoard:p95<2s", report_dir=tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr

    report = summary(tmp_path / "out")
    requested = {row["endpoint"]: row["requests"] for row in report["endpoints"]}
    assert set(requested) == OPERATIONS, set(requested) ^ OPERATIONS
    assert all(count > 0 for count in requested.values()), requested
    assert report["total"]["failures"] == 0, report["failures"]
    assert "PASS getBoard:p95<2s: p95 of GET /v2/boards/{board_id} was" in result.stdout

    cleanup = report["cleanup"]
    assert cleanup["accounts_created"] == cleanup["accounts_deleted"] == 4
    assert cleanup["rows_made"] > 0
    assert cleanup["rows_left"] == 0
    assert "cleanup: 4 of 4 accounts made by the run deleted;" in result.stdout
    # The accounts the run signed up (and so their boards and cards) are gone.
    assert len(recorder.signups) == 4
    with httpx.Client(base_url=url) as client:
        for body in recorder.signups:
            login = {"username": body["username"], "password": body["password"]}
            assert client.post("/v2/sessions", json=login).status_code == 401


def test_two_locust_processes_share_the_run(boards, tmp_path):
    url, _ = boards
    result = load(url, "--run-time", "6s", "--processes", "2", report_dir=tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    report = summary(tmp_path / "out")
    assert report["settings"]["processes"] == 2
    assert report["total"]["requests"] > 0
    assert report["total"]["failures"] == 0, report["failures"]
    cleanup = report["cleanup"]
    assert cleanup["accounts_created"] == cleanup["accounts_deleted"] == 4
    assert cleanup["rows_left"] == 0


def test_an_slo_on_an_operation_fails_when_it_is_slowed(tmp_path):
    delays = {("GET", r"/v2/boards/[^/]+"): 0.3}
    with serve(Recorder(create_app(), delays)) as url:
        result = load(
            url,
            "--run-time",
            "6s",
            "--slo",
            "getBoard:p95<200ms",
            "--slo",
            "errors<1%",
            report_dir=tmp_path / "out",
        )
    assert result.returncode == 1, result.stdout + result.stderr
    failed = re.search(
        r"^FAIL getBoard:p95<200ms: p95 of GET /v2/boards/\{board_id\} was ([\d,]+) ms",
        result.stdout,
        re.M,
    )
    assert failed, result.stdout
    assert int(failed[1].replace(",", "")) >= 300
    assert "PASS errors<1%" in result.stdout
    assert result.stderr == "1 of 2 SLOs failed\n"


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ("--slo=readItem:p95<1s", "names no operation of the contract"),
        ("--mix=readItem=3", "unknown task 'readItem'; the tasks are createBoard (boards.create)"),
    ],
)
def test_a_selector_of_another_spec_is_refused_with_the_valid_ones(option, says, tmp_path):
    result = load("http://127.0.0.1:9", "--run-time", "5s", option, report_dir=tmp_path / "out")
    assert result.returncode == 2
    assert says in result.stderr
    assert "getBoard" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_configured_identity_is_used_where_the_spec_has_no_sign_up(tmp_path):
    account = {"handle": "loadtester", "passphrase": "a-long-passphrase"}
    (tmp_path / "conformance.toml").write_text(
        '[[identity]]\nname = "tester"\nusername = "loadtester"\npassword = "a-long-passphrase"\n',
        "utf-8",
    )
    with serve(members.create_app()) as url:
        assert httpx.post(f"{url}/members", json=account).status_code == 201
        result = load(url, "--run-time", "5s", spec=members.SPEC_PATH, report_dir=tmp_path / "out")
        assert result.returncode == 0, result.stdout + result.stderr
        report = summary(tmp_path / "out")
        requested = {row["endpoint"] for row in report["endpoints"] if row["requests"]}
        assert {"POST /tokens", "POST /notes", "GET /notes", "GET /notes/{note_id}"} <= requested
        assert report["total"]["failures"] == 0, report["failures"]
        # The configured account stays, and the notes the run wrote in it are gone.
        assert report["cleanup"]["accounts_created"] == 0
        assert report["cleanup"]["rows_made"] > 0
        assert report["cleanup"]["rows_left"] == 0
        login = {"handle": "loadtester", "passphrase": "a-long-passphrase"}
        token = httpx.post(f"{url}/tokens", json=login).json()["access_token"]
        notes = httpx.get(f"{url}/notes", headers={"Authorization": f"Bearer {token}"})
        assert notes.json() == []


def test_locust_s_own_command_line_takes_the_spec_from_the_environment(boards, tmp_path):
    url, _ = boards
    locustfile = Path(__file__).parents[2] / "load" / "locustfile.py"
    command = [sys.executable, "-m", "locust", "-f", str(locustfile), "--host", url]
    command += ["--headless", "-u", "2", "-r", "2", "-t", "5s", "--only-summary"]
    command += ["--think-time", "0.1"]
    environment = {**os.environ, "CONFORMANCE_SPEC": str(SPEC_PATH)}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, cwd=tmp_path, env=environment
    )
    # Locust exits 1 on any failed request.
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"GET +/v2/boards/\{board_id\}/cards +[1-9]", result.stdout + result.stderr)


def test_a_master_forwards_the_spec_to_its_worker(boards, tmp_path):
    url, recorder = boards
    locustfile = str(Path(__file__).parents[2] / "load" / "locustfile.py")
    port = str(free_port())
    locust = [sys.executable, "-m", "locust", "-f", locustfile]
    # The worker is given no spec at all: it runs the one its master names.
    worker = subprocess.Popen(
        [*locust, "--worker", "--master-host", "127.0.0.1", "--master-port", port],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    try:
        master = subprocess.run(
            [
                *locust,
                "--master",
                "--master-bind-host",
                "127.0.0.1",
                "--master-bind-port",
                port,
                "--expect-workers",
                "1",
                "--headless",
                "-u",
                "2",
                "-r",
                "2",
                "-t",
                "5s",
                "--host",
                url,
                "--spec",
                str(SPEC_PATH),
                "--think-time",
                "0.1",
                "--only-summary",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    finally:
        try:
            worker.wait(timeout=30)  # A worker quits with its master.
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    assert master.returncode == 0, master.stdout + master.stderr
    assert re.search(r"POST +/v2/boards +[1-9]", master.stdout + master.stderr)
    assert len(recorder.signups) == 2
