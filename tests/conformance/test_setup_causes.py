"""A step a check needs that does not work skips the check, with the cause, stated once.

On the FastAPI-template fixture where only superusers create items (and `POST /users/`,
the change of an account by id and the list of accounts are reserved to superusers, as in
the template, though the document does not say so), a run with no admin credentials, on
the document the app serves, fails no check for those refusals: the checks that needed
the step are skipped with the cause, and the console names each cause once. With admin
credentials the run takes those steps as the admin. A
create that fails on the server still fails the check that asserts the create; a
sign-up that fails still fails the check that asserts the sign-up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import pytest
from starlette.responses import JSONResponse

import conformance.engine.checks  # noqa: F401 (registers the checks)
from conformance.engine.registry import REGISTRY
from tests.conformance.targets.fastapi_defaults import (
    API_V1_STR,
    FIRST_SUPERUSER,
    FIRST_SUPERUSER_PASSWORD,
    create_app,
)

from .targets.runner import ConformanceRun, run_conformance
from .targets.serving import serve

ITEMS_REFUSED = (
    "creating a row of items (POST /api/v1/items/) as a normal account was refused (403)"
)
USERS_REFUSED = (
    "changing a row of users (PATCH /api/v1/users/{user_id}) as a normal account was refused (403)"
)
USERS_LISTED = "listing users (GET /api/v1/users/) as a normal account was refused (403)"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _answering(app: ASGIApp, method: str, path: str, status: int) -> ASGIApp:
    """`app`, except that `method path` answers `status` (a JSON `detail`) and does nothing."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["method"], scope["path"]) == (method, path):
            await JSONResponse({"detail": "planted"}, status_code=status)(scope, receive, send)
            return
        await app(scope, receive, send)

    return wrapped


def _run(url: str, *checks: str) -> ConformanceRun:
    """A run on the served document, without admin credentials or schemathesis."""
    spec = f"{url}{API_V1_STR}/openapi.json"
    return run_conformance(url, checks=checks, generic=False, extra_args=["--spec", spec])


def _outcome(run: ConformanceRun, check_id: str, operation: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        o
        for o in run.report["outcomes"]
        if (o["check_id"], o["operation"]) == (check_id, operation)
    ]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def superuser_creates() -> Iterator[str]:
    with serve(create_app(item_create="superuser")) as url:
        yield url


@pytest.fixture(scope="module")
def full_run(superuser_creates: str) -> ConformanceRun:
    return _run(superuser_creates)


def test_no_check_fails_for_a_create_refused_to_a_normal_account(full_run: ConformanceRun) -> None:
    refused = [
        (failure["check_id"], failure["title"])
        for outcome in full_run.report["outcomes"]
        for failure in outcome["failures"]
        if (failure["response"] or {}).get("status_code") in (401, 403)
    ]
    assert not refused, full_run.explain()
    assert not full_run.errored_checks, full_run.explain()


def test_the_checks_that_needed_a_row_are_skipped_with_the_cause(full_run: ConformanceRun) -> None:
    read = _outcome(full_run, "authz.read-cross-user", "items-read_item")
    assert read["status"] == "skipped", read
    assert read["reason"] == f"set-up: {ITEMS_REFUSED}"
    assert read["cause"]["kind"] == "refused" and read["cause"]["need"] == "row"
    assert read["cause"]["status_code"] == 403 and read["cause"]["identity"] == "a normal account"
    # The example: a 256-character email "accepted" while the answer was that 403.
    length = _outcome(full_run, "limits.string-length", "users-update_user")
    assert length["status"] == "skipped" and length["cause"]["text"] == USERS_REFUSED, length
    # The check that asserts the create is not failed by a refusal of the caller either.
    create = _outcome(full_run, "workflows.create-read", "items-create_item")
    assert create["status"] == "skipped" and create["cause"]["text"] == ITEMS_REFUSED, create


def test_each_cause_is_listed_once_with_every_outcome_it_skipped(full_run: ConformanceRun) -> None:
    causes = {cause["text"]: cause for cause in full_run.report["causes"]}
    assert set(causes) == {ITEMS_REFUSED, USERS_REFUSED, USERS_LISTED}, full_run.explain()
    for text, cause in causes.items():
        stopped = [o for o in full_run.report["outcomes"] if (o["cause"] or {}).get("text") == text]
        assert cause["outcomes"] == len(stopped)
        assert cause["checks"] == list(dict.fromkeys(o["check_id"] for o in stopped))
    assert "authz.read-cross-user" in causes[ITEMS_REFUSED]["checks"]


