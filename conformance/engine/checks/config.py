"""Configuration: request ids, nosniff, CORS, error bodies, unknown paths, malformed bodies."""

from __future__ import annotations

import re
import uuid

import httpx

from ..context import CheckContext
from ..registry import Owasp, check

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
FOREIGN_ORIGIN = "https://evil.conformance-run.example"

# What an error body must never hold: tracebacks, SQL, driver names, file paths.
_LEAKS = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|\.py\b|"
    r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b|sqlalchemy|asyncpg|psycopg|sqlite3|"
    r"IntegrityError|OperationalError|(?:/usr|/home|/app|/opt|/var|/srv)/[\w./-]+|[A-Z]:\\\w",
)


def _samples(ctx: CheckContext) -> list[tuple[str, httpx.Response]]:
    """A spread of responses: success, 401, 404, 405, 422 and 201."""
    user = ctx.user("sampler")
    item_path = ctx.operation("readItem").url_path(item_id=1)
    return [
        ("health", ctx.call("health")),
        ("readCurrentUser", ctx.call("readCurrentUser")),
        ("readCurrentUser", ctx.call("readCurrentUser", as_=user)),
        ("readItem", ctx.call("readItem", as_=user, path={"item_id": 2**62})),
        ("listItems", ctx.call("listItems", as_=user, params={"limit": 0})),
        ("createItem", ctx.call("createItem", as_=user, json={"title": "sampled"})),
        ("readItem", ctx.raw("PUT", item_path, headers=ctx.identities.headers(user))),
        ("login", ctx.identities.login_response(user.email, "wrong-password")),
    ]


@check(
    "config.request-id",
    risk="Requests cannot be traced through the logs by their X-Request-ID.",
    description="Every response carries X-Request-ID: the client's own when valid, else a new one.",
    owasp=Owasp.API8,
)
def request_id(ctx: CheckContext) -> None:
    for operation, response in _samples(ctx):
        value = response.headers.get("X-Request-ID", "")
        if not _REQUEST_ID.match(value):
            ctx.fail(
                "a response without a valid X-Request-ID",
                expected="X-Request-ID matching ^[A-Za-z0-9._-]{1,64}$",
                seen=repr(value) if value else "no X-Request-ID",
                response=response,
                operation=operation,
            )
    own = f"cf-{uuid.uuid4().hex}"
    echoed = ctx.call("health", headers={"X-Request-ID": own})
    if echoed.headers.get("X-Request-ID") != own:
        ctx.fail(
            "the client's valid X-Request-ID is not echoed",
            expected=own,
            seen=repr(echoed.headers.get("X-Request-ID")),
            response=echoed,
            operation="health",
        )
    bad = "not valid!" + "x" * 80
    replaced = ctx.call("health", headers={"X-Request-ID": bad})
    value = replaced.headers.get("X-Request-ID", "")
    if value == bad or not _REQUEST_ID.match(value):
        ctx.fail(
            "an invalid X-Request-ID is echoed instead of replaced",
            expected="a new id",
            seen=repr(value),
            response=replaced,
            operation="health",
        )


@check(
    "config.nosniff",
    risk="Browsers may guess content types and run a response as a script (no nosniff).",
    description="Every response carries X-Content-Type-Options: nosniff.",
    owasp=Owasp.API8,
)
def nosniff(ctx: CheckContext) -> None:
    for operation, response in _samples(ctx):
        if response.headers.get("X-Content-Type-Options", "").lower() != "nosniff":
            ctx.fail(
                "a response without nosniff",
                expected="X-Content-Type-Options: nosniff",
                seen=repr(response.headers.get("X-Content-Type-Options")),
                response=response,
                operation=operation,
            )


