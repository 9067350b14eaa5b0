"""Resources found in a spec: collections, their item operations, ids, lists and fields.

A resource is a collection path `/x` (or `/x/{x_id}/y`, nested in `x`) with a create
(`POST /x` answering an object with an id) or a list (`GET /x` answering an array or an
envelope holding one), and the operations on its items `GET|PATCH|PUT|DELETE /x/{id}`.
A row is keyed by the field of its answer that fills the item path's parameter (`slug`
for `/articles/{slug}`), else by its `id`. Bodies wrapped in one property
(`{"article": {...}}`) are seen through (`Body.fields`, `Response.fields`).

Not every POST makes a row:
- an *action* of a row is a write under its item path with no rows of its own
  (`POST|DELETE /articles/{slug}/favorite`, `POST /projects/{slug}/archive`), or a POST
  elsewhere that takes no fields and answers an existing row (`POST /login/test-token`
  answering the caller's account);
- a POST elsewhere that takes fields and answers the rows of another collection is one
  more create of that collection (a self sign-up `POST /users/signup` beside the
  administrators' `POST /users`): one resource, reached by both. A public create comes
  first, since anyone can make a row through it.

Everything here comes from path templates and schemas; nothing names an operation. Who
owns a row is not in the spec: the checks learn it at run time (one user creates, another
must not see it), as RESTler's namespace rule does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from . import schemas

if TYPE_CHECKING:
    from .model import Contract, Operation, Parameter

__all__ = ["WRITES", "Page", "Pagination", "Resource", "infer_resources"]

IdType = Literal["integer", "uuid", "string"]

_PARAM = re.compile(r"^\{([^}]+)\}$")
# Page-size, offset and page-number parameters, by the names APIs give them.
_SIZE = {"limit", "per_page", "perpage", "page_size", "pagesize", "size", "max", "count", "top"}
_OFFSET = {"offset", "skip", "start", "from"}
_PAGE = {"page", "page_number", "pagenumber", "pageno"}
_CURSOR = {"cursor", "after", "page_token", "pagetoken", "next", "continuation"}
_TOTAL = ("total", "total_count", "totalcount", "count", "total_items", "totalitems")
_LIST_FIELDS = ("items", "data", "results", "records", "entries", "content")
_OWNER = re.compile(r"^(owner|user|account|author|creator|created_by|member)(_?id)?$", re.I)


@dataclass(frozen=True, slots=True)
class Page:
    """One pagination parameter and its documented bounds."""

    name: str
    minimum: int | None
    maximum: int | None
    default: Any


@dataclass(frozen=True, slots=True)
class Pagination:
    size: Page | None = None
    offset: Page | None = None
    page: Page | None = None
    cursor: Page | None = None

    @property
    def style(self) -> str:
        if self.cursor is not None:
            return "cursor"
        if self.page is not None:
            return "page"
        if self.offset is not None:
            return "offset"
        return "size only" if self.size is not None else "none"

    def describe(self) -> str:
        parts = []
        for page in (self.size, self.offset, self.page, self.cursor):
            if page is not None:
                low = "" if page.minimum is None else str(page.minimum)
                high = "" if page.maximum is None else str(page.maximum)
                parts.append(f"{page.name} {low}..{high}" if low or high else page.name)
        return ", ".join(parts) or "none"


@dataclass(frozen=True, slots=True)
class Resource:
    name: str
    collection_path: str
    item_path: str | None
    id_param: str | None
    id_type: IdType
    id_field: str
    parent: str | None
    parent_param: str | None
    create: Operation | None
    listing: Operation | None
    read: Operation | None
    update: Operation | None
    replace: Operation | None
    delete: Operation | None
    # "array", "envelope" or None (no list operation).
    list_shape: str | None
    list_field: str | None
    total_field: str | None
    total_header: str | None
    pagination: Pagination
    # Fields the server sets (`readOnly`, or answered but never accepted).
    server_owned: tuple[str, ...]
    # Fields a create accepts, and those it requires.
    writable: tuple[str, ...]
    required: tuple[str, ...]
    owner_field: str | None
    # Further creates of its rows, elsewhere (a sign-up beside an administrators' create).
    other_creates: tuple[Operation, ...] = field(default=())
    # Writes that answer one of its rows without making one (`/favorite`, `/archive`).
    actions: tuple[Operation, ...] = field(default=())

    @property
    def operations(self) -> list[tuple[str, Operation]]:
        """(action, operation) for each operation the resource has."""
        found = [
            ("create", self.create),
            ("list", self.listing),
            ("read", self.read),
            ("update", self.update),
            ("replace", self.replace),
            ("delete", self.delete),
        ]
        return [(action, operation) for action, operation in found if operation is not None]

    @property
    def writes(self) -> list[Operation]:
        """The operations that change or delete one of its rows."""
        return [op for op in (self.update, self.replace, self.delete) if op is not None]


def _normal(path: str) -> str:
    return path.rstrip("/") or "/"


def _segments(path: str) -> list[str]:
    return [segment for segment in _normal(path).split("/") if segment]


def _id_type(parameter: Parameter | None) -> IdType:
    if parameter is None:
        return "string"
    kinds = schemas.types(parameter.schema)
    if "integer" in kinds:
        return "integer"
    if schemas.object_schema(parameter.schema).get("format") == "uuid":
        return "uuid"
    return "string"


def _has_id(operation: Operation | None, names: tuple[str, ...]) -> str | None:
    """The first of `names` that the operation's success answers (seen through a wrapper)."""
    success = operation.success if operation is not None else None
    fields = success.properties if success is not None else {}
    return next((name for name in names if name in fields), None)


