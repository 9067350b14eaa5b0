"""The contract of an API with accounts and N similar resources, built as a Python dict.

Every resource is alike (integer ids, a strict body, an envelope list paginated by
`limit`/`offset`, 404 for what the caller does not own), so that run time can be measured
against the number of operations alone.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ACCOUNT_OPERATIONS", "Shape", "document", "operations_of", "shapes"]

# registerUser, issueToken, showMe, removeMe.
ACCOUNT_OPERATIONS = 4
_NOUNS = ("books", "films", "songs", "games", "tools", "plants", "rooms", "trips")


class Shape:
    """One generated resource: its name, its paths and the resource it is nested in."""

    name: str
    singular: str
    parent: Shape | None
    id_param: str
    collection_path: str
    item_path: str
    title: str

    def __init__(self, index: int, parent: Shape | None) -> None:
        base = _NOUNS[index % len(_NOUNS)]
        self.name = base if index < len(_NOUNS) else f"{base}{index // len(_NOUNS) + 1}"
        self.singular = self.name[:-1] if self.name.endswith("s") else self.name
        self.parent = parent
        self.id_param = f"{self.singular}_id"
        prefix = parent.item_path if parent is not None else ""
        self.collection_path = f"{prefix}/{self.name}"
        self.item_path = f"{self.collection_path}/{{{self.id_param}}}"
        self.title = self.singular.capitalize()

    @property
    def id_param_of_parent(self) -> str:
        """The field of a nested row naming its parent (the parent's id parameter)."""
        assert self.parent is not None
        return self.parent.id_param

    @property
    def path_params(self) -> list[str]:
        """The path parameters of the item path, outermost first."""
        own = [self.id_param]
        return own if self.parent is None else [*self.parent.path_params, *own]


def shapes(count: int, *, nested: bool = False) -> list[Shape]:
    """`count` resources; with `nested`, each odd-numbered one inside the one before it."""
    found: list[Shape] = []
    for index in range(count):
        parent = found[-1] if nested and index % 2 == 1 else None
        found.append(Shape(index, parent))
    return found


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = _json(schema)
    return answer


_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "422": {"$ref": "#/components/responses/Invalid"},
}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: _ERRORS[code] for code in codes}


def _id_parameter(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "format": "int64", "minimum": 1},
    }


def _page_parameter(name: str, low: int, high: int, default: int) -> dict[str, Any]:
    schema = {"type": "integer", "minimum": low, "maximum": high, "default": default}
    return {"name": name, "in": "query", "schema": schema}


def _resource_schemas(shape: Shape) -> dict[str, Any]:
    name = {"type": "string", "minLength": 1, "maxLength": 60}
    note = {"type": ["string", "null"], "maxLength": 200}
    rank = {"type": "integer", "minimum": 0, "maximum": 1000}
    stamp = {"type": "string", "format": "date-time", "readOnly": True}
    writable = {"name": name, "note": note, "rank": rank}
    row: dict[str, Any] = {
        "id": {"type": "integer", "format": "int64", "readOnly": True},
        **writable,
        "owner_id": {"type": "integer", "format": "int64", "readOnly": True},
        "created_at": stamp,
        "updated_at": {"type": ["string", "null"], "format": "date-time", "readOnly": True},
    }
    if shape.parent is not None:
        row[shape.parent.id_param] = {"type": "integer", "format": "int64", "readOnly": True}
    closed = {"type": "object", "additionalProperties": False}
    return {
        f"{shape.title}Create": {**closed, "required": ["name"], "properties": writable},
        f"{shape.title}Update": {**closed, "properties": writable},
        shape.title: {**closed, "required": list(row), "properties": row},
        f"{shape.title}Page": {
            **closed,
            "required": ["items", "total"],
            "properties": {
                "items": {"type": "array", "maxItems": 50, "items": _ref(shape.title)},
                "total": {"type": "integer", "minimum": 0},
            },
        },
    }


