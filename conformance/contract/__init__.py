"""The contract model: one spec, loaded once, `$ref`s resolved once, shared by every consumer.

loader.py     read a document (bundled, file or URL)
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

from .loader import DEFAULT_SPEC, load_document
from .model import Body, Contract, Operation, Parameter, Response, build_contract, load_contract
from .resources import Pagination, Resource
from .roles import Credentials, Role, RoleName, Roles

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
