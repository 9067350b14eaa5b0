"""Drift: the OpenAPI document the deployment serves, compared with the contract.

Differences are listed with `[breaking]` when a client written against the contract could
break on them: a missing operation, a success status that changed, a parameter or property
removed, made required or retyped.
"""

from __future__ import annotations

from typing import Any

import httpx

from ..context import CheckContext
from ..registry import Owasp, check
from ..spec import HTTP_METHODS

SERVED_PATH = "/api/v1/openapi.json"
_MAX_LISTED = 25


def _served(ctx: CheckContext) -> tuple[dict[str, Any], httpx.Response]:
    response = ctx.raw("GET", SERVED_PATH)
    ctx.expect_status(
        response, 200, operation=None, title="the deployment serves no OpenAPI document"
    )
    document = ctx.json_object(response, operation=None)
    if not isinstance(document.get("paths"), dict):
        ctx.fail(
            "the served document has no paths",
            expected="an OpenAPI document",
            seen=response.text[:200],
            response=response,
        )
    return document, response


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for path, item in document.get("paths", {}).items():
        if isinstance(item, dict):
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    found[f"{method.upper()} {path}"] = item[method] | {
                        "_shared_parameters": item.get("parameters", [])
                    }
    return found


def _resolve(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """Follow local `$ref`s (a few levels deep: enough for shapes, safe on cycles)."""
    while isinstance(node, dict) and "$ref" in node and depth < 16:
        pointer = str(node["$ref"])
        if not pointer.startswith("#/"):
            return {}
        target: Any = document
        for part in pointer[2:].split("/"):
            target = (
                target.get(part.replace("~1", "/").replace("~0", "~"), {})
                if isinstance(target, dict)
                else {}
            )
        node, depth = target, depth + 1
    return node


def _types(document: dict[str, Any], schema: Any) -> tuple[str, ...]:
    """A schema's JSON types, with `anyOf`/`oneOf` unions and `nullable` folded in."""
    schema = _resolve(document, schema)
    if not isinstance(schema, dict):
        return ()
    found: set[str] = set()
    kind = schema.get("type")
    if isinstance(kind, str):
        found.add(kind)
    elif isinstance(kind, list):
        found.update(str(item) for item in kind)
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key, []):
            found.update(_types(document, option))
    if schema.get("nullable"):
        found.add("null")
    if "integer" in found:
        found.discard("number")  # integer is the narrower claim; both mean a number
    return tuple(sorted(found))


def _shape(document: dict[str, Any], schema: Any) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """An object schema's properties (with their types) and its required names."""
    schema = _resolve(document, schema)
    if not isinstance(schema, dict):
        return {}, set()
    if schema.get("type") == "array" or "items" in schema:
        schema = _resolve(document, schema.get("items", {}))
    if not isinstance(schema, dict):
        return {}, set()
    properties = {
        name: _types(document, value) for name, value in schema.get("properties", {}).items()
    }
    return properties, set(schema.get("required", []))


def _body_schema(document: dict[str, Any], holder: Any) -> Any:
    holder = _resolve(document, holder)
    content = holder.get("content", {}) if isinstance(holder, dict) else {}
    for media in content.values():
        if isinstance(media, dict) and "schema" in media:
            return media["schema"]
    return None


def _parameters(
    document: dict[str, Any], operation: dict[str, Any]
) -> dict[str, tuple[bool, tuple[str, ...]]]:
    found = {}
    for raw in [*operation.get("_shared_parameters", []), *operation.get("parameters", [])]:
        parameter = _resolve(document, raw)
        if isinstance(parameter, dict) and parameter.get("in") in ("path", "query"):
            key = f"{parameter['in']} {parameter.get('name')}"
            found[key] = (
                bool(parameter.get("required")),
                _types(document, parameter.get("schema")),
            )
    return found


def _fail_with(
    ctx: CheckContext, title: str, differences: list[str], response: httpx.Response
) -> None:
    if not differences:
        return
    listed = differences[:_MAX_LISTED]
    more = len(differences) - len(listed)
    ctx.fail(
        title,
        expected="the served document to match the contract",
        seen="; ".join(listed) + (f"; and {more} more" if more > 0 else ""),
        response=response,
    )


