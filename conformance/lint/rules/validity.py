"""Rules that the document is valid OpenAPI and hangs together: schema, `$ref`s, components."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
)
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError
from referencing.exceptions import Unresolvable

from ...contract.document import Spec
from ...contract.tree import JsonPath, as_list, as_map, json_pointer, node_at
from ..dialect import METASCHEMA, ValidationError, best_match, clip
from ..findings import Severity
from ..formats import ANY_FORMAT, OAS3, Format, document_formats
from ..registry import RuleSet, Violation, rule


class _SchemasOnceV30(keywords.OpenAPIV30SchemaValidator):
    """The 3.0 semantic pass's schema walk, less its second check of each schema's shape.

    The structural pass has already validated every Schema Object against OpenAPI 3.0's
    own JSON Schema (and the semantic pass runs only when it found nothing), so checking
    each one again against the 3.0 dialect finds nothing new on a valid document (none of
    the published descriptions differed); it was 40% of the pass.
    """

    def _validate_schema_meta(self, schema: Any, schema_value: Any) -> None:
        return None


class _OpenAPIV30(OpenAPIV30SpecValidator):
    keyword_validators: dict[str, type[keywords.KeywordValidator]] = {  # noqa: RUF012 (as its base)
        **OpenAPIV30SpecValidator.keyword_validators,
        "schema": _SchemasOnceV30,
    }


class _OpenAPIV2(OpenAPIV2SpecValidator):
    # 2.0's Schema Objects are walked by the same 3.0 schema validator.
    keyword_validators: dict[str, type[keywords.KeywordValidator]] = {  # noqa: RUF012 (as its base)
        **OpenAPIV2SpecValidator.keyword_validators,
        "schema": _SchemasOnceV30,
    }


_VALIDATORS = {
    "3.0": _OpenAPIV30,
    "3.1": OpenAPIV31SpecValidator,
    "3.2": OpenAPIV32SpecValidator,
}
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
    checks="openapi-spec-validator accepts it (OpenAPI 3.x, or Swagger 2.0); each schema is valid "
    "JSON Schema.",
    why="Every other tool (code generators, Schemathesis, the docs) assumes a valid document.",
)
def oas_schema(spec: Spec) -> Iterator[Violation]:
    """Run openapi-spec-validator, and check each schema against the 2020-12 metaschema.

    The validator's structural pass runs first; its semantic pass only on a document the
    structural pass accepts.
    """
    if Format.OAS2 in document_formats(spec.root):
        yield from _swagger2_errors(spec)
        return
    version = spec.root.get("openapi")
    matched = _VERSION.fullmatch(version) if isinstance(version, str) else None
    if matched is None:
        message = f"`openapi` must be an OpenAPI 3.x version such as 3.1.0, not {version!r}"
        yield ("openapi",), clip(message)
        return
    validator = _VALIDATORS[matched[1]](spec.root)
    structural = list(validator.schema_validator.iter_errors(spec.root))
    for error in structural:
        yield _located(spec.root, (), error)
    # OpenAPI 3.0 schemas are not JSON Schema 2020-12; the validator checks those itself.
    own_schema_check = matched[1] != "3.0"
    if own_schema_check:
        yield from _schema_errors(spec)
    if structural:
        # The semantic pass assumes the structure the first pass checks; on a malformed
        # document it would fail with a KeyError instead of a finding.
        return
    try:
        for error in validator.iter_errors():
            # Duplicate operationIds are `operation-operationId-unique`'s to report, with
            # the operation's path. Errors that carry a JSON Schema keyword come from the
            # validator's own schema checks, with paths relative to a schema it does not
            # name; `_schema_errors` and `oas3-valid-schema-example` report those in full.
            if isinstance(error, DuplicateOperationIDError):
                continue
            if not (own_schema_check and isinstance(error.validator, str)):
                yield _located(spec.root, (), error)
    except Unresolvable:
        # The validator stops at the first dangling `$ref`; `invalid-ref` reports each
        # of them with its path.
        return


def _swagger2_errors(spec: Spec) -> Iterator[Violation]:
    """`oas-schema` on a Swagger 2.0 document: openapi-spec-validator's 2.0 passes."""
    version = spec.root.get("swagger")
    if version != "2.0":
        yield ("swagger",), clip(f'`swagger` must be the string "2.0", not {version!r}')
        return
    validator = _OpenAPIV2(spec.root)
    structural = list(validator.schema_validator.iter_errors(spec.root))
    for error in structural:
        yield _located(spec.root, (), error)
    if structural:
        return
    try:
        for error in validator.iter_errors():
            if not isinstance(error, DuplicateOperationIDError):
                yield _located(spec.root, (), error)
    except Unresolvable:
        return


def _schema_errors(spec: Spec) -> Iterator[Violation]:
    """Each schema checked against the JSON Schema 2020-12 metaschema, at its own path."""
    for found in spec.locations.schemas:
        for error in METASCHEMA.iter_errors(found.node):
            yield _located(spec.root, found.path, best_match([error]) or error)


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


def _located(root: dict[str, Any], base: JsonPath, error: ValidationError) -> Violation:
    """A validator's error as a violation at `base` plus the path the error gives."""
    # Validators report mapping keys as they read them (a status code may come back as
    # an int); walk the document so that keys print as keys and indices as indices.
    path: list[str | int] = list(base)
    node: Any = node_at(root, base)
    for segment in error.absolute_path:
        if isinstance(node, list) and isinstance(segment, int) and segment < len(node):
            path.append(segment)
            node = node[segment]
        else:
            path.append(str(segment))
            node = as_map(node).get(str(segment))
    return tuple(path), clip(str(error.message).split("\n", 1)[0])
