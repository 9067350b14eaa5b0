"""The semantic pass of `oas-schema`: what OpenAPI requires beyond its JSON Schema.

These are the checks of openapi-spec-validator's second pass, with its messages, asked
of the plain tree through `Spec`'s `$ref` lookups. The library walks the document through
jsonschema-path, whose accessors resolve each step anew: on a large document that walk
was most of `lint`'s time (half a second on Kubernetes' 945 operations, 2.0, and on
Stripe's 3.0). Each problem is reported at the object it is about, where the library
named no place.

- tags: a name declared twice; in 3.2, a `parent` that names no tag, or parents in a ring;
- parameters: one name and location twice in a list; a variable of the path template
  that no path parameter declares, or a path parameter that the template lacks;
- schemas: in a schema with `allOf`, a `required` property that neither it nor its
  `allOf` members define (in the top places below, as the library checks it); a `default`
  that its schema rejects, in 2.0 (parameters' too) and 3.0, judged in OpenAPI 3.0's
  dialect as the library judges it (3.1 and 3.2 defaults are `oas3-valid-schema-example`'s);
  in 3.1 and 3.2, a dialect (`$schema`, or the document's `jsonSchemaDialect`) that no
  validator knows; a schema that is neither a mapping nor a boolean.

The schemas are those the library reaches. Top places: each parameter's schema, each
response's (2.0) or each of its media types' (3.x), and the components' schemas (3.x);
from each, through `$ref`s, its `allOf`, `anyOf`, `oneOf`, `not`, `items` and
`properties`, each distinct schema once. Duplicate operationIds are
`operation-operationId-unique`'s to report, and dangling `$ref`s `invalid-ref`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..contract.document import Spec
from ..contract.tree import JsonPath, as_list, as_map, operations_in
from .findings import clip

__all__ = ["semantic_errors"]

Problem = tuple[JsonPath, str]

# A variable of a path template, `{name}`. (The library reads templates as Python format
# strings, which also cut a name at `:` or `!` and fail on a lone brace; no published
# document differs.)
_VARIABLE = re.compile(r"\{([^{}]+)\}")
# OpenAPI 3.2 adds the QUERY method, and methods of any name under `additionalOperations`.
_OAS32_METHODS = ("query",)
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMAS = ("not", "items")
# What openapi-schema-validator registers beside jsonschema's own dialects; a test
# compares them with its constants, which only its (slow) import would give.
_OAS_DIALECTS = {
    "3.1": "https://spec.openapis.org/oas/3.1/dialect/base",
    "3.2": "https://spec.openapis.org/oas/3.2/dialect/2025-09-17",
}


def semantic_errors(spec: Spec, version: str) -> Iterator[Problem]:
    """The semantic problems of `spec`, a document of `version` (2.0, 3.0, 3.1 or 3.2)
    that its JSON Schema accepts."""
    checks = _Checks(spec, version)
    yield from checks.tags()
    for route, item, item_path in spec.path_items:
        yield from checks.path_item(route, item, item_path)
    if version != "2.0":
        schemas = as_map(as_map(spec.root.get("components")).get("schemas"))
        for name, schema in schemas.items():
            yield from checks.top_schema(schema, ("components", "schemas", name))


class _Checks:
    """One pass over one document: which schemas were seen, how defaults are judged."""

    def __init__(self, spec: Spec, version: str) -> None:
        self.spec = spec
        self.version = version
        self.judges_defaults = version in ("2.0", "3.0")
        self.walked: set[int] = set()
        self.top_checked: set[int] = set()
        self._dialects: _Dialects | None = None
        self._defaults: _Defaults | None = None

    def tags(self) -> Iterator[Problem]:
        listed = enumerate(as_list(self.spec.root.get("tags")))
        tags: list[tuple[dict[str, Any], JsonPath]] = [
            (as_map(tag), ("tags", index)) for index, tag in listed
        ]
        seen: set[str] = set()
        for tag, path in tags:
            name = tag.get("name")
            if not isinstance(name, str):
                continue
            if name in seen:
                yield path, f"Duplicate tag name '{name}'"
            seen.add(name)
        if self.version == "3.2":
            yield from _tag_parents(tags)

    def path_item(self, route: str, item: dict[str, Any], path: JsonPath) -> Iterator[Problem]:
        shared = self._parameters(item, path)
        yield from self._parameter_list(shared)
        operations = [(method, node, (*path, method)) for method, node in operations_in(item)]
        if self.version == "3.2":
            operations += [
                (method, node, (*path, method))
                for method in _OAS32_METHODS
                if isinstance(node := item.get(method), dict)
            ]
            extra = as_map(item.get("additionalOperations"))
            operations += [
                (method, node, (*path, "additionalOperations", method))
                for method, node in extra.items()
                if isinstance(node, dict)
            ]
        for method, node, operation_path in operations:
            yield from self._responses(node, operation_path)
            own = self._parameters(node, operation_path)
            yield from self._parameter_list(own)
            yield from _path_variables(route, method, operation_path, [*own, *shared])

    def _parameters(self, owner: dict[str, Any], path: JsonPath) -> list[_Parameter]:
        """The owner's parameters, resolved, each with where it is listed and written."""
        found = []
        for index, raw in enumerate(as_list(owner.get("parameters"))):
            listed = (*path, "parameters", index)
            parameter, written = self.spec.resolve(raw, listed)
            if isinstance(parameter, dict):
                found.append(_Parameter(parameter, listed, written))
        return found

    def _parameter_list(self, parameters: list[_Parameter]) -> Iterator[Problem]:
        seen: set[tuple[Any, Any]] = set()
        for parameter in parameters:
            node = parameter.node
            if "schema" in node:
                yield from self.top_schema(node["schema"], (*parameter.written, "schema"))
            if self.version == "2.0" and "default" in node:
                # A 2.0 parameter other than the body is its own schema; its `required`
                # says whether it must be sent, which is not JSON Schema's `required`.
                schema = {key: value for key, value in node.items() if key != "required"}
                yield from self.defaults.problems(node["default"], schema, parameter.written)
            key = (node.get("name"), node.get("in"))
            if key in seen:
                yield parameter.listed, f"Duplicate parameter '{node.get('name')}'"
            seen.add(key)

    def _responses(self, operation: dict[str, Any], path: JsonPath) -> Iterator[Problem]:
        for code, raw in as_map(operation.get("responses")).items():
            response, written = self.spec.resolve(raw, (*path, "responses", code))
            if not isinstance(response, dict):
                continue
            if self.version == "2.0":
                if "schema" in response:
                    yield from self.top_schema(response["schema"], (*written, "schema"))
                continue
            for media, raw_media in as_map(response.get("content")).items():
                media_type, media_path = self.spec.resolved_map(
                    raw_media, (*written, "content", media)
                )
                if "schema" in media_type:
                    yield from self.top_schema(media_type["schema"], (*media_path, "schema"))

    def top_schema(self, raw: Any, path: JsonPath) -> Iterator[Problem]:
        """A schema in a top place: its dialect and `allOf`'s `required` are checked too."""
        resolved = self._resolve(raw, path)
        if resolved is None:
            return
        schema, where = resolved
        if isinstance(schema, dict | bool) and id(schema) not in self.top_checked:
            self.top_checked.add(id(schema))
            if self.version in _OAS_DIALECTS:
                problem = self.dialects.problem(schema)
                if problem is not None:
                    # The library checks nothing else of a schema it cannot read.
                    yield where, problem
                    return
            if isinstance(schema, dict) and "allOf" in schema:
                yield from self._required_defined(schema, where)
        yield from self._walk(schema, where)

    def _walk(self, schema: Any, path: JsonPath) -> Iterator[Problem]:
        """`schema` (resolved) and what it reaches, each distinct schema once."""
        pending: list[tuple[Any, JsonPath]] = [(schema, path)]
        while pending:
            node, where = pending.pop()
            if not isinstance(node, dict | bool):
                yield where, clip(f"{node!r} is not of type 'object', 'boolean'")
                continue
            if isinstance(node, bool) or id(node) in self.walked:
                continue
            self.walked.add(id(node))
            if self.judges_defaults and "default" in node:
                value = node["default"]
                if value is not None or node.get("nullable") is not True:
                    reference = self.defaults.judge.reference(where)
                    yield from self.defaults.problems(value, reference, where)
            for child, child_path in _children(node, where):
                resolved = self._resolve(child, child_path)
                if resolved is not None:
                    pending.append(resolved)

    def _required_defined(self, schema: dict[str, Any], path: JsonPath) -> Iterator[Problem]:
        required = as_list(schema.get("required"))
        defined = set(as_map(schema.get("properties")))
        for index, member in enumerate(as_list(schema["allOf"])):
            defined |= self._properties(member, (*path, "allOf", index))
        missing = sorted({name for name in required if isinstance(name, str)} - defined)
        if missing:
            yield (*path, "required"), f"Required list has not defined properties: {missing}"

    def _properties(self, raw: Any, path: JsonPath) -> set[str]:
        """Every property name a schema defines, in it and in what it combines or nests
        (as the library counts them: `items` and `not` too)."""
        names: set[str] = set()
        seen: set[int] = set()
        pending = [(raw, path)]
        while pending:
            resolved = self._resolve(*pending.pop())
            if resolved is None or not isinstance(resolved[0], dict):
                continue
            node, where = resolved
            if id(node) in seen:
                continue
            seen.add(id(node))
            names.update(as_map(node.get("properties")))
            pending.extend(_combined(node, where))
        return names

    def _resolve(self, raw: Any, path: JsonPath) -> tuple[Any, JsonPath] | None:
        """What `raw` stands for and where it is written; None for a dangling `$ref`."""
        node, where = self.spec.resolve(raw, path)
        if node is None and isinstance(raw, dict) and "$ref" in raw:
            return None
        return node, where

    @property
    def dialects(self) -> _Dialects:
        if self._dialects is None:
            self._dialects = _Dialects(self.spec, self.version)
        return self._dialects

    @property
    def defaults(self) -> _Defaults:
        if self._defaults is None:
            self._defaults = _Defaults(self.spec)
        return self._defaults


