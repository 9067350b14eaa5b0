"""`conformance inspect`: the contract model of a spec, as a run will see it.

It shows the roles found (and how), the security schemes and how the run will present a
credential, the resources, where drift will look for the served document, and which
checks will run on which operations and which are skipped and why, so that a user knows
before a run what it can test and what to configure.
"""

from __future__ import annotations

from typing import Any

from .contract import Contract, Operation, Resource, RoleName
from .contract.security import SecurityScheme
from .engine.plan import PlannedCheck, plan
from .engine.served import candidate_paths

__all__ = ["describe", "text_lines"]


def _resource(resource: Resource) -> dict[str, Any]:
    return {
        "name": resource.name,
        "collection": resource.collection_path,
        "item": resource.item_path,
        "id": {
            "parameter": resource.id_param,
            "type": resource.id_type,
            "field": resource.id_field,
        },
        "parent": resource.parent,
        "operations": {action: op.operation_id for action, op in resource.operations},
        "also_created_by": [op.operation_id for op in resource.other_creates],
        "actions": [op.operation_id for op in resource.actions],
        "wrapped": _wrappers(resource),
        "list": {
            "shape": resource.list_shape,
            "rows": resource.list_field,
            "total": resource.total_field or resource.total_header,
            "pagination": resource.pagination.describe(),
        }
        if resource.listing is not None
        else None,
        "server_owned": list(resource.server_owned),
        "writable": list(resource.writable),
        "owner_field": resource.owner_field,
    }


def _wrappers(resource: Resource) -> dict[str, str]:
    """The property that wraps a row in requests and answers (`{"article": {...}}`)."""
    found: dict[str, str] = {}
    body = resource.create.body if resource.create is not None else None
    if body is not None and body.wrapper is not None:
        found["request"] = body.wrapper
    for operation in (resource.read, resource.create):
        success = operation.success if operation is not None else None
        if success is not None and success.wrapper is not None:
            found["answer"] = success.wrapper
            break
    return found


def _at(operation: Operation | None, name: str | None, *, answer: bool) -> str | None:
    """A field's place in a body or an answer: `user.token` inside a wrapper."""
    if name is None or operation is None:
        return name
    holder = operation.success if answer else operation.body
    wrapper = holder.wrapper if holder is not None else None
    return f"{wrapper}.{name}" if wrapper else name


def _scheme(scheme: SecurityScheme) -> dict[str, Any]:
    return {
        "scheme": scheme.name or None,
        "type": scheme.kind,
        "in": scheme.location.value,
        "name": scheme.parameter,
        "format": scheme.format,
        "flows": [
            {"flow": flow.name, "tokenUrl": flow.token_url, "refreshUrl": flow.refresh_url}
            for flow in scheme.flows
        ],
        "how": scheme.how,
    }


def describe(contract: Contract, *, has_admin: bool, identities: int) -> dict[str, Any]:
    """The model as plain data (the `--format json` output)."""
    planned = plan(contract, has_admin=has_admin, identities=identities)
    creds = contract.roles.credentials
    token, signup = contract.roles.get(RoleName.TOKEN), contract.roles.get(RoleName.SIGNUP)
    return {
        "spec": contract.source,
        "operations": len(contract.operations),
        "nothing_to_call": contract.nothing_to_call,
        "webhooks": contract.webhooks,
        "roles": {
            role.name.value: {
                "operation": role.operation.operation_id if role.operation else None,
                "endpoint": role.operation.label if role.operation else None,
                "how": role.how,
            }
            for role in contract.roles.roles.values()
        },
        "credentials": None
        if creds is None
        else {
            "token": [
                _at(token, n, answer=False) for n in (creds.token_identifier, creds.token_secret)
            ],
            "token_body": "form" if creds.token_form else "json",
            "signup": [
                _at(signup, n, answer=False) for n in (creds.signup_identifier, creds.signup_secret)
            ],
            "identifier": creds.identifier_kind,
            "answers": [
                _at(token, name, answer=True)
                for name in (creds.access_field, creds.refresh_field, creds.expires_field)
                if name
            ],
        },
        "security": {
            "schemes": {name: _scheme(scheme) for name, scheme in contract.schemes.items()},
            "presented": _scheme(contract.presentation),
            "optional": [op.operation_id for op in contract if op.optional_security],
        },
        "account_resource": contract.roles.account_resource,
        "resources": [_resource(resource) for resource in contract.resources],
        "served_document": candidate_paths(contract)[:6],
        "checks": [_planned(item) for item in planned],
        "by_operation": {
            operation: sorted(item.check_id for item in planned if operation in item.operations)
            for operation in contract.operations
        },
    }


def _planned(item: PlannedCheck) -> dict[str, Any]:
    return {
        "check": item.check_id,
        "runs": item.skipped is None,
        "operations": "whole API" if item.whole_api else list(item.operations),
        "skipped": item.skipped,
    }


