"""Where things lie in an OpenAPI document: every parameter, header, media type and schema.

The walk visits each object at the place it is written, never through a `$ref`, so an
object shared by many operations (a component) is visited, and reported, exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .tree import JsonPath, as_list, as_map, operations_in

__all__ = ["Located", "Locations", "locate", "subschemas"]

# Keywords whose value is one subschema, a map of them, or a list of them (JSON Schema
# 2020-12 plus the older forms OpenAPI documents still use).
_ONE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems", "items")


@dataclass(frozen=True)
class Located:
    """An object of the document and the path where it is written."""

    node: dict[str, Any]
    path: JsonPath


@dataclass
class Locations:
    """Every object of each kind the rules look at, where it is written."""

    parameters: list[Located] = field(default_factory=list)
    headers: list[Located] = field(default_factory=list)
    media_types: list[Located] = field(default_factory=list)
    responses: list[Located] = field(default_factory=list)
    links: list[Located] = field(default_factory=list)
    schemas: list[Located] = field(default_factory=list)
    """Root schemas only; `subschemas` reaches the rest."""

    def all_schemas(self) -> Iterator[Located]:
        """Every schema and subschema written in the document."""
        for root in self.schemas:
            yield from subschemas(root.node, root.path)


def subschemas(node: Any, path: JsonPath) -> Iterator[Located]:
    """`node` and every schema nested in it, without following `$ref`s."""
    if not isinstance(node, dict):
        return
    yield Located(node, path)
    for keyword in _ONE:
        yield from subschemas(node.get(keyword), (*path, keyword))
    for keyword in _MAP:
        for name, child in as_map(node.get(keyword)).items():
            yield from subschemas(child, (*path, keyword, name))
    for keyword in _LIST:
        for index, child in enumerate(as_list(node.get(keyword))):
            yield from subschemas(child, (*path, keyword, index))


def locate(root: dict[str, Any]) -> Locations:
    """Walk the whole document once, collecting each kind of object."""
    found = Locations()
    walker = _Walker(found)
    for route, item in as_map(root.get("paths")).items():
        walker.path_item(item, ("paths", route))
    for name, item in as_map(root.get("webhooks")).items():
        walker.path_item(item, ("webhooks", name))
    components = as_map(root.get("components"))
    base: JsonPath = ("components",)
    sections: dict[str, Callable[[Any, JsonPath], None]] = {
        "pathItems": walker.path_item,
        "parameters": walker.parameter,
        "headers": walker.header,
        "requestBodies": walker.request_body,
        "responses": walker.response,
        "links": walker.link,
        "schemas": walker.schema,
    }
    for section, visit in sections.items():
        for name, node in as_map(components.get(section)).items():
            visit(node, (*base, section, name))
    return found


class _Walker:
    """Visits each kind of object; a `$ref` in place of an object is skipped."""

    def __init__(self, found: Locations) -> None:
        self.found = found

    def path_item(self, node: Any, path: JsonPath) -> None:
        item = _literal(node)
        for index, parameter in enumerate(as_list(item.get("parameters"))):
            self.parameter(parameter, (*path, "parameters", index))
        for method, operation in operations_in(item):
            self.operation(operation, (*path, method))

    def operation(self, node: dict[str, Any], path: JsonPath) -> None:
        for index, parameter in enumerate(as_list(node.get("parameters"))):
            self.parameter(parameter, (*path, "parameters", index))
        if "requestBody" in node:
            self.request_body(node["requestBody"], (*path, "requestBody"))
        for code, response in as_map(node.get("responses")).items():
            self.response(response, (*path, "responses", code))
        for name, callback in as_map(node.get("callbacks")).items():
            for expression, item in as_map(_literal(callback)).items():
                self.path_item(item, (*path, "callbacks", name, expression))

    def parameter(self, node: Any, path: JsonPath) -> None:
        if parameter := _literal(node):
            self.found.parameters.append(Located(parameter, path))
            self._schema_or_content(parameter, path)

    def header(self, node: Any, path: JsonPath) -> None:
        if header := _literal(node):
            self.found.headers.append(Located(header, path))
            self._schema_or_content(header, path)

    def request_body(self, node: Any, path: JsonPath) -> None:
        self._content(_literal(node), path)

    def response(self, node: Any, path: JsonPath) -> None:
        if response := _literal(node):
            self.found.responses.append(Located(response, path))
            for name, header in as_map(response.get("headers")).items():
                self.header(header, (*path, "headers", name))
            for name, link in as_map(response.get("links")).items():
                self.link(link, (*path, "links", name))
            self._content(response, path)

    def link(self, node: Any, path: JsonPath) -> None:
        if link := _literal(node):
            self.found.links.append(Located(link, path))

    def schema(self, node: Any, path: JsonPath) -> None:
        if isinstance(node, dict):
            self.found.schemas.append(Located(node, path))

    def _schema_or_content(self, owner: dict[str, Any], path: JsonPath) -> None:
        if "schema" in owner:
            self.schema(owner["schema"], (*path, "schema"))
        self._content(owner, path)

    def _content(self, owner: dict[str, Any], path: JsonPath) -> None:
        for media, node in as_map(owner.get("content")).items():
            media_type = as_map(node)
            if not media_type:
                continue
            media_path = (*path, "content", media)
            self.found.media_types.append(Located(media_type, media_path))
            if "schema" in media_type:
                self.schema(media_type["schema"], (*media_path, "schema"))
            for name, encoding in as_map(media_type.get("encoding")).items():
                for header, value in as_map(as_map(encoding).get("headers")).items():
                    self.header(value, (*media_path, "encoding", name, "headers", header))


def _literal(node: Any) -> dict[str, Any]:
    # A `$ref` stands for an object written elsewhere, which the walk visits there.
    if isinstance(node, dict) and "$ref" not in node:
        return node
    return {}
