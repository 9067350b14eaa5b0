"""Questions asked of a resolved JSON Schema: its types, properties, bounds and a valid value.

The schemas here are the model's: every `$ref` already replaced by what it names
(`Spec.dereference`), so nothing below resolves anything.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from . import patterns
from .patterns import Match

__all__ = [
    "Member",
    "integer_range",
    "is_nullable",
    "members",
    "object_schema",
    "properties",
    "required",
    "sample",
    "string_length",
    "subschemas",
    "types",
    "wrapper",
]


def types(schema: Any) -> tuple[str, ...]:
    """A schema's JSON types, with `anyOf`/`oneOf` unions and `nullable` folded in."""
    if not isinstance(schema, dict):
        return ()
    found: set[str] = set()
    kind = schema.get("type")
    if isinstance(kind, str):
        found.add(kind)
    elif isinstance(kind, list):
        found.update(str(item) for item in kind)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []) or []:
            found.update(types(option))
    if schema.get("nullable"):
        found.add("null")
    if "integer" in found:
        found.discard("number")  # integer is the narrower claim; both mean a number
    return tuple(sorted(found))


def is_nullable(schema: Any) -> bool:
    return "null" in types(schema)


def object_schema(schema: Any) -> dict[str, Any]:
    """The object a schema describes: `anyOf: [X, null]` unwrapped, `allOf` merged."""
    if not isinstance(schema, dict):
        return {}
    for key in ("anyOf", "oneOf"):
        options = [
            option
            for option in schema.get(key, []) or []
            if isinstance(option, dict) and types(option) != ("null",)
        ]
        if len(options) == 1:
            return object_schema(options[0])
    parts = [part for part in schema.get("allOf", []) or [] if isinstance(part, dict)]
    if not parts:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    props: dict[str, Any] = dict(merged.get("properties", {}))
    needed: list[str] = list(merged.get("required", []))
    for part in parts:
        part = object_schema(part)
        props.update(part.get("properties", {}))
        needed += [name for name in part.get("required", []) if name not in needed]
        for key, value in part.items():
            merged.setdefault(key, value)
    merged["properties"], merged["required"] = props, needed
    return merged


def properties(schema: Any) -> dict[str, dict[str, Any]]:
    """An object schema's properties, by name."""
    found = object_schema(schema).get("properties", {})
    return (
        {str(k): v for k, v in found.items() if isinstance(v, dict)}
        if isinstance(found, dict)
        else {}
    )


def required(schema: Any) -> frozenset[str]:
    names = object_schema(schema).get("required", [])
    return frozenset(str(name) for name in names) if isinstance(names, list) else frozenset()


def wrapper(schema: Any) -> str | None:
    """The one property of an object schema that holds the real object, as in
    `{"user": {...}}` or `{"data": {...}}`; None when the object is not so wrapped.

    An object whose only property is itself an object with properties is a wrapper (a
    list envelope holds an array, and is not one).
    """
    fields = properties(schema)
    if len(fields) != 1:
        return None
    ((name, inner),) = fields.items()
    if "array" in types(inner) or not properties(inner):
        return None
    return name


class Member(NamedTuple):
    """One member of a JSON object, at `path`, with the schema that documents it (None
    where the object's schema names no such property)."""

    path: str
    name: str
    schema: dict[str, Any] | None
    value: Any


def members(schema: Any, value: Any, path: str = "") -> Iterator[Member]:
    """Every member of every object in a JSON value (arrays' items included), with its schema.

    An answer is judged field by field against what its schema says of that field, so
    the value and the schema are walked together.
    """
    inner = object_schema(schema)
    if isinstance(value, dict):
        documented = properties(inner)
        for name, item in value.items():
            sub = documented.get(str(name))
            where = f"{path}.{name}" if path else str(name)
            yield Member(where, str(name), sub, item)
            yield from members(sub or {}, item, where)
    elif isinstance(value, list):
        items = inner.get("items")
        for index, item in enumerate(value):
            yield from members(items if isinstance(items, dict) else {}, item, f"{path}[{index}]")


def subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """`schema` and every schema nested in it (properties, items, compositions), each once.

    The model's schemas share what a `$ref` names (`Spec.dereference`), so a tree walk
    would meet a densely linked schema once per path to it, which grows exponentially;
    this walk meets each distinct schema once. Each yielded schema is as written, and
    also merged with its `allOf` (`object_schema`) where it has one.
    """
    seen: set[int] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        inner = object_schema(node)
        yield inner
        pending += properties(inner).values()
        pending += [inner.get("items"), inner.get("additionalProperties")]
        for key in ("anyOf", "oneOf", "allOf"):
            options = node.get(key)
            pending += options if isinstance(options, list) else []


def string_length(schema: Any) -> tuple[int, int | None]:
    """(minLength, maxLength) of a string schema; maxLength None when unbounded."""
    schema = object_schema(schema)
    low = schema.get("minLength", 0)
    high = schema.get("maxLength")
    return (
        low if isinstance(low, int) else 0,
        high if isinstance(high, int) and not isinstance(high, bool) else None,
    )


def integer_range(schema: Any) -> tuple[int | None, int | None]:
    """The inclusive (minimum, maximum) of an integer schema, each None when unbounded."""
    schema = object_schema(schema)
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        low = int(schema["exclusiveMinimum"]) + 1
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        high = int(schema["exclusiveMaximum"]) - 1
    return (
        int(low) if isinstance(low, int | float) and not isinstance(low, bool) else None,
        int(high) if isinstance(high, int | float) and not isinstance(high, bool) else None,
    )


def sample(schema: Any, *, hint: str = "cf") -> Any:
    """A small value the schema accepts, preferring its own example, default or enum.

    The value is the caller's own (a copy, never the spec's object), so it may be changed.

    Deterministic: the same schema and hint give the same value. Strings are built from
    `hint` so that what the run writes is recognisable; where a pattern or a format rules
    that out, a value of the format's own shape is used. None when no value was found.
    """
    return copy.deepcopy(_sample(schema, hint=hint))


def _sample(schema: Any, *, hint: str) -> Any:
    if not isinstance(schema, dict):
        return None
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    for key in ("example",):
        if key in schema and schema[key] is not None:
            return schema[key]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return next((value for value in enum if value is not None), enum[0])
    inner = object_schema(schema)
    if inner is not schema:
        return _sample(inner, hint=hint)
    kinds = [kind for kind in types(schema) if kind != "null"] or ["string"]
    kind = kinds[0]
    if kind == "object":
        fields = properties(schema)
        return {
            name: sample(sub, hint=f"{hint}-{name}")
            for name, sub in fields.items()
            if name in required(schema) and not sub.get("readOnly")
        }
    if kind == "array":
        low = schema.get("minItems", 0)
        count = low if isinstance(low, int) else 0
        return [sample(schema.get("items", {}), hint=hint) for _ in range(count)]
    if kind == "integer":
        low, high = integer_range(schema)
        value = 1 if low is None or low <= 1 else low
        return min(value, high) if high is not None else value
    if kind == "number":
        low, high = integer_range(schema)
        return float(low if low is not None and low > 1 else 1)
    if kind == "boolean":
        return False
    return _string(schema, hint)


_FORMATS = {
    "email": "cf@conformance-run.example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00Z",
    "uri": "https://conformance-run.example.com/",
    "uri-reference": "/",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "hostname": "conformance-run.example.com",
}


def _string(schema: dict[str, Any], hint: str) -> str:
    low, high = string_length(schema)
    candidates = []
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _FORMATS:
        candidates.append(_FORMATS[fmt])
    word = re.sub(r"[^A-Za-z0-9]+", "-", hint).strip("-") or "cf"
    candidates += [word, word.replace("-", "_"), re.sub(r"[^a-z0-9]", "", word.lower()) or "cf"]
    pattern = schema.get("pattern")
    for candidate in candidates:
        value = _fit(candidate, low, high)
        if isinstance(pattern, str) and patterns.search(pattern, value) is Match.NOT_FOUND:
            continue
        return value
    return _fit(candidates[-1], low, high)


def _fit(text: str, low: int, high: int | None) -> str:
    if len(text) < low:
        text = text + "x" * (low - len(text))
    if high is not None and len(text) > high:
        text = text[: max(high, 0)]
    return text
