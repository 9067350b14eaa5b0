"""An account's life through the roles, as pure functions: what to send, and what came back.

The run engine (`conformance.engine.identities`) and the load suite's Locust processes
both sign up, log in and refresh through the contract's roles; they share these
functions and bring their own HTTP client. Nothing here sends a request.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import patterns, schemas
from .patterns import Match
from .roles import TURNED_OFF, Credentials, RoleName, Roles

if TYPE_CHECKING:
    from .model import Contract

__all__ = [
    "Call",
    "Tokens",
    "account_id",
    "claimed_lifetime",
    "jwt_claims",
    "password_for",
    "read_tokens",
    "refresh_call",
    "signup_body",
    "signup_problem",
    "token_call",
    "username_for",
]

# When the token answer names no lifetime: a common default of access tokens.
DEFAULT_LIFETIME = 900.0


@dataclass(frozen=True, slots=True)
class Call:
    """One request to make: its method, path, body, and whether the body is a form."""

    method: str
    path: str
    body: dict[str, Any]
    form: bool = False


@dataclass(frozen=True, slots=True)
class Tokens:
    """What a token (or refresh) answer gave: the access token, a refresh token, a lifetime."""

    access: str
    refresh: str
    lifetime: float


def signup_problem(roles: Roles) -> str | None:
    """Why accounts cannot be signed up through the roles, or None when they can."""
    signup = roles.get(RoleName.SIGNUP)
    if roles.roles[RoleName.SIGNUP].how == TURNED_OFF:
        return "the run signs up no accounts: sign-up is " + TURNED_OFF
    if signup is None:
        return (
            "the run cannot sign up accounts: no sign-up operation was found (set "
            '`[roles] signup = "<operationId>"` in conformance.toml)'
        )
    creds = roles.credentials
    if roles.get(RoleName.TOKEN) is None and not (creds is not None and creds.basic):
        return (
            "the run cannot log in: no token operation was found (set "
            '`[roles] token = "<operationId>"` in conformance.toml)'
        )
    if creds is None or creds.signup_identifier is None or creds.signup_secret is None:
        problem = "; ".join(roles.problems) or (
            f"{signup.operation_id} and the token operation share no credential fields"
        )
        return f"the run cannot sign up accounts: {problem}"
    return None


def _signup_field(roles: Roles, name: str | None) -> dict[str, Any]:
    signup = roles.get(RoleName.SIGNUP)
    if signup is None or signup.body is None or not name:
        return {}
    return signup.body.properties.get(name, {})


def username_for(roles: Roles, text: str) -> str:
    """`text` made into a username the sign-up's schema accepts (length, pattern)."""
    creds = roles.credentials
    schema = _signup_field(roles, creds.signup_identifier if creds else None)
    low, high = schemas.string_length(schema)
    pattern = schemas.object_schema(schema).get("pattern")
    value = text
    for candidate in (text.lower(), re.sub(r"[^a-z0-9]", "", text.lower())):
        value = candidate[:high] if high else candidate
        value = value + "0" * max(0, low - len(value))
        if not isinstance(pattern, str) or patterns.search(pattern, value) is not Match.NOT_FOUND:
            return value
    return value


def password_for(roles: Roles) -> str:
    """A fresh random password within the sign-up's length bounds."""
    creds = roles.credentials
    low, high = schemas.string_length(_signup_field(roles, creds.signup_secret if creds else None))
    password = secrets.token_urlsafe(max(12, low))
    return password[:high] if high else password


def signup_body(roles: Roles, identifier: str, password: str, hint: str) -> dict[str, Any]:
    """The sign-up's fields: its required ones sampled from the schema, these credentials
    (sent in the body's wrapper, where it has one: `Body.wrap`)."""
    signup = roles.get(RoleName.SIGNUP)
    creds = roles.credentials
    # The identifier leads the hint: other fields a sign-up takes (a username beside the
    # email) are often unique too, and a value cut to its maxLength keeps its start.
    hint = f"{identifier.split('@')[0]}-{hint}"
    body = schemas.sample(signup.body.fields, hint=hint) if signup and signup.body else {}
    body = body if isinstance(body, dict) else {}
    body[(creds.signup_identifier if creds else None) or "email"] = identifier
    body[(creds.signup_secret if creds else None) or "password"] = password
    return body


def token_call(roles: Roles, identifier: str, password: str) -> Call | None:
    """The token operation's request for these credentials; None without a token role, and
    under http basic (the credentials themselves are presented)."""
    token = roles.get(RoleName.TOKEN)
    creds = roles.credentials
    if token is None or creds is None or creds.basic:
        return None
    body = {creds.token_identifier: identifier, creds.token_secret: password}
    if token.body is not None and not creds.token_form:
        body = token.body.wrap(body)
    return Call(token.method.upper(), token.url_path(), body, form=creds.token_form)


def refresh_call(roles: Roles, refresh_token: str) -> Call | None:
    """The refresh operation's request; None when the spec has none or no token is held."""
    refresh = roles.get(RoleName.REFRESH)
    creds = roles.credentials
    if not refresh_token or refresh is None or creds is None:
        return None
    field_name = creds.refresh_request_field or "refresh_token"
    body = {field_name: refresh_token}
    return Call(
        refresh.method.upper(),
        refresh.url_path(),
        refresh.body.wrap(body) if refresh.body is not None else body,
    )


def read_tokens(
    credentials: Credentials | None,
    body: dict[str, Any],
    cookies: Mapping[str, str] | None = None,
) -> Tokens | None:
    """The tokens of a token or refresh answer; None when it holds no access token.

    Where the token operation answers a session cookie instead (`session_cookie`), the
    cookie's value, from `cookies` (those the answer sets), is the access token.
    """
    access = credentials.access_field if credentials is not None else "access_token"
    session = credentials.session_cookie if credentials is not None else None
    if session is not None and access not in body:
        value = (cookies or {}).get(session)
        return Tokens(access=value, refresh="", lifetime=DEFAULT_LIFETIME) if value else None
    if access not in body:
        return None
    refresh = credentials.refresh_field if credentials is not None else None
    expires = credentials.expires_field if credentials is not None else None
    answered = body.get(expires) if expires else None
    token = str(body[access])
    lifetime = (
        float(answered)
        if isinstance(answered, int | float) and not isinstance(answered, bool)
        else claimed_lifetime(jwt_claims(token) or {})
    )
    return Tokens(
        access=token,
        refresh=str(body.get(refresh, "")) if refresh else "",
        lifetime=lifetime if lifetime is not None else DEFAULT_LIFETIME,
    )


def jwt_claims(token: str) -> dict[str, Any] | None:
    """A JWT's claims, unverified; None for a token of another kind."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def claimed_lifetime(claims: dict[str, Any]) -> float | None:
    """How long a just-issued JWT lives by its claims: `exp` less `iat` (no clock involved),
    else `exp` less this machine's clock; None without an `exp`."""
    exp, iat = claims.get("exp"), claims.get("iat")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return None
    if isinstance(iat, int | float) and not isinstance(iat, bool):
        return float(exp - iat)
    return float(exp) - time.time()


def account_id(contract: Contract, body: dict[str, Any]) -> object:
    """The account's id in a sign-up (or current-account) answer, if it has one."""
    account = contract.resource(contract.roles.account_resource or "")
    value = body.get(account.id_field if account is not None else "id", body.get("id"))
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None
