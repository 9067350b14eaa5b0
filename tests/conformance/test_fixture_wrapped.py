"""The Conduit-style fixture answers in the RealWorld API's conventions, and each fault shows.

The clean app is served once for the module (real HTTP over loopback, Flask behind an ASGI
bridge under uvicorn); each fault is shown by one scenario run against the clean app and
against an app with that fault alone, which must answer otherwise.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import yaml
from openapi_spec_validator import validate

from tests.conformance.targets.runner import inspect_heading
from tests.conformance.targets.serving import serve
from tests.conformance.targets.wrapped import FAULTS, SPEC_PATH, create_app

SECRET = "a-test-secret-of-the-conduit-fixture"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(create_app(secret=SECRET)) as base:
        yield base


@pytest.fixture
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url) as http:
        yield http


def register(client: httpx.Client, prefix: str = "user") -> tuple[dict[str, str], str]:
    """A new user's `Authorization` header (`Token <jwt>`) and username."""
    username = f"{prefix}{secrets.token_hex(4)}"
    user = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    created = client.post("/api/users", json={"user": user})
    assert created.status_code == 201, created.text
    return {"Authorization": f"Token {created.json()['user']['token']}"}, username


def write(
    client: httpx.Client, headers: dict[str, str], title: str = "A title", **fields: Any
) -> str:
    article = {"title": title, "description": "d", "body": "b", **fields}
    created = client.post("/api/articles", json={"article": article}, headers=headers)
    assert created.status_code == 201, created.text
    slug: str = created.json()["article"]["slug"]
    return slug


def comment(client: httpx.Client, headers: dict[str, str], slug: str) -> int:
    created = client.post(
        f"/api/articles/{slug}/comments", json={"comment": {"body": "hi"}}, headers=headers
    )
    assert created.status_code == 200, created.text
    comment_id: int = created.json()["comment"]["id"]
    return comment_id


def test_the_spec_is_valid_openapi_3_0_and_served(client: httpx.Client) -> None:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    validate(document)
    assert document["openapi"] == "3.0.3"
    assert document["servers"] == [{"url": "/api"}]
    served = client.get("/api/openapi.yaml")
    assert served.status_code == 200
    assert yaml.safe_load(served.text) == document
    scheme = document["components"]["securitySchemes"]
    assert list(scheme) == ["Token"]
    assert {k: v for k, v in scheme["Token"].items() if k != "description"} == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    assert "Token xxxxxx.yyyyyyy.zzzzzz" in scheme["Token"]["description"]


def test_registration_and_login_answer_the_wrapped_user_with_a_jwt(client: httpx.Client) -> None:
    username = f"jake{secrets.token_hex(4)}"
    user = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    created = client.post("/api/users", json={"user": user})
    assert created.status_code == 201
    answer = created.json()["user"]
    assert set(answer) == {"email", "token", "username", "bio", "image"}
    assert (answer["bio"], answer["image"]) == (None, None)
    claims = jwt.decode(answer["token"], SECRET, algorithms=["HS256"])
    assert claims["username"] == username
    logged = client.post(
        "/api/users/login", json={"user": {"email": user["email"], "password": PASSWORD}}
    )
    assert logged.status_code == 200
    assert logged.json()["user"]["username"] == username
    wrong = client.post(
        "/api/users/login", json={"user": {"email": user["email"], "password": "x"}}
    )
    assert wrong.status_code == 401
    assert wrong.json() == {"errors": {"body": ["email or password is invalid"]}}


def test_registration_errors_are_422_in_conduits_shape(client: httpx.Client) -> None:
    _, username = register(client)
    taken = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    refused = client.post("/api/users", json={"user": taken})
    assert refused.status_code == 422
    assert refused.json() == {
        "errors": {"body": ["username has already been taken", "email has already been taken"]}
    }
    blank = client.post("/api/users", json={"user": {"username": "x", "email": "x@example.com"}})
    assert blank.status_code == 422
    assert blank.json() == {"errors": {"body": ["user.password can't be blank"]}}
    unwrapped = client.post("/api/users", json=taken)
    assert unwrapped.status_code == 422


@pytest.mark.parametrize("scheme", ["Bearer", "token", "JWT"])
def test_only_the_token_prefix_is_accepted(client: httpx.Client, scheme: str) -> None:
    headers, _ = register(client)
    assert client.get("/api/user", headers=headers).status_code == 200
    token = headers["Authorization"].removeprefix("Token ")
    refused = client.get("/api/user", headers={"Authorization": f"{scheme} {token}"})
    assert refused.status_code == 401
    assert refused.json() == {"errors": {"body": ["token is missing or invalid"]}}
    assert client.get("/api/user").status_code == 401


