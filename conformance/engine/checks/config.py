"""Configuration: request ids, nosniff, CORS, error bodies, unknown paths, malformed bodies.

Each check runs on the operations of the spec that make its promise: a header only where
a response documents it, CORS only where the spec speaks of it, error bodies on the reads
and creates the model finds, malformed bodies on every operation that takes JSON. The
requests are harmless (`probes.py`): ids of nothing, logins for nobody, no sign-up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx

from ...contract import Contract, Operation, Resource, RoleName, patterns, schemas
from ...contract.patterns import Match
from ..context import CheckContext
from ..identities import Identity
from ..probes import Probe, harmless_probes, nowhere_path
from ..registry import Need, Owasp, check
from ..rows import body_for
from ..targets import Targets, documenting

FOREIGN_ORIGIN = "https://evil.conformance-run.example"
_REQUEST_ID = "x-request-id"
_NOSNIFF = "x-content-type-options"

# What an error body must never hold: tracebacks, SQL, driver names, file paths.
_LEAKS = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|\.py\b|"
    r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b|sqlalchemy|asyncpg|psycopg|sqlite3|"
    r"IntegrityError|OperationalError|(?:/usr|/home|/app|/opt|/var|/srv)/[\w./-]+|[A-Z]:\\\w",
)
# Path values no id parameter should choke on: past int64, and SQL.
_ODD_IDS = ("9" * 30, "'; DROP TABLE rows;--")


def _documented(operation: Operation, response: httpx.Response, header: str) -> bool:
    """Whether the spec promises this header on this answer of the operation."""
    documented = operation.response(response.status_code)
    return documented is not None and header in documented.headers


def _sampler(ctx: CheckContext) -> Identity | None:
    """An account to send the secured probes as, when the run can make one."""
    return ctx.user("sampler") if ctx.identities.can_sign_up else None


def _sampled(
    ctx: CheckContext, operation: Operation, user: Identity | None, header: str
) -> list[tuple[Probe, httpx.Response]]:
    """The operation's answers to harmless requests whose status documents `header`.

    Skips the operation when none of its answers documents the header.
    """
    found, statuses = [], []
    for probe in harmless_probes(ctx, operation, user):
        response = ctx.send(operation, as_=probe.as_, **probe.request)
        statuses.append(str(response.status_code))
        if _documented(operation, response, header):
            found.append((probe, response))
    if not found:
        ctx.skip(f"the statuses it answered ({', '.join(statuses)}) document no {header} header")
    return found


def _valid(operation: Operation, response: httpx.Response, header: str) -> bool:
    """Whether the header is as the spec documents it on this answer: there when required,
    and its value matching the schema it gives."""
    documented = operation.response(response.status_code)
    if documented is None:
        return True
    schema = documented.header_schemas.get(header, {})
    value = response.headers.get(header)
    if value is None:
        return header not in documented.required_headers
    inner = schemas.object_schema(schema)
    low, high = schemas.string_length(inner)
    pattern, enum = inner.get("pattern"), inner.get("enum")
    if len(value) < low or (high is not None and len(value) > high):
        return False
    if isinstance(enum, list) and value not in enum:
        return False
    # A pattern that does not compile, or takes too long, judges nothing.
    return not isinstance(pattern, str) or patterns.search(pattern, value) is not Match.NOT_FOUND


@check(
    "config.request-id",
    setup=(Need.ACCOUNT,),
    targets=documenting(_REQUEST_ID),
    risk="Requests cannot be traced through the logs by their X-Request-ID.",
    description="Where a response documents X-Request-ID: it is there (where required) and "
    "matches its documented schema; a client's valid id is echoed, one the schema refuses "
    "replaced.",
    owasp=Owasp.API8,
)
def request_id(ctx: CheckContext) -> None:
    targeted = ctx.targeted("no response of the spec documents an X-Request-ID header")
    user = _sampler(ctx)
    for operation in targeted:
        with ctx.on(operation):
            sampled = _sampled(ctx, operation, user, _REQUEST_ID)
            for _, response in sampled:
                if not _valid(operation, response, _REQUEST_ID):
                    value = response.headers.get(_REQUEST_ID)
                    ctx.fail(
                        "a response without a valid X-Request-ID",
                        expected="X-Request-ID matching its documented schema",
                        seen=repr(value) if value else "no X-Request-ID",
                        response=response,
                        operation=operation.operation_id,
                    )
            _judge_echo(ctx, operation, sampled[0][0])


def _judge_echo(ctx: CheckContext, operation: Operation, probe: Probe) -> None:
    """A client's valid id comes back; one the documented schema refuses does not."""
    name = operation.operation_id
    own = f"cf-{uuid.uuid4().hex}"
    echoed = ctx.send(operation, as_=probe.as_, headers={"X-Request-ID": own}, **probe.request)
    if echoed.headers.get(_REQUEST_ID) != own:
        ctx.fail(
            "the client's valid X-Request-ID is not echoed",
            expected=own,
            seen=repr(echoed.headers.get(_REQUEST_ID)),
            response=echoed,
            operation=name,
        )
    bad = "not valid!" + "x" * 80
    replaced = ctx.send(operation, as_=probe.as_, headers={"X-Request-ID": bad}, **probe.request)
    if _documented(operation, replaced, _REQUEST_ID) and (
        replaced.headers.get(_REQUEST_ID) == bad or not _valid(operation, replaced, _REQUEST_ID)
    ):
        ctx.fail(
            "an invalid X-Request-ID is echoed instead of replaced",
            expected="a new id matching the documented schema",
            seen=repr(replaced.headers.get(_REQUEST_ID)),
            response=replaced,
            operation=name,
        )