@dataclass(frozen=True, slots=True)
class _Parameter:
    """A parameter object, where it is listed and where it is written (through a `$ref`)."""

    node: dict[str, Any]
    listed: JsonPath
    written: JsonPath


def _children(node: dict[str, Any], path: JsonPath) -> Iterator[tuple[Any, JsonPath]]:
    """The subschemas the library walks into (as written: a `$ref` is not followed here)."""
    yield from _combined(node, path)
    for name, child in as_map(node.get("properties")).items():
        yield child, (*path, "properties", name)


def _combined(node: dict[str, Any], path: JsonPath) -> Iterator[tuple[Any, JsonPath]]:
    """The subschemas of `allOf`, `anyOf`, `oneOf`, `not` and `items`."""
    for keyword in _SUBSCHEMA_LISTS:
        for index, child in enumerate(as_list(node.get(keyword))):
            yield child, (*path, keyword, index)
    for keyword in _SUBSCHEMAS:
        if keyword in node:
            yield node[keyword], (*path, keyword)


def _path_variables(
    route: str, method: str, path: JsonPath, parameters: list[_Parameter]
) -> Iterator[Problem]:
    """Template variables without a path parameter, and path parameters without a variable."""
    declared: dict[str, JsonPath] = {}
    for parameter in parameters:
        name = parameter.node.get("name")
        if parameter.node.get("in") == "path" and isinstance(name, str):
            declared.setdefault(name, parameter.listed)
    variables = set(_VARIABLE.findall(route))
    for name in sorted(variables | set(declared)):
        if name not in variables or name not in declared:
            message = (
                f"Path parameter '{name}' for '{method}' operation in '{route}' was not resolved"
            )
            yield declared.get(name, path), clip(message)