def test_the_current_user_is_updated_field_by_field(client: httpx.Client) -> None:
    headers, username = register(client)
    changed = client.put("/api/user", json={"user": {"bio": "I like tea"}}, headers=headers)
    assert changed.status_code == 200
    assert (changed.json()["user"]["bio"], changed.json()["user"]["username"]) == (
        "I like tea",
        username,
    )
    again = client.get("/api/user", headers=headers).json()["user"]
    assert again["bio"] == "I like tea"
    assert "password" not in again
    assert client.put("/api/user", json={"user": {}}, headers=headers).status_code == 422


def test_articles_are_addressed_by_a_slug_derived_from_the_title(client: httpx.Client) -> None:
    headers, username = register(client)
    title = f"How to Train Your Dragon {secrets.token_hex(3)}"
    slug = write(client, headers, title, tagList=["dragons", "training"])
    assert slug == title.lower().replace(" ", "-")
    assert write(client, headers, title) == f"{slug}-2"
    article = client.get(f"/api/articles/{slug}").json()["article"]
    assert article["tagList"] == ["dragons", "training"]
    assert (article["favorited"], article["favoritesCount"]) == (False, 0)
    assert article["author"] == {
        "username": username,
        "bio": None,
        "image": None,
        "following": False,
    }
    renamed = client.put(
        f"/api/articles/{slug}", json={"article": {"title": f"Renamed {title}"}}, headers=headers
    )
    assert renamed.status_code == 200
    new_slug = renamed.json()["article"]["slug"]
    assert new_slug == f"renamed-{slug}"
    assert client.get(f"/api/articles/{slug}").status_code == 404
    assert client.get(f"/api/articles/{new_slug}").status_code == 200
    assert "dragons" in client.get("/api/tags").json()["tags"]
    assert write(client, headers, "Feed") == "feed-2"


def test_only_the_author_changes_an_article_or_a_comment(client: httpx.Client) -> None:
    author, _ = register(client, "author")
    other, _ = register(client, "other")
    slug = write(client, author)
    comment_id = comment(client, author, slug)
    update = {"article": {"body": "defaced"}}
    for method, path, body in [
        ("PUT", f"/api/articles/{slug}", update),
        ("DELETE", f"/api/articles/{slug}", None),
        ("DELETE", f"/api/articles/{slug}/comments/{comment_id}", None),
    ]:
        refused = client.request(method, path, json=body, headers=other)
        assert refused.status_code == 403, path
        assert list(refused.json()["errors"]) == ["body"]
    assert client.put(f"/api/articles/{slug}", json=update).status_code == 401
    missing = client.get("/api/articles/no-such-article")
    assert missing.status_code == 404
    assert missing.json() == {"errors": {"body": ["article not found"]}}


def test_comments_are_listed_and_deleted_by_id_without_a_read(client: httpx.Client) -> None:
    headers, _ = register(client)
    slug = write(client, headers)
    first, second = comment(client, headers, slug), comment(client, headers, slug)
    listed = client.get(f"/api/articles/{slug}/comments").json()["comments"]
    assert [c["id"] for c in listed] == [first, second]
    read = client.get(f"/api/articles/{slug}/comments/{first}")
    assert read.status_code == 405
    assert set(read.headers["allow"].split(", ")) == {"DELETE", "OPTIONS"}
    deleted = client.delete(f"/api/articles/{slug}/comments/{first}", headers=headers)
    assert (deleted.status_code, deleted.content) == (200, b"")
    listed = client.get(f"/api/articles/{slug}/comments").json()["comments"]
    assert [c["id"] for c in listed] == [second]


