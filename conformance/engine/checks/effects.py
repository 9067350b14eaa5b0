"""Effects of writes: what a write answers about a row is what a read of that row shows.

A write can answer right and store wrong: a change that answers the new value and keeps
the old one, an action (favourite, archive) that answers a count it never stored. Every
write whose answer carries a row (a create, a change, a replacement, an action on an item:
a POST, PUT, PATCH or DELETE under the item's path whose answer has the row's id) is
followed by a read of that row as the same caller, and the fields both hold are compared.
Fields that move between two reads (a view counter) are not compared.
"""

from __future__ import annotations

from typing import Any

import httpx

from ...contract import Contract, Operation, Resource, schemas
from ...contract.roles import is_secret
from ..context import CheckContext
from ..identities import Identity
from ..registry import Need, Owasp, check
from ..rows import Row, body_for, replacement
from ..targets import found_by, of_found


def _actions(resource: Resource) -> list[Operation]:
    """The resource's actions under its item path (`/x/{id}/favorite`) answering the row."""
    prefix = (resource.item_path or "").rstrip("/") + "/"
    return [
        action
        for action in resource.actions
        if action.path.startswith(prefix)
        and action.success is not None
        and resource.id_field in action.success.properties
    ]


def _writes(contract: Contract) -> list[tuple[Resource, str, Operation]]:
    """(resource, kind, operation) of every write whose answer a read can be compared with."""
    found: list[tuple[Resource, str, Operation]] = []
    for resource in contract.resources:
        if resource.read is None or resource.id_param is None:
            continue
        owned = resource.name != contract.roles.account_resource
        if owned and resource.create is not None:
            found.append((resource, "create", resource.create))
        for kind, operation in (("update", resource.update), ("replace", resource.replace)):
            if operation is not None and operation.body is not None and _answers_row(operation):
                found.append((resource, kind, operation))
        found += [(resource, "action", action) for action in _actions(resource)]
    return found


def _answers_row(operation: Operation) -> bool:
    success = operation.success
    return success is not None and bool(success.properties)


@check(
    "workflows.write-read",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=found_by(
        "a resource with a read by id, and writes answering its row (a create, an update, a "
        "replace, or an action under the item's path answering the row's id)",
        lambda contract: [operation for _, _, operation in _writes(contract)],
    ),
    risk="A write answers one thing and stores another: what the client was told is lost.",
    description="After every write whose answer carries a row (a create, a change, a "
    "replacement, an action such as a favourite on an item), a read of that row as the same "
    "caller shows what the write answered (fields that move between two reads aside).",
    owasp=Owasp.API9,
)
def write_read(ctx: CheckContext) -> None:
    writes = _writes(ctx.spec)
    if not writes:
        ctx.skip("the spec has no write answering a row it can read by id")
    owner = ctx.user("writer")
    for resource, kind, operation in writes:
        with ctx.on(operation):
            row = ctx.row(resource, owner)
            if kind == "create":
                answer, actor = row.body, row.owner
            else:
                answer, actor = _write(ctx, resource, kind, operation, row)
            _compare(ctx, resource, row, answer, operation, actor)


def _write(
    ctx: CheckContext, resource: Resource, kind: str, operation: Operation, row: Row
) -> tuple[dict[str, Any], Identity]:
    """Send the write on the row (as the admin where only the admin may: `act`); its
    answer, as a JSON object, and who wrote (skips when refused)."""
    if kind in ("update", "replace"):
        change = ctx.change(resource, row)
        body = replacement(operation, row, change) if kind == "replace" else change
        response, actor = ctx.act(operation, row.owner, path=row.path, json=body)
    else:
        missing = [p.name for p in operation.path_parameters if p.name not in row.path]
        if missing:
            ctx.skip(f"the row's path gives no {', '.join(missing)}")
        extra: dict[str, Any] = {}
        if operation.body is not None:
            value = schemas.sample(operation.body.fields, hint=f"cf-{ctx.identities.run_tag}")
            if operation.body.is_form:
                extra["data"] = value
            else:
                extra["json"] = value
        response, actor = ctx.act(operation, row.owner, path=row.path, **extra)
    ctx.require_allowed(response, operation)
    ctx.expect_success(response, operation, title="the write failed")
    ctx.follow(row, response, operation)
    return ctx.json_object(response, operation=operation.operation_id), actor


