"""Security schemes: how a spec says a credential is presented, and how the run presents one.

Each entry of `components.securitySchemes` becomes a `SecurityScheme` that knows where the
credential goes (a header, a query parameter or a cookie, and its name) and its format, a
template such as `Bearer {token}`, `Token {token}`, `{token}` or `Basic {basic}`:

    http bearer      Authorization: Bearer {token}
    http basic       Authorization: Basic {basic}   ({basic} is base64 of identifier:password)
    apiKey           its header, query parameter or cookie: {token}, or with the prefix its
                     description shows (`Token <jwt>`, 'required prefix "Token"')
    oauth2, openIdConnect   Authorization: Bearer {token} (the flows and their tokenUrl kept)

The run presents every credential through one scheme, `presentation`: the one most of the
operations that take a credential name, or what `[auth]` of conformance.toml sets:

    [auth]
    header = "Authorization"
    format = "Token {token}"

Nothing here sends a request; the engine and the load suite ask a scheme for the headers,
query parameters or cookie to send and for the credential a request carried.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from ..config import refuse_unknown_keys
from ..errors import ConfigError
from .prefixes import infer_prefix

if TYPE_CHECKING:
    from .model import Operation

__all__ = [
    "AuthOverride",
    "Location",
    "OAuthFlow",
    "SecurityScheme",
    "basic_credential",
    "choose_presentation",
    "infer_prefix",
    "read_schemes",
]

TOKEN = "{token}"
BASIC = "{basic}"


class Location(StrEnum):
    HEADER = "header"
    QUERY = "query"
    COOKIE = "cookie"


@dataclass(frozen=True, slots=True)
class OAuthFlow:
    """One OAuth2 flow: `password`, `clientCredentials`, `authorizationCode`, `implicit`."""

    name: str
    token_url: str | None = None
    refresh_url: str | None = None
    authorization_url: str | None = None


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """One way of presenting a credential, as a spec declares it (or conformance.toml sets)."""

    # Its name under `securitySchemes` ("" for the default and for [auth] alone).
    name: str
    # http, apiKey, oauth2, openIdConnect or mutualTLS.
    type: str
    location: Location
    # The header, query parameter or cookie that carries the credential.
    parameter: str
    # What is sent, with {token} (or {basic}) standing for the credential.
    format: str
    # One sentence: what was inferred, and from what (shown by `conformance inspect`).
    how: str
    # For http schemes: `bearer`, `basic`, ... as the spec writes it, lower-cased.
    http_scheme: str | None = None
    flows: tuple[OAuthFlow, ...] = ()
    # False when no header, query parameter or cookie can carry it (mutualTLS).
    presentable: bool = True

    @property
    def kind(self) -> str:
        """`http bearer`, `http basic`, `apiKey`, `oauth2`, ..., for people."""
        return f"http {self.http_scheme}" if self.http_scheme else self.type

    @property
    def basic(self) -> bool:
        """Whether the credential is the identifier and password themselves (base64), not a
        token that an operation answers: nothing to log in to."""
        return BASIC in self.format

    @property
    def placeholder(self) -> str:
        return BASIC if self.basic else TOKEN

    @property
    def prefix(self) -> str:
        """What the format puts before the credential (`Bearer `, `Token `, or nothing)."""
        return self.format.split(self.placeholder, 1)[0]

    @property
    def describe(self) -> str:
        """Where and how, in a few words: `header Authorization: Token {token}`."""
        if self.location is Location.HEADER:
            return f"header {self.parameter}: {self.format}"
        if self.location is Location.QUERY:
            return f"query {self.parameter}={self.format}"
        return f"cookie {self.parameter}={self.format}"

    @property
    def challenge(self) -> str | None:
        """The auth-scheme a 401's `WWW-Authenticate` names for it (`Bearer`, `Basic`,
        `Token`), or None when the scheme implies none (a bare key, a query parameter)."""
        if self.location is not Location.HEADER or self.parameter.lower() != "authorization":
            return None
        word = self.prefix.strip()
        return word if re.fullmatch(r"[A-Za-z][\w.~+-]*", word) else None

    def value(self, credential: str) -> str:
        """The header, parameter or cookie value that presents the credential."""
        return self.format.replace(self.placeholder, credential)

    def headers(self, credential: str) -> dict[str, str]:
        """The headers that present the credential (a cookie goes in `Cookie`)."""
        if self.location is Location.HEADER:
            return {self.parameter: self.value(credential)}
        if self.location is Location.COOKIE:
            return {"Cookie": f"{self.parameter}={self.value(credential)}"}
        return {}

    def params(self, credential: str) -> dict[str, str]:
        """The query parameters that present the credential."""
        if self.location is Location.QUERY:
            return {self.parameter: self.value(credential)}
        return {}

    def cookies(self, credential: str) -> dict[str, str]:
        """The cookies that present the credential (for clients that keep them apart)."""
        if self.location is Location.COOKIE:
            return {self.parameter: self.value(credential)}
        return {}

    def read(self, headers: Mapping[str, str], url: str = "") -> str:
        """The credential a request carried this way ("" when it carried none)."""
        found = ""
        if self.location is Location.HEADER:
            found = _get(headers, self.parameter)
        elif self.location is Location.COOKIE:
            for part in _get(headers, "cookie").split(";"):
                key, _, value = part.strip().partition("=")
                if key == self.parameter:
                    found = value
        else:
            found = dict(parse_qsl(urlsplit(url).query)).get(self.parameter, "")
        prefix, _, suffix = self.format.partition(self.placeholder)
        if not found.lower().startswith(prefix.lower()) or not found.endswith(suffix):
            return ""
        return found[len(prefix) : len(found) - len(suffix)]


def basic_credential(identifier: str, password: str) -> str:
    """What `{basic}` stands for: base64 of `identifier:password` (RFC 7617)."""
    return base64.b64encode(f"{identifier}:{password}".encode()).decode("ascii")


def _get(headers: Mapping[str, str], name: str) -> str:
    lowered = name.lower()
    return next((str(v) for k, v in headers.items() if str(k).lower() == lowered), "")


# -- reading the schemes -------------------------------------------------------------------

_FLOWS = ("password", "clientCredentials", "authorizationCode", "implicit")
_BEARER = "Bearer {token}"


def _flows(node: Mapping[str, Any]) -> tuple[OAuthFlow, ...]:
    flows = node.get("flows")
    if not isinstance(flows, Mapping):
        return ()
    found = []
    for name in _FLOWS:
        flow = flows.get(name)
        if isinstance(flow, Mapping):

            def url(key: str, flow: Mapping[str, Any] = flow) -> str | None:
                value = flow.get(key)
                return value if isinstance(value, str) else None

            found.append(
                OAuthFlow(name, url("tokenUrl"), url("refreshUrl"), url("authorizationUrl"))
            )
    return tuple(found)


def _scheme(name: str, node: Mapping[str, Any]) -> SecurityScheme:
    kind = str(node.get("type", ""))
    description = node.get("description")
    text = description if isinstance(description, str) else ""
    if kind == "http":
        http = str(node.get("scheme", "")).lower()
        if http == "basic":
            return SecurityScheme(
                name,
                kind,
                Location.HEADER,
                "Authorization",
                "Basic {basic}",
                "http basic: Authorization: Basic, base64 of identifier:password",
                http_scheme=http,
            )
        word = "Bearer" if http == "bearer" else http.capitalize()
        return SecurityScheme(
            name,
            kind,
            Location.HEADER,
            "Authorization",
            f"{word} {TOKEN}",
            f"http {http}: Authorization: {word} {TOKEN}",
            http_scheme=http,
        )
    if kind == "apiKey":
        where = str(node.get("in", "header"))
        location = Location(where) if where in tuple(Location) else Location.HEADER
        parameter = str(node.get("name") or "Authorization")
        place = {"header": "header", "query": "query parameter", "cookie": "cookie"}[location]
        if location is not Location.HEADER:
            return SecurityScheme(
                name,
                kind,
                location,
                parameter,
                TOKEN,
                f"apiKey in {place} {parameter}: the bare `{TOKEN}`",
            )
        prefix, why = infer_prefix(text, parameter)
        form = f"{prefix} {TOKEN}" if prefix else TOKEN
        return SecurityScheme(
            name,
            kind,
            location,
            parameter,
            form,
            f"apiKey in {place} {parameter}; {why}, so `{form}`",
        )
    if kind == "oauth2":
        flows = _flows(node)
        named = ", ".join(
            f"{flow.name} (tokenUrl {flow.token_url})" if flow.token_url else flow.name
            for flow in flows
        )
        return SecurityScheme(
            name,
            kind,
            Location.HEADER,
            "Authorization",
            _BEARER,
            f"oauth2 {named or 'without flows'}: Authorization: {_BEARER}",
            flows=flows,
        )
    if kind == "openIdConnect":
        return SecurityScheme(
            name,
            kind,
            Location.HEADER,
            "Authorization",
            _BEARER,
            f"openIdConnect: Authorization: {_BEARER}",
        )
    return SecurityScheme(
        name,
        kind or "unknown",
        Location.HEADER,
        "Authorization",
        TOKEN,
        f"{kind or 'a scheme without a type'}: no header, query parameter or cookie carries it",
        presentable=False,
    )


def read_schemes(found: Mapping[str, Mapping[str, Any]]) -> dict[str, SecurityScheme]:
    """Every declared scheme (`$ref`s already resolved), by name, in the spec's order."""
    return {str(name): _scheme(str(name), node) for name, node in found.items()}