def _page(parameter: Parameter) -> Page:
    low, high = schemas.integer_range(parameter.schema)
    return Page(parameter.name, low, high, parameter.schema.get("default"))


def _pagination(operation: Operation | None) -> Pagination:
    if operation is None:
        return Pagination()
    found: dict[str, Page] = {}
    for parameter in operation.query_parameters:
        key = parameter.name.lower().replace("-", "_")
        for role, names in (
            ("size", _SIZE),
            ("offset", _OFFSET),
            ("page", _PAGE),
            ("cursor", _CURSOR),
        ):
            if (key in names or key.replace("_", "") in names) and role not in found:
                found[role] = _page(parameter)
    return Pagination(**found)


def _list_shape(operation: Operation | None) -> tuple[str | None, str | None, str | None]:
    """(shape, field holding the rows, field holding the total) of a list's answer."""
    success = operation.success if operation is not None else None
    if success is None or success.schema is None:
        return None, None, None
    schema = schemas.object_schema(success.schema)
    if "array" in schemas.types(schema):
        return "array", None, None
    fields = schemas.properties(schema)
    arrays = [name for name, sub in fields.items() if "array" in schemas.types(sub)]
    if not arrays:
        return None, None, None
    rows = next((name for name in _LIST_FIELDS if name in arrays), arrays[0])
    total = next(
        (
            name
            for name in fields
            if _is_total(name, rows) and "integer" in schemas.types(fields[name])
        ),
        None,
    )
    return "envelope", rows, total


def _is_total(name: str, rows: str) -> bool:
    """Whether an envelope's field names the total: `total`, `count`, or the rows' own
    count (`articlesCount` beside `articles`)."""
    key = name.lower().replace("_", "")
    return name.lower() in _TOTAL or key in (f"{rows.lower()}count", f"total{rows.lower()}")


