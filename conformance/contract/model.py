"""The contract model: every operation of a spec, its `$ref`s resolved once, as typed records.

`load_contract` reads a document (the bundled spec, a file or a URL), checks that it is an
OpenAPI 3 document, and builds a `Contract`: operations with their method, path template,
parameters and bounds, request body, responses (statuses, headers, schemas) and security.
Lint, the run engine, drift and the load suite all ask this one model; the roles and the
resources found in it are `roles.py` and `resources.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..errors import SpecError
from . import schemas
from .document import Spec
from .loader import load_document
from .resources import Resource, infer_resources
from .roles import Roles, infer_roles
from .security import AuthOverride, SecurityScheme, choose_presentation, read_schemes
from .swagger2 import as_openapi3
from .tree import as_list, as_map, structure_problem

__all__ = ["Body", "Contract", "Operation", "Parameter", "Response", "load_contract"]

BUNDLED = "spec/openapi.yaml (bundled)"


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str
    required: bool
    schema: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Body:
    """A request body: its first media type and that media type's schema.

    Where the body wraps the real object in one property (`{"user": {...}}`), `wrapper`
    names it: `fields` and `properties` see through it, and `wrap` puts fields back in it.
    """

    media_type: str
    required: bool
    schema: dict[str, Any]
    wrapper: str | None = None

    @property
    def fields(self) -> dict[str, Any]:
        """The schema of the object the body carries (inside its wrapper, if any)."""
        return _inside(self.schema, self.wrapper)

    @property
    def properties(self) -> dict[str, dict[str, Any]]:
        return schemas.properties(self.fields)

    @property
    def required_fields(self) -> frozenset[str]:
        return schemas.required(self.fields)

    def wrap(self, value: Any) -> Any:
        """`value` (the object's fields) as the body carries it: in its wrapper, if any,
        unless it is wrapped already."""
        if self.wrapper is None or not isinstance(value, dict) or _wrapped(value, self.wrapper):
            return value
        return {self.wrapper: value}

    def unwrap(self, value: Any) -> Any:
        """The fields a body carries: taken out of its wrapper, where it has one."""
        if self.wrapper is not None and _wrapped(value, self.wrapper):
            return value[self.wrapper]
        return value

    @property
    def is_form(self) -> bool:
        return self.media_type in ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True, slots=True)
class Response:
    status: str
    media_type: str | None
    schema: dict[str, Any] | None
    # Header names, lower-cased.
    headers: frozenset[str] = frozenset()
    # Each header's schema, resolved, by lower-cased name (`{}` when it gives none).
    header_schemas: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    # The headers it documents as `required: true`, lower-cased.
    required_headers: frozenset[str] = frozenset()
    description: str = ""
    # The one property holding the real object (`{"article": {...}}`), if any.
    wrapper: str | None = None

    @property
    def fields(self) -> dict[str, Any]:
        """The schema of the object the answer carries (inside its wrapper, if any)."""
        return _inside(self.schema or {}, self.wrapper)

    @property
    def properties(self) -> dict[str, dict[str, Any]]:
        return schemas.properties(self.fields)

    def unwrap(self, value: Any) -> Any:
        """The object an answer carries: taken out of its wrapper, where it has one."""
        if self.wrapper is not None and _wrapped(value, self.wrapper):
            return value[self.wrapper]
        return value


_UUID = re.compile(r"^[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}$", re.I)


def _fills(operation: Operation, template: str, segment: str, *, typed: bool) -> bool:
    """Whether a path segment can fill the template's `{parameter}` (of its type)."""
    if not template.startswith("{") or segment.startswith("{"):
        return False
    if not typed:
        return True
    parameter = operation.parameter(template.strip("{}"), "path")
    schema = parameter.schema if parameter is not None else {}
    kinds = schemas.types(schema)
    if "integer" in kinds or "number" in kinds:
        return segment.lstrip("-").isdigit()
    if schemas.object_schema(schema).get("format") == "uuid":
        return bool(_UUID.match(segment))
    return True


def _inside(schema: dict[str, Any], wrapper: str | None) -> dict[str, Any]:
    return schemas.properties(schema)[wrapper] if wrapper is not None else schema


def _wrapped(value: Any, wrapper: str) -> bool:
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get(wrapper), dict)


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str
    path: str
    # Whether it requires a credential (every security requirement names a scheme).
    secured: bool
    statuses: frozenset[str]
    parameters: tuple[Parameter, ...] = ()
    body: Body | None = None
    responses: dict[str, Response] = field(default_factory=dict)
    # Names of the security schemes any of its requirements uses.
    schemes: tuple[str, ...] = ()
    # It takes a credential but does not require one (`security: [{}, {scheme: []}]`).
    optional_security: bool = False
    tags: tuple[str, ...] = ()
    # Its summary, description and responses' descriptions: what only prose says (who
    # administers), for `admin.py`.
    prose: str = ""

    @property
    def label(self) -> str:
        """Schemathesis's name for the operation: `GET /api/v1/items/{item_id}`."""
        return f"{self.method.upper()} {self.path}"

    def url_path(self, **params: object) -> str:
        path = self.path
        for name, value in params.items():
            path = path.replace("{" + name + "}", str(value))
        return path

    def parameter(self, name: str, location: str | None = None) -> Parameter | None:
        return next(
            (
                p
                for p in self.parameters
                if p.name == name and (location is None or p.location == location)
            ),
            None,
        )

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    @property
    def success(self) -> Response | None:
        """The first documented 2xx response (lowest code), if any."""
        codes = sorted(code for code in self.responses if code.startswith("2"))
        return self.responses[codes[0]] if codes else None

    def response(self, status: int | str) -> Response | None:
        code = str(status)
        return self.responses.get(code) or self.responses.get(f"{code[0]}XX")

    def unwrap(self, status: int, value: Any) -> Any:
        """An answer's object, out of the wrapper its documented response (or, for an
        undocumented status, its success) declares."""
        documented = self.response(status) or self.success
        return documented.unwrap(value) if documented is not None else value

    @property
    def documents_refusals(self) -> bool:
        """Whether it documents a refusal beyond the 422 FastAPI adds to every operation
        that takes input: a 4xx, `4XX` or `default`. One that does not (only its success,
        as drf-spectacular and FastAPI document by default) says nothing of which 4xx."""
        return any(
            code == "default" or (code.upper().startswith("4") and code != "422")
            for code in self.statuses
        )

    @property
    def documents_invalid_input(self) -> bool:
        """Whether it documents a refusal of invalid input: 400, 422, `4XX` or `default`."""
        return bool({"400", "422", "4XX", "4xx", "default"} & self.statuses)

    def documents(self, status: int) -> bool:
        """Whether the status is documented (exactly, by its class, or by `default`)."""
        code = str(status)
        return code in self.statuses or f"{code[0]}XX" in self.statuses


