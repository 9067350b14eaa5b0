"""The roles of an account's life, found in a spec: sign-up, token, refresh, logout, ...

A spec does not say which operation signs up or hands out tokens, so each role is
inferred from what the spec does say (an OAuth2 flow's `tokenUrl`, a public create whose
body carries an email and a password, an operation answering an access token, or one
setting the session cookie the security scheme names), each with a sentence saying how it
was found. Under http basic the run logs in to nothing: the identifier and password are
the credential. `conformance.toml` overrides any of them:

    [roles]
    signup = "enrolMember"

`conformance inspect` shows the result. Nothing here names an operation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import UsageError
from . import schemas
from .security import Location

if TYPE_CHECKING:
    from .model import Body, Contract, Operation
    from .resources import Resource

__all__ = ["Credentials", "Role", "RoleName", "Roles", "infer_roles"]


class RoleName(StrEnum):
    SIGNUP = "signup"
    TOKEN = "token"
    CURRENT_ACCOUNT = "current_account"
    REFRESH = "refresh"
    LOGOUT = "logout"
    DELETE_ACCOUNT = "delete_account"


_SECRET = re.compile(r"^(password|passwd|pwd|pass|secret|passphrase|pin)$|password", re.I)
_IDENTIFIER = re.compile(r"^(email|e_?mail|username|user_?name|login|user)$", re.I)
_ACCESS = ("access_token", "accessToken", "token", "id_token", "jwt")
_REFRESH_FIELD = re.compile(r"refresh", re.I)
_ME = re.compile(r"/(me|self|current|whoami|profile|account|user)/?$", re.I)
_LOGOUT = re.compile(r"log_?out|sign_?out|revoke", re.I)
_LOGIN = re.compile(r"log_?in|sign_?in|session|token", re.I)


TURNED_OFF = "turned off in conformance.toml [roles]"


@dataclass(frozen=True, slots=True)
class Role:
    name: RoleName
    operation: Operation | None
    # How it was found, or why not: shown by `conformance inspect`.
    how: str


@dataclass(frozen=True, slots=True)
class Credentials:
    """Which fields carry an account's identifier and secret, at sign-up and at the token."""

    token_identifier: str
    token_secret: str
    token_form: bool
    signup_identifier: str | None
    signup_secret: str | None
    # "email" when the identifier is an email address, else "username".
    identifier_kind: str
    access_field: str
    refresh_field: str | None
    expires_field: str | None
    # The body field of the refresh and logout operations that carries the refresh token.
    refresh_request_field: str | None
    logout_request_field: str | None
    # The cookie the token operation sets, when its answer holds no token: the credential.
    session_cookie: str | None = None
    # http basic: no token to obtain, the identifier and password are the credential.
    basic: bool = False


@dataclass(frozen=True, slots=True)
class Roles:
    roles: dict[RoleName, Role]
    credentials: Credentials | None
    # The resource a sign-up creates (accounts), if it is one.
    account_resource: str | None = None
    problems: tuple[str, ...] = field(default=())

    def __getitem__(self, name: RoleName) -> Operation | None:
        return self.roles[name].operation

    def get(self, name: RoleName) -> Operation | None:
        return self.roles[name].operation


def is_secret(name: str, schema: dict[str, Any]) -> bool:
    inner = schemas.object_schema(schema)
    return bool(_SECRET.search(name) or inner.get("format") == "password" or inner.get("writeOnly"))


def is_identifier(name: str, schema: dict[str, Any]) -> bool:
    return bool(_IDENTIFIER.match(name) or schemas.object_schema(schema).get("format") == "email")


# A secret field holding the password the caller has now (not the one they choose).
_CURRENT = re.compile(r"current|old|existing|previous|present", re.I)


def current_secret(operation: Operation) -> tuple[str, list[str]] | None:
    """(the field taking the current password, the other secret fields) of a write whose
    body takes both the current password and another secret (a password change); None
    for any other."""
    if operation.method == "get" or operation.body is None:
        return None
    secrets = [n for n, schema in operation.body.properties.items() if is_secret(n, schema)]
    current = [name for name in secrets if _CURRENT.search(name)]
    others = [name for name in secrets if name not in current]
    return (current[0], others) if len(current) == 1 and others else None