def infer_resources(contract: Contract) -> list[Resource]:
    """Every resource of the contract, parents before the resources nested in them."""
    by_collection: dict[str, dict[str, Operation]] = {}
    by_item: dict[str, dict[str, Operation]] = {}
    item_param: dict[str, str] = {}
    written: dict[str, str] = {}
    for operation in contract:
        segments = _segments(operation.path)
        match = _PARAM.match(segments[-1]) if segments else None
        if match is not None and len(segments) > 1:
            collection = "/" + "/".join(segments[:-1])
            by_item.setdefault(collection, {})[operation.method] = operation
            item_param[collection] = match.group(1)
        else:
            collection = _normal(operation.path)
            by_collection.setdefault(collection, {})[operation.method] = operation
            written.setdefault(collection, operation.path)
    found: list[Resource] = []
    for collection in sorted(set(by_collection) | set(by_item), key=lambda c: (c.count("/"), c)):
        on_collection = by_collection.get(collection, {})
        on_items = by_item.get(collection, {})
        param_name = item_param.get(collection)
        read = on_items.get("get")
        parameter = read.parameter(param_name, "path") if read and param_name else None
        if parameter is None and param_name is not None:
            any_item = next(iter(on_items.values()))
            parameter = any_item.parameter(param_name, "path")
        # The field that fills the item path's parameter keys a row (a slug), else its id.
        id_names = (*((param_name,) if param_name else ()), "id")
        create = on_collection.get("post")
        id_field = _has_id(create, id_names) or _has_id(read, id_names)
        listing = on_collection.get("get")
        shape, rows, total = _list_shape(listing)
        if id_field is None or not (create is not None or shape is not None):
            continue
        if _acts_on_row(collection, on_items, shape, found):
            continue
        if create is not None and _has_id(create, id_names) is None:
            create = None
        name = next((s for s in reversed(_segments(collection)) if not _PARAM.match(s)), collection)
        parent, parent_param = _parent(collection, found)
        found.append(
            _fields_of(
                Resource(
                    name=name,
                    collection_path=written.get(collection, collection),
                    item_path=next(iter(on_items.values())).path if on_items else None,
                    id_param=param_name,
                    id_type=_id_type(parameter),
                    id_field=id_field,
                    parent=parent,
                    parent_param=parent_param,
                    create=create,
                    listing=listing if shape is not None else None,
                    read=read,
                    update=on_items.get("patch"),
                    replace=on_items.get("put"),
                    delete=on_items.get("delete"),
                    list_shape=shape,
                    list_field=rows,
                    total_field=total,
                    total_header=next(
                        (
                            header
                            for header in (
                                listing.success.headers if listing and listing.success else ()
                            )
                            if "total" in header
                        ),
                        None,
                    ),
                    pagination=_pagination(listing if shape is not None else None),
                    server_owned=(),
                    writable=(),
                    required=(),
                    owner_field=None,
                )
            )
        )
    return _joined(contract, found)


def _fields_of(resource: Resource) -> Resource:
    """The resource with the fields its create takes (writable, required) and those the
    server sets (answered, but neither taken by the create nor changed by the update)."""
    create, update = resource.create, resource.update
    answered = _answered(create, resource.read, resource.listing, resource.list_field)
    accepted = create.body.properties if create is not None and create.body else {}
    changed = update.body.properties if update is not None and update.body else {}
    read_only = {n for n, s in answered.items() if s.get("readOnly")}
    server_owned = tuple(
        n for n in answered if n in read_only or (n not in accepted and n not in changed)
    )
    owner = next(
        (
            n
            for n in server_owned
            if _OWNER.match(n) and n not in (resource.parent_param, resource.id_field)
        ),
        None,
    )
    return replace(
        resource,
        server_owned=server_owned,
        writable=tuple(n for n, s in accepted.items() if not s.get("readOnly")),
        required=tuple(sorted(create.body.required_fields) if create and create.body else ()),
        owner_field=owner,
    )


def _acts_on_row(
    collection: str, on_items: dict[str, Operation], shape: str | None, found: list[Resource]
) -> bool:
    """Whether a collection is an action of a row (`/articles/{slug}/favorite`): right under
    a resource's item path, with no list and no items of its own."""
    if on_items or shape is not None:
        return False
    above = collection.rsplit("/", 1)[0]
    return any(
        resource.item_path is not None and _normal(resource.item_path) == above
        for resource in found
    )


