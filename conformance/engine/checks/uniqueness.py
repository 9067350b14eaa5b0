"""Uniqueness without regard to case, where the spec says so.

A field whose description (or whose create's description, in the sentence naming it)
says that it is unique case-insensitively ("case-insensitive", "without regard to case",
"regardless of case") must refuse a second row whose value differs from the first's only
in letter case: `Ada@example.com` once `ada@example.com` signed up. Nothing here names a
field: the spec's own words say which.
"""

from __future__ import annotations

import re

from ...contract import Contract, Operation, Resource, RoleName, patterns, schemas
from ..context import CheckContext
from ..registry import Need, Owasp, check
from ..rows import body_for
from ..targets import found_by

_NO_CASE = re.compile(
    r"case[- ]?insensitive|without regard to (letter )?case|regardless of (letter )?case|"
    r"ignor(e|es|ing) (letter )?case|not case[- ]?sensitive",
    re.I,
)
_UNIQUE = re.compile(r"unique|uniqueness|duplicate|already|taken|registered|exists", re.I)
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n\s*\n")


def _says_so(text: str) -> bool:
    return any(_NO_CASE.search(s) and _UNIQUE.search(s) for s in _SENTENCE.split(text))


def _named_in(text: str, name: str) -> bool:
    """Whether a sentence of `text` names the field (its name, or its plural) beside a
    case-insensitive uniqueness."""
    word = re.compile(rf"\b{re.escape(name)}s?\b", re.I)
    return any(
        word.search(s) and _NO_CASE.search(s) and _UNIQUE.search(s) for s in _SENTENCE.split(text)
    )


def _fields(operation: Operation) -> list[str]:
    """The string fields of a create's body that the spec says are unique without case."""
    if operation.body is None:
        return []
    found = []
    for name, schema in operation.body.properties.items():
        if "string" not in schemas.types(schema):
            continue
        inner = schemas.object_schema(schema)
        own = f"{inner.get('title', '')}. {inner.get('description', '')}"
        if _says_so(own) or _named_in(operation.prose, name):
            found.append(name)
    return found


def _creates(contract: Contract) -> list[tuple[Resource | None, Operation]]:
    """(resource, create) of each create with such a field; the sign-up's resource None."""
    signup = contract.roles.get(RoleName.SIGNUP)
    found: list[tuple[Resource | None, Operation]] = []
    if signup is not None and _fields(signup):
        found.append((None, signup))
    for resource in contract.resources:
        create = resource.create
        if create is not None and create is not signup and _fields(create):
            found.append((resource, create))
    return found


def _other_case(value: object, schema: dict[str, object]) -> str | None:
    """The value in other letter case, still within its pattern; None when none is."""
    if not isinstance(value, str):
        return None
    pattern = schemas.object_schema(schema).get("pattern")
    for candidate in (value.upper(), value.swapcase(), value.capitalize()):
        if candidate == value:
            continue
        if isinstance(pattern, str) and not patterns.search(pattern, candidate):
            continue
        return candidate
    return None


@check(
    "properties.case-insensitive-unique",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=found_by(
        "a create (the sign-up too) with a field that the spec says is unique without regard "
        "to case (the field's description, or a sentence of the create's naming it)",
        lambda contract: [operation for _, operation in _creates(contract)],
    ),
    risk="The same name or address is taken twice in other letter case: impersonation, and "
    "accounts that lookups cannot tell apart.",
    description="Where the spec says a field is unique case-insensitively, a second create "
    "whose value differs from an existing row's only in letter case is refused (a 4xx).",
    owasp=Owasp.API6,
)
def case_insensitive_unique(ctx: CheckContext) -> None:
    found = _creates(ctx.spec)
    if not found:
        ctx.skip("the spec says of no created field that it is unique without regard to case")
    for resource, create in found:
        for name in _fields(create):
            with ctx.on(create):
                if resource is None:
                    _signed_up_twice(ctx, create, name)
                else:
                    _created_twice(ctx, resource, create, name)


def _schema(create: Operation, name: str) -> dict[str, object]:
    return create.body.properties.get(name, {}) if create.body is not None else {}


def _signed_up_twice(ctx: CheckContext, signup: Operation, name: str) -> None:
    creds = ctx.spec.roles.credentials
    if creds is not None and name == creds.signup_identifier:
        value: object = ctx.identities.email_for("unique")
    else:
        value = schemas.sample(_schema(signup, name), hint=f"cf-{ctx.identities.run_tag}-unique")
    other = _other_case(value, _schema(signup, name))
    if other is None:
        ctx.skip(f"no value of {name} can be written in other letter case")
    first, _ = ctx.sign_up_with({name: value}, label="unique")
    ctx.require_success(first, signup, need=Need.ACCOUNT)
    second, _ = ctx.sign_up_with({name: other}, label="unique-again")
    _expect_refused(ctx, signup, name, value, other, second.status_code, second.text)


def _created_twice(ctx: CheckContext, resource: Resource, create: Operation, name: str) -> None:
    owner = ctx.user("unique")
    row = ctx.row(resource, owner)
    other = _other_case(row.sent.get(name), _schema(create, name))
    if other is None:
        ctx.skip(f"no value of {name} can be written in other letter case")
    body = {**body_for(resource, ctx.identities.run_tag, owner.label), name: other}
    second = ctx.send(create, as_=row.owner, path=row.parent_path, json=body)
    ctx.require_allowed(second, create)
    made = (
        ctx.json_object(second, operation=create.operation_id)
        if 200 <= second.status_code < 300
        else {}
    )
    if made.get(resource.id_field) is not None and resource.id_param is not None:
        ctx.ledger.note(
            resource.name,
            {**row.parent_path, resource.id_param: made[resource.id_field]},
            row.owner,
        )
    _expect_refused(ctx, create, name, row.sent.get(name), other, second.status_code, second.text)


def _expect_refused(
    ctx: CheckContext,
    create: Operation,
    name: str,
    value: object,
    other: str,
    status: int,
    text: str,
) -> None:
    if status >= 500:
        ctx.skip(f"the second create failed on the server ({status})")
    if 200 <= status < 300:
        ctx.fail(
            f"{name} was taken again in other letter case",
            expected=f"a refusal (4xx) of {other!r}, {value!r} being taken",
            seen=f"{status} {text[:200]}",
            operation=create.operation_id,
        )
