"""JSON Schema 2020-12 for the rules: checking schemas, and judging values against them.

jsonschema raises (TypeError, AttributeError, ...) when a schema it is given is itself
malformed, so a value is only judged against a schema that is sound: it and every schema
it references pass the 2020-12 metaschema, and every reference resolves. An unsound schema
is reported by `oas-schema` and `invalid-ref`, not here. Each schema of the document is
checked against the metaschema once, however many others reference it.

A `pattern` is matched with a time limit (`contract.patterns`): one that backtracks
without end on a value is reported, not waited for.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

# jsonschema ships no type information (no py.typed), and no stub package is a dependency.
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    UnknownType,
    ValidationError,
    best_match,
)
from jsonschema.validators import extend  # type: ignore[import-untyped]
from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from ..contract import patterns
from ..contract.document import Spec
from ..contract.patterns import Match
from ..contract.tree import JsonPath, json_pointer, node_at, render_path
from ..contract.walk import subschemas
from .findings import clip

__all__ = ["METASCHEMA", "ValidationError", "ValueJudge", "best_match", "judge"]

_DIALECT = "https://json-schema.org/draft/2020-12/"
_VOCABULARIES = (
    "core",
    "applicator",
    "unevaluated",
    "validation",
    "meta-data",
    "format-annotation",
    "content",
)


def _flat_metaschema() -> dict[str, Any]:
    """The 2020-12 metaschema as one schema: its vocabularies merged, `$dynamicRef`s made
    plain `$ref`s to the root.

    The published metaschema combines seven vocabulary schemas with `allOf` and recurses
    through `$dynamicRef`, which jsonschema resolves anew at each level: checking a
    document's schemas took most of `lint`'s time. With no extension vocabulary in play
    the flat schema accepts and refuses the same schemas, with the same messages (a test
    compares the two), five times faster.
    """
    parts = [REGISTRY.contents(_DIALECT + "schema")]
    parts += [REGISTRY.contents(f"{_DIALECT}meta/{name}") for name in _VOCABULARIES]
    properties: dict[str, Any] = {}
    definitions: dict[str, Any] = {}
    for part in parts:
        properties.update(part.get("properties", {}))
        definitions.update(part.get("$defs", {}))

    def plain(node: Any, *, names: bool = False) -> Any:
        if isinstance(node, list):
            return [plain(item) for item in node]
        if not isinstance(node, dict):
            return node
        if names:  # A map of names to schemas: its keys are names, not keywords.
            return {key: plain(value) for key, value in node.items()}
        flat: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$dynamicRef":
                flat["$ref"] = "#"
            elif key == "$ref" and isinstance(value, str) and "#/$defs/" in value:
                flat["$ref"] = "#/$defs/" + value.split("#/$defs/", 1)[1]
            else:
                flat[key] = plain(value, names=key in ("properties", "$defs"))
        return flat

    root: dict[str, Any] = {"type": ["object", "boolean"], "properties": properties}
    root["$defs"] = definitions
    merged: dict[str, Any] = plain(root)
    return merged


METASCHEMA = Draft202012Validator(
    _flat_metaschema(), format_checker=Draft202012Validator.FORMAT_CHECKER
)
"""Checks that a schema is valid JSON Schema 2020-12 (patterns included)."""

# The whole document is registered under this URI, so a schema is validated by reference
# (`<uri>#/components/schemas/X`) and its own `#/...` references resolve in the document.
_DOCUMENT_URI = "urn:contract-toolkit:openapi"


def _bounded_pattern(
    validator: Any, pattern: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    # JSON Schema's `pattern`, on the bounded engine; a pattern that does not compile is
    # the metaschema's to report (format "regex"), so it judges nothing here.
    if not validator.is_type(instance, "string") or not isinstance(pattern, str):
        return
    found = patterns.search(pattern, instance)
    if found is Match.NOT_FOUND:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")
    elif found is Match.TOO_SLOW:
        yield ValidationError(
            f"the pattern {pattern!r} backtracks catastrophically: matching it ran past "
            f"{patterns.LIMIT} s and was given up (clients' regex engines may hang on it)"
        )


def _type_or_nullable(
    validator: Any, types: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    # OpenAPI 3.0 writes "or null" as `nullable: true` beside the type.
    if instance is None and schema.get("nullable") is True:
        return
    yield from _TYPE(validator, types, instance, schema)


_TYPE = Draft202012Validator.VALIDATORS["type"]
_Validator = extend(Draft202012Validator, {"pattern": _bounded_pattern, "type": _type_or_nullable})

_JUDGES: weakref.WeakKeyDictionary[Spec, ValueJudge] = weakref.WeakKeyDictionary()


def judge(spec: Spec) -> ValueJudge:
    """The one `ValueJudge` of `spec`, shared by every rule that judges values."""
    if spec not in _JUDGES:
        _JUDGES[spec] = ValueJudge(spec)
    return _JUDGES[spec]


class ValueJudge:
    """Judges values (examples, defaults) against the schemas of one document."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        resource = DRAFT202012.create_resource(spec.root)
        self.registry: Registry[Any] = Registry().with_resource(_DOCUMENT_URI, resource)
        self._sound: dict[JsonPath, bool] = {}
        # Per schema: whether it passes the metaschema, and the schemas it references.
        self._valid: dict[JsonPath, bool] = {}
        self._refs: dict[JsonPath, list[JsonPath] | None] = {}

    def problem(self, value: Any, schema_path: JsonPath) -> str | None:
        """Why `value` does not match the schema at `schema_path`; None if it does, or if
        that schema is too broken to judge anything."""
        if not self.is_sound(schema_path):
            return None
        validator = _Validator(
            self.reference(schema_path),
            registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        try:
            error = best_match(validator.iter_errors(value))
        except (Unresolvable, UnknownType, re.error):
            # Left over after the soundness check: `$id`-relative references it cannot
            # follow, or a pattern Python's `re` rejects though the metaschema allows it.
            return None
        if error is None:
            return None
        where = f" (at {render_path(tuple(error.absolute_path))})" if error.absolute_path else ""
        return clip(str(error.message) + where)

    def reference(self, schema_path: JsonPath) -> dict[str, str]:
        """A schema that is the one at `schema_path`, for a validator given `registry`."""
        # Percent-encoded, since a `$ref` fragment is URI-decoded before it is split.
        return {"$ref": f"{_DOCUMENT_URI}#{quote(json_pointer(schema_path), safe='/~')}"}

    def is_sound(self, schema_path: JsonPath) -> bool:
        """Whether the schema at `schema_path`, and all it references, can be used safely."""
        if schema_path not in self._sound:
            self._sound[schema_path] = self._check(schema_path)
        return self._sound[schema_path]

    def _check(self, start: JsonPath) -> bool:
        pending, seen = [start], set()
        while pending:
            path = pending.pop()
            if path in seen or self._sound.get(path):
                continue
            seen.add(path)
            if not self._valid_here(path):
                return False
            targets = self._references(path)
            if targets is None:
                return False
            pending.extend(targets)
        # Everything `start` reaches was reached from here, and is sound too.
        self._sound.update(dict.fromkeys(seen, True))
        return True

    def _valid_here(self, path: JsonPath) -> bool:
        if path not in self._valid:
            node = node_at(self.spec.root, path)
            self._valid[path] = isinstance(node, bool) or (
                isinstance(node, dict) and METASCHEMA.is_valid(node)
            )
        return self._valid[path]

    def _references(self, path: JsonPath) -> list[JsonPath] | None:
        """The paths of the schemas the one at `path` references; None if one dangles."""
        if path not in self._refs:
            targets: list[JsonPath] = []
            for found in subschemas(node_at(self.spec.root, path), path):
                ref = found.node.get("$ref")
                target = self.spec.lookup(ref) if isinstance(ref, str) else None
                if ref is not None and target is None:
                    self._refs[path] = None
                    return None
                if target is not None:
                    targets.append(target[1])
            self._refs[path] = targets
        return self._refs[path]
