"""JSON Schema 2020-12 for the rules: checking schemas, and judging values against them.

jsonschema raises (TypeError, AttributeError, ...) when a schema it is given is itself
malformed, so a value is only judged against a schema that is sound: it and every schema
it references pass the 2020-12 metaschema, and every reference resolves. An unsound schema
is reported by `oas-schema` and `invalid-ref`, not here.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

# jsonschema ships no type information (no py.typed), and no stub package is a dependency.
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    UnknownType,
    ValidationError,
    best_match,
)
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from ..contract.document import Spec
from ..contract.tree import JsonPath, json_pointer, node_at, render_path
from ..contract.walk import subschemas

__all__ = ["METASCHEMA", "ValidationError", "ValueJudge", "best_match", "clip"]

METASCHEMA = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
"""Checks that a schema is valid JSON Schema 2020-12 (patterns included)."""

# The whole document is registered under this URI, so a schema is validated by reference
# (`<uri>#/components/schemas/X`) and its own `#/...` references resolve in the document.
_DOCUMENT_URI = "urn:contract-toolkit:openapi"
_MESSAGE_LIMIT = 200


def clip(message: str) -> str:
    """`message` on one line and at most a couple of hundred characters."""
    # Validator messages quote the offending value, which may be a whole mapping.
    message = " ".join(message.split())
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 1] + "…"


class ValueJudge:
    """Judges values (examples, defaults) against the schemas of one document."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        resource = DRAFT202012.create_resource(spec.root)
        self.registry: Registry[Any] = Registry().with_resource(_DOCUMENT_URI, resource)
        self._sound: dict[JsonPath, bool] = {}

    def problem(self, value: Any, schema_path: JsonPath) -> str | None:
        """Why `value` does not match the schema at `schema_path`; None if it does, or if
        that schema is too broken to judge anything."""
        if not self.is_sound(schema_path):
            return None
        validator = Draft202012Validator(
            # Percent-encoded, since a `$ref` fragment is URI-decoded before it is split.
            {"$ref": f"{_DOCUMENT_URI}#{quote(json_pointer(schema_path), safe='/~')}"},
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

    def is_sound(self, schema_path: JsonPath) -> bool:
        """Whether the schema at `schema_path`, and all it references, can be used safely."""
        if schema_path not in self._sound:
            self._sound[schema_path] = self._check(schema_path)
        return self._sound[schema_path]

    def _check(self, start: JsonPath) -> bool:
        pending, seen = [start], set()
        while pending:
            path = pending.pop()
            if path in seen:
                continue
            seen.add(path)
            node = node_at(self.spec.root, path)
            if isinstance(node, bool):
                continue
            if not isinstance(node, dict) or not METASCHEMA.is_valid(node):
                return False
            for found in subschemas(node, path):
                ref = found.node.get("$ref")
                target = self.spec.lookup(ref) if isinstance(ref, str) else None
                if ref is not None and target is None:
                    return False
                if target is not None:
                    pending.append(target[1])
        return True
