"""The run's accounts present their credential as the spec's scheme says, over real HTTP.

One small service accepts a session cookie, an API key in the query, or http basic; three
specs describe it three ways, and the run's accounts sign up, log in (or not, under
basic), call a secured operation and are deleted through each.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.contract import RoleName, build_contract
from conformance.engine.http import TargetClient
from conformance.engine.identities import Identities
from tests.conformance.targets.runner import run_conformance
from tests.conformance.targets.serving import serve

CREDENTIALS = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 3, "maxLength": 40},
        "password": {"type": "string", "format": "password", "minLength": 8},
    },
}
ACCOUNT = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "username": {"type": "string"}},
}


def _app(seen: Counter[str] | None = None) -> Starlette:
    """The service; `seen` counts the reads of `/me` that a credential authenticated, by
    where the credential was (cookie, query, basic)."""
    users: dict[str, dict[str, Any]] = {}
    sessions: dict[str, str] = {}
    counted = seen if seen is not None else Counter()

    def caller(request: Request) -> str | None:
        for where, sid in (
            ("cookie", request.cookies.get("sid")),
            ("query", request.query_params.get("api_key")),
        ):
            if sid is not None:
                name = sessions.get(sid)
                if name in users:
                    counted[where] += request.method == "GET"
                    return name
                return None
        kind, _, value = request.headers.get("authorization", "").partition(" ")
        if kind.lower() == "basic":
            name, _, password = base64.b64decode(value).decode().partition(":")
            if name in users and users[name]["password"] == password:
                counted["basic"] += request.method == "GET"
                return name
        return None

    async def signup(request: Request) -> Response:
        body = await request.json()
        if body["username"] in users:
            return JSONResponse({"detail": "taken"}, 400)
        users[body["username"]] = {"id": len(users) + 1, "password": body["password"]}
        return JSONResponse(
            {"id": users[body["username"]]["id"], "username": body["username"]}, 201
        )

    def _session(body: dict[str, Any]) -> str | None:
        user = users.get(body.get("username", ""))
        if user is None or user["password"] != body.get("password"):
            return None
        sid = secrets.token_hex(16)
        sessions[sid] = body["username"]
        return sid

    async def key(request: Request) -> Response:
        sid = _session(await request.json())
        return JSONResponse({"token": sid}) if sid else JSONResponse({}, 400)

    async def session(request: Request) -> Response:
        sid = _session(await request.json())
        if sid is None:
            return JSONResponse({}, 400)
        answer = JSONResponse({"ok": True})
        answer.set_cookie("sid", sid, httponly=True)
        return answer

    async def me(request: Request) -> Response:
        name = caller(request)
        if name is None:
            return JSONResponse({"detail": "who?"}, 401)
        if request.method == "DELETE":
            del users[name]
            return Response(status_code=204)
        return JSONResponse({"id": users[name]["id"], "username": name})

    return Starlette(
        routes=[
            Route("/signup", signup, methods=["POST"]),
            Route("/keys", key, methods=["POST"]),
            Route("/session", session, methods=["POST"]),
            Route("/me", me, methods=["GET", "DELETE"]),
        ]
    )


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _spec(scheme: dict[str, Any], login: str | None) -> dict[str, Any]:
    """The service as a spec presenting credentials by `scheme`, logging in at `login`."""
    paths: dict[str, Any] = {
        "/signup": {
            "post": {
                "operationId": "signUp",
                "security": [],
                "requestBody": {"required": True, "content": _json(CREDENTIALS)},
                "responses": {"201": {"description": "made", "content": _json(ACCOUNT)}},
            }
        },
        "/me": {
            "get": {
                "operationId": "readMe",
                "responses": {
                    "200": {"description": "you", "content": _json(ACCOUNT)},
                    "401": {"description": "no credential"},
                },
            },
            "delete": {"operationId": "closeMe", "responses": {"204": {"description": "gone"}}},
        },
    }
    if login == "/keys":
        answer = {"type": "object", "properties": {"token": {"type": "string"}}}
        paths[login] = {
            "post": {
                "operationId": "issueKey",
                "security": [],
                "requestBody": {"required": True, "content": _json(CREDENTIALS)},
                "responses": {"200": {"description": "a key", "content": _json(answer)}},
            }
        }
    elif login == "/session":
        answer = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
        paths[login] = {
            "post": {
                "operationId": "openSession",
                "security": [],
                "requestBody": {"required": True, "content": _json(CREDENTIALS)},
                "responses": {
                    "200": {
                        "description": "a session",
                        "headers": {"Set-Cookie": {"schema": {"type": "string"}}},
                        "content": _json(answer),
                    }
                },
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "presented", "version": "1"},
        "paths": paths,
        "components": {"securitySchemes": {"auth": scheme}},
        "security": [{"auth": []}],
    }


KINDS = {
    "cookie": (_spec({"type": "apiKey", "in": "cookie", "name": "sid"}, "/session"), "openSession"),
    "query": (_spec({"type": "apiKey", "in": "query", "name": "api_key"}, "/keys"), "issueKey"),
    "basic": (_spec({"type": "http", "scheme": "basic"}, None), None),
}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(_app()) as base:
        yield base


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_run_signs_up_logs_in_and_calls_as_the_scheme_says(url: str, kind: str) -> None:
    document, token_operation = KINDS[kind]
    contract = build_contract(document, source=kind)
    token = contract.roles.get(RoleName.TOKEN)
    assert (token.operation_id if token else None) == token_operation
    client = TargetClient(url, timeout=10.0, rate_limit=None)
    try:
        identities = Identities(client, contract, run_tag="pr3s")
        assert identities.can_sign_up, identities.signup_problem
        alice, bob = identities.sign_up("alice"), identities.sign_up("bob")
        for user in (alice, bob):
            me = client.request("GET", "/me", **identities.present(user))
            assert me.status_code == 200, me.text
            assert me.json()["username"] == user.email
        # Nothing rides along: an anonymous request after the logins is still anonymous.
        assert client.request("GET", "/me").status_code == 401
        old = identities.present(alice)
        assert identities.clean_up() == (2, [])
        assert client.request("GET", "/me", **old).status_code == 401
    finally:
        client.close()


def test_the_token_role_of_a_session_cookie_says_how_it_was_found() -> None:
    contract = build_contract(KINDS["cookie"][0], source="cookie")
    assert contract.roles.roles[RoleName.TOKEN].how == (
        "a public POST taking a secret and documenting Set-Cookie (sid)"
    )
    creds = contract.roles.credentials
    assert creds is not None and creds.session_cookie == "sid"
    basic = build_contract(KINDS["basic"][0], source="basic")
    assert basic.roles.roles[RoleName.TOKEN].how == (
        "none needed: under http basic the password is sent"
    )


def test_what_a_request_sets_itself_wins_over_the_credential() -> None:
    contract = build_contract(KINDS["query"][0], source="query")
    client = TargetClient("http://127.0.0.1:9", timeout=1.0, rate_limit=None)
    identities = Identities(client, contract, run_tag="pr3s")
    sent = identities.present(token="k3y", params={"page": "2", "api_key": "forged"})
    assert dict(sent["params"]) == {"api_key": "forged", "page": "2"}
    assert dict(identities.present(token="k3y", params={"page": "2"})["params"]) == {
        "api_key": "k3y",
        "page": "2",
    }
    cookie = Identities(client, build_contract(KINDS["cookie"][0], source="c"), run_tag="x")
    sent = cookie.present(token="s1d", headers={"Cookie": "theme=dark"})
    assert sent["headers"] == {"Cookie": "theme=dark; sid=s1d"}
    client.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["cookie", "query"])
def test_schemathesis_sends_as_the_runs_accounts_the_way_the_scheme_says(
    kind: str, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(KINDS[kind][0]), encoding="utf-8")
    seen: Counter[str] = Counter()
    with serve(_app(seen)) as base:
        # No contract check reads /me here (drift is skipped: nothing is served): every
        # authenticated read is schemathesis's, as one of the run's accounts.
        run = run_conformance(base, checks=["drift.operations"], extra_args=["--spec", str(spec)])
    assert any("2 accounts of the run's own" in note for note in run.report["notices"])
    assert seen[kind] > 0 and set(seen) == {kind}, (seen, run.explain())
    assert run.report["cleanup"]["left"] == []
