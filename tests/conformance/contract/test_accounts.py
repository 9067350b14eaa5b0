"""The token answer read through the roles: how long the access token lives."""

from __future__ import annotations

import time

import jwt
import pytest

from conformance.contract import accounts, load_contract

SECRET = "a-secret-of-this-test-module-only"


@pytest.fixture(scope="module")
def credentials():
    found = load_contract(None).roles.credentials
    assert found is not None and found.expires_field == "expires_in"
    return found


def _token(**claims: int) -> str:
    return jwt.encode({"sub": "1", **claims}, SECRET, algorithm="HS256")


def test_the_answers_own_lifetime_comes_first(credentials) -> None:
    now = int(time.time())
    body = {"access_token": _token(iat=now, exp=now + 20), "expires_in": 900}
    tokens = accounts.read_tokens(credentials, body)
    assert tokens is not None and tokens.lifetime == 900.0


def test_without_one_the_tokens_exp_says_how_long_it_lives(credentials) -> None:
    # Less its iat where it has one (no clock involved), else against this machine's clock.
    issued = int(time.time()) - 3600  # A server clock an hour behind changes nothing.
    with_iat = accounts.read_tokens(
        credentials, {"access_token": _token(iat=issued, exp=issued + 20)}
    )
    assert with_iat is not None and with_iat.lifetime == 20.0
    exp_only = accounts.read_tokens(
        credentials, {"access_token": _token(exp=int(time.time()) + 30)}
    )
    assert exp_only is not None and 28.0 < exp_only.lifetime <= 30.0


def test_a_token_that_says_nothing_lives_the_default(credentials) -> None:
    for token in (_token(), "an-opaque-token", "a.b.c"):
        tokens = accounts.read_tokens(credentials, {"access_token": token})
        assert tokens is not None and tokens.lifetime == accounts.DEFAULT_LIFETIME, token