@check(
    "drift.operations",
    risk="The served API document lists other operations than the contract.",
    description=(
        "The served document has every operation of "
        "the contract and no other ([breaking]: missing)."
    ),
    owasp=Owasp.API9,
)
def operations(ctx: CheckContext) -> None:
    document, response = _served(ctx)
    served = _operations(document)
    contract = _operations(ctx.spec.document)
    differences = [
        f"[breaking] missing {label}" for label in sorted(contract.keys() - served.keys())
    ]
    differences += [f"extra {label}" for label in sorted(served.keys() - contract.keys())]
    _fail_with(ctx, "the served operations differ from the contract", differences, response)


@check(
    "drift.status-codes",
    risk="The served API document drops status codes that clients rely on.",
    description="Each served operation documents the contract's status codes "
    "([breaking]: a documented status or a success status removed).",
    owasp=Owasp.API9,
)
def status_codes(ctx: CheckContext) -> None:
    document, response = _served(ctx)
    served = _operations(document)
    differences = []
    for label, operation in sorted(_operations(ctx.spec.document).items()):
        if label not in served:
            continue
        want = set(operation.get("responses", {}))
        have = set(served[label].get("responses", {}))
        for code in sorted(want - have):
            differences.append(f"[breaking] {label}: {code} not documented")
        for code in sorted(have - want):
            mark = "[breaking] " if code.startswith("2") else ""
            differences.append(f"{mark}{label}: extra {code}")
    _fail_with(ctx, "the served status codes differ from the contract", differences, response)


@check(
    "drift.schemas",
    risk="The served API document changes fields that clients rely on.",
    description="Parameters, request bodies and success bodies keep the contract's names, "
    "types and required fields ([breaking]: removed, retyped or newly required).",
    owasp=Owasp.API9,
)
def schemas(ctx: CheckContext) -> None:
    served_doc, response = _served(ctx)
    served = _operations(served_doc)
    contract_doc = ctx.spec.document
    differences: list[str] = []
    for label, operation in sorted(_operations(contract_doc).items()):
        other = served.get(label)
        if other is None:
            continue
        want, have = _parameters(contract_doc, operation), _parameters(served_doc, other)
        for name in sorted(want.keys() | have.keys()):
            if name not in have:
                differences.append(f"[breaking] {label}: parameter {name} removed")
            elif name not in want:
                mark = "[breaking] " if have[name][0] else ""
                differences.append(f"{mark}{label}: extra parameter {name}")
            elif want[name] != have[name]:
                differences.append(
                    f"[breaking] {label}: parameter {name} {want[name]} became {have[name]}"
                )
        differences += _compare(
            label + " request",
            _shape(contract_doc, _body_schema(contract_doc, operation.get("requestBody"))),
            _shape(served_doc, _body_schema(served_doc, other.get("requestBody"))),
            request=True,
        )
        for code, documented in sorted(operation.get("responses", {}).items()):
            if code.startswith("2") and code in other.get("responses", {}):
                differences += _compare(
                    f"{label} {code} response",
                    _shape(contract_doc, _body_schema(contract_doc, documented)),
                    _shape(served_doc, _body_schema(served_doc, other["responses"][code])),
                    request=False,
                )
    _fail_with(ctx, "the served schemas differ from the contract", differences, response)


def _compare(
    where: str,
    want: tuple[dict[str, tuple[str, ...]], set[str]],
    have: tuple[dict[str, tuple[str, ...]], set[str]],
    *,
    request: bool,
) -> list[str]:
    (want_props, want_required), (have_props, have_required) = want, have
    differences = []
    for name in sorted(want_props.keys() | have_props.keys()):
        if name not in have_props:
            differences.append(f"[breaking] {where}: {name} removed")
        elif name not in want_props:
            newly_required = request and name in have_required
            differences.append(f"{'[breaking] ' if newly_required else ''}{where}: extra {name}")
        elif want_props[name] and have_props[name] and want_props[name] != have_props[name]:
            differences.append(
                f"[breaking] {where}: {name} is {'/'.join(have_props[name])}, "
                f"not {'/'.join(want_props[name])}"
            )
    if request:
        for name in sorted((have_required - want_required) & want_props.keys()):
            differences.append(f"[breaking] {where}: {name} became required")
    return differences
