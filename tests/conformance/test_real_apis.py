"""APIs written with other frameworks, in their own conventions, entered with `--spec` alone.

Three fixtures: a Conduit-style API in Flask (bodies wrapped in `{"user": {...}}`, slugs,
an `apiKey` whose `Token` prefix is only in its description, favourites as actions), a
Django REST framework tracker (drf-spectacular's document, `Token` keys, page-number
envelopes, an `archive` action) and a FastAPI service from the production template
(FastAPI's 200/422-only documentation, operations reserved to superusers that the
document does not mark; run with the admin's credentials). On each, with nothing else
given: the clean API fails no check over five seeds (schemathesis's phases included), and
each planted fault is named by the check that asserts what it breaks.

Faults no promise of the spec covers are left out: a follow that is not undone, a count
not moved by a favourite, a taken email (the Conduit document says nothing of uniqueness),
a reserved create opened to everyone (the FastAPI document does not say it is reserved),
a list or a total showing every account's items (only the admin creates them there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.conformance.targets import drf, fastapi_defaults, wrapped

from .targets.runner import ConformanceRun, inspect_model, run_conformance
from .targets.serving import serve

SEEDS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Fixture:
    """How to serve one fixture API, where its document is, and who its admin is."""

    name: str
    make: Callable[[frozenset[str]], Any]
    # The run's URL and its document's, from the served base URL.
    url: Callable[[str], str]
    spec: Callable[[str], str]
    admin: tuple[str, str] | None = None

    @contextmanager
    def served(self, *faults: str) -> Iterator[tuple[str, str]]:
        with serve(self.make(frozenset(faults))) as base:
            yield self.url(base), self.spec(base)

    def run(self, *faults: str, checks: tuple[str, ...] = (), seed: int = 1) -> ConformanceRun:
        with self.served(*faults) as (url, spec):
            return run_conformance(
                url,
                admin=self.admin,
                checks=checks,
                generic=not checks,
                extra_args=["--spec", spec, "--seed", str(seed)],
            )


def _wrapped(faults: frozenset[str]) -> Any:
    # Tokens that live 20 s, so that the expiry check judges them.
    lifetime = 20 if "expired-token-accepted" in faults else wrapped.TOKEN_LIFETIME
    return wrapped.create_app(faults=faults, token_lifetime=lifetime)


def _fastapi(faults: frozenset[str]) -> Any:
    expire = timedelta(seconds=20) if "expired-token-accepted" in faults else timedelta(days=8)
    return fastapi_defaults.create_app(
        faults=faults, item_create="superuser", access_token_expire=expire
    )


CONDUIT = Fixture(
    "conduit",
    _wrapped,
    url=lambda base: f"{base}/api",
    spec=lambda base: str(wrapped.SPEC_PATH),
)
DRF = Fixture(
    "drf",
    lambda faults: drf.create_app(faults=faults),
    url=lambda base: base,
    spec=lambda base: f"{base}/api/schema/",
)
FASTAPI = Fixture(
    "fastapi",
    _fastapi,
    url=lambda base: base,
    spec=lambda base: f"{base}{fastapi_defaults.API_V1_STR}/openapi.json",
    admin=(fastapi_defaults.FIRST_SUPERUSER, fastapi_defaults.FIRST_SUPERUSER_PASSWORD),
)
FIXTURES = {fixture.name: fixture for fixture in (CONDUIT, DRF, FASTAPI)}

# Each planted fault, and the check that names it.
CAUGHT = {
    "conduit": {
        "any-password-accepted": "login.no-enumeration",
        "article-delete-any": "authz.delete-cross-user",
        "article-delete-noop": "workflows.delete-read",
        "article-update-any": "authz.update-cross-user",
        "article-update-lost": "workflows.write-read",
        "comment-delete-any": "authz.delete-cross-user",
        "comments-outlive-article": "workflows.cascade-delete",
        "expired-token-accepted": "authn.expired-token",
        "limit-ignored": "workflows.list-pagination",
        "password-hash-answered": "properties.no-secrets",
        "signature-unchecked": "authn.tampered-signature",
        "tag-filter-ignored": "workflows.list-filter",
    },
    "drf": {
        "any-password-accepted": "login.no-enumeration",
        "deleted-project-tasks-served": "workflows.cascade-delete",
        "inactive-token-accepted": "workflows.user-delete",
        "page-size-ignored": "workflows.list-pagination",
        "password-hash-answered": "properties.no-secrets",
        "priority-default-ignored": "workflows.create-defaults",
        "project-delete-any": "authz.delete-cross-user",
        "project-delete-noop": "workflows.delete-read",
        "project-list-shows-all": "authz.list-isolation",
        "project-read-any": "authz.read-cross-user",
        "project-update-any": "authz.update-cross-user",
        "status-filter-ignored": "workflows.list-filter",
        "task-read-any": "authz.read-cross-user",
        "task-update-lost": "workflows.patch-read",
        "unknown-token-accepted": "authn.garbage-token",
    },
    "fastapi": {
        "any-password-accepted": "login.no-enumeration",
        "current-password-unchecked": "login.current-password",
        "expired-token-accepted": "authn.expired-token",
        "item-delete-any": "authz.delete-cross-user",
        "item-delete-noop": "workflows.delete-read",
        "item-read-any": "authz.read-cross-user",
        "item-update-any": "authz.update-cross-user",
        "item-update-lost": "workflows.write-read",
        "limit-ignored": "workflows.list-pagination",
        "password-hash-answered": "properties.no-secrets",
        "signature-unchecked": "authn.tampered-signature",
    },
}


def test_at_least_ten_planted_faults_of_each_fixture_are_named() -> None:
    for name, caught in CAUGHT.items():
        assert len(caught) >= 10, name


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "fault", "check_id"),
    [
        (name, fault, check_id)
        for name, caught in CAUGHT.items()
        for fault, check_id in caught.items()
    ],
)
def test_each_planted_fault_is_named_by_its_check(name: str, fault: str, check_id: str) -> None:
    run = FIXTURES[name].run(fault, checks=(check_id,))
    assert run.exit_code == 1, run.explain()
    assert run.failed_checks == {check_id}, run.explain()


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_the_clean_api_fails_no_check(name: str, seed: int) -> None:
    run = FIXTURES[name].run(seed=seed)
    assert run.exit_code == 0, run.explain()
    assert not run.failed_checks | run.errored_checks, run.explain()
    # Entered: the run signed up, logged in and made rows (not a run of skips).
    passed = {o["check_id"] for o in run.report["outcomes"] if o["status"] == "passed"}
    assert {"workflows.signup-login", "workflows.create-read"} <= passed, run.explain()


def _inspected(fixture: Fixture) -> dict[str, Any]:
    """`conformance inspect --format json` on the fixture's served document."""
    with fixture.served() as (_, spec):
        return inspect_model(spec)