class Contract:
    """One spec, modelled once: its operations by operationId, and what is inferred from them."""

    def __init__(
        self,
        document: dict[str, Any],
        *,
        source: str,
        role_overrides: dict[str, str] | None = None,
        auth: AuthOverride | None = None,
    ) -> None:
        self.source = source
        self.document = document
        self.raw = Spec(document)
        self.operations: dict[str, Operation] = {}
        for operation in self._build():
            self.operations.setdefault(operation.operation_id, operation)
        self.schemes: dict[str, SecurityScheme] = read_schemes(self.security_schemes)
        # How the run presents every credential: a `[auth]` naming nothing stops at load.
        self.presentation: SecurityScheme = choose_presentation(self.schemes, self, auth)
        # Inferred once, here, so that a `[roles]` override naming nothing stops at load.
        self.resources: list[Resource] = infer_resources(self)
        self.roles: Roles = infer_roles(self, dict(role_overrides or {}))

    # -- lookup ----------------------------------------------------------------------------

    def __getitem__(self, operation_id: str) -> Operation:
        return self.operations[operation_id]

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations.values())

    def by_label(self, label: str) -> Operation | None:
        return self._by_label.get(label)

    @cached_property
    def _by_label(self) -> dict[str, Operation]:
        return {operation.label: operation for operation in self.operations.values()}

    def operation_name(self, label: str | None) -> str | None:
        """The operationId for a schemathesis label, or the label itself if it names none."""
        if label is None:
            return None
        operation = self.by_label(label)
        return operation.operation_id if operation is not None else label

    @property
    def webhooks(self) -> list[str]:
        """The names of the document's webhooks: requests the API sends, not operations."""
        return [str(name) for name in as_map(self.document.get("webhooks"))]

    @property
    def nothing_to_call(self) -> str | None:
        """Why a run has nothing to call (the document describes no operation), or None."""
        if self.operations:
            return None
        if self.webhooks:
            return (
                f"nothing to call: the document describes only webhooks "
                f"({len(self.webhooks)}), requests the API sends rather than answers"
            )
        return "nothing to call: the document describes no operation under `paths`"

    def require_operations(self) -> None:
        """`SpecError` (one line) when the document describes nothing a client can call."""
        if self.nothing_to_call is not None:
            raise SpecError(self.nothing_to_call, source=self.source)

    @property
    def servers(self) -> list[str]:
        """The `url` of each server, as written."""
        return [
            str(as_map(server).get("url"))
            for server in as_list(self.document.get("servers"))
            if isinstance(as_map(server).get("url"), str)
        ]

    @cached_property
    def security_schemes(self) -> dict[str, dict[str, Any]]:
        found = as_map(as_map(self.document.get("components")).get("securitySchemes"))
        return {name: as_map(self.raw.dereference(node)) for name, node in found.items()}

    # -- what is inferred ------------------------------------------------------------------

    def rows_named(self, operation: Operation) -> list[tuple[str, Resource]]:
        """(path parameter, resource) for each parameter of the path that names a row.

        `/boards/{board_id}/cards/{card_id}` names a board and a card: each prefix of the
        path that ends in a parameter is matched with the item path of a resource.
        """
        items = {
            resource.item_path.rstrip("/"): resource
            for resource in self.resources
            if resource.item_path is not None
        }
        found = []
        segments = operation.path.rstrip("/").split("/")
        for index, segment in enumerate(segments):
            if segment.startswith("{") and segment.endswith("}"):
                resource = items.get("/".join(segments[: index + 1]))
                if resource is not None:
                    found.append((segment[1:-1], resource))
        return found

    def methods_at(self, route: str, *, typed: bool = True) -> frozenset[str]:
        """The methods (lower case) the spec documents for a path, by every template that
        matches it: `/articles/feed` is also `/articles/{slug}` (a string), not
        `/users/{user_id}` (an integer) unless `typed` is off (as routers match, on text
        alone). A `{parameter}` of `route` matches a parameter."""
        segments = route.rstrip("/").split("/")
        found: set[str] = set()
        for template, operation in self._templates.get(len(segments), ()):
            if all(
                theirs == ours or _fills(operation, theirs, ours, typed=typed)
                for theirs, ours in zip(template, segments, strict=True)
            ):
                found.add(operation.method)
        return frozenset(found)

    @cached_property
    def _templates(self) -> dict[int, list[tuple[list[str], Operation]]]:
        """Each operation's path template, split into segments, by the number of them."""
        found: dict[int, list[tuple[list[str], Operation]]] = {}
        for operation in self:
            template = operation.path.rstrip("/").split("/")
            found.setdefault(len(template), []).append((template, operation))
        return found

    def resource(self, name: str) -> Resource | None:
        return next((resource for resource in self.resources if resource.name == name), None)

    # -- building --------------------------------------------------------------------------

    def _build(self) -> Iterator[Operation]:
        default_security = self.document.get("security", [])
        for raw in self.raw.operations:
            node = raw.node
            security = node.get("security", default_security)
            requirements = [as_map(item) for item in as_list(security)]
            parameters = tuple(
                Parameter(
                    name=str(p.get("name")),
                    location=str(p.get("in")),
                    required=bool(p.get("required")) or p.get("in") == "path",
                    schema=as_map(self.raw.dereference(p.get("schema", {}))),
                )
                for p in self.raw.parameters(raw).values()
            )
            responses = list(self.raw.responses(raw))
            yield Operation(
                operation_id=raw.operation_id or raw.label,
                method=raw.method,
                path=raw.route,
                secured=bool(requirements) and all(requirements),
                statuses=frozenset(str(code) for code in as_map(node.get("responses"))),
                parameters=parameters,
                body=self._body(raw),
                responses={code: self._response(code, response) for code, response, _ in responses},
                schemes=tuple(sorted({name for item in requirements for name in item})),
                optional_security=any(requirements) and not all(requirements),
                tags=tuple(str(tag) for tag in as_list(node.get("tags"))),
                prose=_prose(node, responses),
            )

    def _body(self, raw: Any) -> Body | None:
        found = self.raw.request_body(raw)
        if found is None:
            return None
        body, _ = found
        media_type, schema = _first_media(self.raw, body)
        if media_type is None:
            return None
        schema = schema or {}
        return Body(media_type, bool(body.get("required")), schema, schemas.wrapper(schema))

    def _response(self, code: str, response: dict[str, Any]) -> Response:
        media_type, schema = _first_media(self.raw, response)
        found = {
            str(name).lower(): as_map(self.raw.dereference(header))
            for name, header in as_map(response.get("headers")).items()
        }
        schemas_of = {name: as_map(header.get("schema")) for name, header in found.items()}
        required = frozenset(name for name, header in found.items() if header.get("required"))
        description = response.get("description")
        return Response(
            code,
            media_type,
            schema,
            frozenset(found),
            schemas_of,
            required,
            description if isinstance(description, str) else "",
            schemas.wrapper(schema),
        )


