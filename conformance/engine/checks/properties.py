"""Object properties: privileged or unknown fields are refused, and no secret is ever returned.

Every check here loops over the contract model: the resources (the accounts resource the
sign-up creates among them), their server-owned fields, and the roles' operations.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from ...contract import Body, Contract, Operation, Resource, RoleName, schemas
from ...contract.admin import admin_only
from ...contract.roles import is_secret
from ..answers import Asked, ask, reach
from ..context import CheckContext
from ..http import json_body
from ..identities import Identity, IdentityError
from ..registry import Need, Owasp, check
from ..rows import Row, body_for, changed_fields
from ..targets import found_by, of_resources

# Privilege flags that APIs commonly keep on accounts. A sign-up or an account change that
# carries one must not grant it, whether or not the spec names the field.
_PRIVILEGES: tuple[tuple[str, object], ...] = (
    ("is_superuser", True),
    ("is_admin", True),
    ("is_staff", True),
    ("role", "admin"),
)


def _server_value(
    ctx: CheckContext, resource: Resource, name: str, other: Identity, control: dict[str, Any]
) -> object:
    """A value of the right type for a server-owned field, that the server did not choose.

    `control` is a row the server made without the client's say: a boolean is forged as
    the opposite of the server's own choice, an enum as another of its values, so that an
    echo of it means it was taken.
    """
    if name == resource.owner_field and other.user_id is not None:
        return other.user_id
    schema = {}
    answered = resource.read or resource.create
    if answered is not None and answered.success is not None:
        schema = answered.success.properties.get(name, {})
    inner = schemas.object_schema(schema)
    if inner.get("format") == "uuid" or (name == resource.id_field and resource.id_type == "uuid"):
        return "00000000-0000-4000-8000-00000000abcd"
    if name == resource.id_field and resource.id_type == "integer":
        return 1
    if inner.get("format") == "date-time":
        return "2000-01-01T00:00:00Z"
    if "boolean" in schemas.types(schema) and isinstance(control.get(name), bool):
        return not control[name]
    # An enum's value other than the server's own choice (a status the server sets).
    choices = [v for v in inner.get("enum") or [] if v is not None and v != control.get(name)]
    if choices:
        return choices[0]
    value = schemas.sample({k: v for k, v in inner.items() if k not in ("default", "const")})
    return value if value is not None else "cf-forged"


def _strict(body: Body | None) -> bool:
    """Whether the spec closes the body to fields it does not define."""
    return (
        body is not None and schemas.object_schema(body.fields).get("additionalProperties") is False
    )


def _not_applied(
    ctx: CheckContext,
    operation: Operation,
    response: httpx.Response,
    name: str,
    value: object,
) -> None:
    """A field only the server sets, sent by the client, is refused, or at least not taken."""
    if _strict(operation.body) and response.status_code < 400:
        ctx.fail(
            f"a write with {name}, a field only the server sets, was accepted",
            expected="a 4xx (the body schema allows no field it does not define)",
            seen=f"{response.status_code} {response.text[:200]}",
            response=response,
            operation=operation.operation_id,
        )
    if response.status_code < 300 and str(json_body(response, operation).get(name)) == str(value):
        ctx.fail(
            f"the client set {name}, a field only the server sets",
            expected=f"{name} chosen by the server",
            seen=f"{name} {value!r}",
            response=response,
            operation=operation.operation_id,
        )


def _forged_changes(
    ctx: CheckContext, resource: Resource, row: Row, forged: list[tuple[str, object]]
) -> None:
    """Change the row with each forged field; none is taken, as the row read back shows."""
    update = resource.update
    assert update is not None
    for name, value in forged:
        response = ctx.send(update, as_=row.owner, path=row.path, json={name: value})
        _not_applied(ctx, update, response, name, value)
        if resource.read is None:
            continue
        read = ctx.send(resource.read, as_=row.owner, path=row.path)
        if str(json_body(read, resource.read).get(name)) == str(value) and str(
            row.body.get(name)
        ) != str(value):
            ctx.fail(
                f"a change set {name}, a field only the server sets",
                expected=f"{name} {row.body.get(name)!r}",
                seen=f"{name} {value!r}",
                response=read,
                operation=update.operation_id,
            )


@check(
    "properties.mass-assignment",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=of_resources("create"),
    risk="A client can set fields only the server may set (owner, id, timestamps) by adding them.",
    description="Creating or changing an object (of every resource) with one of its "
    "server-owned fields (readOnly, or answered but never accepted: id, owner, timestamps) "
    "does not set it, and is refused where the body schema is closed.",
    owasp=Owasp.API3,
)
def mass_assignment(ctx: CheckContext) -> None:
    owner, other = ctx.user("owner"), ctx.user("other")
    for resource in ctx.resources_with("create"):
        assert resource.create is not None
        with ctx.on(resource.create):
            control = ctx.row(resource, owner)
            path = {k: v for k, v in control.path.items() if k != resource.id_param}
            for name in resource.server_owned:
                value = _server_value(ctx, resource, name, other, control.body)
                body = {**body_for(resource, ctx.identities.run_tag, "massive"), name: value}
                response = ctx.send(resource.create, as_=control.owner, path=path, json=body)
                _not_applied(ctx, resource.create, response, name, value)
        if resource.update is None:
            continue
        with ctx.on(resource.update):
            row = ctx.row(resource, owner)
            forged = [
                (name, _server_value(ctx, resource, name, other, row.body))
                for name in resource.server_owned
            ]
            _forged_changes(ctx, resource, row, forged)


def _account_writes(contract: Contract) -> list[Operation]:
    """The sign-up and the change of an account, where the sign-up creates a resource."""
    account = contract.resource(contract.roles.account_resource or "")
    if account is None:
        return []
    return [op for op in (account.create, account.update) if op is not None]


def _privileges(body: Body | None, resource: Resource) -> list[tuple[str, object]]:
    """The privilege flags the body does not define (a defined one is the client's to set)."""
    defined = set(body.properties) if body is not None else set()
    return [
        (name, value)
        for name, value in _PRIVILEGES
        if name not in defined and name not in resource.server_owned
    ]


class _Guarded:
    """The reads the spec reserves to administrators (`admin_only`) that refuse a plain
    account: an account that reaches one has gained a privilege."""

    def __init__(self, ctx: CheckContext, plain: Identity) -> None:
        self.ctx, self.plain = ctx, plain
        self._found: list[Operation] | None = None

    def operations(self) -> list[Operation]:
        if self._found is None:
            self._found = [
                op
                for op in admin_only(self.ctx.spec)
                if self.ctx.send(op, as_=self.plain).status_code == 403
            ]
        return self._found

    def judge(self, account: Identity, name: str, operation: Operation) -> None:
        """Fail when `account`, written with the flag `name`, reaches a guarded operation."""
        if not account.access_token:
            try:
                self.ctx.identities.log_in(account)
            except IdentityError:
                return  # An account that cannot log in holds no privilege.
        for guarded in self.operations():
            response = self.ctx.send(guarded, as_=account)
            if response.status_code < 400:
                self.ctx.fail(
                    f"{name} in a write made the account privileged",
                    expected=f"403 on {guarded.operation_id}, as for any plain account",
                    seen=f"{response.status_code} {response.text[:200]}",
                    response=response,
                    operation=operation.operation_id,
                )


@check(
    "properties.user-mass-assignment",
    setup=(Need.ACCOUNT, Need.OWN_ACCOUNT),
    targets=found_by("a sign-up that creates a resource with an id", _account_writes),
    risk="Any user can make themself an administrator by adding a field to a request.",
    description="Sign-up, and a change of one's own account, with a server-owned field of "
    "the accounts resource (readOnly, or answered but never accepted) or a privilege flag "
    "the body does not define (is_superuser, is_admin, is_staff, role) does not take it: "
    "refused where the body schema is closed, never echoed or stored, and the account "
    "reaches no operation the spec guards with 403.",
    owasp=Owasp.API3,
)
def user_mass_assignment(ctx: CheckContext) -> None:
    account = ctx.spec.resource(ctx.spec.roles.account_resource or "")
    if account is None or account.create is None:
        ctx.skip("the spec's sign-up creates no resource with an id")
    owner, other = ctx.user("owner"), ctx.user("other")
    own = ctx.row(account, owner)
    reader = account.read or ctx.spec.roles.get(RoleName.CURRENT_ACCOUNT)
    if reader is not None:
        own.body = json_body(ctx.send(reader, as_=owner, path=own.path), reader)
    guarded = _Guarded(ctx, other)
    signup = account.create
    with ctx.on(signup):
        forged = [
            (name, _server_value(ctx, account, name, other, own.body))
            for name in account.server_owned
        ]
        for name, value in forged + _privileges(signup.body, account):
            response, made = ctx.sign_up_with({name: value}, "massive")
            _not_applied(ctx, signup, response, name, value)
            if made is not None:
                guarded.judge(made, name, signup)
    if account.update is None:
        return
    with ctx.on(account.update):
        _forged_changes(ctx, account, own, forged + _privileges(account.update.body, account))
        guarded.judge(owner, "a privilege flag", account.update)


def _unknown_reach(contract: Contract) -> list[Operation]:
    """Every create and change of every resource, and the token, refresh and logout roles,
    where the body is JSON."""
    found = [
        operation
        for resource in contract.resources
        for operation in (resource.create, resource.update, resource.replace)
        if operation is not None
    ]
    for role in (RoleName.TOKEN, RoleName.REFRESH, RoleName.LOGOUT):
        operation = contract.roles.get(role)
        if operation is not None:
            found.append(operation)
    unique = {op.operation_id: op for op in found if op.body is not None and not op.body.is_form}
    return list(unique.values())


def _unknown_name(body: Body) -> str:
    name = "cf_undocumented"
    while name in body.properties:
        name += "_field"
    return name


def _role_body(ctx: CheckContext, operation: Operation, user: Identity) -> dict[str, Any]:
    """A valid body for the token, refresh or logout role, with `user`'s credentials."""
    roles, creds = ctx.spec.roles, ctx.spec.roles.credentials
    assert operation.body is not None and creds is not None
    sampled = schemas.sample(operation.body.fields, hint="cf-unknown")
    body: dict[str, Any] = sampled if isinstance(sampled, dict) else {}
    if operation is roles.get(RoleName.TOKEN):
        body.update({creds.token_identifier: user.email, creds.token_secret: user.password})
        return body
    field = (
        creds.refresh_request_field
        if operation is roles.get(RoleName.REFRESH)
        else creds.logout_request_field
    )
    if field is not None:
        if not user.refresh_token:
            ctx.skip("the run's account holds no refresh token")
        body[field] = user.refresh_token
    return body


def _with_unknown(
    ctx: CheckContext, operation: Operation, user: Identity, name: str
) -> tuple[httpx.Response, Resource | None, dict[str, object]]:
    """Send a valid request to the operation with the unknown field added.

    Returns the answer, the resource it writes (None for a role) and the path of the row.
    """
    fields = {name: "cf-unknown"}
    for resource in ctx.spec.resources:
        is_account = resource.name == ctx.spec.roles.account_resource
        if operation is resource.create:
            if is_account:
                return ctx.sign_up_with(fields, "unknown")[0], None, {}
            path = ctx.parent_path(resource, user)
            body = {**body_for(resource, ctx.identities.run_tag, "unknown"), **fields}
            response = ctx.send(operation, as_=user, path=path, json=body)
            if resource.id_param is not None:
                made = json_body(response, operation)
                path = {**path, resource.id_param: made.get(resource.id_field)}
            return response, resource, path
        if operation in (resource.update, resource.replace):
            row = ctx.row(resource, user)
            body = {**changed_fields(resource, row), **fields}
            if operation is resource.replace:
                if is_account:
                    ctx.skip("replacing the run's own account would change its credentials")
                body = {**row.sent, **body}
            response = ctx.send(operation, as_=user, path=row.path, json=body)
            ctx.follow(row, response, operation)
            return response, resource, row.path
    body = {**_role_body(ctx, operation, user), **fields}
    return ctx.send(operation, as_=user if operation.secured else None, json=body), None, {}


@check(
    "properties.unknown-fields",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=found_by(
        "a create or change of a resource, or a token, refresh or logout operation, "
        "taking a JSON body",
        _unknown_reach,
    ),
    risk="Unknown fields are silently accepted, which opens the door to mass assignment.",
    description="A body (of every create and change, token, refresh and logout) with a field "
    "its schema does not define is refused where the schema is closed "
    "(additionalProperties: false; 422 where documented), and is otherwise neither echoed "
    "nor stored.",
    owasp=Owasp.API3,
)
def unknown_fields(ctx: CheckContext) -> None:
    reached = _unknown_reach(ctx.spec)
    if not reached:
        ctx.skip("no create, change, token, refresh or logout takes a JSON body")
    user = ctx.user("strict")
    for operation in reached:
        assert operation.body is not None
        with ctx.on(operation):
            name = _unknown_name(operation.body)
            response, resource, path = _with_unknown(ctx, operation, user, name)
            if _strict(operation.body):
                ctx.expect_invalid(
                    response, operation, title=f"the unknown field {name} was accepted"
                )
                continue
            if response.status_code >= 300:
                continue  # Stricter than its schema says: nothing of the field was taken.
            seen = [(response, operation)]
            if resource is not None and resource.read is not None:
                seen.append((ctx.send(resource.read, as_=user, path=path), resource.read))
            for answer, answering in seen:
                if name in json_body(answer, answering):
                    ctx.fail(
                        f"the unknown field {name} was stored",
                        expected=f"{name} ignored (the schema does not define it)",
                        seen=answer.text[:200],
                        response=answer,
                        operation=operation.operation_id,
                    )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _passwords(ctx: CheckContext) -> set[str]:
    """Every password the run has sent (its accounts', the admin's), long enough to look for."""
    known = [*ctx.identities.created, *ctx.identities.configured]
    admin = ctx.identities.admin() if ctx.identities.has_admin else None
    if admin is not None:
        known.append(admin)
    return {identity.password for identity in known if len(identity.password) >= 8}


def _secret_member(response: httpx.Response, operation: Operation) -> str | None:
    """The path of a secret in the answer: a field its schema marks secret (writeOnly,
    format password) or, where the schema documents no such field, one named like one."""
    documented = operation.response(response.status_code)
    for member in schemas.members(documented.schema if documented else None, _json(response)):
        if member.schema is None:
            secret = is_secret(member.name, {})
        else:
            inner = schemas.object_schema(member.schema)
            secret = bool(inner.get("writeOnly")) or inner.get("format") == "password"
        if secret:
            return member.path
    return None


@check(
    "properties.no-secrets",
    setup=(Need.ACCOUNT, Need.ROW, Need.OWN_ACCOUNT),
    targets=found_by(
        "a sign-up, token, current-account or refresh operation, or a resource",
        lambda contract: (asked.operation for asked in reach(contract)),
    ),
    risk="Responses expose passwords, password hashes or secrets.",
    description="No answer of the sign-up, token, current-account or refresh operations, or "
    "of any operation of any resource, carries a secret field (writeOnly, format password, "
    "or an undocumented field named like a password or secret) or a password the run sent.",
    owasp=Owasp.API3,
)
def no_secrets(ctx: CheckContext) -> None:
    asked = reach(ctx.spec)
    if not asked:
        ctx.skip("the spec has no role or resource operation")
    user = ctx.user("secretive")
    for each in asked:
        with ctx.on(each.operation):
            response = ask(ctx, each, user)
            where = _secret_member(response, each.operation)
            leaked = next((p for p in _passwords(ctx) if p in response.text), None)
            if where is not None or leaked is not None:
                ctx.fail(
                    "a response carries a secret",
                    expected="no password, hash or secret in the body",
                    seen=f"field {where!r}" if where else "a password the run sent",
                    response=response,
                    operation=each.operation.operation_id,
                )


# RFC 3339 date-time with an explicit offset (Z or ±hh:mm).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")


def _is_timestamp(schema: Any) -> bool:
    return schemas.object_schema(schema).get("format") == "date-time"


def _has_timestamp(schema: Any) -> bool:
    """Whether a date-time is documented anywhere in the schema."""
    return any(_is_timestamp(inner) for inner in schemas.subschemas(schema))


def _timestamped(contract: Contract) -> list[Asked]:
    """What `reach` finds that answers data with a documented date-time (no token, no delete)."""
    return [
        asked
        for asked in reach(contract)
        if asked.role not in (RoleName.TOKEN, RoleName.REFRESH)
        and asked.action != "delete"
        and asked.operation.success is not None
        and _has_timestamp(asked.operation.success.schema)
    ]


@check(
    "properties.timestamps-utc",
    setup=(Need.ACCOUNT, Need.ROW, Need.OWN_ACCOUNT, Need.ACCESS),
    targets=found_by(
        "a resource or current-account operation whose answer documents a date-time",
        lambda contract: (asked.operation for asked in _timestamped(contract)),
    ),
    risk="Timestamps lack a time zone, so clients read the wrong time.",
    description="Every field the spec documents as format: date-time, in the answers of "
    "every resource (create, list, read, change) and of the current account, is RFC 3339 "
    "with an offset (Z or ±hh:mm), never naive.",
    owasp=Owasp.API8,
)
def timestamps_utc(ctx: CheckContext) -> None:
    asked = _timestamped(ctx.spec)
    if not asked:
        ctx.skip("no answer of the spec documents a date-time field")
    user = ctx.user("clock")
    for each in asked:
        with ctx.on(each.operation):
            response = ask(ctx, each, user)
            # No timestamp to judge in a refusal: the answer it reads is a step.
            ctx.require_success(response, each.operation, need=Need.ACCESS)
            documented = each.operation.response(response.status_code)
            schema = documented.schema if documented is not None else None
            for member in schemas.members(schema, _json(response)):
                if member.schema is None or not _is_timestamp(member.schema):
                    continue
                if isinstance(member.value, str) and not _RFC3339.match(member.value):
                    ctx.fail(
                        f"{member.path} has no UTC offset",
                        expected="RFC 3339 with an offset, e.g. 2026-01-31T09:30:00Z",
                        seen=repr(member.value),
                        response=response,
                        operation=each.operation.operation_id,
                    )