def _resource(model: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in model["resources"] if r["name"] == name)
    return found


def test_inspect_explains_the_conduit_credential_and_its_wrapped_rows() -> None:
    model = _inspected(CONDUIT)
    assert model["roles"]["signup"]["operation"] == "CreateUser"
    assert model["roles"]["token"]["operation"] == "Login"
    assert model["roles"]["current_account"]["operation"] == "GetCurrentUser"
    assert model["credentials"]["answers"] == ["user.token"]
    assert model["credentials"]["token"] == ["user.email", "user.password"]
    assert model["security"]["presented"]["format"] == "Token {token}"
    articles = _resource(model, "articles")
    assert articles["id"] == {"parameter": "slug", "type": "string", "field": "slug"}
    assert articles["actions"] == ["CreateArticleFavorite", "DeleteArticleFavorite"]
    assert articles["wrapped"] == {"request": "article", "answer": "article"}
    comments = _resource(model, "comments")
    assert comments["parent"] == "articles" and comments["id"]["field"] == "id"
    assert {r["name"] for r in model["resources"]} == {"articles", "comments"}


def test_inspect_explains_the_drf_token_and_the_archive_action() -> None:
    model = _inspected(DRF)
    assert model["security"]["presented"]["format"] == "Token {token}"
    assert model["roles"]["token"]["operation"] == "auth_token_create"
    projects = _resource(model, "projects")
    assert projects["id"]["field"] == "slug"
    assert projects["actions"] == ["projects_archive_create"]
    assert projects["list"]["rows"] == "results" and projects["list"]["total"] == "count"
    assert _resource(model, "tasks")["parent"] == "projects"


def test_inspect_explains_the_fastapi_accounts_reached_by_two_creates() -> None:
    model = _inspected(FASTAPI)
    assert model["roles"]["signup"]["operation"] == "users-register_user"
    assert model["account_resource"] == "users"
    users = _resource(model, "users")
    assert users["operations"]["create"] == "users-register_user"
    assert users["also_created_by"] == ["users-create_user"]
    # The test token answers the caller's own account: an action, not a create.
    assert users["actions"] == ["login-test_token"]
    assert {r["name"] for r in model["resources"]} == {"items", "users"}
