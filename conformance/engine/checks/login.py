"""Login: no user enumeration, and repeated failures are throttled."""

from __future__ import annotations

from ..context import CheckContext
from ..registry import Owasp, check

# Failed attempts the contract allows before 429 (5), plus a margin for a stricter deployment.
_MAX_ATTEMPTS = 12


@check(
    "login.no-enumeration",
    risk="Login answers tell which email addresses have an account.",
    description="An unknown email and a wrong password get the same 401, body and challenge.",
    owasp=Owasp.API2,
    operations=("login",),
)
def no_enumeration(ctx: CheckContext) -> None:
    user = ctx.user("enumerated")
    wrong = ctx.identities.login_response(user.email, user.password + "-wrong")
    unknown = ctx.identities.login_response(ctx.identities.email_for("nobody"), user.password)
    ctx.expect_status(wrong, 401, operation="login", title="a wrong password was not 401")
    for name, a, b in (
        ("status", wrong.status_code, unknown.status_code),
        ("body", wrong.text, unknown.text),
        (
            "WWW-Authenticate",
            wrong.headers.get("WWW-Authenticate"),
            unknown.headers.get("WWW-Authenticate"),
        ),
    ):
        if a != b:
            ctx.fail(
                f"login tells an unknown email from a wrong password by its {name}",
                expected=f"the same {name} as for a wrong password: {a!r}"[:300],
                seen=repr(b)[:300],
                response=unknown,
                operation="login",
            )
    if not (wrong.headers.get("WWW-Authenticate") or "").startswith("Bearer"):
        ctx.fail(
            "a failed login has no Bearer challenge",
            expected="WWW-Authenticate: Bearer",
            seen=repr(wrong.headers.get("WWW-Authenticate")),
            response=wrong,
            operation="login",
        )


@check(
    "login.rate-limit",
    risk="Passwords can be guessed without limit: failed logins are not throttled.",
    description="Repeated failed logins for one email are throttled with 429 and Retry-After "
    "(tried on the run's own throwaway account).",
    owasp=Owasp.API4,
    operations=("login",),
)
def rate_limit(ctx: CheckContext) -> None:
    user = ctx.user("throttled")
    response = None
    for _ in range(_MAX_ATTEMPTS):
        response = ctx.identities.login_response(user.email, "wrong-password")
        if response.status_code == 429:
            break
    assert response is not None
    ctx.expect_status(
        response,
        429,
        operation="login",
        title=f"{_MAX_ATTEMPTS} failed logins in a row were never throttled",
    )
    retry = response.headers.get("Retry-After", "")
    if not retry.isdigit() or int(retry) < 1:
        ctx.fail(
            "a 429 without a usable Retry-After",
            expected="Retry-After: <seconds>",
            seen=repr(retry) if retry else "no Retry-After header",
            response=response,
            operation="login",
        )