@check(
    "config.nosniff",
    setup=(Need.ACCOUNT,),
    targets=documenting(_NOSNIFF),
    risk="Browsers may guess content types and run a response as a script (no nosniff).",
    description="Where a response documents X-Content-Type-Options, it carries nosniff "
    "(always where the header is required).",
    owasp=Owasp.API8,
)
def nosniff(ctx: CheckContext) -> None:
    targeted = ctx.targeted("no response of the spec documents an X-Content-Type-Options header")
    user = _sampler(ctx)
    for operation in targeted:
        with ctx.on(operation):
            for _, response in _sampled(ctx, operation, user, _NOSNIFF):
                if not _valid(operation, response, _NOSNIFF) or (
                    response.headers.get(_NOSNIFF, "nosniff").lower() != "nosniff"
                ):
                    ctx.fail(
                        "a response without nosniff",
                        expected="X-Content-Type-Options: nosniff",
                        seen=repr(response.headers.get(_NOSNIFF)),
                        response=response,
                        operation=operation.operation_id,
                    )


def _cors_operations(contract: Contract) -> list[str]:
    """Where the spec speaks of CORS: `Access-Control-*` headers, OPTIONS, or its own words.

    An operation documenting an `Access-Control-*` response header, or on a path with an
    OPTIONS operation; else, when the document's description names the
    `Access-Control-Allow-Origin` header (as the bundled contract does), every operation.
    The word CORS alone is not enough: "no CORS" is a promise too, of nothing.
    """
    options = {op.path for op in contract if op.method == "options"}
    found = [
        op.operation_id
        for op in contract
        if op.method != "options"
        and (
            op.path in options
            or any(
                name.startswith("access-control-")
                for response in op.responses.values()
                for name in response.headers
            )
        )
    ]
    if found:
        return found
    info = contract.document.get("info")
    text = str(info.get("description", "")) if isinstance(info, dict) else ""
    if re.search(r"Access-Control-Allow-Origin", text, re.IGNORECASE):
        return [op.operation_id for op in contract if op.method != "options"]
    return []