def _secret_of(body: Body | None) -> str | None:
    if body is None:
        return None
    found = [name for name, sub in body.properties.items() if is_secret(name, sub)]
    return next((n for n in found if n.lower() == "password"), found[0] if found else None)


def _access_field(operation: Operation) -> str | None:
    success = operation.success
    fields = success.properties if success is not None else {}
    return next((name for name in _ACCESS if name in fields), None)


def _path_of(url: str) -> str:
    return urlsplit(url).path or url


def _oauth_flow_url(contract: Contract, key: str) -> str | None:
    for scheme in contract.schemes.values():
        for flow in scheme.flows:
            if flow.name == "implicit":
                continue
            url = flow.token_url if key == "tokenUrl" else flow.refresh_url
            if url is not None:
                return url
    return None


def _by_url(contract: Contract, url: str | None) -> Operation | None:
    if url is None:
        return None
    path = _path_of(url).rstrip("/")
    for operation in contract:
        if operation.method == "post" and (
            operation.path.rstrip("/") == path or operation.path.rstrip("/").endswith(path)
        ):
            return operation
    return None


def _public_posts(contract: Contract) -> list[Operation]:
    return [op for op in contract if op.method == "post" and not op.secured and op.body]


def _token(contract: Contract) -> Role:
    operation = _by_url(contract, _oauth_flow_url(contract, "tokenUrl"))
    if operation is not None:
        return Role(RoleName.TOKEN, operation, "the OAuth2 flow's tokenUrl")
    # A sign-up may answer a token too: one whose path or operationId says log in first.
    posts = sorted(
        _public_posts(contract),
        key=lambda op: not (_LOGIN.search(op.path) or _LOGIN.search(op.operation_id)),
    )
    for operation in posts:
        access = _access_field(operation)
        if access is not None and _secret_of(operation.body) is not None:
            return Role(
                RoleName.TOKEN,
                operation,
                f"a public POST taking a secret and answering an access token ({access})",
            )
    # drf-spectacular marks DRF's `obtain_auth_token` secured; it is still how one logs in.
    for operation in contract:
        if operation.method != "post" or not operation.secured or operation.body is None:
            continue
        access = _access_field(operation)
        fields = operation.body.properties
        if (
            access is not None
            and _secret_of(operation.body) is not None
            and any(is_identifier(name, schema) for name, schema in fields.items())
        ):
            return Role(
                RoleName.TOKEN,
                operation,
                f"a POST taking an identifier and a secret and answering an access token "
                f"({access}); the spec marks it secured, but it is how a credential is had",
            )
    presentation = contract.presentation
    if presentation.location is Location.COOKIE:
        for operation in _public_posts(contract):
            if _secret_of(operation.body) is None:
                continue
            success = operation.success
            if success is not None and "set-cookie" in success.headers:
                how = (
                    "a public POST taking a secret and documenting Set-Cookie "
                    f"({presentation.parameter})"
                )
                return Role(RoleName.TOKEN, operation, how)
            if _LOGIN.search(operation.path) or _LOGIN.search(operation.operation_id):
                how = (
                    f"a public POST taking a secret whose path or operationId says log in; "
                    f"the cookie {presentation.parameter} it sets is the credential"
                )
                return Role(RoleName.TOKEN, operation, how)
    if presentation.basic:
        return Role(RoleName.TOKEN, None, "none needed: under http basic the password is sent")
    return Role(RoleName.TOKEN, None, "no operation answers an access token to credentials")


def _signup(contract: Contract, token: Operation | None) -> Role:
    # One answering no token first (a second login is no sign-up); then one that also
    # logs the new account in, as many sign-ups do, unless its name says log in.
    posts = sorted(
        (op for op in _public_posts(contract) if op is not token),
        key=lambda op: _access_field(op) is not None,
    )
    for operation in posts:
        if _access_field(operation) is not None and (
            _LOGIN.search(operation.path) or _LOGIN.search(operation.operation_id)
        ):
            continue
        fields = operation.body.properties if operation.body else {}
        identifier = next((n for n, s in fields.items() if is_identifier(n, s)), None)
        secret = _secret_of(operation.body)
        if identifier is not None and secret is not None and operation.success is not None:
            return Role(
                RoleName.SIGNUP,
                operation,
                f"a public create whose body carries {identifier} and {secret}",
            )
    return Role(
        RoleName.SIGNUP,
        None,
        "no public create takes an email or username and a password",
    )