def _tag_parents(tags: list[tuple[dict[str, Any], JsonPath]]) -> Iterator[Problem]:
    """3.2's tag hierarchy: each `parent` names a tag, and no tag is its own ancestor."""
    parents: dict[Any, Any] = {}
    where: dict[Any, JsonPath] = {}
    for tag, path in tags:
        parents[tag.get("name")] = tag.get("parent")
        where.setdefault(tag.get("name"), path)
    for name, parent in parents.items():
        if parent is not None and parent not in parents:
            message = f"Tag '{name}' references unknown parent tag '{parent}'"
            yield (*where[name], "parent"), clip(message)
    reported: set[str] = set()
    for start in parents:
        trail: list[Any] = []
        name = start
        while name not in trail:
            trail.append(name)
            name = parents.get(name)
            if name is None or name not in parents:
                break
        else:
            ring = " -> ".join(str(each) for each in [*trail[trail.index(name) :], name])
            if ring not in reported:
                reported.add(ring)
                yield (*where[start], "parent"), clip(f"Circular tag hierarchy detected: {ring}")


class _Dialects:
    """Which JSON Schema dialects a 3.1 or 3.2 schema may name."""

    def __init__(self, spec: Spec, version: str) -> None:
        default = spec.root.get("jsonSchemaDialect", _OAS_DIALECTS[version])
        self.default = default if isinstance(default, str) else _OAS_DIALECTS[version]

    def problem(self, schema: dict[str, Any] | bool) -> str | None:
        """Why the schema's dialect is unknown, or None when a validator knows it."""
        dialect = schema.get("$schema", self.default) if isinstance(schema, dict) else self.default
        if isinstance(dialect, str) and _known_dialect(dialect):
            return None
        return clip(f"Unknown JSON Schema dialect: {dialect!r}")


def _known_dialect(dialect: str) -> bool:
    if dialect in _OAS_DIALECTS.values():
        return True
    # Only 3.1 and 3.2 documents ask, and their lint imports jsonschema anyway.
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]

    return validator_for({"$schema": dialect}, default=None) is not None


class _Defaults:
    """Judges defaults in OpenAPI 3.0's dialect (openapi-schema-validator's), as the library
    does for 2.0 and 3.0."""

    def __init__(self, spec: Spec) -> None:
        # Imported only when a document has a default to judge: jsonschema and
        # openapi-schema-validator (pydantic-settings) cost a fifth of a second, which a
        # document without defaults (Kubernetes') need not pay.
        from openapi_schema_validator import OAS30Validator, oas30_format_checker

        from .dialect import judge

        self.judge = judge(spec)
        self.validator = OAS30Validator
        self.formats = oas30_format_checker

    def problems(self, value: Any, schema: dict[str, Any], path: JsonPath) -> Iterator[Problem]:
        """Each error of `value`, the default of the object at `path`, against `schema`."""
        from referencing.exceptions import Unresolvable

        validator = self.validator(
            schema, registry=self.judge.registry, format_checker=self.formats
        )
        try:
            for error in validator.iter_errors(value):
                where = (*path, "default", *error.absolute_path)
                yield where, clip(str(error.message).split("\n", 1)[0])
        except Unresolvable:
            # A `$ref` in the schema that does not resolve: `invalid-ref` reports it.
            return