def _prose(node: dict[str, Any], responses: list[tuple[str, dict[str, Any], Any]]) -> str:
    texts = [node.get("summary"), node.get("description")]
    texts += [response.get("description") for _, response, _ in responses]
    return "\n".join(text for text in texts if isinstance(text, str))


def _first_media(raw: Spec, holder: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    """The JSON media type if there is one, else the first; and its schema, resolved."""
    content = as_map(holder.get("content"))
    if not content:
        return None, None
    media_type = next((name for name in content if "json" in name), next(iter(content)))
    schema = as_map(content[media_type]).get("schema")
    return str(media_type), (as_map(raw.dereference(schema)) if schema is not None else None)


def load_contract(
    source: str | None,
    *,
    role_overrides: dict[str, str] | None = None,
    auth: AuthOverride | None = None,
) -> Contract:
    """Load and model a spec; `SpecError` (one line) when it is not an OpenAPI document.

    `role_overrides` and `auth` are conformance.toml's `[roles]` and `[auth]`.
    """
    name = source or BUNDLED
    try:
        document = load_document(source)
    except SpecError as exc:
        lines = exc.message.splitlines()
        if len(lines) < 2:
            raise
        # One line on the console: httpx's status errors append a line of advice.
        detail = lines[0].removeprefix(f"{exc.source}: ")
        raise SpecError(detail, source=exc.source, hint=exc.hint) from exc
    return build_contract(document, source=name, role_overrides=role_overrides, auth=auth)


def build_contract(
    document: dict[str, Any],
    *,
    source: str,
    role_overrides: dict[str, str] | None = None,
    auth: AuthOverride | None = None,
) -> Contract:
    """Model a document already read (a served one, for drift).

    A Swagger 2.0 document is converted to OpenAPI 3.0 once, here: the model, and all
    that reads it (the run, schemathesis, the load suite), see only OpenAPI 3.
    """
    document = as_openapi3(document)
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise SpecError(
            'not an OpenAPI document (no `openapi: 3.x` nor `swagger: "2.0"` field)',
            source=source,
        )
    paths = document.get("paths", {})
    if not isinstance(paths, dict):
        raise SpecError("`paths` is not a mapping", source=source)
    problem = structure_problem(document)
    if problem is not None:
        raise SpecError(problem[1], source=source)
    if not all(isinstance(item, dict) for item in paths.values()):
        bad = next(path for path, item in paths.items() if not isinstance(item, dict))
        raise SpecError(f"path {bad!r} is not a mapping", source=source)
    return Contract(document, source=source, role_overrides=role_overrides, auth=auth)