DEFAULT = SecurityScheme(
    "",
    "http",
    Location.HEADER,
    "Authorization",
    _BEARER,
    "no operation requires a declared scheme, so the common Authorization: Bearer {token}",
    http_scheme="bearer",
)


# -- conformance.toml [auth] -------------------------------------------------------------

AUTH_KEYS = ("scheme", "header", "query", "cookie", "format")
_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True, slots=True)
class AuthOverride:
    """`[auth]` of conformance.toml: which scheme, where, and in which format."""

    path: str
    scheme: str | None = None
    location: Location | None = None
    parameter: str | None = None
    format: str | None = None

    @classmethod
    def from_table(cls, table: object, *, path: str) -> AuthOverride:
        """Read the table; `ConfigError` (one line) naming the key, its value and what fits."""
        if not isinstance(table, Mapping):
            raise ConfigError('`[auth]` is a table, e.g. header = "Authorization"', path=path)
        refuse_unknown_keys(table, AUTH_KEYS, section="auth", path=path)
        for key, value in table.items():
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"[auth] {key} = {value!r} is not a non-empty string", path=path)
        places = [key for key in ("header", "query", "cookie") if key in table]
        if len(places) > 1:
            raise ConfigError(
                f"[auth] sets both {places[0]} and {places[1]}",
                path=path,
                hint="a credential goes in one header, query parameter or cookie",
            )
        location = Location(places[0]) if places else None
        parameter = str(table[places[0]]) if places else None
        if parameter is not None and not _NAME.match(parameter):
            raise ConfigError(
                f"[auth] {places[0]} = {parameter!r} is not a valid name",
                path=path,
                hint="letters, digits and !#$%&'*+.^_`|~- only, no spaces",
            )
        form = table.get("format")
        if form is not None:
            count = form.count(TOKEN) + form.count(BASIC)
            stray = re.sub(r"\{token\}|\{basic\}", "", form)
            if count != 1 or "{" in stray or "}" in stray:
                raise ConfigError(
                    f"[auth] format = {form!r} must hold {TOKEN} (or {BASIC}) once",
                    path=path,
                    hint='e.g. "Bearer {token}", "Token {token}", "{token}", "Basic {basic}"',
                )
        return cls(path, table.get("scheme"), location, parameter, form)

    def apply(self, base: SecurityScheme, schemes: Mapping[str, SecurityScheme]) -> SecurityScheme:
        """The presentation these settings make of `base` (or of the scheme they name)."""
        if self.scheme is not None:
            if self.scheme not in schemes:
                declared = ", ".join(schemes) or "none"
                raise ConfigError(
                    f"[auth] scheme = {self.scheme!r} names no security scheme of the spec",
                    path=self.path,
                    hint=f"declared: {declared}",
                )
            base = schemes[self.scheme]
        location = self.location or base.location
        parameter = self.parameter or base.parameter
        form = self.format or base.format
        changed = replace(
            base,
            location=location,
            parameter=parameter,
            format=form,
            presentable=True,
        )
        over = f" (over {base.name}: {base.describe})" if base.name else ""
        return replace(changed, how=f"set in conformance.toml [auth]: {changed.describe}{over}")