@check(
    "config.cors",
    targets=Targets(
        "operations that document an `Access-Control-*` header or have an OPTIONS, or a "
        "description that names `Access-Control-Allow-Origin`",
        _cors_operations,
    ),
    risk="Any web site can call the API from its visitors' browsers.",
    description="Where the spec speaks of CORS: a foreign origin is not allowed (no "
    "reflection), in a preflight or an answer, and * is never combined with credentials.",
    owasp=Owasp.API8,
)
def cors(ctx: CheckContext) -> None:
    targeted = ctx.targeted(
        "the spec documents no CORS (no Access-Control-* header, OPTIONS, or description "
        "naming Access-Control-Allow-Origin)"
    )
    # A browser's preflight names the header the credential goes in (not a cookie's).
    scheme = ctx.identities.presentation
    requested = [*(name.lower() for name in scheme.headers("") if name.lower() != "cookie")]
    for operation in targeted:
        with ctx.on(operation):
            path = operation.url_path(**nowhere_path(ctx, operation))
            answers = [
                ctx.raw(
                    "OPTIONS",
                    path,
                    headers={
                        "Origin": FOREIGN_ORIGIN,
                        "Access-Control-Request-Method": operation.method.upper(),
                        "Access-Control-Request-Headers": ", ".join([*requested, "content-type"]),
                    },
                )
            ]
            if operation.method == "get":
                answers.append(
                    ctx.send(
                        operation,
                        path=nowhere_path(ctx, operation),
                        headers={"Origin": FOREIGN_ORIGIN},
                    )
                )
            for response in answers:
                _judge_origin(ctx, operation, response)


def _judge_origin(ctx: CheckContext, operation: Operation, response: httpx.Response) -> None:
    allowed = response.headers.get("Access-Control-Allow-Origin")
    credentials = response.headers.get("Access-Control-Allow-Credentials", "").lower() == "true"
    if allowed == FOREIGN_ORIGIN or (allowed == "*" and credentials):
        ctx.fail(
            "a foreign origin is allowed" + (" with credentials" if credentials else ""),
            expected="no Access-Control-Allow-Origin for a foreign origin",
            seen=f"Access-Control-Allow-Origin: {allowed}"
            + (", Access-Control-Allow-Credentials: true" if credentials else ""),
            response=response,
            operation=operation.operation_id,
        )


def _string_field(operation: Operation) -> str | None:
    """The first string field of the operation's request body, if it has one."""
    body = operation.body
    fields = body.properties if body is not None else {}
    return next((n for n, s in fields.items() if "string" in schemas.types(s)), None)


def _read_by_id(resource: Resource) -> Operation | None:
    read = resource.read
    return read if read is not None and resource.id_param is not None else None


def _error_targets(contract: Contract) -> list[Operation]:
    """Reads by an id of every resource, creates with a string field, and the token role."""
    found: list[Operation] = []
    for resource in contract.resources:
        for operation in (_read_by_id(resource), resource.create):
            if operation is None or operation in found:
                continue
            if operation is resource.create and _string_field(operation) is None:
                continue
            found.append(operation)
    token = contract.roles.get(RoleName.TOKEN)
    if token is not None and token.body is not None and token not in found:
        found.append(token)
    return found


@check(
    "config.error-bodies",
    setup=(Need.ACCOUNT,),
    targets=Targets(
        "a read by id, a create with a string field, or a token operation",
        lambda contract: [op.operation_id for op in _error_targets(contract)],
    ),
    risk="Error answers leak internals (tracebacks, SQL, file paths) to attackers.",
    description="Error bodies never hold a traceback, SQL, a driver's name or a file path: "
    "probed with odd ids on every read by id, and broken bodies on every create with a "
    "string field and on the token operation.",
    owasp=Owasp.API8,
)
def error_bodies(ctx: CheckContext) -> None:
    targeted = ctx.targeted("the spec has no read by id, create with a string field, or token")
    user = ctx.user("breaker")
    for operation in targeted:
        with ctx.on(operation):
            for response in _breaking(ctx, operation, user):
                if response.status_code >= 400:
                    match = _LEAKS.search(response.text)
                    if match:
                        ctx.fail(
                            "an error body leaks internals",
                            expected="a plain message",
                            seen=f"{match.group(0)!r} in {response.text[:200]!r}",
                            response=response,
                            operation=operation.operation_id,
                        )


