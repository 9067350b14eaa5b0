"""Rules on what each operation documents it may answer, and what each answer carries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from ...contract.document import Operation, Spec
from ...contract.tree import JsonPath, as_map
from ..findings import Severity
from ..formats import ANY_FORMAT, OAS3
from ..registry import RuleSet, Violation, rule

_FORM = "application/x-www-form-urlencoded"
_BODILESS = frozenset({"204", "304"})


def _responses(
    spec: Spec, *, per_code: bool = False
) -> Iterator[tuple[str, dict[str, Any], JsonPath]]:
    """Each response some operation documents, at the path where it is written.

    A shared (component) response comes once, under the first status it is used for;
    with `per_code`, once for each status it is used for.
    """
    seen: set[tuple[str, JsonPath]] = set()
    for operation in spec.operations:
        for code, response, path in spec.responses(operation):
            key = (code if per_code else "", path)
            if key not in seen:
                seen.add(key)
                yield code, response, path


def _header_names(response: dict[str, Any]) -> set[str]:
    # Header names are case-insensitive (RFC 9110), so compare them folded.
    return {name.lower() for name in as_map(response.get("headers"))}


def _missing_header(spec: Spec, header: str, codes: set[str] | None = None) -> Iterator[Violation]:
    for code, response, path in _responses(spec, per_code=codes is not None):
        if (codes is None or code in codes) and header.lower() not in _header_names(response):
            yield (*path, "headers"), f"the {code} response does not document the {header} header"


def _codes(operation: Operation) -> set[str]:
    # A range is written `4XX`; some documents write `4xx`.
    return {code.upper() for code in as_map(operation.node.get("responses"))}


def _missing_code(
    spec: Spec, codes: tuple[str, ...], applies: Callable[[Operation], bool], because: str
) -> Iterator[Violation]:
    """The operations `applies` selects that document none of the `codes` responses."""
    wanted = " or ".join(codes)
    for operation in spec.operations:
        if applies(operation) and not _codes(operation) & set(codes):
            yield (
                (*operation.path, "responses"),
                f"{operation.label} {because} but documents no {wanted}",
            )


def _takes_input(spec: Spec, operation: Operation) -> bool:
    has_input = bool(spec.parameters(operation)) or spec.request_body(operation) is not None
    return has_input or spec.is_secured(operation)


@rule(
    "owasp:api8:2023-define-error-responses-401",
    ruleset=RuleSet.OWASP,
    severity=Severity.WARNING,
    formats=ANY_FORMAT,
    checks="Every operation that requires credentials documents a 401 response.",
    why="Clients must be able to tell a missing or expired token from other failures; a gap "
    "in the docs, not in the API: a warning, as in Spectral's OWASP ruleset.",
)
def secured_documents_401(spec: Spec) -> Iterator[Violation]:
    """Secured operations without a 401."""
    yield from _missing_code(spec, ("401",), spec.is_secured, "requires credentials")


@rule(
    "contract:401-www-authenticate",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every 401 response documents the `WWW-Authenticate` header.",
    why="RFC 9110 requires it on 401, and it tells the client which scheme to use (Bearer).",
)
def unauthorized_challenge(spec: Spec) -> Iterator[Violation]:
    """401 responses without WWW-Authenticate."""
    yield from _missing_header(spec, "WWW-Authenticate", {"401"})


@rule(
    "owasp:api8:2023-define-error-validation",
    ruleset=RuleSet.OWASP,
    severity=Severity.WARNING,
    formats=ANY_FORMAT,
    checks="Every operation that takes input or credentials documents a 400, 422 or 4XX response.",
    why="Clients must be able to tell their own invalid input from other failures; a gap in the "
    "docs, not in the API: a warning, as in Spectral's OWASP ruleset.",
)
def input_documents_client_error(spec: Spec) -> Iterator[Violation]:
    """Operations with parameters, a body or security but no 400, 422 or 4XX."""
    yield from _missing_code(
        spec, ("400", "422", "4XX"), lambda op: _takes_input(spec, op), "takes input"
    )


@rule(
    "contract:invalid-input-422",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every operation that takes input or credentials documents a 422 response.",
    why="Stricter than OWASP's 400-or-422: invalid input is always 422 in this contract "
    "(FastAPI's shape), so clients need handle only that one.",
)
def input_documents_422(spec: Spec) -> Iterator[Violation]:
    """Operations with parameters, a body or security but no 422."""
    yield from _missing_code(spec, ("422",), lambda op: _takes_input(spec, op), "takes input")


@rule(
    "owasp:api4:2023-rate-limit-responses-429",
    ruleset=RuleSet.OWASP,
    severity=Severity.WARNING,
    formats=OAS3,
    checks="Login (a form-encoded body, or the OAuth2 password tokenUrl) documents 429.",
    why="Login should be throttled against password guessing, and clients must expect to be "
    "told to wait; a warning, as in Spectral's OWASP ruleset.",
)
def login_documents_429(spec: Spec) -> Iterator[Violation]:
    """Login operations without a 429."""
    token_paths = _token_paths(spec)
    yield from _missing_code(
        spec, ("429",), lambda operation: _is_login(spec, operation, token_paths), "is a login"
    )


@rule(
    "owasp:api4:2023-rate-limit-retry-after",
    ruleset=RuleSet.OWASP,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every 429 response documents the `Retry-After` header.",
    why="Without it, a throttled client can only guess when to retry, and tends to retry too "
    "soon, while the server sheds load; an error, as in Spectral's OWASP ruleset.",
)
def throttled_retry_after(spec: Spec) -> Iterator[Violation]:
    """429 responses without Retry-After."""
    yield from _missing_header(spec, "Retry-After", {"429"})


@rule(
    "contract:response-description",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every documented response has a non-empty `description`.",
    why="The description says when the status happens; without it the code alone is ambiguous.",
)
def response_description(spec: Spec) -> Iterator[Violation]:
    """Responses without a description."""
    for code, response, path in _responses(spec):
        description = response.get("description")
        if not isinstance(description, str) or not description.strip():
            yield path, f"the {code} response has no description"


@rule(
    "contract:response-content-schema",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every response but 204/304 documents a body with a schema; 204/304 document none.",
    why="The conformance suite checks each body against its schema; a missing one checks nothing.",
)
def response_content_schema(spec: Spec) -> Iterator[Violation]:
    """Responses whose body is undocumented (or, for 204/304, documented at all)."""
    for code, response, path in _responses(spec):
        content = as_map(response.get("content"))
        if code in _BODILESS:
            if content:
                yield (
                    (*path, "content"),
                    f"a {code} response has no body, but content is documented",
                )
        elif not content:
            yield path, f"the {code} response documents no content"
        else:
            for media, media_type in content.items():
                if "schema" not in as_map(media_type):
                    yield (*path, "content", media), f"the {code} {media} body has no schema"


@rule(
    "contract:created-location-header",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every 201 response documents the `Location` header.",
    why="The contract promises the new resource's path in `Location` on every create.",
)
def created_location(spec: Spec) -> Iterator[Violation]:
    """201 responses without Location."""
    yield from _missing_header(spec, "Location", {"201"})


@rule(
    "contract:request-id-header",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every response documents the `X-Request-ID` header.",
    why="The contract promises it on every response, so that any answer can be traced in the logs.",
)
def request_id_header(spec: Spec) -> Iterator[Violation]:
    """Responses without X-Request-ID."""
    yield from _missing_header(spec, "X-Request-ID")


@rule(
    "contract:nosniff-header",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every response documents the `X-Content-Type-Options` header.",
    why="The contract promises `nosniff` on every response, so that browsers never guess a type.",
)
def nosniff_header(spec: Spec) -> Iterator[Violation]:
    """Responses without X-Content-Type-Options."""
    yield from _missing_header(spec, "X-Content-Type-Options")


def _token_paths(spec: Spec) -> list[str]:
    """The URL paths of every OAuth2 password flow's tokenUrl."""
    found = []
    for scheme in as_map(as_map(spec.root.get("components")).get("securitySchemes")).values():
        token_url = as_map(as_map(as_map(scheme).get("flows")).get("password")).get("tokenUrl")
        if isinstance(token_url, str):
            try:
                found.append(urlsplit(token_url).path.rstrip("/"))
            except ValueError:
                # An unparsable URL (say, a broken IPv6 host) names no operation.
                continue
    return found


def _is_login(spec: Spec, operation: Operation, token_paths: list[str]) -> bool:
    body = spec.request_body(operation)
    if body is not None and _FORM in as_map(body[0].get("content")):
        return True
    route = operation.route.rstrip("/")
    return operation.method == "post" and any(
        route and token_path.endswith(route) for token_path in token_paths
    )
