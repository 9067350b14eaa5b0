"""Rules that the document is valid OpenAPI and hangs together: schema, `$ref`s, components."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ...contract.document import Spec
from ...contract.tree import JsonPath, as_list, as_map, json_pointer, node_at
from ..findings import Severity, clip
from ..formats import ANY_FORMAT, OAS3, Format, document_formats
from ..registry import RuleSet, Violation, rule
from ..semantic import semantic_errors
from ..structural import structural_errors

_VERSION = re.compile(r"(3\.[0-2])\.\d+(-[0-9A-Za-z.-]+)?")

# Keys whose values are example data, not OpenAPI objects: a `$ref` inside is data too.
_DATA_KEYS = frozenset({"example", "default", "const", "enum", "value"})
# Keys whose values map free names to objects: a name there is never a data key.
_NAME_MAPS = frozenset(
    {
        "paths",
        "webhooks",
        "schemas",
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "parameters",
        "requestBodies",
        "responses",
        "headers",
        "examples",
        "links",
        "callbacks",
        "pathItems",
        "securitySchemes",
        "content",
        "encoding",
        "variables",
        "mapping",
    }
)
_COMPONENT_SECTIONS = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
    "pathItems",
)


@rule(
    "oas-schema",
    ruleset=RuleSet.VALIDITY,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="The document is valid OpenAPI 3.x or Swagger 2.0: its version's JSON Schema, then "
    "what that cannot say (path parameters, duplicates, defaults); each schema is valid JSON "
    "Schema.",
    why="Every other tool (code generators, Schemathesis, the docs) assumes a valid document.",
)
def oas_schema(spec: Spec) -> Iterator[Violation]:
    """The document against its version's JSON Schema (`structural`), then, when that
    passes, what the version requires beyond it (`semantic`); in 3.1 and later, each schema
    against the JSON Schema 2020-12 metaschema."""
    version = _version(spec.root)
    if not isinstance(version, str):
        yield version
        return
    structural = [
        _located(spec.root, (), message, path)
        for path, message in structural_errors(spec.root, version)
    ]
    yield from structural
    # OpenAPI 3.0 (and 2.0) schemas are not JSON Schema 2020-12: their JSON Schema checks them.
    if version not in ("2.0", "3.0"):
        yield from _schema_errors(spec)
    if not structural:
        # The semantic checks assume the structure the first pass checks.
        yield from semantic_errors(spec, version)


def _version(root: dict[str, Any]) -> str | Violation:
    """The version whose JSON Schema judges `root` (2.0, 3.0, 3.1 or 3.2), or why none does."""
    if Format.OAS2 in document_formats(root):
        swagger = root.get("swagger")
        if swagger == "2.0":
            return "2.0"
        return ("swagger",), clip(f'`swagger` must be the string "2.0", not {swagger!r}')
    openapi = root.get("openapi")
    matched = _VERSION.fullmatch(openapi) if isinstance(openapi, str) else None
    if matched is None:
        message = f"`openapi` must be an OpenAPI 3.x version such as 3.1.0, not {openapi!r}"
        return ("openapi",), clip(message)
    return matched[1]


def _schema_errors(spec: Spec) -> Iterator[Violation]:
    """Each schema checked against the JSON Schema 2020-12 metaschema, at its own path."""
    # jsonschema is imported where a rule judges schemas or values (OpenAPI 3.x): a
    # Swagger 2.0 document is linted without it.
    from ..dialect import METASCHEMA, best_match

    for found in spec.locations.schemas:
        for error in METASCHEMA.iter_errors(found.node):
            error = best_match([error]) or error
            yield _located(spec.root, found.path, str(error.message), error.absolute_path)


@rule(
    "invalid-ref",
    ruleset=RuleSet.VALIDITY,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every `$ref` names an object inside this document.",
    why="A dangling reference leaves a schema undefined; other files are not part of the contract.",
)
def invalid_ref(spec: Spec) -> Iterator[Violation]:
    """Each `$ref` that does not resolve, at the path of the `$ref` itself."""
    for ref, path in _refs(spec.root, (), parent=None):
        if not ref.startswith("#"):
            yield path, f"{ref!r} points outside the document; the contract must be self-contained"
        elif spec.lookup(ref) is None:
            yield path, f"{ref!r} does not resolve"


@rule(
    "oas3-unused-component",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.WARNING,
    formats=OAS3,
    checks="Every component (schema, response, parameter, ...) is referenced somewhere.",
    why="An unused component is dead contract: reviewers read it, no request ever meets it. "
    "A warning: nothing breaks, and a library document is used from elsewhere.",
)
def unused_component(spec: Spec) -> Iterator[Violation]:
    """Components that no `$ref` reaches."""
    sections = [("components", section) for section in _COMPONENT_SECTIONS]
    for path, name in unused(spec, sections):
        yield path, f"{path[1]} component {name!r} is never used"


def unused(spec: Spec, sections: Sequence[JsonPath]) -> Iterator[tuple[JsonPath, str]]:
    """(path, name) of each reusable object under `sections` that no `$ref` reaches."""
    targets = {ref for ref, _ in _refs(spec.root, (), parent=None)}
    for section in sections:
        for name in as_map(node_at(spec.root, section)):
            own = "#" + json_pointer((*section, name))
            if not any(ref == own or ref.startswith(own + "/") for ref in targets):
                yield (*section, name), name


@rule(
    "oas3-operation-security-defined",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every security requirement names a scheme in `components.securitySchemes`.",
    why="OpenAPI requires a declared scheme; on an undefined one clients cannot authenticate, "
    "so it is an error.",
)
def security_defined(spec: Spec) -> Iterator[Violation]:
    """Security requirements (document-wide and per operation) naming unknown schemes."""
    yield from undefined_schemes(spec, ("components", "securitySchemes"))


def undefined_schemes(spec: Spec, where: JsonPath) -> Iterator[Violation]:
    """Security requirements naming a scheme that the map at `where` does not define."""
    schemes = as_map(node_at(spec.root, where))
    owners: list[tuple[dict[str, Any], JsonPath]] = [(spec.root, ())]
    owners += [(operation.node, operation.path) for operation in spec.operations]
    for owner, path in owners:
        for index, requirement in enumerate(as_list(owner.get("security"))):
            for name in as_map(requirement):
                if name not in schemes:
                    yield (*path, "security", index), f"security scheme {name!r} is not defined"


def _refs(node: Any, path: JsonPath, *, parent: str | int | None) -> Iterator[tuple[str, JsonPath]]:
    """Every `$ref` string in the document, skipping example and default data."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _refs(item, (*path, index), parent=index)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("$ref"), str):
        yield node["$ref"], (*path, "$ref")
    keywords_here = parent not in _NAME_MAPS
    for key, value in node.items():
        if key == "$ref" or (keywords_here and key.startswith("x-")):
            continue
        data = key in _DATA_KEYS or (key == "examples" and isinstance(value, list))
        if keywords_here and data:
            continue
        yield from _refs(value, (*path, key), parent=key)


def _located(
    root: dict[str, Any], base: JsonPath, message: str, segments: Iterable[str | int] = ()
) -> Violation:
    """A validator's error (its message, and the path it gives below `base`) as a violation."""
    # Validators report mapping keys as they read them (a status code may come back as
    # an int); walk the document so that keys print as keys and indices as indices.
    path: list[str | int] = list(base)
    node: Any = node_at(root, base)
    for segment in segments:
        if isinstance(node, list) and isinstance(segment, int) and segment < len(node):
            path.append(segment)
            node = node[segment]
        else:
            path.append(str(segment))
            node = as_map(node).get(str(segment))
    return tuple(path), clip(message.split("\n", 1)[0])