def _breaking(ctx: CheckContext, operation: Operation, user: Identity) -> Iterator[httpx.Response]:
    """Requests the operation must refuse without showing its internals.

    A read gets ids no parameter should choke on; a body gets bytes that are not JSON
    (or a form that is not UTF-8), not UTF-8, and JSON of the wrong type; a create of the
    user's own also gets its body from the schema with a NUL in its string field.
    """
    as_ = user if operation.secured else None
    path = nowhere_path(ctx, operation)
    body = operation.body
    if body is None:
        if operation.path_parameters:
            last = operation.path_parameters[-1].name
            for odd in _ODD_IDS:
                yield ctx.send(operation, as_=as_, path={**path, last: odd})
        return
    raw = {"Content-Type": body.media_type}
    if body.is_form:
        fields = list(body.properties) or ["field"]
        form = "&".join(f"{name}=%ff%fe" for name in fields).encode()
        yield ctx.send(operation, as_=as_, path=path, headers=raw, content=form)
        return
    for content in (b"{not json", b"\xff\xfe\x00"):
        yield ctx.send(operation, as_=as_, path=path, headers=raw, content=content)
    yield ctx.send(operation, as_=as_, path=path, json=[1, 2])
    field = _string_field(operation)
    resource = next((r for r in ctx.spec.resources if r.create is operation), None)
    if operation.secured and resource is not None and field is not None:
        sent = body_for(resource, ctx.identities.run_tag, "breaker")
        yield ctx.send(operation, as_=user, path=path, json={**sent, field: "\u0000"})


def _json_bodies(contract: Contract) -> list[str]:
    """Every operation whose request body is JSON."""
    return [
        op.operation_id
        for op in contract
        if op.body is not None and not op.body.is_form and "json" in op.body.media_type
    ]


@check(
    "config.malformed-body",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=Targets("operations with a JSON request body", _json_bodies),
    risk="A malformed body crashes the handler instead of getting a clean 4xx.",
    description="On every operation that takes JSON, a body that is not JSON and one that "
    "is not UTF-8 are refused with 400 or a 4xx the operation documents (415 or 422 where "
    "it documents one, else any 4xx); never 5xx.",
    owasp=Owasp.API8,
)
def malformed_body(ctx: CheckContext) -> None:
    targeted = ctx.targeted("no operation of the spec takes a JSON body")
    user = ctx.user("malformed")
    for operation in targeted:
        if operation.body is None:
            continue
        with ctx.on(operation):
            path = _own_path(ctx, operation, user)
            field = next(iter(operation.body.properties), "field")
            headers = {"Content-Type": operation.body.media_type}
            documented = {code for code in (400, 415, 422) if operation.documents(code)}
            # 400 is HTTP's own answer to a body it cannot read (FastAPI's to one that is
            # not UTF-8, though it documents only 422): always a right refusal.
            allowed = (documented | {400}) if documented else set(range(400, 500))
            for content in (b"{not json", b'{"' + field.encode() + b'": "\xff\xfe"}'):
                response = ctx.send(
                    operation,
                    as_=user if operation.secured else None,
                    path=path,
                    headers=headers,
                    content=content,
                )
                # A refusal of the caller comes before the body is read: it says nothing.
                ctx.require_allowed(response, operation)
                ctx.expect_status(
                    response,
                    allowed,
                    operation=operation.operation_id,
                    title="a malformed body was not refused as documented",
                )


