"""The run's own accounts, against the reference: tagged, refreshed before expiry, deleted."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from conformance.contract import load_contract
from conformance.embedded import EmbeddedTarget
from conformance.engine.http import TargetClient
from conformance.engine.identities import Identities

pytestmark = pytest.mark.slow


@pytest.fixture
def identities(reference: EmbeddedTarget) -> Iterator[Identities]:
    client = TargetClient(reference.url, timeout=10.0, rate_limit=None)
    yield Identities(client, load_contract(None), run_tag="t3st0001")
    client.close()


def test_accounts_carry_the_run_tag_and_can_call_the_api(identities: Identities) -> None:
    user = identities.sign_up("tagged")
    assert user.email.startswith("cf-t3st0001-tagged-")
    me = identities.client.request("GET", "/api/v1/users/me", **identities.present(user))
    assert me.status_code == 200 and me.json()["email"] == user.email
    identities.clean_up()


def test_a_token_about_to_expire_is_refreshed_not_reused(identities: Identities) -> None:
    user = identities.sign_up("expiring")
    old_access, old_refresh = user.access_token, user.refresh_token
    user.expires_at = time.monotonic()  # As if the token were about to expire.
    fresh = identities.token(user)
    assert fresh != old_access and user.refresh_token != old_refresh
    # Refreshed through the refresh operation: the old refresh token was rotated away.
    reused = identities.client.request(
        "POST", "/api/v1/auth/refresh", json={"refresh_token": old_refresh}
    )
    assert reused.status_code == 401
    identities.clean_up()


def test_clean_up_deletes_every_account_even_one_locked_out(identities: Identities) -> None:
    users = [identities.sign_up("doomed") for _ in range(2)]
    for _ in range(6):  # Lock the first one out of login: the clean-up must not need it.
        identities.login_response(users[0].email, "wrong-password")
    deleted, left = identities.clean_up()
    assert (deleted, left) == (2, [])
    for user in users:
        assert identities.login_response(user.email, user.password).status_code in (401, 429)


def test_no_admin_without_credentials(identities: Identities) -> None:
    assert identities.admin() is None and not identities.has_admin
