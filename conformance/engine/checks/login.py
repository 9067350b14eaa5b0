"""Login: no user enumeration, and repeated failures are throttled, on the spec's token role.

The token operation is the one the contract model found (an OAuth2 `tokenUrl`, or an
operation answering an access token), whatever it is called. Each promise is judged only
where the spec makes it: throttling where the token operation documents a 429, a
challenge (of the run's scheme: Bearer, Token, ...) where its refusal documents
`WWW-Authenticate`.
"""

from __future__ import annotations

from ...contract import Contract, Operation, RoleName, accounts
from ...contract.roles import current_secret
from ..context import CheckContext
from ..registry import Need, Owasp, check
from ..targets import Targets, found_by, of_roles

# Failed attempts the contract allows before 429 (5), plus a margin for a stricter deployment.
_MAX_ATTEMPTS = 12


@check(
    "login.no-enumeration",
    setup=(Need.ACCOUNT,),
    targets=of_roles(RoleName.TOKEN),
    risk="Login answers tell which accounts exist.",
    description="An unknown account and a wrong password get the same refusal: status, body "
    "and (where documented) WWW-Authenticate challenge.",
    owasp=Owasp.API2,
)
def no_enumeration(ctx: CheckContext) -> None:
    token = ctx.role(RoleName.TOKEN)
    with ctx.on(token):
        user = ctx.user("enumerated")
        # Both credentials fit the token operation's schema, so that neither is refused
        # for its shape: a fresh password, an identifier made as the run's own are.
        wrong = ctx.login_response(user.email, accounts.password_for(ctx.spec.roles))
        unknown = ctx.login_response(ctx.identities.email_for("nobody"), user.password)
        refusal = token.response(401)
        ctx.expect_refused(wrong, token, 401, title="a wrong password was not refused")
        compared = [
            ("status", wrong.status_code, unknown.status_code),
            ("body", wrong.text, unknown.text),
        ]
        challenge = refusal is not None and "www-authenticate" in refusal.headers
        if challenge:
            compared.append(
                (
                    "WWW-Authenticate",
                    wrong.headers.get("WWW-Authenticate"),
                    unknown.headers.get("WWW-Authenticate"),
                )
            )
        for name, a, b in compared:
            if a != b:
                ctx.fail(
                    f"login tells an unknown account from a wrong password by its {name}",
                    expected=f"the same {name} as for a wrong password: {a!r}"[:300],
                    seen=repr(b)[:300],
                    response=unknown,
                    operation=token.operation_id,
                )
        if challenge:
            ctx.expect_challenge(
                wrong, operation=token.operation_id, refusal="a failed login has no"
            )


def _throttled(contract: Contract) -> list[str]:
    """The token operation, where it documents a 429."""
    token = contract.roles.get(RoleName.TOKEN)
    return [token.operation_id] if token is not None and token.response(429) else []


@check(
    "login.rate-limit",
    setup=(Need.ACCOUNT,),
    targets=Targets("a token operation that documents 429", _throttled),
    risk="Passwords can be guessed without limit: failed logins are not throttled.",
    description="Where the token operation documents 429, repeated failed logins for one "
    "account are throttled with 429 (and Retry-After where documented), tried on the run's "
    "own throwaway account.",
    owasp=Owasp.API4,
)
def rate_limit(ctx: CheckContext) -> None:
    token = ctx.role(RoleName.TOKEN)
    with ctx.on(token):
        throttled = token.response(429)
        if throttled is None:
            ctx.skip(f"{token.operation_id} documents no 429: the spec promises no throttling")
        user = ctx.user("throttled")
        wrong = accounts.password_for(ctx.spec.roles)
        response = None
        for _ in range(_MAX_ATTEMPTS):
            response = ctx.login_response(user.email, wrong)
            if response.status_code == 429:
                break
        assert response is not None
        ctx.expect_status(
            response,
            429,
            operation=token.operation_id,
            title=f"{_MAX_ATTEMPTS} failed logins in a row were never throttled",
        )
        retry = response.headers.get("Retry-After", "")
        if "retry-after" in throttled.headers and (not retry.isdigit() or int(retry) < 1):
            ctx.fail(
                "a 429 without a usable Retry-After",
                expected="Retry-After: <seconds>",
                seen=repr(retry) if retry else "no Retry-After header",
                response=response,
                operation=token.operation_id,
            )


def _password_changes(contract: Contract) -> list[Operation]:
    """Every write whose body takes the current password beside a new secret."""
    return [operation for operation in contract if current_secret(operation) is not None]


@check(
    "login.current-password",
    setup=(Need.ACCOUNT,),
    targets=found_by(
        "a write whose body takes the current password (a secret field named current, old "
        "or existing) beside another secret",
        _password_changes,
    ),
    risk="Whoever holds a session (a borrowed device, a stolen token) sets a new password "
    "and takes the account over.",
    description="A change whose body takes the current password refuses a wrong one (a 4xx), "
    "and the account's password stays what it was (it still logs in, where the spec has a "
    "token operation).",
    owasp=Owasp.API2,
)
def current_password(ctx: CheckContext) -> None:
    found = _password_changes(ctx.spec)
    if not found:
        ctx.skip("the spec has no write whose body takes the current password")
    for operation in found:
        with ctx.on(operation):
            fields = current_secret(operation)
            assert fields is not None
            current, others = fields
            user = ctx.user("guarded")
            path = _own_path(ctx, operation, user.user_id)
            wrong, new = (
                accounts.password_for(ctx.spec.roles),
                accounts.password_for(ctx.spec.roles),
            )
            body = {current: wrong, **{name: new for name in others}}
            response = ctx.send(operation, as_=user, path=path, json=body)
            if response.status_code >= 500:
                ctx.skip(f"the change failed on the server ({response.status_code})")
            if 200 <= response.status_code < 300:
                ctx.fail(
                    "a wrong current password was accepted",
                    expected="a refusal (4xx)",
                    seen=f"{response.status_code} {response.text[:200]}",
                    response=response,
                    operation=operation.operation_id,
                )
            token = ctx.spec.roles.get(RoleName.TOKEN)
            if token is None:
                continue
            login = ctx.login_response(user.email, user.password)
            ctx.expect_success(
                login, token, title="the password changed although the change was refused"
            )


def _own_path(ctx: CheckContext, operation: Operation, user_id: object) -> dict[str, object]:
    """The path of an operation on the caller's own account: its one parameter, the
    account's id; skips an operation whose path needs anything else."""
    names = [parameter.name for parameter in operation.path_parameters]
    if not names:
        return {}
    if len(names) > 1 or user_id is None:
        ctx.skip(f"the path needs {', '.join(names)}, which the run's account does not give")
    return {names[0]: user_id}
