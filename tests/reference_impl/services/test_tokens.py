"""Issuing and verifying JWTs."""

from __future__ import annotations

import jwt

from reference_impl.services.tokens import Tokens

from ..conftest import make_settings


def test_issued_tokens_verify_as_their_own_type_only() -> None:
    tokens = Tokens(make_settings())
    access = tokens.issue(42, "access")
    refresh = tokens.issue(42, "refresh")
    assert tokens.verify(access.encoded, "access") == access.claims
    assert tokens.verify(refresh.encoded, "refresh") == refresh.claims
    assert tokens.verify(access.encoded, "refresh") is None
    assert tokens.verify(refresh.encoded, "access") is None
    assert access.claims.jti != refresh.claims.jti


def test_another_key_or_algorithm_is_refused() -> None:
    settings = make_settings()
    other = Tokens(make_settings())
    hs512 = Tokens(make_settings(secret_key=settings.secret_key, jwt_algorithm="HS512"))
    token = Tokens(settings).issue(1, "access").encoded
    assert other.verify(token, "access") is None
    assert hs512.verify(token, "access") is None


def test_malformed_claims_are_refused() -> None:
    settings = make_settings()
    key = settings.secret_key.get_secret_value()
    tokens = Tokens(settings)
    base = {"type": "access", "iat": 1, "exp": 4_000_000_000, "jti": "j"}
    for sub in ["0", "-1", "abc", str(2**63), "1" * 5000, "١٢"]:
        assert tokens.verify(jwt.encode({**base, "sub": sub}, key), "access") is None, sub
    assert tokens.verify(jwt.encode({**base, "sub": "7"}, key), "access") is not None
    assert tokens.verify(jwt.encode({**base, "sub": "7", "jti": "j" * 65}, key), "access") is None


def test_remembered_access_tokens_still_expire() -> None:
    from dataclasses import replace
    from datetime import timedelta

    tokens = Tokens(make_settings())
    issued = tokens.issue(7, "access")
    assert tokens.verify_access(issued.encoded) == issued.claims
    assert tokens.verify_access(issued.encoded) == issued.claims  # From memory.
    expired = replace(issued.claims, expires_at=issued.claims.expires_at - timedelta(hours=1))
    tokens._verified_access[issued.encoded] = expired
    assert tokens.verify_access(issued.encoded) is None
    assert tokens.verify_access(issued.encoded + "x") is None
