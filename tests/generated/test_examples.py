"""Every example in the spec validates through its generated model: models and spec agree.

Schema examples go through the model generated for that schema (its `*Request` variant
where the generator split one off for `writeOnly` fields, since examples show what a
client sends). A schema that got no model of its own (a string, an id) is tried inside
the example of a model that uses it. Media-type examples go through the model of their
schema: the request variant in request bodies, the response variant in responses.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no py.typed
from pydantic import BaseModel, ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conformance.contract import load_document
from generated import models

SPEC = load_document(None)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]
REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Example:
    """A value from the spec, the model it must validate through, and where it came from."""

    where: str
    model: type[BaseModel] | None
    value: Any


def model_for(name: str, side: str) -> type[BaseModel] | None:
    """The generated model for schema `name` as seen from `side` (request or response)."""
    variant = getattr(models, f"{name}{side.capitalize()}", None)
    found = variant if variant is not None else getattr(models, name, None)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def uses(schema: Any, target: str, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The property paths at which an object schema refers to schema `target`."""
    for name, prop in schema.get("properties", {}).items():
        if prop.get("$ref") == REF_PREFIX + target:
            yield (*path, name)
        yield from uses(prop, target, (*path, name))


def schema_examples() -> Iterator[Example]:
    for name, schema in SCHEMAS.items():
        for index, value in enumerate(schema.get("examples", [])):
            where = f"components.schemas.{name}.examples[{index}]"
            model = model_for(name, "request")
            if model is not None:
                yield Example(where, model, value)
                continue
            # No model of its own: put the value into a containing model's example.
            for container, holder in SCHEMAS.items():
                paths = list(uses(holder, name))
                outer = model_for(container, "request")
                if paths and outer is not None and holder.get("examples"):
                    wrapped = copy.deepcopy(holder["examples"][0])
                    node = wrapped
                    for key in paths[0][:-1]:
                        node = node.setdefault(key, {})
                    node[paths[0][-1]] = value
                    yield Example(f"{where} in {container}.{'.'.join(paths[0])}", outer, wrapped)
                    break
            else:
                yield Example(where, None, value)


def media_examples() -> Iterator[Example]:
    bodies: list[tuple[str, str, Any]] = []
    for route, item in SPEC["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            base = f"paths.{route}.{method}"
            if "requestBody" in operation:
                bodies.append((f"{base}.requestBody", "request", operation["requestBody"]))
            for code, response in operation["responses"].items():
                bodies.append((f"{base}.responses.{code}", "response", response))
    for name, response in SPEC["components"].get("responses", {}).items():
        bodies.append((f"components.responses.{name}", "response", response))
    for where, side, owner in bodies:
        for media, media_type in owner.get("content", {}).items():
            ref = media_type.get("schema", {}).get("$ref", "")
            model = (
                model_for(ref.removeprefix(REF_PREFIX), side)
                if ref.startswith(REF_PREFIX)
                else None
            )
            values = [("example", media_type["example"])] if "example" in media_type else []
            values += [
                (f"examples.{k}", v["value"]) for k, v in media_type.get("examples", {}).items()
            ]
            for key, value in values:
                yield Example(f"{where}.content.{media}.{key}", model, value)


SCHEMA_EXAMPLES = list(schema_examples())
MEDIA_EXAMPLES = list(media_examples())


def test_the_spec_has_examples_to_check() -> None:
    # Guards the walks above: an empty walk would make every test below pass vacuously.
    assert len(SCHEMA_EXAMPLES) == sum(len(s.get("examples", [])) for s in SCHEMAS.values())
    assert len(MEDIA_EXAMPLES) >= 5


@pytest.mark.parametrize("example", SCHEMA_EXAMPLES + MEDIA_EXAMPLES, ids=lambda e: e.where)
def test_the_example_validates_through_its_model(example: Example) -> None:
    assert example.model is not None, f"no generated model checks {example.where}"

    parsed = example.model.model_validate_json(json.dumps(example.value))

    # What the model read is what the spec wrote: nothing coerced, renamed or dropped.
    assert json.loads(parsed.model_dump_json(exclude_unset=True)) == example.value


OBJECT_EXAMPLES = [
    example
    for example in SCHEMA_EXAMPLES
    if isinstance(example.value, dict) and " in " not in example.where
]


@pytest.mark.parametrize("example", OBJECT_EXAMPLES, ids=lambda e: e.where)
def test_an_unknown_field_is_refused_by_the_spec_and_the_model_alike(example: Example) -> None:
    assert example.model is not None
    name = example.where.split(".")[2]
    intruder = {**example.value, "is_superuser": True}
    registry: Registry[Any] = Registry().with_resource(
        "urn:spec", DRAFT202012.create_resource(SPEC)
    )
    spec_validator = Draft202012Validator(
        {"$ref": f"urn:spec{REF_PREFIX}{name}"}, registry=registry
    )

    assert not spec_validator.is_valid(intruder)
    with pytest.raises(ValidationError, match="is_superuser"):
        example.model.model_validate_json(json.dumps(intruder))