def _resource_paths(shape: Shape) -> dict[str, Any]:
    parents = [_id_parameter(name) for name in shape.path_params[:-1]]
    own = _ref(shape.title)
    link_parameters = {name: f"$response.body#/{name}" for name in shape.path_params[:-1]}
    link_parameters[shape.id_param] = "$response.body#/id"
    links = {
        f"{verb}{shape.title}": {
            "operationId": f"{verb}{shape.title}",
            "parameters": link_parameters,
        }
        for verb in ("read", "update", "delete")
    }
    missing = ("404",) if parents else ()
    collection: dict[str, Any] = {
        "get": {
            "operationId": f"list{shape.title}s",
            "summary": f"The caller's {shape.name}, oldest first",
            "parameters": [
                _page_parameter("limit", 1, 50, 20),
                _page_parameter("offset", 0, 100000, 0),
            ],
            "responses": {
                "200": _answer(f"One page of {shape.name}.", _ref(f"{shape.title}Page")),
                **_errors("401", *missing, "422"),
            },
        },
        "post": {
            "operationId": f"create{shape.title}",
            "summary": f"Create a {shape.singular}",
            "requestBody": {"required": True, "content": _json(_ref(f"{shape.title}Create"))},
            "responses": {
                "201": {**_answer("Created.", own), "links": links},
                **_errors("401", *missing, "422"),
            },
        },
    }
    if parents:
        collection["parameters"] = parents
    item = {
        "parameters": [*parents, _id_parameter(shape.id_param)],
        "get": {
            "operationId": f"read{shape.title}",
            "summary": f"One {shape.singular}",
            "responses": {"200": _answer("The row.", own), **_errors("401", "404")},
        },
        "patch": {
            "operationId": f"update{shape.title}",
            "summary": f"Change a {shape.singular}",
            "requestBody": {"required": True, "content": _json(_ref(f"{shape.title}Update"))},
            "responses": {"200": _answer("The row now.", own), **_errors("401", "404", "422")},
        },
        "delete": {
            "operationId": f"delete{shape.title}",
            "summary": f"Delete a {shape.singular}",
            "responses": {"204": _answer("Gone."), **_errors("401", "404")},
        },
    }
    return {shape.collection_path: collection, shape.item_path: item}


def _account_paths() -> dict[str, Any]:
    public: dict[str, Any] = {"security": []}
    return {
        "/users": {
            "post": {
                **public,
                "operationId": "registerUser",
                "requestBody": {"required": True, "content": _json(_ref("UserCreate"))},
                "responses": {
                    "201": _answer("The account.", _ref("User")),
                    "409": {"$ref": "#/components/responses/Conflict"},
                    **_errors("422"),
                },
            }
        },
        "/auth/token": {
            "post": {
                **public,
                "operationId": "issueToken",
                "requestBody": {"required": True, "content": _json(_ref("Credentials"))},
                "responses": {"200": _answer("A token.", _ref("Token")), **_errors("401", "422")},
            }
        },
        "/me": {
            "get": {
                "operationId": "showMe",
                "responses": {"200": _answer("The caller.", _ref("User")), **_errors("401")},
            },
            "delete": {
                "operationId": "removeMe",
                "responses": {"204": _answer("Gone, with all it owned."), **_errors("401")},
            },
        },
    }


def _account_schemas() -> dict[str, Any]:
    closed = {"type": "object", "additionalProperties": False}
    username = {"type": "string", "minLength": 3, "maxLength": 40, "pattern": "^[a-z0-9_]+$"}
    password = {"type": "string", "minLength": 8, "maxLength": 64, "writeOnly": True}
    return {
        "Error": {
            **closed,
            "required": ["detail"],
            "properties": {"detail": {"type": "string", "maxLength": 300}},
        },
        "UserCreate": {
            **closed,
            "required": ["username", "password"],
            "properties": {"username": username, "password": password},
        },
        "User": {
            **closed,
            "required": ["id", "username"],
            "properties": {
                "id": {"type": "integer", "format": "int64", "readOnly": True},
                "username": username,
            },
        },
        "Credentials": {
            **closed,
            "required": ["username", "password"],
            "properties": {
                "username": {"type": "string", "minLength": 1, "maxLength": 40},
                "password": {**password, "minLength": 1},
            },
        },
        "Token": {
            **closed,
            "required": ["access_token", "token_type"],
            "properties": {
                "access_token": {"type": "string", "minLength": 1},
                "token_type": {"type": "string", "const": "bearer"},
            },
        },
    }


def document(count: int, *, nested: bool = False) -> dict[str, Any]:
    """The OpenAPI 3.1 document of accounts and `count` resources."""
    if count < 1:
        raise ValueError("at least one resource")
    paths = _account_paths()
    components = _account_schemas()
    for shape in shapes(count, nested=nested):
        paths.update(_resource_paths(shape))
        components.update(_resource_schemas(shape))
    error = {"content": _json(_ref("Error"))}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{count} resources",
            "version": "1.0.0",
            "description": "Generated for the scale benchmark; every resource is alike.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Unauthorized": {"description": "No valid token.", **error},
                "NotFound": {"description": "Nothing of the caller's.", **error},
                "Conflict": {"description": "The username is taken.", **error},
                "Invalid": {"description": "The request breaks its schema.", **error},
            },
            "schemas": components,
        },
    }


def operations_of(spec: dict[str, Any]) -> int:
    """How many operations the document has."""
    return sum(1 for item in spec["paths"].values() for method in item if method != "parameters")
