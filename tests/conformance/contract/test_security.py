"""Security schemes: where each puts a credential, the prefix read from prose, and the choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.contract import build_contract, load_contract
from conformance.contract.security import AuthOverride, Location, infer_prefix
from conformance.errors import ConfigError
from tests.conformance import published

TARGETS = Path(__file__).parents[1] / "targets"


def _contract(schemes: dict[str, Any], *requirements: list[dict[str, list[str]]]) -> Any:
    """A spec declaring `schemes`, with one GET per security requirement list given."""
    paths = {
        f"/things{index}": {
            "get": {
                "operationId": f"get{index}",
                "security": security,
                "responses": {"200": {"description": "ok"}},
            }
        }
        for index, security in enumerate(requirements)
    }
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"securitySchemes": schemes},
    }
    return build_contract(document, source="hand-written")


@pytest.mark.parametrize(
    ("scheme", "where", "sent"),
    [
        (
            {"type": "http", "scheme": "bearer"},
            "header Authorization: Bearer {token}",
            "Bearer t0k",
        ),
        ({"type": "http", "scheme": "Bearer", "bearerFormat": "JWT"}, None, "Bearer t0k"),
        ({"type": "http", "scheme": "basic"}, "header Authorization: Basic {basic}", "Basic t0k"),
        (
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "header X-API-Key: {token}",
            "t0k",
        ),
        ({"type": "apiKey", "in": "query", "name": "api_key"}, "query api_key={token}", "t0k"),
        (
            {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            "cookie sessionid={token}",
            "t0k",
        ),
        (
            {"type": "oauth2", "flows": {"password": {"tokenUrl": "/token", "scopes": {}}}},
            "header Authorization: Bearer {token}",
            "Bearer t0k",
        ),
        (
            {"type": "openIdConnect", "openIdConnectUrl": "https://id.example.com/.well-known"},
            "header Authorization: Bearer {token}",
            "Bearer t0k",
        ),
    ],
)
def test_each_kind_of_scheme_knows_where_its_credential_goes(
    scheme: dict[str, Any], where: str | None, sent: str
) -> None:
    presented = _contract({"s": scheme}, [{"s": []}]).presentation
    if where is not None:
        assert presented.describe == where
    assert presented.value("t0k") == sent
    # What a request carried is read back the same way (the guard knows whose it was).
    query = "&".join(f"{k}={v}" for k, v in presented.params("t0k").items())
    assert presented.read(presented.headers("t0k"), f"http://api.example.com/x?{query}") == "t0k"


def test_a_query_or_cookie_key_goes_in_its_parameter_or_the_cookie_header() -> None:
    query = _contract({"k": {"type": "apiKey", "in": "query", "name": "key"}}, [{"k": []}])
    assert query.presentation.params("abc") == {"key": "abc"}
    assert query.presentation.headers("abc") == {}
    assert query.presentation.read({}, "http://api.example.com/x?page=2&key=abc") == "abc"
    cookie = _contract({"c": {"type": "apiKey", "in": "cookie", "name": "sid"}}, [{"c": []}])
    assert cookie.presentation.headers("abc") == {"Cookie": "sid=abc"}
    assert cookie.presentation.cookies("abc") == {"sid": "abc"}
    assert cookie.presentation.read({"cookie": "theme=dark; sid=abc"}) == "abc"
    assert cookie.presentation.location is Location.COOKIE


def test_oauth2_flows_keep_their_token_urls() -> None:
    contract = _contract(
        {
            "o": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "https://auth.example.com/token",
                        "scopes": {},
                    },
                    "password": {"tokenUrl": "/login", "refreshUrl": "/refresh", "scopes": {}},
                },
            }
        },
        [{"o": []}],
    )
    scheme = contract.schemes["o"]
    assert [(f.name, f.token_url, f.refresh_url) for f in scheme.flows] == [
        ("password", "/login", "/refresh"),
        ("clientCredentials", "https://auth.example.com/token", None),
    ]
    assert scheme.how == (
        "oauth2 password (tokenUrl /login), clientCredentials (tokenUrl "
        "https://auth.example.com/token): Authorization: Bearer {token}"
    )


def test_a_challenge_is_expected_only_where_the_scheme_names_one() -> None:
    schemes = {
        "bearer": {"type": "http", "scheme": "bearer"},
        "basic": {"type": "http", "scheme": "basic"},
        "drf": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        },
        "bare": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "query": {"type": "apiKey", "in": "query", "name": "key"},
    }
    found = _contract(schemes, [{"bearer": []}]).schemes
    assert {name: scheme.challenge for name, scheme in found.items()} == {
        "bearer": "Bearer",
        "basic": "Basic",
        "drf": "Token",
        "bare": None,
        "query": None,
    }


# -- prefixes read from descriptions -------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "prefix"),
    [
        # drf-spectacular's words for DRF's TokenAuthentication (the drf fixture serves them).
        ('Token-based authentication with required prefix "Token"', "Token"),
        # Swashbuckle's stock example, seen on many ASP.NET APIs.
        (
            "JWT Authorization header using the Bearer scheme. "
            'Example: "Authorization: Bearer {token}"',
            "Bearer",
        ),
        ('Type "Bearer" followed by a space and the JWT.', "Bearer"),
        ("Send `Authorization: Token <jwt>`.", "Token"),
        ("Authorization: Api-Key 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "Api-Key"),
        ("Enter &lt;token&gt; as: JWT &lt;token&gt;", "JWT"),
        ("Set the header to Bearer ... with your key.", "Bearer"),
        # Nothing shown before a placeholder, or two different prefixes: none assumed.
        ("Bearer Token authentication", None),
        ("Amazon Signature authorization v4", None),
        ("Use `Bearer <token>` or `Token <token>`.", None),
        ("Enter <token> in the box.", None),
        ("X-API-Key <key>", None),
        ("The key is a UUID 123e4567-e89b-12d3-a456-426614174000.", None),
        ("", None),
    ],
)
def test_a_prefix_is_read_only_where_a_description_shows_it(
    description: str, prefix: str | None
) -> None:
    assert infer_prefix(description, "X-API-Key")[0] == prefix


def test_two_prefixes_shown_are_said_to_be_ambiguous() -> None:
    _, why = infer_prefix("Use `Bearer <token>` or `Token <token>`.")
    assert why == "its description shows both `Bearer` and `Token`, so no prefix is assumed"


def test_the_conduit_fixture_presents_token_and_knows_its_optional_operations() -> None:
    contract = load_contract(str(TARGETS / "wrapped" / "spec.yaml"))
    scheme = contract.presentation
    assert scheme.describe == "header Authorization: Token {token}"
    assert contract.schemes["Token"].how == (
        "apiKey in header Authorization; its description shows "
        "`Token xxxxxx.yyyyyyy.zzzzzz`, so `Token {token}`"
    )
    articles = contract["GetArticles"]
    assert articles.optional_security and not articles.secured
    assert articles.schemes == ("Token",)
    feed = contract["GetArticlesFeed"]
    assert feed.secured and not feed.optional_security
    assert not contract["GetTags"].secured and not contract["GetTags"].optional_security


def test_the_bundled_contract_presents_a_bearer_token_as_before() -> None:
    scheme = load_contract(None).presentation
    assert scheme.value("abc") == "Bearer abc"
    assert scheme.headers("abc") == {"Authorization": "Bearer abc"}
    assert scheme.kind == "oauth2" and scheme.flows[0].token_url == "/api/v1/auth/login"


@pytest.fixture(scope="module")
def specs() -> Path:
    if not (published.FOLDER / "INDEX.tsv").is_file():
        pytest.skip(published.ABSENT)
    return published.FOLDER


@pytest.mark.parametrize(
    ("document", "presented"),
    [
        # Basic or bearer on every operation: a token is presented over a password.
        ("stripe.com/2020-08-27/openapi.yaml", "header Authorization: Bearer {token}"),
        ("clicksend.com/1.0.0/openapi.yaml", "header Authorization: Basic {basic}"),
        # Swagger 2.0's "Bearer Token authentication": no placeholder, so no prefix assumed.
        ("kubernetes.io/v1.10.0/swagger.yaml", "header authorization: {token}"),
        (
            "sportsdata.io/mlb-v3-stats/1.0/openapi.yaml",
            "header Ocp-Apim-Subscription-Key: {token}",
        ),
        ("spoonacular.com/1.0/openapi.yaml", "query apiKey={token}"),
        ("tomtom.com/search/1.0.0/openapi.yaml", "query key={token}"),
        ("box.com/2.0.0/openapi.yaml", "header Authorization: Bearer {token}"),
    ],
)
def test_published_descriptions_are_presented_as_their_schemes_say(
    specs: Path, document: str, presented: str
) -> None:
    assert load_contract(str(specs / document)).presentation.describe == presented


def test_stripes_descriptions_show_the_prefixes_their_schemes_use(specs: Path) -> None:
    contract = load_contract(str(specs / "stripe.com/2020-08-27/openapi.yaml"))
    for name, prefix in (("basicAuth", "Basic"), ("bearerAuth", "Bearer")):
        description = contract.security_schemes[name]["description"]
        assert infer_prefix(description, "Authorization")[0] == prefix


# -- the choice and conformance.toml's [auth] ------------------------------------------------

TWO = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
}


def test_the_scheme_most_operations_name_is_presented() -> None:
    contract = _contract(TWO, [{"bearer": []}], [{"key": []}], [{"key": []}], [{}, {"key": []}])
    assert contract.presentation.name == "key"
    assert contract.presentation.how == "key, which 3 of the 4 operations taking a credential name"


def test_an_auth_table_sets_where_and_how_a_credential_goes() -> None:
    override = AuthOverride.from_table(
        {"header": "Authorization", "format": "Token {token}"}, path="conformance.toml"
    )
    document = _contract(TWO, [{"key": []}]).document
    contract = build_contract(document, source="hand-written", auth=override)
    scheme = contract.presentation
    assert scheme.headers("abc") == {"Authorization": "Token abc"}
    assert scheme.how == (
        "set in conformance.toml [auth]: header Authorization: Token {token} "
        "(over key: header X-Key: {token})"
    )
    other = AuthOverride.from_table({"scheme": "bearer"}, path="conformance.toml")
    named = build_contract(document, source="hand-written", auth=other).presentation
    assert named.describe == "header Authorization: Bearer {token}"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"headers": "X"},
            "conformance.toml: [auth] has unknown keys: headers (known: scheme, "
            "header, query, cookie, format)",
        ),
        (
            {"format": "Token"},
            "conformance.toml: [auth] format = 'Token' must hold {token} (or "
            '{basic}) once (e.g. "Bearer {token}", "Token {token}", "{token}", "Basic {basic}")',
        ),
        (
            {"format": "{token} {token}"},
            "conformance.toml: [auth] format = '{token} {token}' "
            "must hold {token} (or {basic}) once",
        ),
        ({"header": "X Key"}, "conformance.toml: [auth] header = 'X Key' is not a valid name"),
        ({"header": "A", "query": "b"}, "conformance.toml: [auth] sets both header and query"),
        ({"query": 3}, "conformance.toml: [auth] query = 3 is not a non-empty string"),
    ],
)
def test_a_wrong_auth_table_is_one_line_naming_the_key_and_value(
    table: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        AuthOverride.from_table(table, path="conformance.toml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_an_auth_scheme_naming_nothing_stops_at_load() -> None:
    override = AuthOverride.from_table({"scheme": "oauth"}, path="conformance.toml")
    document = _contract(TWO, [{"key": []}]).document
    with pytest.raises(ConfigError) as caught:
        build_contract(document, source="hand-written", auth=override)
    assert str(caught.value) == (
        "conformance.toml: [auth] scheme = 'oauth' names no security scheme of the spec "
        "(declared: bearer, key)"
    )