def _current(contract: Contract, signup: Operation | None) -> Role:
    signup_fields = set(signup.success.properties) if signup and signup.success else set()
    candidates = [
        op
        for op in contract
        if op.method == "get"
        and op.secured
        and not op.path_parameters
        and op.success is not None
        and "object" in schemas.types(schemas.object_schema(op.success.fields))
        and op.success.properties
    ]
    for operation in candidates:
        if _ME.search(operation.path):
            return Role(
                RoleName.CURRENT_ACCOUNT, operation, "a secured GET of the caller's own object"
            )
    for operation in candidates:
        if signup_fields and signup_fields <= set(operation.success.properties):  # type: ignore[union-attr]
            return Role(
                RoleName.CURRENT_ACCOUNT,
                operation,
                "a secured GET answering what the sign-up answers",
            )
    return Role(RoleName.CURRENT_ACCOUNT, None, "no secured GET answers the caller's account")


def _refresh(contract: Contract, token: Operation | None) -> Role:
    operation = _by_url(contract, _oauth_flow_url(contract, "refreshUrl"))
    if operation is not None and operation is not token:
        return Role(RoleName.REFRESH, operation, "the OAuth2 flow's refreshUrl")
    for operation in contract:
        if operation is token or operation.method != "post" or operation.body is None:
            continue
        if _access_field(operation) and any(
            _REFRESH_FIELD.search(name) for name in operation.body.properties
        ):
            return Role(
                RoleName.REFRESH, operation, "takes a refresh token and answers an access token"
            )
    return Role(RoleName.REFRESH, None, "no operation takes a refresh token for a new one")


def _logout(contract: Contract, token: Operation | None, refresh: Operation | None) -> Role:
    for operation in contract:
        if operation in (token, refresh) or operation.method not in ("post", "delete"):
            continue
        if _LOGOUT.search(operation.path) or _LOGOUT.search(operation.operation_id):
            return Role(RoleName.LOGOUT, operation, "its path or operationId says log out")
    return Role(RoleName.LOGOUT, None, "no operation logs out")


def _delete_account(
    contract: Contract, current: Operation | None, account: Resource | None
) -> Role:
    if current is not None:
        for operation in contract:
            if operation.method == "delete" and operation.path == current.path:
                return Role(
                    RoleName.DELETE_ACCOUNT, operation, "a DELETE of the current account's path"
                )
    if account is not None and account.delete is not None:
        return Role(
            RoleName.DELETE_ACCOUNT,
            account.delete,
            f"the DELETE of the resource the sign-up creates ({account.name})",
        )
    return Role(RoleName.DELETE_ACCOUNT, None, "no operation deletes an account")


def _override(contract: Contract, role: RoleName, value: str) -> Operation | None:
    """The operation a `[roles]` entry names; None for "none" (the role is turned off)."""
    if value.strip().lower() == "none":
        return None
    operation = contract.operations.get(value) or contract.by_label(value)
    if operation is None:
        raise UsageError(
            f"conformance.toml [roles] {role.value} = {value!r} names no operation of the spec",
            hint='give one of its operationIds, `METHOD /path`, or "none" to turn the role off',
        )
    return operation