def _row_fields(resource: Resource) -> dict[str, dict[str, Any]]:
    """What one row answers: its read's fields, else its create's."""
    for operation in (resource.read, resource.create):
        if operation is not None and operation.success is not None:
            fields = operation.success.properties
            if fields:
                return fields
    return {}


def _same_rows(operation: Operation, resource: Resource) -> bool:
    """Whether the operation answers rows of the resource (the same schema, or the same
    fields)."""
    success = operation.success
    if success is None:
        return False
    theirs, ours = _row_fields(resource), success.properties
    return bool(ours) and (ours is theirs or (len(ours) > 1 and set(ours) == set(theirs)))


def _joined(contract: Contract, found: list[Resource]) -> list[Resource]:
    """Creates and actions found elsewhere, joined to the resource whose rows they answer.

    A resource that is only a POST (no list, no items) answering another resource's rows
    is one more create of that resource when it takes fields, an action of it otherwise;
    the writes under a resource's item path that are no resource are its actions.
    """
    joined: dict[str, tuple[list[Operation], list[Operation]]] = {
        resource.name: ([], []) for resource in found
    }
    kept: list[Resource] = []
    for resource in found:
        create = resource.create
        home = None
        if create is not None and resource.listing is None and resource.item_path is None:
            home = next(
                (
                    other
                    for other in found
                    if other is not resource
                    and other.item_path is not None
                    and _same_rows(create, other)
                ),
                None,
            )
        if create is None or home is None:
            kept.append(resource)
            continue
        takes_fields = create.body is not None and bool(create.body.properties)
        joined[home.name][0 if takes_fields else 1].append(create)
    result = []
    for resource in kept:
        creates, actions = joined[resource.name]
        actions = [*_item_actions(contract, resource, kept), *actions]
        every = [op for op in (resource.create, *creates) if op is not None]
        # A public create first: through it anyone makes a row (a self sign-up).
        every.sort(key=lambda op: op.secured)
        first = every[0] if every else None
        if first is not resource.create:
            resource = _fields_of(replace(resource, create=first))
        result.append(replace(resource, other_creates=tuple(every[1:]), actions=tuple(actions)))
    return result


# The methods that write: a create, a change, a deletion, an action.
WRITES = ("post", "put", "patch", "delete")


def _item_actions(
    contract: Contract, resource: Resource, resources: list[Resource]
) -> list[Operation]:
    """The writes under a row's item path (`/x/{id}/favorite`) with no parameter of their
    own that no resource claims (a nested resource's create is not an action)."""
    if resource.item_path is None:
        return []
    prefix = resource.item_path.rstrip("/") + "/"
    claimed = {op.operation_id for other in resources for _, op in other.operations}
    found = []
    for operation in contract:
        rest = operation.path[len(prefix) :] if operation.path.startswith(prefix) else None
        if rest is None or not rest.strip("/") or "{" in rest or operation.method not in WRITES:
            continue
        if operation.operation_id not in claimed:
            found.append(operation)
    return found


def _parent(collection: str, found: list[Resource]) -> tuple[str | None, str | None]:
    """The resource whose item path a nested collection sits under, and its parameter."""
    segments = _segments(collection)
    for index in range(len(segments) - 1, 0, -1):
        match = _PARAM.match(segments[index])
        if match is None:
            continue
        prefix = "/" + "/".join(segments[:index])
        for resource in found:
            if _normal(resource.collection_path) == prefix:
                return resource.name, match.group(1)
        return None, match.group(1)
    return None, None


def _answered(
    create: Operation | None, read: Operation | None, listing: Operation | None, rows: str | None
) -> dict[str, dict[str, Any]]:
    """The fields of one row, as the create, the read or the list answers them."""
    for operation in (read, create):
        if operation is not None and operation.success is not None:
            fields = operation.success.properties
            if fields:
                return fields
    if listing is not None and listing.success is not None and listing.success.schema:
        schema = schemas.object_schema(listing.success.schema)
        if rows is not None:
            schema = schemas.properties(schema).get(rows, {})
        return schemas.properties(schemas.object_schema(schema).get("items", {}))
    return {}
