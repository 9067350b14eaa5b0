"""Authentication: only valid access tokens pass; refresh tokens rotate; logout revokes."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from ...contract import Operation, RoleName, schemas
from ..context import CheckContext
from ..guard import nowhere
from ..identities import Identity
from ..registry import Owasp, check
from ..targets import also_needs, of_roles, secured

# The probes name every secured operation of the spec (see `_probed`), not these; the
# registry lists no operations for them, so that they are planned on any spec.
_PROBED: tuple[str, ...] = ()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _jwt(ctx: CheckContext, token: str) -> tuple[str, str, str, dict[str, Any]]:
    """The three segments of a JWT and its claims; skips the check for a token of another kind."""
    parts = token.split(".")
    try:
        claims = json.loads(_unb64(parts[1])) if len(parts) == 3 else None
    except ValueError:
        claims = None
    if not isinstance(claims, dict):
        ctx.skip("the access token is not a JWT, so it cannot be altered")
    return parts[0], parts[1], parts[2], claims


def _probed(ctx: CheckContext) -> list[Operation]:
    """Every secured operation that documents 401: each promises to refuse a bad token."""
    found = [operation for operation in ctx.spec if operation.secured and operation.documents(401)]
    if not found:
        ctx.skip("no secured operation of the spec documents a 401")
    return found


def _probe_request(ctx: CheckContext, operation: Operation) -> dict[str, Any]:
    """A request the operation would accept but for its credentials: valid body, ids of nothing.

    Path ids name no row (as the write guard's do), so that a deployment that ignores the
    credential changes nothing of anyone's.
    """
    named = dict(ctx.spec.rows_named(operation))
    path = {
        parameter.name: nowhere(named[parameter.name])
        if parameter.name in named
        else schemas.sample(parameter.schema, hint="cf-probe")
        for parameter in operation.path_parameters
    }
    request: dict[str, Any] = {"path": path}
    if operation.body is not None:
        body = schemas.sample(operation.body.schema, hint=f"cf-{ctx.identities.run_tag}-probe")
        request["data" if operation.body.is_form else "json"] = body
    return request


def _probe(ctx: CheckContext, authorization: str | None, what: str) -> None:
    """Every probed operation answers 401 (with its documented challenge) to this credential."""
    headers = {"Authorization": authorization} if authorization is not None else {}
    for operation in _probed(ctx):
        with ctx.on(operation):
            response = ctx.send(operation, headers=headers, **_probe_request(ctx, operation))
            _expect_401(ctx, response, operation.operation_id, f"{what} was not refused")


def _expect_401(ctx: CheckContext, response: httpx.Response, operation: str, title: str) -> None:
    ctx.expect_status(response, 401, operation=operation, title=title)
    documented = ctx.spec.operations.get(operation)
    refusal = documented.response(401) if documented is not None else None
    if refusal is not None and "www-authenticate" not in refusal.headers:
        return  # The spec promises no challenge on this operation's 401.
    challenge = response.headers.get("WWW-Authenticate", "")
    if not challenge.startswith("Bearer"):
        ctx.fail(
            "a 401 without a Bearer challenge",
            expected="WWW-Authenticate: Bearer",
            seen=repr(challenge) if challenge else "no WWW-Authenticate header",
            response=response,
            operation=operation,
        )


@check(
    "authn.missing-token",
    targets=secured,
    risk="A request without a token is not refused as the contract says (401, Bearer challenge).",
    description="A request without a token is 401 with WWW-Authenticate: Bearer.",
    owasp=Owasp.API2,
    operations=_PROBED,
)
def missing_token(ctx: CheckContext) -> None:
    _probe(ctx, None, "a request without a token")


@check(
    "authn.garbage-token",
    targets=secured,
    risk="A token that is not a JWT at all is not refused as the contract says.",
    description="A token that is not a JWT is 401 with WWW-Authenticate: Bearer.",
    owasp=Owasp.API2,
    operations=_PROBED,
)
def garbage_token(ctx: CheckContext) -> None:
    _probe(ctx, "Bearer not-a-token", "a garbage token")


@check(
    "authn.tampered-signature",
    targets=secured,
    risk="Anyone can forge a token by editing its claims: the signature is not verified.",
    description="An access token whose payload or signature was altered is 401.",
    owasp=Owasp.API2,
    operations=_PROBED,
)
def tampered_signature(ctx: CheckContext) -> None:
    user = ctx.user("tamper")
    header, payload, signature, claims = _jwt(ctx, ctx.identities.token(user))
    subject = str(claims.get("sub", "1"))
    forged_claims = {**claims, "sub": str(int(subject) + 1) if subject.isdigit() else subject + "x"}
    forged = f"{header}.{_b64(json.dumps(forged_claims).encode())}.{signature}"
    _probe(ctx, f"Bearer {forged}", "a token with an altered payload")
    flipped = _b64(bytes(byte ^ 0x55 for byte in _unb64(signature)))
    _probe(ctx, f"Bearer {header}.{payload}.{flipped}", "a token with an altered signature")


@check(
    "authn.alg-none",
    targets=secured,
    risk="Anyone can sign in as any user with an unsigned token (alg: none).",
    description="An unsigned token (alg: none) with valid claims is 401.",
    owasp=Owasp.API2,
    operations=_PROBED,
)
def alg_none(ctx: CheckContext) -> None:
    user = ctx.user("algnone")
    _, payload, _, _ = _jwt(ctx, ctx.identities.token(user))
    for alg in ("none", "None", "NONE"):
        header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        _probe(ctx, f"Bearer {header}.{payload}.", f"an alg: {alg} token")


@check(
    "authn.refresh-as-access",
    targets=also_needs(RoleName.REFRESH, secured),
    risk="A long-lived refresh token works as an access token, so a stolen one opens every door.",
    description="A refresh token is never accepted as an access token (401).",
    owasp=Owasp.API2,
    operations=_PROBED,
)
def refresh_as_access(ctx: CheckContext) -> None:
    ctx.role(RoleName.REFRESH)
    user = ctx.user("refresher")
    ctx.identities.token(user)
    if not user.refresh_token:
        ctx.skip("the token operation answered no refresh token")
    _probe(ctx, f"Bearer {user.refresh_token}", "a refresh token used as an access token")


@check(
    "authn.access-as-refresh",
    targets=of_roles(RoleName.REFRESH),
    risk="An access token can mint new token pairs, so a leaked one never expires.",
    description="An access token is refused by the refresh operation (401).",
    owasp=Owasp.API2,
    operations=("refreshTokens",),
)
def access_as_refresh(ctx: CheckContext) -> None:
    refresh = ctx.role(RoleName.REFRESH)
    user = ctx.user("accessor")
    with ctx.on(refresh):
        response = _refresh(ctx, ctx.identities.token(user))
        _expect_401(ctx, response, refresh.operation_id, "an access token refreshed")


def _refresh(ctx: CheckContext, token: str) -> httpx.Response:
    """Send a refresh token to the spec's refresh operation."""
    refresh = ctx.role(RoleName.REFRESH)
    creds = ctx.spec.roles.credentials
    field = (creds.refresh_request_field if creds else None) or "refresh_token"
    return ctx.send(refresh, json={field: token})


def _fresh_pair(ctx: CheckContext, label: str) -> tuple[Identity, str]:
    user = ctx.user(label)
    ctx.identities.token(user)
    return user, user.refresh_token


def _rotate_fresh_pair(ctx: CheckContext, label: str) -> tuple[str, httpx.Response, object]:
    """Refresh a new account's token once: the token used, the answer, the token issued."""
    _, first = _fresh_pair(ctx, label)
    response = _refresh(ctx, first)
    ctx.expect_status(
        response, 200, operation="refreshTokens", title="a fresh refresh token failed"
    )
    return (
        first,
        response,
        ctx.json_object(response, operation="refreshTokens").get("refresh_token"),
    )


@check(
    "authn.refresh-rotation",
    risk="A refresh token keeps working after use, so a stolen one stays valid.",
    description="Refreshing answers a new pair, and the refresh token used is revoked (rotation).",
    owasp=Owasp.API2,
    operations=("refreshTokens",),
)
def refresh_rotation(ctx: CheckContext) -> None:
    first, response, second = _rotate_fresh_pair(ctx, "rotator")
    if not isinstance(second, str) or second == first:
        ctx.fail(
            "refreshing did not issue a new refresh token",
            expected="a refresh token other than the one used",
            seen=repr(second)[:80],
            response=response,
            operation="refreshTokens",
        )
    again = _refresh(ctx, first)
    _expect_401(ctx, again, "refreshTokens", "a used refresh token refreshed again")


@check(
    "authn.refresh-reuse-revokes",
    risk="A stolen refresh token that is replayed does not end the victim's sessions.",
    description="Reusing a revoked refresh token revokes every refresh token of that user.",
    owasp=Owasp.API2,
    operations=("refreshTokens",),
)
def refresh_reuse_revokes(ctx: CheckContext) -> None:
    first, _, second = _rotate_fresh_pair(ctx, "reuser")
    _refresh(ctx, first)  # The theft signal: a revoked token comes back.
    after = _refresh(ctx, str(second))
    _expect_401(ctx, after, "refreshTokens", "the newer token survived the reuse of a revoked one")


@check(
    "authn.logout-revokes",
    risk="Signing out does not end the session: the refresh token still works.",
    description="After logout (204) the refresh token no longer refreshes; logout is idempotent.",
    owasp=Owasp.API2,
    operations=("logout", "refreshTokens"),
)
def logout_revokes(ctx: CheckContext) -> None:
    _, token = _fresh_pair(ctx, "leaving")
    for attempt in ("logout", "a second logout"):
        response = ctx.call("logout", json={"refresh_token": token})
        ctx.expect_status(response, 204, operation="logout", title=f"{attempt} did not answer 204")
    _expect_401(ctx, _refresh(ctx, token), "logout", "a logged-out refresh token refreshed")


@check(
    "authn.password-change-revokes",
    risk="Changing a password does not lock out whoever held the old sessions.",
    description=(
        "Changing the password revokes the account's refresh tokens; only the new password logs in."
    ),
    owasp=Owasp.API2,
    operations=("updateUser", "refreshTokens", "login"),
)
def password_change_revokes(ctx: CheckContext) -> None:
    user, token = _fresh_pair(ctx, "changer")
    old, new = user.password, user.password + "-changed"
    response = ctx.call(
        "updateUser", as_=user, path={"user_id": user.user_id}, json={"password": new}
    )
    ctx.expect_status(response, 200, operation="updateUser", title="a password change failed")
    user.password = new
    _expect_401(
        ctx, _refresh(ctx, token), "updateUser", "a refresh token survived a password change"
    )
    stale = ctx.login_response(user.email, old)
    ctx.expect_status(stale, 401, operation="login", title="the old password still logs in")
    fresh = ctx.login_response(user.email, new)
    ctx.expect_status(fresh, 200, operation="login", title="the new password does not log in")


@check(
    "authn.token-no-store",
    targets=of_roles(RoleName.TOKEN, RoleName.REFRESH),
    risk="Tokens may be kept by caches and proxies between the client and the API.",
    description="Token responses (login, refresh) carry Cache-Control: no-store.",
    owasp=Owasp.API8,
    operations=("login", "refreshTokens"),
)
def token_no_store(ctx: CheckContext) -> None:
    token = ctx.role(RoleName.TOKEN)
    refresh = ctx.spec.roles.get(RoleName.REFRESH)
    promised = [
        operation
        for operation in (token, refresh)
        if operation is not None
        and operation.success is not None
        and "cache-control" in operation.success.headers
    ]
    if not promised:
        ctx.skip("no token answer documents a Cache-Control header")
    user = ctx.user("cacher")
    for operation in promised:
        with ctx.on(operation):
            if operation is token:
                response = ctx.login_response(user.email, user.password)
            else:
                ctx.identities.token(user)
                response = _refresh(ctx, user.refresh_token)
            ctx.expect_success(response, operation, title="the token operation failed")
            if "no-store" not in response.headers.get("Cache-Control", ""):
                ctx.fail(
                    "a token response may be cached",
                    expected="Cache-Control: no-store",
                    seen=repr(response.headers.get("Cache-Control")),
                    response=response,
                    operation=operation.operation_id,
                )