def test_favourites_and_follows(client: httpx.Client) -> None:
    author, author_name = register(client, "author")
    fan, fan_name = register(client, "fan")
    slug = write(client, author)
    favourited = client.post(f"/api/articles/{slug}/favorite", headers=fan).json()["article"]
    assert (favourited["favorited"], favourited["favoritesCount"]) == (True, 1)
    client.post(f"/api/articles/{slug}/favorite", headers=fan)
    assert client.get(f"/api/articles/{slug}").json()["article"]["favoritesCount"] == 1
    by_fan = client.get(f"/api/articles?favorited={fan_name}").json()
    assert [a["slug"] for a in by_fan["articles"]] == [slug]
    undone = client.delete(f"/api/articles/{slug}/favorite", headers=fan).json()["article"]
    assert (undone["favorited"], undone["favoritesCount"]) == (False, 0)
    followed = client.post(f"/api/profiles/{author_name}/follow", headers=fan).json()
    assert followed["profile"]["following"] is True
    assert client.get(f"/api/profiles/{author_name}", headers=fan).json()["profile"]["following"]
    feed = client.get("/api/articles/feed", headers=fan).json()
    assert [a["slug"] for a in feed["articles"]] == [slug]
    client.delete(f"/api/profiles/{author_name}/follow", headers=fan)
    assert client.get("/api/articles/feed", headers=fan).json() == {
        "articles": [],
        "articlesCount": 0,
    }
    assert client.get("/api/profiles/nobody-at-all").status_code == 404


def test_the_article_list_filters_and_pages_with_limit_and_offset(client: httpx.Client) -> None:
    headers, username = register(client)
    tag = f"tag{secrets.token_hex(3)}"
    slugs = [write(client, headers, f"Part {n}", tagList=[tag]) for n in range(3)]
    write(client, headers, "Untagged")
    listed = client.get(f"/api/articles?tag={tag}&limit=2&offset=1").json()
    assert listed["articlesCount"] == 3
    assert [a["slug"] for a in listed["articles"]] == [slugs[1], slugs[0]]
    assert client.get(f"/api/articles?author={username}").json()["articlesCount"] == 4
    assert client.get("/api/articles?limit=0").status_code == 422


def test_deleting_an_article_deletes_its_comments(client: httpx.Client) -> None:
    headers, _ = register(client)
    slug = write(client, headers)
    comment(client, headers, slug)
    deleted = client.delete(f"/api/articles/{slug}", headers=headers)
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert client.get(f"/api/articles/{slug}").status_code == 404
    assert client.get(f"/api/articles/{slug}/comments").status_code == 404


def test_conformance_inspect_reads_the_served_document(url: str, tmp_path: Path) -> None:
    spec = f"{url}/api/openapi.yaml"

    assert inspect_heading(spec, tmp_path) == f"spec {spec} · 19 operations"


def test_an_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown faults"):
        create_app(faults={"no-such-fault"})


# Each scenario answers something a user would notice; the clean app and the app with
# that one fault must answer differently.


def _user_id(headers: dict[str, str]) -> str:
    token = headers["Authorization"].removeprefix("Token ")
    subject: str = jwt.decode(token, SECRET, algorithms=["HS256"])["sub"]
    return subject


def s_article_update_any(c: httpx.Client) -> Any:
    slug = write(c, register(c)[0])
    body = {"article": {"body": "defaced"}}
    return c.put(f"/api/articles/{slug}", json=body, headers=register(c)[0]).status_code


def s_article_delete_any(c: httpx.Client) -> Any:
    slug = write(c, register(c)[0])
    return c.delete(f"/api/articles/{slug}", headers=register(c)[0]).status_code


def s_comment_delete_any(c: httpx.Client) -> Any:
    author = register(c)[0]
    slug = write(c, author)
    path = f"/api/articles/{slug}/comments/{comment(c, author, slug)}"
    return c.delete(path, headers=register(c)[0]).status_code


def s_feed_shows_all(c: httpx.Client) -> Any:
    write(c, register(c)[0])
    return c.get("/api/articles/feed", headers=register(c)[0]).json()["articlesCount"] > 0


def s_signature_unchecked(c: httpx.Client) -> Any:
    subject = _user_id(register(c)[0])
    claims = {"sub": subject, "exp": int(time.time()) + 600}
    forged = jwt.encode(claims, "not-the-secret-of-this-app-at-all", algorithm="HS256")
    return c.get("/api/user", headers={"Authorization": f"Token {forged}"}).status_code


def s_expired_token_accepted(c: httpx.Client) -> Any:
    subject = _user_id(register(c)[0])
    claims = {"sub": subject, "exp": int(time.time()) - 600}
    expired = jwt.encode(claims, SECRET, algorithm="HS256")
    return c.get("/api/user", headers={"Authorization": f"Token {expired}"}).status_code


def s_any_password_accepted(c: httpx.Client) -> Any:
    _, username = register(c)
    login = {"user": {"email": f"{username}@example.com", "password": "wrong guess"}}
    return c.post("/api/users/login", json=login).status_code


