"""Swagger 2.0 read as OpenAPI 3.0.3: one conversion, so every consumer sees a 3.0 document.

`to_openapi3` follows the well-known converters (swagger2openapi):

- `host`, `basePath` and `schemes` become `servers`, one per scheme; a host without schemes
  gives a scheme-relative URL (`//host/base`: 2.0 means "the scheme the document came by"),
  a `basePath` alone a relative one (`/` for `basePath: /`), neither no `servers` at all
  (3.0 then means `/`).
- `definitions`, `parameters`, `responses` and `securityDefinitions` become `components`;
  a body or form parameter among them becomes a request body, and every `$ref` is
  rewritten to the new place (names outside `[A-Za-z0-9._-]` are made valid 3.0 keys).
- A body parameter becomes `requestBody` with one media type per `consumes` (the
  operation's, else the document's, else `application/json`); form parameters become one
  object schema, `multipart/form-data` when a field is a file or `consumes` says so, else
  `application/x-www-form-urlencoded`. Body and form parameters of a path item move into
  each of its operations that does not override them.
- Other parameters get a `schema` from their type keywords; `collectionFormat` (2.0's
  default, `csv`, included) becomes `style` and `explode`.
- A response's `schema` becomes one `content` entry per `produces` (defaulting as above),
  its `examples` those entries' `example`; header objects get a `schema`.
- In schemas: `x-nullable` becomes `nullable`, `type: file` a binary string, a string
  `discriminator` `{propertyName: ...}`.

What cannot be converted (a parameter that is not a mapping or has no usable `in`, a
security scheme of an unknown type) is left out, never raised: the document comes straight
from YAML and lint, not this module, says what is wrong with it.

The input is never changed and shares no mutable node with the result. A node the input
holds in two places (a YAML alias) is converted once and is one node in the result too, so
that aliases cannot make the conversion grow, and an alias that contains itself stays a
cycle for `tree.structure_problem` to report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .swagger2_nodes import Nodes, unescape

__all__ = ["OPENAPI_VERSION", "as_openapi3", "is_swagger2", "to_openapi3"]

OPENAPI_VERSION = "3.0.3"
"""The `openapi` field of every converted document."""

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


# A 2.0 parameter's (and header's) keywords that describe its value: 3.0 moves them into
# the `schema`.
_TYPE_KEYWORDS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
)
_PARAMETER_KEYS = ("name", "in", "description", "required", "deprecated", "allowEmptyValue")
_OPERATION_KEYS = ("tags", "summary", "description", "externalDocs", "operationId")

# collectionFormat -> (style, explode), by where the parameter is sent.
_QUERY_STYLES = {
    "csv": ("form", False),
    "multi": ("form", True),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
}
_SIMPLE_STYLES = {"csv": ("simple", False)}
_STYLES = {
    "query": _QUERY_STYLES,
    "formData": _QUERY_STYLES,
    "path": _SIMPLE_STYLES,
    "header": _SIMPLE_STYLES,
}

# 2.0's oauth2 `flow` -> 3.0's key under `flows`.
_OAUTH_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


def is_swagger2(document: Mapping[str, Any]) -> bool:
    """Whether `document` says `swagger: "2.0"` (YAML may read the version as a number)."""
    if not isinstance(document, Mapping):
        return False
    version = document.get("swagger")
    if isinstance(version, bool):
        return False
    if isinstance(version, int | float):
        return version == 2.0
    return version == "2.0"


def to_openapi3(document: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0.3 form of a Swagger 2.0 document; `document` is left as it was."""
    return _Converter(document).document()


def as_openapi3(document: dict[str, Any]) -> dict[str, Any]:
    """The document as every consumer reads it: a Swagger 2.0 one converted, once; an
    OpenAPI 3 one (or anything else) as it is."""
    return to_openapi3(document) if is_swagger2(document) else document


@dataclass(frozen=True, slots=True)
class _Parameter:
    """A parameter as written (`raw`, maybe a `$ref`) and the 2.0 object it stands for."""

    raw: dict[str, Any]
    node: dict[str, Any] | None
    component: str | None
    """The 3.0 name of the top-level parameter that `raw` refers to, if it refers to one."""

    @property
    def where(self) -> Any:
        return self.node.get("in") if self.node is not None else None

    @property
    def key(self) -> tuple[Any, Any] | None:
        return (self.node.get("name"), self.node.get("in")) if self.node is not None else None