def infer_roles(contract: Contract, overrides: dict[str, str]) -> Roles:
    """Find every role; `UsageError` naming the setting when an override names nothing."""
    unknown = sorted(set(overrides) - {role.value for role in RoleName})
    if unknown:
        raise UsageError(
            f"conformance.toml [roles] has unknown keys: {', '.join(unknown)}",
            hint="roles: " + ", ".join(role.value for role in RoleName),
        )
    given = {
        RoleName(key): _override(contract, RoleName(key), value) for key, value in overrides.items()
    }

    def pick(name: RoleName, infer: Callable[[], Role]) -> Role:
        if name in given:
            if given[name] is None:
                return Role(name, None, TURNED_OFF)
            return Role(name, given[name], "set in conformance.toml [roles]")
        return infer()

    token = pick(RoleName.TOKEN, lambda: _token(contract))
    signup = pick(RoleName.SIGNUP, lambda: _signup(contract, token.operation))
    current = pick(RoleName.CURRENT_ACCOUNT, lambda: _current(contract, signup.operation))
    refresh = pick(RoleName.REFRESH, lambda: _refresh(contract, token.operation))
    logout = pick(RoleName.LOGOUT, lambda: _logout(contract, token.operation, refresh.operation))
    account = next(
        (
            resource
            for resource in contract.resources
            if signup.operation is not None
            and signup.operation in (resource.create, *resource.other_creates)
        ),
        None,
    )
    delete = pick(
        RoleName.DELETE_ACCOUNT, lambda: _delete_account(contract, current.operation, account)
    )
    roles = {role.name: role for role in (signup, token, current, refresh, logout, delete)}
    credentials, problems = _credentials(
        contract, token.operation, signup.operation, refresh.operation, logout.operation
    )
    return Roles(
        roles,
        credentials,
        account_resource=account.name if account is not None else None,
        problems=tuple(problems),
    )


def _credentials(
    contract: Contract,
    token: Operation | None,
    signup: Operation | None,
    refresh: Operation | None,
    logout: Operation | None,
) -> tuple[Credentials | None, list[str]]:
    """Match the token operation's fields with the sign-up's (under http basic, the
    sign-up's alone: what it takes is what each request presents)."""
    basic = contract.presentation.basic
    login = token if token is not None and token.body is not None else None
    if login is None and basic and signup is not None and signup.body is not None:
        login = signup
    if login is None or login.body is None:
        return None, ["the token operation takes no body, so the run cannot log in"]
    token, body = login, login.body
    fields = body.properties
    secret = _secret_of(body)
    if secret is None:
        return None, [f"{token.operation_id} takes no password-like field"]
    signup_fields = signup.body.properties if signup is not None and signup.body else {}
    others = [name for name in fields if name != secret]
    required = body.required_fields
    identifier = (
        next((n for n in others if n in signup_fields), None)
        or next((n for n in others if is_identifier(n, fields[n])), None)
        or next((n for n in others if n in required), None)
        or (others[0] if others else None)
    )
    if identifier is None:
        return None, [f"{token.operation_id} takes no identifier (username or email) field"]
    signup_identifier = None
    if signup_fields:
        signup_identifier = (
            identifier
            if identifier in signup_fields
            else next(
                (n for n, s in signup_fields.items() if is_identifier(n, s)),
                next(
                    (n for n, s in signup_fields.items() if not is_secret(n, s)),
                    None,
                ),
            )
        )
    signup_secret = (
        secret if secret in signup_fields else _secret_of(signup.body if signup else None)
    )
    kind_schema = signup_fields.get(signup_identifier or "", fields.get(identifier, {}))
    is_email = "email" in (signup_identifier or identifier).lower() or (
        schemas.object_schema(kind_schema).get("format") == "email"
    )
    answered = token.success.properties if token.success and token is not signup else {}
    access = next((name for name in _ACCESS if name in answered), None)
    cookie = contract.presentation
    session = (
        cookie.parameter
        if access is None and cookie.location is Location.COOKIE and not basic
        else None
    )
    return (
        Credentials(
            token_identifier=identifier,
            token_secret=secret,
            token_form=body.is_form,
            signup_identifier=signup_identifier,
            signup_secret=signup_secret,
            identifier_kind="email" if is_email else "username",
            access_field=access or ("" if basic else "access_token"),
            refresh_field=next((n for n in answered if _REFRESH_FIELD.search(n)), None),
            expires_field=next((n for n in answered if "expire" in n.lower()), None),
            refresh_request_field=_refresh_field(refresh),
            logout_request_field=_refresh_field(logout),
            session_cookie=session,
            basic=basic,
        ),
        [],
    )


def _refresh_field(operation: Operation | None) -> str | None:
    if operation is None or operation.body is None:
        return None
    return next((n for n in operation.body.properties if _REFRESH_FIELD.search(n)), None)