def _where(scheme: dict[str, Any]) -> str:
    """`header Authorization: Token {token}`, `query api_key={token}`, `cookie sid={token}`."""
    joint = ": " if scheme["in"] == "header" else "="
    return f"{scheme['in']} {scheme['name']}{joint}{scheme['format']}"


def _security_lines(security: dict[str, Any]) -> list[str]:
    lines = ["security schemes"]
    if not security["schemes"]:
        lines.append("  none declared")
    for name, scheme in security["schemes"].items():
        lines.append(f"  {name:<16} {scheme['type']:<14} {scheme['how']}")
    presented = security["presented"]
    lines.append(f"  {'presented as':<16} {_where(presented)} · {presented['how']}")
    optional = security["optional"]
    if optional:
        shown = ", ".join(optional[:4]) + (", ..." if len(optional) > 4 else "")
        lines.append(
            f"  {'optional':<16} {len(optional)} operations take a credential without "
            f"requiring one: {shown}"
        )
    return lines


def text_lines(model: dict[str, Any]) -> list[str]:
    """The model for a terminal: roles, resources, then the checks per operation."""
    lines = [f"spec {model['spec']} · {model['operations']} operations"]
    if model["nothing_to_call"] is not None:
        webhooks = ", ".join(model["webhooks"][:5]) + (
            ", ..." if len(model["webhooks"]) > 5 else ""
        )
        return [
            *lines,
            "",
            model["nothing_to_call"],
            *([f"  webhooks: {webhooks}"] if webhooks else []),
        ]
    lines += ["", "roles"]
    for name, role in model["roles"].items():
        found = f"{role['operation']} ({role['endpoint']})" if role["operation"] else "none"
        lines.append(f"  {name:<16} {found:<50} {role['how']}")
    creds = model["credentials"]
    if creds is not None:
        lines.append(
            f"  credentials      token takes {' + '.join(creds['token'])} ({creds['token_body']}),"
            f" sign-up takes {' + '.join(str(n) for n in creds['signup'])};"
            f" answers {', '.join(creds['answers'])}"
        )
    lines += ["", *_security_lines(model["security"])]
    lines += ["", "resources"]
    if not model["resources"]:
        lines.append("  none found (no POST /x answering an object with an id, nor a list)")
    for resource in model["resources"]:
        ident = resource["id"]
        parent = f" · in {resource['parent']}" if resource["parent"] else ""
        account = " · the accounts" if resource["name"] == model["account_resource"] else ""
        where = (
            f"{resource['item']} · id {ident['parameter']} ({ident['type']})"
            if resource["item"]
            else f"{resource['collection']} · created only, id in {ident['field']}"
        )
        lines.append(f"  {resource['name']}  {where}{parent}{account}")
        operations = ", ".join(f"{a} {op}" for a, op in resource["operations"].items())
        lines.append(f"      operations    {operations}")
        if resource["also_created_by"]:
            lines.append(f"      also created  {', '.join(resource['also_created_by'])}")
        if resource["actions"]:
            lines.append(f"      actions       {', '.join(resource['actions'])}")
        wrapped = resource["wrapped"]
        if wrapped:
            shown = ", ".join(f"{where} in {name!r}" for where, name in wrapped.items())
            lines.append(f"      wrapped       {shown}")
        listing = resource["list"]
        if listing is not None:
            rows = f" in {listing['rows']}" if listing["rows"] else ""
            total = f", total {listing['total']}" if listing["total"] else ""
            lines.append(
                f"      list          {listing['shape']}{rows}{total};"
                f" pagination {listing['pagination']}"
            )
        lines.append(f"      server-owned  {', '.join(resource['server_owned']) or 'none'}")
        lines.append(f"      writable      {', '.join(resource['writable']) or 'none'}")
        if resource["owner_field"]:
            lines.append(f"      owner         {resource['owner_field']}")
    lines += [
        "",
        f"drift looks for the served document at {', '.join(model['served_document'])}, ...",
    ]
    lines += ["", "checks by operation (and schemathesis's generic checks on every one)"]
    for operation, checks in model["by_operation"].items():
        own = [check for check in checks if not check.startswith("generic.")]
        lines.append(f"  {operation:<24} {len(own):>3}  {', '.join(own) or '-'}")
    whole = [c["check"] for c in model["checks"] if c["runs"] and c["operations"] == "whole API"]
    lines.append(f"  {'(whole API)':<24} {len(whole):>3}  {', '.join(whole)}")
    skipped = [c for c in model["checks"] if not c["runs"]]
    runs = len(model["checks"]) - len(skipped)
    lines += ["", f"{runs} checks will run, {len(skipped)} will be skipped"]
    for item in skipped:
        lines.append(f"  skipped {item['check']}: {item['skipped']}")
    return lines
