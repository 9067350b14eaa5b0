"""`/api/v1/auth`: login, refresh-token rotation with reuse detection, and logout."""

from __future__ import annotations

import base64
import time

import httpx
import jwt
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from generated.models import Token
from reference_impl.db.tables import User
from reference_impl.runtime import Runtime
from reference_impl.settings import Settings

from ..conftest import PASSWORD, Api, make_settings

BAD_LOGIN = {"detail": "Incorrect email or password"}


async def _deactivate(app: FastAPI, email: str) -> None:
    runtime: Runtime = app.state.runtime
    await runtime.database.write(update(User).where(User.email == email).values(is_active=False))


async def test_login_returns_a_token_pair_not_to_be_cached(api: Api, settings: Settings) -> None:
    await api.sign_up("ada@example.com")
    answer = await api.client.post(
        "/api/v1/auth/login", data={"username": "ADA@example.com", "password": PASSWORD}
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    token = Token.model_validate(answer.json())
    assert token.token_type == "bearer"
    assert token.expires_in == settings.access_token_expire_minutes * 60
    claims = jwt.decode(
        token.access_token, settings.secret_key.get_secret_value(), algorithms=["HS256"]
    )
    assert claims["type"] == "access" and set(claims) == {"sub", "type", "iat", "exp", "jti"}


async def test_wrong_password_and_unknown_email_get_the_same_401(api: Api) -> None:
    await api.sign_up("ada@example.com")
    answers = [
        await api.client.post("/api/v1/auth/login", data={"username": user, "password": password})
        for user, password in [
            ("ada@example.com", "wrong password"),
            ("nobody@example.com", PASSWORD),
            ("not an email", PASSWORD),
            ("nul\x00@example.com", PASSWORD),
        ]
    ]
    for answer in answers:
        assert answer.status_code == 401
        assert answer.json() == BAD_LOGIN
        assert answer.headers["www-authenticate"] == "Bearer"


async def test_inactive_user_is_400_but_only_with_the_right_password(
    api: Api, app: FastAPI
) -> None:
    await api.sign_up("ada@example.com")
    await _deactivate(app, "ada@example.com")
    answer = await api.client.post(
        "/api/v1/auth/login", data={"username": "ada@example.com", "password": PASSWORD}
    )
    assert answer.status_code == 400 and answer.json() == {"detail": "Inactive user"}
    answer = await api.client.post(
        "/api/v1/auth/login", data={"username": "ada@example.com", "password": "nope nope"}
    )
    assert answer.status_code == 401


async def test_login_form_is_validated(client: httpx.AsyncClient) -> None:
    for data in [
        {"username": "a@b.c"},
        {"password": "x"},
        {"username": "a@b.c", "password": "x", "is_superuser": "true"},
        {"username": "a@b.c", "password": "x", "grant_type": "client_credentials"},
    ]:
        answer = await client.post("/api/v1/auth/login", data=data)
        assert answer.status_code == 422, data
    answer = await client.post("/api/v1/auth/login", json={"username": "a@b.c", "password": "x"})
    assert answer.status_code == 422


async def test_login_body_that_is_not_utf8_is_400(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/v1/auth/login",
        content=b"username=a%40b.c&password=\xff\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400


async def test_repeated_failures_are_429_with_retry_after(api: Api) -> None:
    await api.sign_up("ada@example.com")
    bad = {"username": "ada@example.com", "password": "wrong password"}
    for _ in range(5):
        assert (await api.client.post("/api/v1/auth/login", data=bad)).status_code == 401
    for data in (bad, {"username": "ada@example.com", "password": PASSWORD}):
        answer = await api.client.post("/api/v1/auth/login", data=data)
        assert answer.status_code == 429
        assert 1 <= int(answer.headers["retry-after"]) <= 300
    # Another email from the same client is not throttled.
    answer = await api.client.post(
        "/api/v1/auth/login", data={"username": "bob@example.com", "password": "x"}
    )
    assert answer.status_code == 401


async def test_a_successful_login_clears_the_failures(api: Api) -> None:
    await api.sign_up("ada@example.com")
    bad = {"username": "ada@example.com", "password": "wrong password"}
    for _ in range(4):
        await api.client.post("/api/v1/auth/login", data=bad)
    await api.login("ada@example.com")
    for _ in range(4):
        assert (await api.client.post("/api/v1/auth/login", data=bad)).status_code == 401


async def test_refresh_rotates_and_reuse_revokes_everything(api: Api) -> None:
    await api.sign_up("ada@example.com")
    first = await api.login("ada@example.com")
    other_session = await api.login("ada@example.com")
    answer = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    second = Token.model_validate(answer.json())
    assert second.refresh_token != first["refresh_token"]
    me = await api.client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {second.access_token}"}
    )
    assert me.status_code == 200

    # The used token is spent; presenting it again is theft: every session is revoked.
    reuse = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reuse.status_code == 401
    assert reuse.headers["www-authenticate"] == "Bearer"
    for token in (second.refresh_token, other_session["refresh_token"]):
        answer = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert answer.status_code == 401


async def test_refresh_refuses_access_tokens_and_garbage(api: Api) -> None:
    await api.sign_up("ada@example.com")
    tokens = await api.login("ada@example.com")
    for token in [tokens["access_token"], "garbage", "a.b.c", tokens["refresh_token"] + "x"]:
        answer = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert answer.status_code == 401, token
        assert answer.json() == {"detail": "Invalid refresh token"}


async def test_refresh_of_an_inactive_account_is_401(api: Api, app: FastAPI) -> None:
    await api.sign_up("ada@example.com")
    tokens = await api.login("ada@example.com")
    await _deactivate(app, "ada@example.com")
    answer = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert answer.status_code == 401


async def test_logout_revokes_and_is_idempotent(api: Api) -> None:
    await api.sign_up("ada@example.com")
    tokens = await api.login("ada@example.com")
    for _ in range(2):
        answer = await api.client.post(
            "/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}
        )
        assert answer.status_code == 204 and answer.content == b""
    answer = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert answer.status_code == 401
    for token in ("garbage", tokens["access_token"]):
        answer = await api.client.post("/api/v1/auth/logout", json={"refresh_token": token})
        assert answer.status_code == 204


def _forge(claims: dict[str, object], header: dict[str, object]) -> str:
    def encode(part: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(part)).rstrip(b"=").decode()

    return f"{encode(header)}.{encode(claims)}."


async def test_access_tokens_are_checked_strictly(api: Api, settings: Settings) -> None:
    account, _ = await api.user("ada@example.com")
    tokens = await api.login("ada@example.com")
    key = settings.secret_key.get_secret_value()
    now = int(time.time())
    claims = {"sub": str(account["id"]), "type": "access", "iat": now, "exp": now + 60, "jti": "x"}
    forged = [
        _forge(claims, {"alg": "none", "typ": "JWT"}),
        jwt.encode(claims, "another key that is long enough to be a key!", algorithm="HS256"),
        jwt.encode(claims, key, algorithm="HS512"),
        jwt.encode({**claims, "exp": now - 10}, key, algorithm="HS256"),
        jwt.encode({**claims, "type": "refresh"}, key, algorithm="HS256"),
        jwt.encode({k: v for k, v in claims.items() if k != "jti"}, key, algorithm="HS256"),
        jwt.encode({**claims, "sub": "9" * 30}, key, algorithm="HS256"),
        tokens["refresh_token"],
        tokens["access_token"][:-2],
        "",
    ]
    for token in forged:
        answer = await api.client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 401, token
        assert answer.headers["www-authenticate"] == "Bearer"
    valid = jwt.encode(claims, key, algorithm="HS256")
    answer = await api.client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {valid}"})
    assert answer.status_code == 200
    for header in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}):
        assert (await api.client.get("/api/v1/users/me", headers=header)).status_code == 401


async def test_deactivated_account_stops_working_at_once(api: Api, app: FastAPI) -> None:
    _, headers = await api.user("ada@example.com")
    assert (await api.client.get("/api/v1/users/me", headers=headers)).status_code == 200
    await _deactivate(app, "ada@example.com")
    answer = await api.client.get("/api/v1/users/me", headers=headers)
    assert answer.status_code == 401


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
async def test_the_configured_algorithm_is_the_only_one(
    backend: object, tmp_path: object, algorithm: str
) -> None:
    from reference_impl.app import create_app

    from ..conftest import Backend

    assert isinstance(backend, Backend)
    app = create_app(make_settings(database_url=backend.database_url, jwt_algorithm=algorithm))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            api = Api(client)
            await api.sign_up("ada@example.com")
            tokens = await api.login("ada@example.com")
            assert jwt.get_unverified_header(tokens["access_token"])["alg"] == algorithm
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