class _Converter:
    """One conversion: the source and the document made from it (its nodes by `Nodes`)."""

    def __init__(self, source: Mapping[str, Any]) -> None:
        self.source = source
        self.consumes = _media_types(source.get("consumes"))
        self.produces = _media_types(source.get("produces"))
        self.nodes = Nodes(source)
        self.names = self.nodes.names

    # -- the document -------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        source = self.source
        out: dict[str, Any] = {"openapi": OPENAPI_VERSION}
        if "info" in source:
            out["info"] = self.nodes.copy(source["info"])
        if "externalDocs" in source:
            out["externalDocs"] = self.nodes.copy(source["externalDocs"])
        servers = self.servers()
        if servers:
            out["servers"] = servers
        if "tags" in source:
            out["tags"] = self.nodes.copy(source["tags"])
        if "security" in source:
            out["security"] = self.security(source["security"])
        paths = source.get("paths")
        if isinstance(paths, Mapping):
            out["paths"] = {
                str(route): (
                    self.nodes.copy(item, link=True)
                    if str(route).startswith("x-")
                    else self.path_item(item)
                )
                for route, item in paths.items()
            }
        components = self.components()
        if components:
            out["components"] = components
        for key, value in source.items():
            if str(key).startswith("x-"):
                out[str(key)] = self.nodes.copy(value, link=True)
        return out

    def servers(self) -> list[dict[str, Any]]:
        host = self.source.get("host")
        written = self.source.get("basePath")
        written = written if isinstance(written, str) else ""
        base = written.rstrip("/")
        if isinstance(host, str) and host:
            schemes = [s for s in _as_list(self.source.get("schemes")) if isinstance(s, str)]
            prefixes = [f"{scheme}://" for scheme in dict.fromkeys(schemes)] or ["//"]
            return [{"url": f"{prefix}{host}{base}"} for prefix in prefixes]
        if written:
            # `basePath: /` says the API is at the root: kept as a server, as 3.0 authors
            # write `servers: [{url: /}]`, so that nothing reads it as "no server given".
            return [{"url": base or "/"}]
        return []

    def components(self) -> dict[str, Any]:
        schemas: dict[str, Any] = {}
        for name, node in _as_map(self.source.get("definitions")).items():
            schemas[self.names["definitions"][str(name)]] = self.nodes.schema(node)
        parameters: dict[str, Any] = {}
        bodies: dict[str, Any] = {}
        for name, node in _as_map(self.source.get("parameters")).items():
            new = self.names["parameters"][str(name)]
            found = self.resolve(node)
            if found is None:
                continue
            if found.node is not None and found.where == "body":
                bodies[new] = self.request_body(found.node, self.media(None, self.consumes))
            elif found.node is not None and found.where == "formData":
                bodies[new] = self.form_body([found.node], self.media(None, self.consumes))
            elif (converted := self.parameter(found)) is not None:
                parameters[new] = converted
        responses: dict[str, Any] = {}
        for name, node in _as_map(self.source.get("responses")).items():
            response = self.response(node, self.media(None, self.produces))
            if response is not None:
                responses[self.names["responses"][str(name)]] = response
        schemes: dict[str, Any] = {}
        for name, node in _as_map(self.source.get("securityDefinitions")).items():
            scheme = self.security_scheme(node)
            if scheme is not None:
                schemes[self.names["securityDefinitions"][str(name)]] = scheme
        sections = {
            "schemas": schemas,
            "responses": responses,
            "parameters": parameters,
            "requestBodies": bodies,
            "securitySchemes": schemes,
        }
        return {section: found for section, found in sections.items() if found}

    # -- paths and operations -----------------------------------------------------------

    def path_item(self, item: Any) -> Any:
        if not isinstance(item, Mapping):
            return self.nodes.copy(item)  # the contract model names the path that is not a mapping
        shared = [p for p in map(self.resolve, _as_list(item.get("parameters"))) if p]
        out: dict[str, Any] = {}
        for key, value in item.items():
            key = str(key)
            if key == "$ref" and isinstance(value, str):
                out[key] = self.nodes.ref(value)
            elif key == "parameters":
                kept = [self.parameter(p) for p in shared if p.where not in _BODY]
                if parameters := [p for p in kept if p is not None]:
                    out[key] = parameters
            elif key in _METHODS and isinstance(value, Mapping):
                out[key] = self.operation(value, shared)
            elif key.startswith("x-"):
                out[key] = self.nodes.copy(value, link=True)
        return out

    def operation(self, node: Mapping[str, Any], shared: list[_Parameter]) -> dict[str, Any]:
        own = [p for p in map(self.resolve, _as_list(node.get("parameters"))) if p]
        overridden = {p.key for p in own if p.key is not None}
        own_body = any(p.where == "body" for p in own)
        # What the path item declares reaches the operation only as a body or a form field
        # (3.0 path items keep the rest); the operation's own parameters override it.
        inherited = [
            p
            for p in shared
            if p.where in _BODY and p.key not in overridden and not (own_body and p.where == "body")
        ]
        consumes = self.media(node.get("consumes"), self.consumes)
        produces = self.media(node.get("produces"), self.produces)
        parameters: list[Any] = []
        body: _Parameter | None = None
        form: list[dict[str, Any]] = []
        for found in (*inherited, *own):
            if found.where == "body":
                body = found
            elif found.where == "formData" and found.node is not None:
                form.append(found.node)
            elif (converted := self.parameter(found)) is not None:
                parameters.append(converted)

        out: dict[str, Any] = {}
        for key in _OPERATION_KEYS:
            if key in node:
                out[key] = self.nodes.copy(node[key])
        if parameters:
            out["parameters"] = parameters
        if body is not None and body.node is not None:
            if body.component is not None and consumes == self.media(None, self.consumes):
                out["requestBody"] = {"$ref": f"#/components/requestBodies/{body.component}"}
            else:
                out["requestBody"] = self.request_body(body.node, consumes)
        elif form:
            out["requestBody"] = self.form_body(form, consumes)
        if "responses" in node:
            out["responses"] = self.responses(node["responses"], produces)
        if "deprecated" in node:
            out["deprecated"] = self.nodes.copy(node["deprecated"])
        if "security" in node:
            out["security"] = self.security(node["security"])
        for key, value in node.items():
            if str(key).startswith("x-"):
                out[str(key)] = self.nodes.copy(value, link=True)
        return out

    # -- parameters and bodies ----------------------------------------------------------

    def resolve(self, raw: Any) -> _Parameter | None:
        """The parameter `raw` stands for; None when it is not a parameter at all."""
        if not isinstance(raw, Mapping):
            return None
        raw = dict(raw)
        ref = raw.get("$ref")
        if ref is None:
            return _Parameter(raw, raw, None)
        if not isinstance(ref, str):
            return None
        component = None
        if ref.startswith("#/parameters/") and "/" not in ref.removeprefix("#/parameters/"):
            name = unescape(ref.removeprefix("#/parameters/"))
            component = self.names["parameters"].get(name)
        return _Parameter(raw, self.follow(ref), component)

    def follow(self, ref: str) -> dict[str, Any] | None:
        """The mapping a local `$ref` leads to, through further `$ref`s; None if nowhere."""
        seen: set[str] = set()
        while ref.startswith("#") and ref not in seen:
            seen.add(ref)
            node: Any = self.source
            for part in unquote(ref[1:]).split("/")[1:]:
                node = _child(node, part.replace("~1", "/").replace("~0", "~"))
            if not isinstance(node, Mapping):
                return None
            inner = node.get("$ref")
            if not isinstance(inner, str):
                return dict(node)
            ref = inner
        return None

    def parameter(self, found: _Parameter) -> dict[str, Any] | None:
        """A query, header or path parameter (or a `$ref` to one); None for anything else."""
        if found.node is None:
            raw: dict[str, Any] = self.nodes.copy(found.raw, link=True)
            return raw  # a `$ref` this document cannot follow: kept, for lint to report
        where = found.where
        if where not in ("query", "header", "path"):
            return None
        if found.component is not None:
            return {"$ref": f"#/components/parameters/{found.component}"}
        node = found.node
        out: dict[str, Any] = {}
        for key, value in node.items():
            key = str(key)
            if key in _PARAMETER_KEYS:
                out[key] = self.nodes.copy(value)
            elif key.startswith("x-") and key != "x-nullable":
                out[key] = self.nodes.copy(value, link=True)
        if where == "path":
            out["required"] = True
        out["schema"] = self.value_schema(node)
        out.update(_style(where, node))
        return out

    def value_schema(self, node: Mapping[str, Any]) -> Any:
        """The schema of a 2.0 parameter, header or form field, from its type keywords."""
        if "type" not in node and isinstance(node.get("schema"), Mapping):
            return self.nodes.schema(node["schema"])  # not 2.0, but written often enough
        out: dict[str, Any] = {}
        for key in _TYPE_KEYWORDS:
            if key in node:
                value = node[key]
                out[key] = self.nodes.schema(value) if key == "items" else self.nodes.copy(value)
        if isinstance(node.get("x-nullable"), bool):
            out["nullable"] = node["x-nullable"]
        if out.get("type") == "file":
            out.update(type="string", format="binary")
        if out.get("type") == "array" and "items" not in out:
            out["items"] = {}
        return out

    def request_body(self, node: Mapping[str, Any], consumes: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if "description" in node:
            out["description"] = self.nodes.copy(node["description"])
        schema = self.nodes.schema(node["schema"]) if "schema" in node else {}
        out["content"] = {media: {"schema": schema} for media in consumes}
        if isinstance(node.get("required"), bool):
            out["required"] = node["required"]
        for key, value in node.items():
            if str(key).startswith("x-"):
                out[str(key)] = self.nodes.copy(value, link=True)
        return out

    def form_body(self, fields: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        encoding: dict[str, Any] = {}
        has_file = False
        for field in fields:
            name = field.get("name")
            if not isinstance(name, str):
                continue
            has_file = has_file or field.get("type") == "file"
            schema = self.value_schema(field)
            if "description" in field and isinstance(schema, dict) and "$ref" not in schema:
                schema = {"description": self.nodes.copy(field["description"]), **schema}
            properties[name] = schema
            if field.get("required") is True:
                required.append(name)
            if style := _style("formData", field):
                encoding[name] = style
        schema_out: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema_out["required"] = required
        forms = [m for m in consumes if _essence(m) in (_FORM, _MULTIPART)]
        if has_file:
            forms = [m for m in forms if _essence(m) == _MULTIPART] or [_MULTIPART]
        content: dict[str, Any] = {}
        for media in forms or [_FORM]:
            content[media] = {"schema": schema_out}
            if encoding and _essence(media) == _FORM:
                content[media]["encoding"] = encoding
        out: dict[str, Any] = {"content": content}
        if required:
            out["required"] = True
        return out

    # -- responses ----------------------------------------------------------------------

    def responses(self, node: Any, produces: list[str]) -> Any:
        if not isinstance(node, Mapping):
            return self.nodes.copy(node)
        out: dict[str, Any] = {}
        for code, response in node.items():
            if str(code).startswith("x-"):
                out[str(code)] = self.nodes.copy(response, link=True)
            elif (converted := self.response(response, produces)) is not None:
                out[str(code)] = converted
        return out

    def response(self, node: Any, produces: list[str]) -> dict[str, Any] | None:
        if not isinstance(node, Mapping):
            return None
        if isinstance(node.get("$ref"), str):
            return {"$ref": self.nodes.ref(node["$ref"])}
        out: dict[str, Any] = {}
        if "description" in node:
            out["description"] = self.nodes.copy(node["description"])
        if isinstance(node.get("headers"), Mapping):
            headers = {str(k): self.header(v) for k, v in node["headers"].items()}
            out["headers"] = {name: h for name, h in headers.items() if h is not None}
        if isinstance(node.get("schema"), Mapping):
            schema = self.nodes.schema(node["schema"])
            content: dict[str, Any] = {media: {"schema": schema} for media in produces}
            for media, example in _as_map(node.get("examples")).items():
                media = str(media)
                entry = content.get(media) or next(
                    (v for k, v in content.items() if _essence(k) == _essence(media)), None
                )
                if entry is None:
                    entry = content[media] = {"schema": schema}
                entry["example"] = self.nodes.copy(example)
            out["content"] = content
        for key, value in node.items():
            if str(key).startswith("x-"):
                out[str(key)] = self.nodes.copy(value, link=True)
        return out

    def header(self, node: Any) -> dict[str, Any] | None:
        if not isinstance(node, Mapping):
            return None
        if isinstance(node.get("$ref"), str):
            return {"$ref": self.nodes.ref(node["$ref"])}
        out: dict[str, Any] = {}
        if "description" in node:
            out["description"] = self.nodes.copy(node["description"])
        out["schema"] = self.value_schema(node)
        if node.get("type") == "array" and node.get("collectionFormat") == "multi":
            out["explode"] = True
        for key, value in node.items():
            if str(key).startswith("x-") and key != "x-nullable":
                out[str(key)] = self.nodes.copy(value, link=True)
        return out

    # -- security -----------------------------------------------------------------------

    def security(self, node: Any) -> Any:
        """Security requirements, naming the schemes by their 3.0 names."""
        if not isinstance(node, list):
            return self.nodes.copy(node)
        names = self.names["securityDefinitions"]
        return [
            {names.get(str(k), str(k)): self.nodes.copy(v) for k, v in requirement.items()}
            if isinstance(requirement, Mapping)
            else self.nodes.copy(requirement)
            for requirement in node
        ]

    def security_scheme(self, node: Any) -> dict[str, Any] | None:
        if not isinstance(node, Mapping):
            return None
        kind = node.get("type")
        out: dict[str, Any]
        if kind == "basic":
            out = {"type": "http", "scheme": "basic"}
        elif kind == "apiKey":
            out = {
                "type": "apiKey",
                "name": self.nodes.copy(node.get("name")),
                "in": node.get("in"),
            }
        elif kind == "oauth2" and node.get("flow") in _OAUTH_FLOWS:
            flow: dict[str, Any] = {}
            for key in ("authorizationUrl", "tokenUrl"):
                if key in node:
                    flow[key] = self.nodes.copy(node[key])
            scopes = node.get("scopes")
            flow["scopes"] = self.nodes.copy(scopes) if isinstance(scopes, Mapping) else {}
            out = {"type": "oauth2", "flows": {_OAUTH_FLOWS[node["flow"]]: flow}}
        else:
            return None
        if "description" in node:
            out["description"] = self.nodes.copy(node["description"])
        for key, value in node.items():
            if str(key).startswith("x-"):
                out[str(key)] = self.nodes.copy(value, link=True)
        return out

    @staticmethod
    def media(listed: Any, default: list[str]) -> list[str]:
        """The media types an operation lists, else the document's, else JSON."""
        found = _media_types(listed) if isinstance(listed, list | str) else default
        return found or [_JSON]


_BODY = ("body", "formData")


def _style(where: Any, node: Mapping[str, Any]) -> dict[str, Any]:
    """3.0's `style`/`explode` for an array parameter's `collectionFormat` (csv if unset)."""
    if node.get("type") != "array":
        return {}
    form = node.get("collectionFormat", "csv")
    found = _STYLES.get(where, {}).get(form)
    if found is not None:
        return {"style": found[0], "explode": found[1]}
    # tsv, or a format this place does not allow: 3.0 has no equivalent; keep what 2.0 said.
    return {"x-collectionFormat": form} if isinstance(form, str) else {}


def _media_types(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else _as_list(value)
    return list(dict.fromkeys(item for item in items if isinstance(item, str) and item))


def _essence(media: str) -> str:
    """`type/subtype` of a media type, without its parameters."""
    return media.split(";", 1)[0].strip().lower()


def _child(node: Any, key: str) -> Any:
    if isinstance(node, Mapping):
        if key in node:
            return node[key]
        return node.get(int(key)) if key.isdigit() else None  # YAML's `200:` is an int
    if isinstance(node, list) and key.isdigit() and int(key) < len(node):
        return node[int(key)]
    return None


def _as_map(node: Any) -> Mapping[Any, Any]:
    return node if isinstance(node, Mapping) else {}


def _as_list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else []
