"""Authentication: only valid access tokens pass; refresh tokens rotate; logout revokes.

The token probes (missing, garbage, tampered, unsigned, expired and refresh tokens) run on
every operation whose `security` requires credentials (one without the empty alternative
`{}`): the declared security is itself the promise that a bad credential is not served.
Each answer must be a refusal, a 4xx (401 and 403 refuse; a 404 that hides a resource or
a 400/422 of a validation that runs first serves nothing either), never a 2xx, nor a 5xx;
where the operation documents 401, exactly 401, with the challenge of the run's scheme
(`WWW-Authenticate: Bearer`, `Token`, ...) where that 401 documents the header. Every
probe presents its credential as the run presents all of them (`CheckContext.send`'s
`token=`: the spec's security scheme, or `[auth]`).

The expiry check reads how long an access token lives from its `exp` (less its `iat`, or
the clock) and from the lifetime the token answer gives, the longer of them; it judges
tokens that live at most `_LONGEST_LIFETIME` seconds, by waiting for one to expire. It is
a waiting check: the runner starts it first, on a thread of its own, so the wait passes
while the other checks run.

Rotation, reuse and logout go through the spec's refresh and logout roles, with the token
fields the contract model found; the password change through the accounts resource's
update, where its body takes a secret. Each is judged only where the spec has what it
needs, else skipped with the reason.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx

from ...contract import Contract, Operation, RoleName, accounts
from ...contract.roles import is_secret
from ..context import CheckContext
from ..identities import Identity, IdentityError
from ..probes import probe_request
from ..registry import Need, Owasp, check
from ..targets import Targets, also_needs, of_roles, secured

# The expiry check judges tokens that live at most this long (it waits for one to expire),
# and uses the token this long after its expiry (a token's `exp` is in whole seconds).
_LONGEST_LIFETIME = 60.0
_LEEWAY = 1.5


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _jwt(ctx: CheckContext, token: str) -> tuple[str, str, str, dict[str, Any]]:
    """The three segments of a JWT and its claims; skips the check for a token of another kind."""
    claims = accounts.jwt_claims(token)
    if claims is None:
        ctx.skip("the access token is not a JWT, so it cannot be altered")
    header, payload, signature = token.split(".")
    return header, payload, signature, claims


def _probed(ctx: CheckContext) -> list[Operation]:
    """Every operation that requires credentials: each promises to refuse a bad one.

    Deletes go last, the account's own deletion very last: an API that accepts a forged
    token there deletes the account the token names, and every later probe would meet a
    refusal for that reason instead of its own.
    """
    names = set(secured(ctx.spec))
    found = [operation for operation in ctx.spec if operation.operation_id in names]
    if not found:
        ctx.skip("no operation of the spec requires credentials (declares `security`)")
    closing = ctx.spec.roles.get(RoleName.DELETE_ACCOUNT)
    return sorted(found, key=lambda op: (op is closing, op.method == "delete"))


def _probe(ctx: CheckContext, token: str | None, what: str) -> None:
    """Every probed operation refuses this credential (see `_refused`), presented as the
    run presents every credential (the spec's scheme, or `[auth]`); None sends none.

    An account of the run's is signed in first, where it can be, as on any live
    deployment: an API that takes a bad credential for some account's has one to pick.
    """
    if ctx.identities.can_sign_up:
        try:
            ctx.identities.sign_up("bystander")
        except IdentityError:
            pass  # The checks that need an account say why; the probes need none.
    for operation in _probed(ctx):
        with ctx.on(operation):
            response = ctx.send(operation, token=token, **probe_request(ctx, operation))
            _refused(ctx, response, operation, f"{what} was not refused")


def _refused(ctx: CheckContext, response: httpx.Response, operation: Operation, title: str) -> None:
    """A credential the operation must not take: a 4xx; where the operation documents 401,
    exactly 401 (and its challenge)."""
    ctx.expect_refused(response, operation, 401, title=title)
    if operation.documents(401):
        _expect_401(ctx, response, operation.operation_id, title)


def _expect_401(ctx: CheckContext, response: httpx.Response, operation: str, title: str) -> None:
    ctx.expect_status(response, 401, operation=operation, title=title)
    documented = ctx.spec.operations.get(operation)
    refusal = documented.response(401) if documented is not None else None
    if refusal is not None and "www-authenticate" not in refusal.headers:
        return  # The spec promises no challenge on this operation's 401.
    ctx.expect_challenge(response, operation=operation, refusal="a 401 without a")


_REFUSED = (
    "a refusal (a 4xx; where the operation documents 401, 401 and the challenge it documents)"
)


@check(
    "authn.missing-token",
    targets=secured,
    risk="An operation that requires credentials serves a request that has none.",
    description=f"A request without a token gets {_REFUSED}.",
    owasp=Owasp.API2,
)
def missing_token(ctx: CheckContext) -> None:
    _probe(ctx, None, "a request without a token")


@check(
    "authn.garbage-token",
    targets=secured,
    risk="A token that is not a JWT at all is taken as a credential.",
    description=f"A token that is not a JWT gets {_REFUSED}.",
    owasp=Owasp.API2,
)
def garbage_token(ctx: CheckContext) -> None:
    _probe(ctx, "not-a-token", "a garbage token")


def _other_subject(claims: dict[str, Any], others: dict[str, Any]) -> object:
    """Another account's `sub` (the forgery an attacker makes), else an altered one."""
    theirs = others.get("sub")
    if theirs is not None and theirs != claims.get("sub"):
        return theirs
    subject = str(claims.get("sub", "1"))
    return str(int(subject) + 1) if subject.isdigit() else subject + "x"


@check(
    "authn.tampered-signature",
    setup=(Need.ACCOUNT,),
    targets=secured,
    risk="Anyone can forge a token by editing its claims: the signature is not verified.",
    description="An access token whose payload was edited to name another account, or "
    f"whose signature was altered, gets {_REFUSED}.",
    owasp=Owasp.API2,
)
def tampered_signature(ctx: CheckContext) -> None:
    user, other = ctx.user("tamper"), ctx.user("tampered")
    header, payload, signature, claims = _jwt(ctx, ctx.identities.token(user))
    others = accounts.jwt_claims(ctx.identities.token(other)) or {}
    forged_claims = {**claims, "sub": _other_subject(claims, others)}
    forged = f"{header}.{_b64(json.dumps(forged_claims).encode())}.{signature}"
    _probe(ctx, forged, "a token edited to name another account")
    flipped = _b64(bytes(byte ^ 0x55 for byte in _unb64(signature)))
    _probe(ctx, f"{header}.{payload}.{flipped}", "a token with an altered signature")


@check(
    "authn.alg-none",
    setup=(Need.ACCOUNT,),
    targets=secured,
    risk="Anyone can sign in as any user with an unsigned token (alg: none).",
    description=f"An unsigned token (alg: none) with valid claims gets {_REFUSED}.",
    owasp=Owasp.API2,
)
def alg_none(ctx: CheckContext) -> None:
    user = ctx.user("algnone")
    _, payload, _, _ = _jwt(ctx, ctx.identities.token(user))
    for alg in ("none", "None", "NONE"):
        header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        _probe(ctx, f"{header}.{payload}.", f"an alg: {alg} token")


def _expiry(ctx: CheckContext, token: str, user: Identity) -> tuple[float, str] | None:
    """When a just-issued access token expires (monotonic clock), and what says so.

    Its `exp` (less its `iat`, else against this machine's clock) and the lifetime the
    token answer gives: the later of them, so that a token is never used before any of its
    own statements lets it expire. None when neither says.
    """
    issued = user.expires_at - user.lifetime  # When the token answer came.
    found: list[tuple[float, str]] = []
    claimed = accounts.claimed_lifetime(accounts.jwt_claims(token) or {})
    if claimed is not None:
        found.append((issued + claimed, "its exp"))
    creds = ctx.spec.roles.credentials
    if creds is not None and creds.expires_field:
        found.append((user.expires_at, f"the token answer's {creds.expires_field}"))
    return max(found) if found else None


def _duration(seconds: float) -> str:
    """`20 s`, `15 min`, `8 days`: a token's lifetime, for a reason."""
    for unit, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


@check(
    "authn.expired-token",
    setup=(Need.ACCOUNT,),
    targets=secured,
    risk="An access token keeps working after it expires, so a leaked one never stops working.",
    description="An access token used after it expired (by its `exp` claim, or the lifetime "
    f"the token answer gives) gets {_REFUSED}; judged where tokens live at most "
    f"{_LONGEST_LIFETIME:.0f} s: the check waits for the expiry, beside the other checks.",
    owasp=Owasp.API2,
    waits=True,
)
def expired_token(ctx: CheckContext) -> None:
    _probed(ctx)
    user = ctx.user("expiring")
    token = ctx.identities.token(user)
    expiry = _expiry(ctx, token, user)
    if expiry is None:
        ctx.skip("neither the token nor the token answer says when it expires")
    expires, said_by = expiry
    lifetime = expires - (user.expires_at - user.lifetime)
    if lifetime > _LONGEST_LIFETIME:
        ctx.skip(
            f"access tokens live {_duration(lifetime)} (by {said_by}), longer than this check "
            f"waits ({_LONGEST_LIFETIME:.0f} s): a deployment with shorter-lived tokens "
            "shows expiry"
        )
    time.sleep(max(expires - time.monotonic(), 0.0) + _LEEWAY)
    _probe(ctx, token, f"a token {_LEEWAY} s past its expiry (by {said_by})")


@check(
    "authn.refresh-as-access",
    setup=(Need.ACCOUNT,),
    targets=also_needs(RoleName.REFRESH, secured),
    risk="A long-lived refresh token works as an access token, so a stolen one opens every door.",
    description=f"A refresh token used as an access token gets {_REFUSED}.",
    owasp=Owasp.API2,
)
def refresh_as_access(ctx: CheckContext) -> None:
    ctx.role(RoleName.REFRESH)
    _, token = _fresh_pair(ctx, "refresher")
    _probe(ctx, token, "a refresh token used as an access token")


@check(
    "authn.access-as-refresh",
    setup=(Need.ACCOUNT,),
    targets=of_roles(RoleName.REFRESH),
    risk="An access token can mint new token pairs, so a leaked one never expires.",
    description="An access token is refused by the refresh operation (a 4xx; 401 where it "
    "documents 401).",
    owasp=Owasp.API2,
)
def access_as_refresh(ctx: CheckContext) -> None:
    refresh = ctx.role(RoleName.REFRESH)
    user = ctx.user("accessor")
    with ctx.on(refresh):
        response = _refresh(ctx, ctx.identities.token(user))
        _refused(ctx, response, refresh, "an access token refreshed")


def _refresh(ctx: CheckContext, token: str) -> httpx.Response:
    """Send a refresh token to the spec's refresh operation."""
    refresh = ctx.role(RoleName.REFRESH)
    creds = ctx.spec.roles.credentials
    field = (creds.refresh_request_field if creds else None) or "refresh_token"
    return ctx.send(refresh, json={field: token})


def _fresh_pair(ctx: CheckContext, label: str) -> tuple[Identity, str]:
    """A new account and the refresh token its login answered; skips without one."""
    user = ctx.user(label)
    ctx.identities.token(user)
    if not user.refresh_token:
        ctx.skip("the token operation answered no refresh token")
    return user, user.refresh_token


def _rotates(contract: Contract) -> list[str]:
    """The refresh operation, when its answer documents a new refresh token."""
    refresh = contract.roles.get(RoleName.REFRESH)
    creds = contract.roles.credentials
    answered = refresh.success.properties if refresh is not None and refresh.success else {}
    if refresh is None or creds is None or creds.refresh_field not in answered:
        return []
    return [refresh.operation_id]


_ROTATES = Targets("a refresh operation whose answer documents a new refresh token", _rotates)


def _rotating(ctx: CheckContext) -> Operation:
    """The refresh operation, when its answer documents a new refresh token; else a skip."""
    refresh = ctx.role(RoleName.REFRESH)
    if not _rotates(ctx.spec):
        ctx.skip(f"{refresh.operation_id} answers no new refresh token: nothing rotates")
    return refresh


def _rotate_fresh_pair(ctx: CheckContext, label: str) -> tuple[str, httpx.Response, object]:
    """Refresh a new account's token once: the token used, the answer, the token issued."""
    refresh = _rotating(ctx)
    _, first = _fresh_pair(ctx, label)
    response = _refresh(ctx, first)
    ctx.expect_success(response, refresh, title="a fresh refresh token failed")
    creds = ctx.spec.roles.credentials
    field = creds.refresh_field if creds is not None else None
    body = ctx.json_object(response, operation=refresh.operation_id)
    return first, response, body.get(field or "")


@check(
    "authn.refresh-rotation",
    setup=(Need.ACCOUNT,),
    targets=_ROTATES,
    risk="A refresh token keeps working after use, so a stolen one stays valid.",
    description="Where the refresh operation answers a new refresh token: it is another "
    "token, and the refresh token used is revoked (rotation).",
    owasp=Owasp.API2,
)
def refresh_rotation(ctx: CheckContext) -> None:
    refresh = ctx.role(RoleName.REFRESH)
    with ctx.on(refresh):
        first, response, second = _rotate_fresh_pair(ctx, "rotator")
        if not isinstance(second, str) or second == first:
            ctx.fail(
                "refreshing did not issue a new refresh token",
                expected="a refresh token other than the one used",
                seen=repr(second)[:80],
                response=response,
                operation=refresh.operation_id,
            )
        _refused(ctx, _refresh(ctx, first), refresh, "a used refresh token refreshed again")


@check(
    "authn.refresh-reuse-revokes",
    setup=(Need.ACCOUNT,),
    targets=_ROTATES,
    risk="A stolen refresh token that is replayed does not end the victim's sessions.",
    description="Reusing a revoked refresh token revokes every refresh token of that user "
    "(where the refresh operation rotates).",
    owasp=Owasp.API2,
)
def refresh_reuse_revokes(ctx: CheckContext) -> None:
    refresh = ctx.role(RoleName.REFRESH)
    with ctx.on(refresh):
        first, _, second = _rotate_fresh_pair(ctx, "reuser")
        _refresh(ctx, first)  # The theft signal: a revoked token comes back.
        _refused(
            ctx,
            _refresh(ctx, str(second)),
            refresh,
            "the newer token survived the reuse of a revoked one",
        )


def _logout(ctx: CheckContext, logout: Operation, user: Identity, token: str) -> httpx.Response:
    creds = ctx.spec.roles.credentials
    field = (creds.logout_request_field if creds else None) or "refresh_token"
    body = {field: token} if logout.body is not None else None
    return ctx.send(logout, as_=user if logout.secured else None, json=body)


@check(
    "authn.logout-revokes",
    setup=(Need.ACCOUNT,),
    targets=also_needs(RoleName.REFRESH, of_roles(RoleName.LOGOUT)),
    risk="Signing out does not end the session: the refresh token still works.",
    description="After logout (a documented 2xx) the refresh token no longer refreshes; a "
    "second logout is answered a success too, or a refusal the logout documents.",
    owasp=Owasp.API2,
)
def logout_revokes(ctx: CheckContext) -> None:
    logout = ctx.role(RoleName.LOGOUT)
    refresh = ctx.role(RoleName.REFRESH)
    with ctx.on(logout):
        user, token = _fresh_pair(ctx, "leaving")
        response = _logout(ctx, logout, user, token)
        ctx.expect_success(response, logout, title="logout failed")
        again = _logout(ctx, logout, user, token)
        refusals = {code for code in (401, 404) if str(code) in logout.statuses}
        if again.status_code not in refusals:
            ctx.expect_success(again, logout, title="a second logout was not answered as the first")
        _refused(ctx, _refresh(ctx, token), refresh, "a logged-out refresh token refreshed")


def _password_change(ctx: CheckContext) -> tuple[Operation, str]:
    """The account's update, and the secret field its request takes; else a skip."""
    update = _account_update(ctx.spec)
    if update is None or update.body is None:
        ctx.skip("the spec has no account update whose body takes a password-like field")
    creds = ctx.spec.roles.credentials
    preferred = creds.signup_secret if creds is not None else None
    secrets = [n for n, schema in update.body.properties.items() if is_secret(n, schema)]
    return update, preferred if preferred in secrets else secrets[0]


@check(
    "authn.password-change-revokes",
    setup=(Need.ACCOUNT, Need.ACCESS),
    targets=Targets(
        "an update of the accounts whose body has a secret field",
        lambda contract: [op.operation_id for op in (_account_update(contract),) if op],
    ),
    risk="Changing a password does not lock out whoever held the old sessions.",
    description="Changing the password through the account's update (where its body takes "
    "a secret) makes only the new password log in, and revokes the account's refresh tokens "
    "(where the spec has a refresh operation).",
    owasp=Owasp.API2,
)
def password_change_revokes(ctx: CheckContext) -> None:
    update, secret = _password_change(ctx)
    token = ctx.role(RoleName.TOKEN)
    with ctx.on(update):
        user = ctx.user("changer")
        ctx.identities.token(user)
        held = user.refresh_token
        old, new = user.password, accounts.password_for(ctx.spec.roles)
        account = ctx.spec.resource(ctx.spec.roles.account_resource or "")
        path = (
            {account.id_param: user.user_id}
            if account is not None and account.id_param is not None
            else {}
        )
        # Other secrets it requires (the current password, a confirmation) get the old one.
        fields = update.body.properties if update.body is not None else {}
        required = update.body.required_fields if update.body is not None else frozenset()
        body = {n: old for n in required if n != secret and is_secret(n, fields.get(n, {}))}
        # Where only the admin may change accounts, the admin changes it (`act`).
        response, _ = ctx.act(update, user, path=path, json={**body, secret: new})
        ctx.require_allowed(response, update)
        ctx.expect_success(response, update, title="a password change failed")
        user.password = new
        if held and ctx.spec.roles.get(RoleName.REFRESH) is not None:
            _refused(
                ctx,
                _refresh(ctx, held),
                ctx.role(RoleName.REFRESH),
                "a refresh token survived a password change",
            )
        stale = ctx.login_response(user.email, old)
        ctx.expect_refused(stale, token, 401, title="the old password still logs in")
        fresh = ctx.login_response(user.email, new)
        ctx.expect_success(fresh, token, title="the new password does not log in")


def _account_update(contract: Contract) -> Operation | None:
    """The update of the accounts resource, when its body takes a secret (for `inspect`)."""
    account = contract.resource(contract.roles.account_resource or "")
    update = account.update if account is not None else None
    if update is None or update.body is None:
        return None
    fields = update.body.properties
    return update if any(is_secret(name, schema) for name, schema in fields.items()) else None


def _no_store_promised(contract: Contract) -> list[str]:
    """The token and refresh operations whose success documents Cache-Control."""
    found = [contract.roles.get(RoleName.TOKEN), contract.roles.get(RoleName.REFRESH)]
    return [
        op.operation_id
        for op in found
        if op is not None and op.success is not None and "cache-control" in op.success.headers
    ]


@check(
    "authn.token-no-store",
    setup=(Need.ACCOUNT,),
    targets=Targets("a token or refresh answer that documents Cache-Control", _no_store_promised),
    risk="Tokens may be kept by caches and proxies between the client and the API.",
    description="Token responses (login, refresh) that document Cache-Control carry no-store.",
    owasp=Owasp.API8,
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
