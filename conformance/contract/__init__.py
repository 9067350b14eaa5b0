"""The contract model: one spec, loaded once, `$ref`s resolved once, shared by every consumer.

loader.py     read a document (bundled, file or URL); yaml12.py: PyYAML, for what yaml-rs refuses
swagger2.py   a Swagger 2.0 document converted to OpenAPI 3.0.3, for every consumer
              (swagger2_nodes.py: its schemas, `$ref`s and copies)
tree.py       the raw YAML tree; document.py  the raw view with `$ref` lookups (lint)
model.py      `Contract`: typed operations, parameters, bodies, responses, security
roles.py      sign-up, token, refresh, logout, ... inferred (or set in conformance.toml)
security.py   each security scheme, and how the run presents a credential ([auth])
              (prefixes.py: the prefix an apiKey's description shows, `Token <jwt>`)
resources.py  collections and their items: ids, lists, pagination, server-owned fields
admin.py      what a spec reserves to administrators, and where they reach others' rows
schemas.py    questions asked of a resolved schema, and a valid sample value
accounts.py   what to send to sign up, log in and refresh, and what the answer holds
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loader import DEFAULT_SPEC, load_document
    from .model import (
        Body,
        Contract,
        Operation,
        Parameter,
        Response,
        build_contract,
        load_contract,
    )
    from .resources import Pagination, Resource
    from .roles import Credentials, Role, RoleName, Roles

# Each name is imported from its module when first asked for: `conformance lint` reads
# the raw document (`document.py`) and should not pay for importing the model it never
# builds.
_HOMES = {
    "DEFAULT_SPEC": "loader",
    "load_document": "loader",
    "Body": "model",
    "Contract": "model",
    "Operation": "model",
    "Parameter": "model",
    "Response": "model",
    "build_contract": "model",
    "load_contract": "model",
    "Pagination": "resources",
    "Resource": "resources",
    "Credentials": "roles",
    "Role": "roles",
    "RoleName": "roles",
    "Roles": "roles",
}

__all__ = [
    "DEFAULT_SPEC",
    "Body",
    "Contract",
    "Credentials",
    "Operation",
    "Pagination",
    "Parameter",
    "Resource",
    "Response",
    "Role",
    "RoleName",
    "Roles",
    "build_contract",
    "load_contract",
    "load_document",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