def test_every_cause_is_a_step_its_check_declares(full_run: ConformanceRun) -> None:
    # docs/checks.md says each check's set-up from the registry: what a run skips a check
    # for must be among it.
    undeclared = {
        (o["check_id"], o["cause"]["need"])
        for o in full_run.report["outcomes"]
        if o["cause"] is not None
        and o["cause"]["need"] not in {need.value for need in REGISTRY.get(o["check_id"]).setup}
    }
    assert not undeclared


def test_the_console_names_each_cause_once_with_the_count(full_run: ConformanceRun) -> None:
    out = full_run.stdout
    assert out.count(ITEMS_REFUSED) == 1, out[-4000:]
    lines = out.splitlines()
    headline = next(i for i, line in enumerate(lines) if ITEMS_REFUSED in line)
    assert lines[headline].startswith("set-up failed: ")
    count = len(next(c for c in full_run.report["causes"] if c["text"] == ITEMS_REFUSED)["checks"])
    assert lines[headline + 1].strip().startswith(f"{count} checks skipped"), lines[headline + 1]
    assert "authz.read-cross-user" in lines[headline + 1]


def test_a_run_whose_only_problems_are_set_up_passes_and_says_so(superuser_creates: str) -> None:
    run = _run(superuser_creates, "workflows", "authz", "limits")
    assert run.exit_code == 0, run.explain()
    skipped = sum(1 for o in run.report["outcomes"] if o["cause"] is not None)
    assert skipped > 0
    verdict = next(line for line in run.stdout.splitlines() if line.startswith("PASSED"))
    assert f"({skipped} because set-up failed)" in verdict, verdict


def test_with_admin_credentials_the_reserved_steps_are_taken_as_the_admin(
    superuser_creates: str,
) -> None:
    spec = f"{superuser_creates}{API_V1_STR}/openapi.json"
    run = run_conformance(
        superuser_creates,
        admin=(FIRST_SUPERUSER, FIRST_SUPERUSER_PASSWORD),
        generic=False,
        extra_args=["--spec", spec],
    )
    assert run.exit_code == 0, run.explain()
    texts = {cause["text"] for cause in run.report["causes"]}
    assert not texts & {ITEMS_REFUSED, USERS_REFUSED, USERS_LISTED}, texts
    # The create the spec does not mark reserved is made, read back and judged, as the admin.
    for check_id, operation in (
        ("workflows.create-read", "items-create_item"),
        ("authz.read-cross-user", "items-read_item"),
        ("workflows.user-patch-read", "users-update_user"),
    ):
        assert _outcome(run, check_id, operation)["status"] == "passed", run.explain()


def test_a_create_that_fails_on_the_server_fails_the_check_that_asserts_it() -> None:
    app = _answering(create_app(), "POST", f"{API_V1_STR}/items/", 500)
    with serve(app) as url:
        run = _run(url, "workflows.create-read", "authz.read-cross-user")
    assert run.exit_code == 1, run.explain()
    create = _outcome(run, "workflows.create-read", "items-create_item")
    assert create["status"] == "failed", create
    assert create["failures"][0]["response"]["status_code"] == 500
    read = _outcome(run, "authz.read-cross-user", "items-read_item")
    assert read["status"] == "skipped", read
    assert read["cause"]["kind"] == "server-error" and read["cause"]["status_code"] == 500
    assert run.failed_checks == {"workflows.create-read"}, run.explain()


def test_a_sign_up_that_fails_skips_the_checks_that_need_an_account() -> None:
    app = _answering(create_app(), "POST", f"{API_V1_STR}/users/signup", 503)
    with serve(app) as url:
        run = _run(url, "workflows.signup-login", "authz.read-cross-user", "login.no-enumeration")
    assert run.failed_checks == {"workflows.signup-login"}, run.explain()
    assert not run.errored_checks, run.explain()
    text = "signing up an account (POST /api/v1/users/signup) failed on the server (503)"
    for check_id in ("authz.read-cross-user", "login.no-enumeration"):
        [outcome] = [o for o in run.report["outcomes"] if o["check_id"] == check_id]
        assert outcome["status"] == "skipped" and outcome["cause"]["text"] == text, outcome
        assert outcome["cause"]["need"] == "account"
    assert run.stdout.count(text) == 1, run.stdout[-3000:]
