"""What the boards and members fixtures share: their spec, validation, tokens, passwords, routes.

Each fixture validates requests against its own hand-written spec (the request schemas
and query parameters it documents), so the app and its contract cannot disagree on what
is valid; errors are rendered by each fixture in its own format.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import jwt
import yaml
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError as SchemaError  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = [
    "Invalid",
    "JSONResponse",
    "SpecRules",
    "Tokens",
    "hash_password",
    "load_spec",
    "read_json",
    "resource",
    "verify_password",
]

Handler = Callable[[Request], Awaitable[Response]]
_SPEC_URI = "urn:fixture-spec"
_DECIMAL = re.compile(r"-?[0-9]+")


def load_spec(path: Path) -> dict[str, Any]:
    """The fixture's OpenAPI document, parsed from its YAML."""
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


class JSONResponse(Response):
    """JSON with every non-ASCII character escaped, so that no string can fail to encode."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


class Invalid(Exception):
    """The request breaks its schema: (location, rule) pairs, never the rejected value."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(errors)} broken rules")
        self.errors = errors


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _errors(validator: Draft202012Validator, instance: object, where: str) -> list[tuple[str, str]]:
    found: list[SchemaError] = sorted(
        validator.iter_errors(instance), key=lambda e: [str(part) for part in e.path]
    )
    return [
        ("/".join([where, *(str(part) for part in error.path)]), f"breaks `{error.validator}`")
        for error in found[:20]
    ]


class SpecRules:
    """The request rules of one spec, by operationId: its body schema and its query parameters."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        registry: Registry[Any] = Registry().with_resource(
            _SPEC_URI, Resource.from_contents(dict(document), default_specification=DRAFT202012)
        )
        self._bodies: dict[str, Draft202012Validator] = {}
        self._queries: dict[str, dict[str, tuple[Any, Draft202012Validator]]] = {}
        for item in document["paths"].values():
            for method, operation in item.items():
                if method == "parameters":
                    continue
                operation_id = operation["operationId"]
                body = operation.get("requestBody")
                if body is not None:
                    schema = body["content"]["application/json"]["schema"]
                    self._bodies[operation_id] = self._validator(schema, registry)
                queries = {}
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query":
                        schema = parameter["schema"]
                        queries[parameter["name"]] = (
                            schema.get("default"),
                            self._validator(schema, registry),
                        )
                self._queries[operation_id] = queries

    @staticmethod
    def _validator(schema: Any, registry: Registry[Any]) -> Draft202012Validator:
        return Draft202012Validator(
            _rebase(schema), registry=registry, format_checker=FormatChecker()
        )

    async def body(self, request: Request, operation_id: str) -> Any:
        """The request's JSON body, valid against the operation's schema, or `Invalid`."""
        value = await read_json(request)
        self.check_body(operation_id, value)
        return value

    def check_body(self, operation_id: str, value: object) -> None:
        """Raise `Invalid` unless `value` is a valid body of the operation."""
        errors = _errors(self._bodies[operation_id], value, "body")
        if errors:
            raise Invalid(errors)

    def query(self, request: Request, operation_id: str) -> dict[str, Any]:
        """The operation's query parameters (integers, booleans), defaults filled in, or
        `Invalid`."""
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        for name, (default, validator) in self._queries[operation_id].items():
            given = request.query_params.getlist(name)
            if not given:
                values[name] = default
                continue
            where = f"query/{name}"
            if len(given) > 1:
                errors.append((where, "is given more than once"))
            elif given[0] in ("true", "false"):
                errors += _errors(validator, given[0] == "true", where)
                values[name] = given[0] == "true"
            elif not _DECIMAL.fullmatch(given[0]):
                errors.append((where, "is not an integer"))
            else:
                errors += _errors(validator, int(given[0]), where)
                values[name] = int(given[0])
        if errors:
            raise Invalid(errors)
        return values


async def read_json(request: Request) -> Any:
    """The request's body as JSON (whatever its `Content-Type` says), or `Invalid`."""
    raw = await request.body()
    if not raw:
        raise Invalid([("body", "is required")])
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
        raise Invalid([("body", "is not a JSON document in UTF-8")]) from None


def _rebase(schema: Any) -> Any:
    """`schema` with its `#/...` references pointing into the registered document."""
    if isinstance(schema, dict):
        return {
            key: (
                f"{_SPEC_URI}{value}"
                if key == "$ref" and isinstance(value, str) and value.startswith("#")
                else _rebase(value)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(value) for value in schema]
    return schema


class Tokens:
    """HS256 access tokens (claims `sub`, `iat`, `exp`) signed with a secret of this app alone."""

    def __init__(self, lifetime: int = 3600, *, check_expiry: bool = True) -> None:
        self._secret = secrets.token_bytes(32)
        self.lifetime = lifetime
        # False only for a faulty fixture that takes expired tokens.
        self.check_expiry = check_expiry

    def issue(self, subject: str) -> str:
        now = int(time.time())
        claims = {"sub": subject, "iat": now, "exp": now + self.lifetime}
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def subject(self, authorization: str | None) -> str | None:
        """The `sub` of a valid `Authorization: Bearer <token>`, else None."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            claims = jwt.decode(
                token.strip(),
                self._secret,
                algorithms=["HS256"],
                options={"require": ["sub", "iat", "exp"], "verify_exp": self.check_expiry},
            )
        except jwt.PyJWTError:
            return None
        subject = claims["sub"]
        return subject if isinstance(subject, str) else None


def _digest(password: str, salt: bytes) -> bytes:
    # Few iterations on purpose: a test target is fuzzed with thousands of sign-ups.
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "surrogatepass"), salt, 1000)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    return f"{salt.hex()}${_digest(password, salt).hex()}"


def verify_password(password: str, stored: str) -> bool:
    salt, _, digest = stored.partition("$")
    return hmac.compare_digest(_digest(password, bytes.fromhex(salt)).hex(), digest)


def resource(path: str, handlers: Mapping[str, Handler]) -> Route:
    """One route for every method of `path`, so that a 405's `Allow` names them all."""

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return Route(path, dispatch, methods=list(handlers))