def _read(ctx: CheckContext, resource: Resource, row: Row, reader: Identity) -> httpx.Response:
    """The row read where the write's answer puts it (its new key, if it moved): a row the
    write said it holds that cannot be read is what the check asserts against."""
    assert resource.read is not None
    read = ctx.send(resource.read, as_=reader, path=row.path)
    ctx.require_allowed(read, resource.read)
    ctx.expect_success(read, resource.read, title="the row the write answered cannot be read")
    return read


def _compare(
    ctx: CheckContext,
    resource: Resource,
    row: Row,
    answer: dict[str, Any],
    operation: Operation,
    reader: Identity,
) -> None:
    """A read of the row, as the writer (what a row answers may depend on the caller: a
    favourite), shows what the write answered."""
    assert resource.read is not None
    first = _read(ctx, resource, row, reader)
    body = ctx.json_object(first, operation=resource.read.operation_id)
    differ = [key for key, value in answer.items() if key in body and body[key] != value]
    if differ:
        # A second read: fields that move between reads (counters of views) are not the
        # write's doing.
        again = ctx.json_object(
            _read(ctx, resource, row, reader), operation=resource.read.operation_id
        )
        differ = [key for key in differ if again.get(key) == body.get(key)]
    if differ:
        ctx.fail(
            "a read of the row does not show what the write answered",
            expected=str({key: answer[key] for key in differ}),
            seen=str({key: body.get(key) for key in differ}),
            response=first,
            operation=operation.operation_id,
        )


def _defaulted(operation: Operation) -> dict[str, Any]:
    """The optional fields of a create's body that document a `default`, with it."""
    if operation.body is None:
        return {}
    required = operation.body.required_fields
    found = {}
    for name, schema in operation.body.properties.items():
        inner = schemas.object_schema(schema)
        if name in required or inner.get("readOnly") or is_secret(name, schema):
            continue
        if "default" in inner:
            found[name] = inner["default"]
        elif "default" in schema:
            found[name] = schema["default"]
    return found


def _with_defaults(contract: Contract) -> list[Resource]:
    """The resources (other than the accounts) whose create documents such a default."""
    return [
        resource
        for resource in contract.resources
        if resource.create is not None
        and resource.name != contract.roles.account_resource
        and _defaulted(resource.create)
    ]


@check(
    "workflows.create-defaults",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=of_found(
        "a create whose body has an optional field with a documented `default`",
        _with_defaults,
        "create",
    ),
    risk="A field left out of a create gets another value than the documented default.",
    description="A create that leaves out every optional field with a documented `default` "
    "answers those defaults, and a read of the row (where the spec has one) shows them.",
    owasp=Owasp.API9,
)
def create_defaults(ctx: CheckContext) -> None:
    found = _with_defaults(ctx.spec)
    if not found:
        ctx.skip("no create of the spec documents a default for an optional field")
    owner = ctx.user("defaults")
    for resource in found:
        create = resource.create
        assert create is not None
        with ctx.on(create):
            defaults = _defaulted(create)
            path = ctx.parent_path(resource, owner)
            sent = body_for(resource, ctx.identities.run_tag, owner.label)
            body = {key: value for key, value in sent.items() if key not in defaults}
            response, maker = ctx.act(create, owner, path=path, json=body)
            ctx.require_allowed(response, create)
            ctx.expect_success(response, create, title="a create without its defaults failed")
            answer = ctx.json_object(response, operation=create.operation_id)
            row_id = answer.get(resource.id_field)
            if row_id is not None and resource.id_param is not None:
                path = {**path, resource.id_param: row_id}
                ctx.ledger.note(resource.name, path, maker)
            shown = {key: value for key, value in defaults.items() if key in answer}
            if not shown:
                ctx.skip("the create's answer holds none of the defaulted fields")
            _expect_defaults(ctx, shown, answer, create, response)
            if resource.read is None or row_id is None or resource.id_param is None:
                continue
            read = ctx.send(resource.read, as_=maker, path=path)
            ctx.require_success(read, resource.read, need=Need.ACCESS)
            stored = ctx.json_object(read, operation=resource.read.operation_id)
            _expect_defaults(
                ctx, {k: v for k, v in shown.items() if k in stored}, stored, create, read
            )


def _expect_defaults(
    ctx: CheckContext,
    defaults: dict[str, Any],
    body: dict[str, Any],
    create: Operation,
    response: httpx.Response,
) -> None:
    wrong = [key for key, value in defaults.items() if body.get(key) != value]
    if wrong:
        ctx.fail(
            f"{', '.join(wrong)} left out of a create is not the documented default",
            expected=str({key: defaults[key] for key in wrong}),
            seen=str({key: body.get(key) for key in wrong}),
            response=response,
            operation=create.operation_id,
        )