@check(
    "config.cors",
    risk="Any web site can call the API from its visitors' browsers.",
    description=(
        "A foreign origin is not allowed (no reflection), and * is never combined with credentials."
    ),
    owasp=Owasp.API8,
    operations=("readCurrentUser",),
)
def cors(ctx: CheckContext) -> None:
    path = ctx.operation("readCurrentUser").url_path()
    preflight = ctx.raw(
        "OPTIONS",
        path,
        headers={
            "Origin": FOREIGN_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    simple = ctx.call("readCurrentUser", headers={"Origin": FOREIGN_ORIGIN})
    for response in (preflight, simple):
        allowed = response.headers.get("Access-Control-Allow-Origin")
        credentials = response.headers.get("Access-Control-Allow-Credentials", "").lower() == "true"
        if allowed == FOREIGN_ORIGIN or (allowed == "*" and credentials):
            ctx.fail(
                "a foreign origin is allowed" + (" with credentials" if credentials else ""),
                expected="no Access-Control-Allow-Origin for a foreign origin",
                seen=f"Access-Control-Allow-Origin: {allowed}"
                + (", Access-Control-Allow-Credentials: true" if credentials else ""),
                response=response,
                operation="readCurrentUser",
            )


@check(
    "config.error-bodies",
    risk="Error answers leak internals (tracebacks, SQL, file paths) to attackers.",
    description="Error bodies never hold a traceback, SQL, a driver's name or a file path.",
    owasp=Owasp.API8,
    operations=("createItem", "readItem", "login", "createUser"),
)
def error_bodies(ctx: CheckContext) -> None:
    user = ctx.user("breaker")
    auth = ctx.identities.headers(user)
    json_type = {"Content-Type": "application/json"}
    attempts = [
        ("createItem", ctx.call("createItem", headers={**auth, **json_type}, content=b"{not json")),
        (
            "createItem",
            ctx.call("createItem", headers={**auth, **json_type}, content=b"\xff\xfe\x00"),
        ),
        ("createItem", ctx.call("createItem", headers=auth, json={"title": "\u0000"})),
        ("createItem", ctx.call("createItem", headers=auth, json=[1, 2])),
        ("readItem", ctx.call("readItem", headers=auth, path={"item_id": "9" * 30})),
        (
            "readItem",
            ctx.call("readItem", headers=auth, path={"item_id": "'; DROP TABLE items;--"}),
        ),
        (
            "login",
            ctx.call(
                "login",
                content=b"username=%ff%fe&password=x",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ),
        ),
        ("createUser", ctx.call("createUser", json={"email": "a@b.c", "password": 12345678})),
    ]
    for operation, response in attempts:
        if response.status_code >= 400:
            match = _LEAKS.search(response.text)
            if match:
                ctx.fail(
                    "an error body leaks internals",
                    expected="a plain message",
                    seen=f"{match.group(0)!r} in {response.text[:200]!r}",
                    response=response,
                    operation=operation,
                )


@check(
    "config.malformed-body",
    risk="A malformed body crashes the handler instead of getting a clean 4xx.",
    description=(
        "A body that is not JSON is 422, and one that is not UTF-8 is 400 or 422; never 5xx."
    ),
    owasp=Owasp.API8,
    operations=("createItem",),
)
def malformed_body(ctx: CheckContext) -> None:
    user = ctx.user("malformed")
    headers = {**ctx.identities.headers(user), "Content-Type": "application/json"}
    for content, allowed in ((b"{not json", {422}), (b'{"title": "\xff\xfe"}', {400, 422})):
        response = ctx.call("createItem", headers=headers, content=content)
        ctx.expect_status(
            response, allowed, operation="createItem", title="a malformed body was not refused"
        )


@check(
    "config.unknown-path-and-method",
    risk="Unknown paths or methods are not answered as the contract says (404, 405 with Allow).",
    description="An unknown path is 404, and a method a path does not support is 405 with Allow.",
    owasp=Owasp.API8,
    operations=("readItem",),
)
def unknown_path_and_method(ctx: CheckContext) -> None:
    missing = ctx.raw("GET", "/api/v1/no-such-path-" + uuid.uuid4().hex[:8])
    ctx.expect_status(missing, 404, operation=None, title="an unknown path is not 404")
    user = ctx.user("method")
    path = ctx.operation("readItem").url_path(item_id=1)
    response = ctx.raw("PUT", path, headers=ctx.identities.headers(user))
    ctx.expect_status(response, 405, operation="readItem", title="an unsupported method is not 405")
    allow = {method.strip().upper() for method in response.headers.get("Allow", "").split(",")}
    if not {"GET", "PATCH", "DELETE"} <= allow:
        ctx.fail(
            "a 405 without the right Allow header",
            expected="Allow: GET, PATCH, DELETE",
            seen=repr(response.headers.get("Allow")),
            response=response,
            operation="readItem",
        )