def _own_path(ctx: CheckContext, operation: Operation, user: Identity) -> dict[str, object]:
    """Path parameters naming a row of the user's own (made for it), so that the body is
    what the operation judges, not the id; the other parameters sampled."""
    named = ctx.spec.rows_named(operation)
    if not named:
        return nowhere_path(ctx, operation)
    _, resource = named[-1]
    row = ctx.row(resource, user)
    return {**nowhere_path(ctx, operation), **row.path}


def _by_path(contract: Contract) -> dict[str, list[Operation]]:
    found: dict[str, list[Operation]] = {}
    for operation in contract:
        found.setdefault(operation.path, []).append(operation)
    return found


def _unlisted(contract: Contract, path: str, operations: list[Operation]) -> str | None:
    """A method no template matching the path lists (`PUT /articles/feed` is listed when
    `PUT /articles/{slug}` is), the least harmful first (DELETE only to ids of nothing)."""
    listed = contract.methods_at(path)
    named = bool(contract.rows_named(operations[0]))
    order = ("put", "patch", "post", *(("delete",) if named else ()))
    return next((method for method in order if method not in listed), None)


def _method_targets(contract: Contract) -> list[str]:
    """The first operation of each path that leaves a method unlisted."""
    return [
        operations[0].operation_id
        for path, operations in _by_path(contract).items()
        if _unlisted(contract, path, operations) is not None
    ]


@check(
    "config.unknown-path-and-method",
    setup=(Need.ACCOUNT,),
    targets=Targets("any path (probed with a method it does not list)", _method_targets),
    risk="Unknown paths or methods are not answered as HTTP says (404; 405 with Allow).",
    description="An unknown path is 404, and a method the spec does not list for a path is "
    "405 with an Allow header naming methods it lists, and none it does not (RFC 9110, "
    "15.5.5 and 15.5.6).",
    owasp=Owasp.API8,
)
def unknown_path_and_method(ctx: CheckContext) -> None:
    user = ctx.user("method")
    for path, operations in _by_path(ctx.spec).items():
        first = operations[0]
        method = _unlisted(ctx.spec, path, operations)
        if method is None:
            continue
        with ctx.on(first):
            secured = any(operation.secured for operation in operations)
            response = ctx.raw(
                method.upper(),
                first.url_path(**nowhere_path(ctx, first)),
                **ctx.identities.present(user if secured else None),
            )
            ctx.expect_status(
                response,
                405,
                operation=first.operation_id,
                title=f"{method.upper()} {path}, which the spec does not list, is not 405",
            )
            # Allow names methods the path has: all of them is RFC 9110's wish, but a router
            # that names those of one route (Starlette's) misleads no client.
            listed = {method.upper() for method in ctx.spec.methods_at(path)} | {"HEAD", "OPTIONS"}
            given = response.headers.get("Allow", "")
            allow = {m.strip().upper() for m in given.split(",") if m.strip()}
            if not allow or not allow <= listed:
                ctx.fail(
                    "a 405 without the right Allow header",
                    expected="Allow: " + ", ".join(sorted(listed - {"HEAD", "OPTIONS"})),
                    seen=repr(response.headers.get("Allow")),
                    response=response,
                    operation=first.operation_id,
                )
    # Not an operation of the spec: judged after them, for the whole API.
    prefix = _common_prefix([operation.path for operation in ctx.spec])
    missing = ctx.raw("GET", prefix + "no-such-path-" + uuid.uuid4().hex[:8])
    ctx.expect_status(missing, 404, operation=None, title="an unknown path is not 404")


def _common_prefix(paths: list[str]) -> str:
    """The leading segments every path shares (`/api/v1/`), or `/`."""
    split = [path.strip("/").split("/") for path in paths]
    shared: list[str] = []
    for segments in zip(*split, strict=False):
        if len(set(segments)) != 1 or segments[0].startswith("{"):
            break
        shared.append(segments[0])
    return "/" + "".join(f"{segment}/" for segment in shared)