# -- the run's presentation ----------------------------------------------------------------


def choose_presentation(
    schemes: Mapping[str, SecurityScheme],
    operations: Iterable[Operation],
    override: AuthOverride | None = None,
) -> SecurityScheme:
    """The scheme the run presents credentials with: the one most of the operations that
    take a credential name (on a tie, a token's over http basic, then the first declared),
    unless `[auth]` says otherwise."""
    counts: Counter[str] = Counter()
    taking = 0
    for operation in operations:
        names = [name for name in operation.schemes if name in schemes]
        taking += bool(names)
        counts.update(name for name in names if schemes[name].presentable)
    order = list(schemes)
    chosen = DEFAULT
    if schemes and not counts:
        named = ", ".join(schemes)
        chosen = replace(
            DEFAULT,
            how=f"no operation names a declared scheme ({named}), so the common "
            "Authorization: Bearer {token}",
        )
    if counts:
        # On a tie (alternatives, as Stripe's basic or bearer), a token over a password.
        name = max(
            counts,
            key=lambda key: (counts[key], not schemes[key].basic, -order.index(key)),
        )
        scheme = schemes[name]
        how = f"{name}, which {counts[name]} of the {taking} operations taking a credential name"
        chosen = replace(scheme, how=how)
    if override is not None:
        return override.apply(chosen, schemes)
    return chosen
