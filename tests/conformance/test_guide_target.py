"""`conformance run --url` against the API built from the guide as written reports its defects.

The guide's deployment (`targets/guide/`) keeps every defect the contract fixes (marked FIX
in CONTRACT.md) and the habits of its style; the run must exit 1 and name them by check
id. The checks for what the guide does get right must pass, so that a run that fails
everything would not pass this test either.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .targets.guide import create_app
from .targets.runner import ConformanceRun, run_conformance
from .targets.serving import serve

ADMIN = ("admin@guide.example.com", "guide-admin-password")

# The guide's defects, by the check that must report each.
DEFECTS = {
    "authn.refresh-as-access": "get_current_user never checks the token's `type`",
    "authz.user-read-cross-user": "GET /users/{id} lets any user read any user",
    "config.cors": 'allowed_origins=["*"] with allow_credentials=True',
    "limits.page-size": "`limit: int = 100` has no bound",
    "properties.timestamps-utc": "naive `datetime.utcnow` timestamps",
    "limits.path-id-range": "an id beyond int64 overflows SQLite's INTEGER: 500",
    "limits.body-size": "no request body limit",
    "properties.unknown-fields": "request models ignore unknown fields",
    "authn.refresh-rotation": "stateless refresh tokens, never rotated",
    "authn.logout-revokes": "logout has nothing to revoke",
    "login.rate-limit": "failed logins are never throttled",
    "config.request-id": "the logging middleware never echoes the client's X-Request-ID",
    "config.nosniff": "no X-Content-Type-Options",
    "authn.token-no-store": "token responses may be cached",
    "workflows.location-resolves": "201 without Location",
    "workflows.list-contains": "lists without X-Total-Count",
}

# What the guide gets right: these checks must pass against it.
SOUND = (
    "authn.missing-token",
    "authn.garbage-token",
    "authn.tampered-signature",
    "authn.alg-none",
    "authn.access-as-refresh",
    "authz.admin-only-list-users",
    "authz.user-update-cross-user",
    "login.no-enumeration",
    "properties.no-secrets",
    "workflows.signup-login",
)


@pytest.fixture(scope="module")
def guide_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConformanceRun]:
    """One run of every contract check (schemathesis's phases skipped, to keep it short)."""
    database = Path(tmp_path_factory.mktemp("guide")) / "guide.db"
    # bcrypt's cost factor changes nothing the checks judge; the guide's 12 rounds would
    # only make each of the run's sign-ups and logins slower.
    app = create_app(
        database, superuser_email=ADMIN[0], superuser_password=ADMIN[1], bcrypt_rounds=4
    )
    with serve(app) as url:
        yield run_conformance(url, admin=ADMIN, generic=False)


@pytest.mark.slow
def test_run_fails_on_the_guide(guide_run: ConformanceRun) -> None:
    assert guide_run.exit_code == 1, guide_run.explain()


@pytest.mark.slow
@pytest.mark.parametrize("check_id", sorted(DEFECTS))
def test_run_names_each_defect_of_the_guide(guide_run: ConformanceRun, check_id: str) -> None:
    assert check_id in guide_run.failed_checks, (
        f"{DEFECTS[check_id]}: not reported by {check_id}\n{guide_run.explain()}"
    )


@pytest.mark.slow
def test_cors_failure_is_the_wildcard_with_credentials(guide_run: ConformanceRun) -> None:
    titles = [failure["title"] for failure in guide_run.failures("config.cors")]
    assert any("with credentials" in title for title in titles), titles


@pytest.mark.slow
@pytest.mark.parametrize("check_id", SOUND)
def test_what_the_guide_gets_right_passes(guide_run: ConformanceRun, check_id: str) -> None:
    assert guide_run.status(check_id) == {"passed"}, guide_run.explain()