def s_password_hash_answered(c: httpx.Client) -> Any:
    return "password" in c.get("/api/user", headers=register(c)[0]).json()["user"]


def s_email_taken_twice(c: httpx.Client) -> Any:
    _, username = register(c)
    twin = {"username": f"twin{username}", "email": f"{username}@example.com", "password": PASSWORD}
    return c.post("/api/users", json={"user": twin}).status_code


def s_article_update_lost(c: httpx.Client) -> Any:
    headers = register(c)[0]
    slug = write(c, headers)
    body = {"article": {"body": "second draft"}}
    answered = c.put(f"/api/articles/{slug}", json=body, headers=headers).json()["article"]
    return answered["body"], c.get(f"/api/articles/{slug}").json()["article"]["body"]


def s_article_delete_noop(c: httpx.Client) -> Any:
    headers = register(c)[0]
    slug = write(c, headers)
    deleted = c.delete(f"/api/articles/{slug}", headers=headers).status_code
    return deleted, c.get(f"/api/articles/{slug}").status_code


def s_limit_ignored(c: httpx.Client) -> Any:
    headers, username = register(c)
    for n in range(3):
        write(c, headers, f"Entry {n}")
    return len(c.get(f"/api/articles?author={username}&limit=2").json()["articles"])


def s_tag_filter_ignored(c: httpx.Client) -> Any:
    headers, username = register(c)
    write(c, headers, "Tagged", tagList=["rare"])
    write(c, headers, "Plain")
    return c.get(f"/api/articles?author={username}&tag=rare").json()["articlesCount"]


def s_favorites_count_stale(c: httpx.Client) -> Any:
    slug = write(c, register(c)[0])
    article = c.post(f"/api/articles/{slug}/favorite", headers=register(c)[0]).json()["article"]
    return article["favorited"], article["favoritesCount"]


def s_unfollow_noop(c: httpx.Client) -> Any:
    author, author_name = register(c)
    fan = register(c)[0]
    write(c, author)
    c.post(f"/api/profiles/{author_name}/follow", headers=fan)
    c.delete(f"/api/profiles/{author_name}/follow", headers=fan)
    return c.get(f"/api/profiles/{author_name}", headers=fan).json()["profile"]["following"]


def s_comments_outlive_article(c: httpx.Client) -> Any:
    headers = register(c)[0]
    slug = write(c, headers)
    comment(c, headers, slug)
    c.delete(f"/api/articles/{slug}", headers=headers)
    return c.get(f"/api/articles/{slug}/comments").status_code


# fault -> (scenario, what the clean app answers, what the faulty app answers)
SCENARIOS: dict[str, tuple[Callable[[httpx.Client], Any], Any, Any]] = {
    "article-update-any": (s_article_update_any, 403, 200),
    "article-delete-any": (s_article_delete_any, 403, 200),
    "comment-delete-any": (s_comment_delete_any, 403, 200),
    "feed-shows-all": (s_feed_shows_all, False, True),
    "signature-unchecked": (s_signature_unchecked, 401, 200),
    "expired-token-accepted": (s_expired_token_accepted, 401, 200),
    "any-password-accepted": (s_any_password_accepted, 401, 200),
    "password-hash-answered": (s_password_hash_answered, False, True),
    "email-taken-twice": (s_email_taken_twice, 422, 201),
    "article-update-lost": (s_article_update_lost, ("second draft",) * 2, ("second draft", "b")),
    "article-delete-noop": (s_article_delete_noop, (200, 404), (200, 200)),
    "limit-ignored": (s_limit_ignored, 2, 3),
    "tag-filter-ignored": (s_tag_filter_ignored, 1, 2),
    "favorites-count-stale": (s_favorites_count_stale, (True, 1), (True, 0)),
    "unfollow-noop": (s_unfollow_noop, False, True),
    "comments-outlive-article": (s_comments_outlive_article, 404, 200),
}


def test_every_fault_has_a_scenario() -> None:
    assert set(SCENARIOS) == FAULTS


@pytest.mark.parametrize("fault", sorted(SCENARIOS))
def test_a_planted_fault_changes_the_answer(client: httpx.Client, fault: str) -> None:
    scenario, clean, broken = SCENARIOS[fault]
    assert scenario(client) == clean
    faulty_app = create_app(faults={fault}, secret=SECRET)
    with serve(faulty_app) as base, httpx.Client(base_url=base) as faulty:
        assert scenario(faulty) == broken
