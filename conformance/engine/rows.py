"""Rows a check makes through the API: bodies from the spec's schemas, parents made first.

A check asks for "a row of this resource, owned by this user" and gets a `Row`: the id
the API answered, the body it answered, and the path parameters that address it (its
parents' ids included, for a nested resource). The resource that sign-up creates (the
accounts) is made by signing up, so its row is the user's own account.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..contract import Operation, Resource, schemas
from ..contract.roles import is_identifier, is_secret
from .identities import Identity

__all__ = [
    "Row",
    "body_for",
    "changed_fields",
    "ids_of",
    "listed_rows",
    "page_query",
    "replacement",
    "row_variants",
    "success_statuses",
    "total_of",
    "unknown_id",
    "widest_page",
]

_counter = itertools.count(1)
# What `schemas.sample` prefers to a made-up value; a changed value must be made up.
_GIVEN = ("const", "default", "example", "examples", "enum")


@dataclass(slots=True)
class Row:
    resource: Resource
    id: object
    body: dict[str, Any]
    # The path parameters that address it: its parents' ids and its own.
    path: dict[str, object]
    owner: Identity
    sent: dict[str, Any] = field(default_factory=dict)
    # The create's answer (its headers: `Location`), or the account's read.
    response: httpx.Response | None = None

    @property
    def parent_path(self) -> dict[str, object]:
        """The path of its parent, which a sibling is made `within`: its own id left out."""
        return {name: value for name, value in self.path.items() if name != self.resource.id_param}


def body_for(resource: Resource, run_tag: str, label: str) -> dict[str, Any]:
    """A valid create body for the resource, its strings marked with the run tag."""
    create = resource.create
    if create is None or create.body is None:
        return {}
    hint = f"cf-{run_tag}-{label}-{next(_counter)}"
    value = schemas.sample(create.body.fields, hint=hint)
    body = value if isinstance(value, dict) else {}
    # Optional text fields too, so that a round trip shows more than the required ones.
    for name, schema in create.body.properties.items():
        if name in body or schema.get("readOnly") or is_secret(name, schema):
            continue
        kinds = schemas.types(schema)
        if "string" in kinds and "format" not in schemas.object_schema(schema):
            body[name] = schemas.sample(
                {**schemas.object_schema(schema), "type": "string"}, hint=f"{hint}-{name}"
            )
    return body


# More values than this make an enum a value of the row's data, not a kind of row.
_KINDS = 4


def row_variants(resource: Resource) -> list[dict[str, Any]]:
    """The fields that make each kind of row a create can make: none (the sampled row),
    then each other value of every enum field it takes (`visibility: public` beside the
    default `private`), one field at a time."""
    create = resource.create
    variants: list[dict[str, Any]] = [{}]
    if create is None or create.body is None:
        return variants
    for name, schema in create.body.properties.items():
        inner = schemas.object_schema(schema)
        values = inner.get("enum")
        if inner.get("readOnly") or not isinstance(values, list) or len(values) > _KINDS:
            continue
        sampled = schemas.sample(schema)
        variants += [{name: value} for value in values if value is not None and value != sampled]
    return variants


def replacement(operation: Operation, row: Row, change: dict[str, Any]) -> dict[str, Any]:
    """A replacement's (PUT's) body: the fields the row was made with that the operation
    takes, with `change` on top."""
    fields = operation.body.properties if operation.body is not None else {}
    return {**{k: v for k, v in row.sent.items() if k in fields}, **change}


def changed_fields(resource: Resource, row: Row) -> dict[str, Any]:
    """A patch that changes one writable field of the row to another valid value.

    A plain string field first (not an identifier or a secret, whose change has effects of
    its own), else a boolean flipped, else an integer moved within its bounds.
    """
    update = resource.update or resource.replace
    if update is None or update.body is None:
        return {}
    fields = update.body.properties
    for name, schema in fields.items():
        inner = schemas.object_schema(schema)
        if (
            "string" in schemas.types(schema)
            and "enum" not in inner
            and "format" not in inner
            and not is_secret(name, schema)
            and not is_identifier(name, schema)
            and not inner.get("readOnly")
        ):
            fresh = {k: v for k, v in inner.items() if k not in _GIVEN}
            value = schemas.sample({**fresh, "type": "string"}, hint=f"changed-{next(_counter)}")
            if value != row.body.get(name):
                return {name: value}
    for name, schema in fields.items():
        if "boolean" in schemas.types(schema) and isinstance(row.body.get(name), bool):
            return {name: not row.body[name]}
    for name, schema in fields.items():
        current = row.body.get(name)
        if "integer" in schemas.types(schema) and isinstance(current, int):
            low, high = schemas.integer_range(schema)
            for candidate in (current + 1, current - 1):
                if (low is None or candidate >= low) and (high is None or candidate <= high):
                    return {name: candidate}
    return {}


def listed_rows(resource: Resource, response: httpx.Response) -> list[Any] | None:
    """The rows of a list answer (a bare array or the envelope's field), None if neither."""
    try:
        body = response.json()
    except ValueError:
        return None
    if resource.list_shape == "envelope" and isinstance(body, dict):
        rows = body.get(resource.list_field or "")
        return rows if isinstance(rows, list) else None
    return body if isinstance(body, list) else None


def ids_of(resource: Resource, rows: list[Any]) -> list[str]:
    """The ids of listed rows, as text, in the list's order."""
    return [str(entry.get(resource.id_field)) for entry in rows if isinstance(entry, dict)]


def unknown_id(resource: Resource) -> object:
    """An id of the resource's type, within its documented bounds, that names no row."""
    if resource.id_type == "uuid":
        return str(uuid.uuid4())
    if resource.id_type == "string":
        return f"cf-nobody-{uuid.uuid4().hex[:12]}"
    operation = resource.read or next((op for _, op in resource.operations), None)
    parameter = operation.parameter(resource.id_param or "", "path") if operation else None
    _, high = schemas.integer_range(parameter.schema if parameter else {})
    return 2**62 if high is None or high >= 2**62 else high


def widest_page(resource: Resource) -> dict[str, object]:
    """Query parameters asking for the largest page the spec allows (none when unbounded)."""
    size = resource.pagination.size
    return {size.name: size.maximum} if size is not None and size.maximum else {}


def page_query(resource: Resource, index: int, per: int) -> dict[str, object] | None:
    """The query of the list's page `index` (from 0) of `per` rows, by its offset or page
    number; None when the spec gives the list no way to page (or only a cursor)."""
    pages = resource.pagination
    if pages.size is None:
        return None
    if pages.offset is not None:
        return {pages.size.name: per, pages.offset.name: index * per}
    if pages.page is not None:
        first = pages.page.minimum if pages.page.minimum is not None else 1
        return {pages.size.name: per, pages.page.name: first + index}
    return None


def total_of(resource: Resource, response: httpx.Response) -> tuple[str, str | None] | None:
    """(where, value) of a list answer's total: its header or envelope field, as documented.

    None when the spec documents no total; the value is None when the answer lacks it.
    """
    if resource.total_header is not None:
        return resource.total_header, response.headers.get(resource.total_header)
    if resource.total_field is not None:
        try:
            body = response.json()
        except ValueError:
            body = None
        value = body.get(resource.total_field) if isinstance(body, dict) else None
        return resource.total_field, None if value is None else str(value)
    return None


def success_statuses(operation: Any) -> set[int]:
    """The 2xx statuses the operation documents (any 2xx when it documents none exactly)."""
    found = {int(code) for code in operation.statuses if code.isdigit() and code.startswith("2")}
    return found or set(range(200, 300))
