"""The Conduit-style API (`spec.yaml`) as a Flask app, with optional planted faults.

Flask is a WSGI framework; `create_app` answers it as an ASGI app (`asgi.WsgiApp`) so
that `serving.serve` runs it like the other fixtures. Request bodies are checked against
the spec's own schemas (OpenAPI 3.0 rules, `nullable` included), so the app and its
contract agree on what is valid.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jwt
import yaml
from flask import Flask, Response, g, jsonify, request
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash

from .asgi import WsgiApp
from .store import Article, Comment, Store, User, now

__all__ = ["FAULTS", "SPEC_PATH", "TOKEN_LIFETIME", "create_app"]

SPEC_PATH = Path(__file__).with_name("spec.yaml")
TOKEN_LIFETIME = 24 * 3600
# Few iterations on purpose: a test target is fuzzed with many sign-ups.
_HASH_METHOD = "pbkdf2:sha256:1000"

# Each name breaks one clause of the spec (checked with `name in faults` below).
FAULTS = frozenset(
    {
        # Ownership.
        "article-update-any",  # a non-author updates an article (not 403)
        "article-delete-any",  # a non-author deletes an article (not 403)
        "comment-delete-any",  # a non-author deletes a comment (not 403)
        "feed-shows-all",  # the feed lists articles of authors the caller does not follow
        # Authentication.
        "signature-unchecked",  # the JWT's signature is not verified
        "expired-token-accepted",  # an expired JWT still authenticates
        "any-password-accepted",  # login with a known email succeeds whatever the password
        # Data.
        "password-hash-answered",  # the current user is answered with its password hash
        "email-taken-twice",  # registration accepts an email already taken (not 422)
        "article-update-lost",  # an article update answers the change but stores nothing
        "article-delete-noop",  # an article delete answers 200 and the article stays
        "limit-ignored",  # the article list ignores `limit` (always 20)
        "tag-filter-ignored",  # the article list ignores `tag`
        "favorites-count-stale",  # favouriting answers `favorited` but an unchanged count
        "unfollow-noop",  # unfollowing answers `following: false` and keeps following
        "comments-outlive-article",  # a deleted article's comments are still listed
    }
)


class ApiError(Exception):
    """An answer in Conduit's error shape: `{"errors": {"body": [...]}}`."""

    def __init__(self, status: int, *messages: str) -> None:
        super().__init__(status, messages)
        self.status = status
        self.messages = list(messages)


class Bodies:
    """The spec's request-body schemas by operationId, checked with OpenAPI 3.0's rules."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._validators: dict[str, OAS30Validator] = {}
        for item in document["paths"].values():
            for method, operation in item.items():
                if method == "parameters" or "requestBody" not in operation:
                    continue
                schema = operation["requestBody"]["content"]["application/json"]["schema"]
                # The components travel with the schema, so its `#/components/...` resolve.
                rooted = {**schema, "components": document["components"]}
                self._validators[operation["operationId"]] = OAS30Validator(
                    rooted, format_checker=oas30_format_checker
                )

    def check(self, operation_id: str) -> dict[str, Any]:
        """The request's JSON body, valid for the operation, or a 422 `ApiError`."""
        body = request.get_json(force=True, silent=True)
        if body is None:
            raise ApiError(422, "body must be a JSON document")
        errors = sorted(
            self._validators[operation_id].iter_errors(body), key=lambda e: list(e.path)
        )
        if errors:
            raise ApiError(422, *(_message(error) for error in errors[:10]))
        assert isinstance(body, dict)
        return body


def _message(error: Any) -> str:
    where = ".".join(str(part) for part in error.path)
    if error.validator == "required":
        return f"{where + '.' if where else ''}{error.message.split(chr(39))[1]} can't be blank"
    return f"{where or 'body'} is invalid ({error.validator})"


class Tokens:
    """HS256 JWTs with `sub` (the user's id), `username`, `iat` and `exp`."""

    def __init__(self, secret: str, faults: frozenset[str], lifetime: int) -> None:
        self.secret = secret
        self.lifetime = lifetime
        self._verify_signature = "signature-unchecked" not in faults
        self._verify_exp = "expired-token-accepted" not in faults

    def issue(self, user: User) -> str:
        issued = int(time.time())
        claims = {
            "sub": str(user.id),
            "username": user.username,
            "iat": issued,
            "exp": issued + self.lifetime,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def user_id(self, authorization: str) -> int | None:
        """The user id of `Token <jwt>`, or None when the header or the token is not valid."""
        scheme, _, token = authorization.partition(" ")
        if scheme != "Token" or not token.strip():
            return None
        try:
            claims = jwt.decode(
                token.strip(),
                self.secret,
                algorithms=["HS256"],
                options={
                    "require": ["sub", "exp"],
                    "verify_signature": self._verify_signature,
                    "verify_exp": self._verify_exp,
                },
            )
        except jwt.PyJWTError:
            return None
        subject = claims.get("sub")
        return int(subject) if isinstance(subject, str) and subject.isdigit() else None


def _page_bounds(limit_ignored: bool) -> tuple[int, int]:
    """`limit` and `offset` from the query, defaults filled in, or a 422 `ApiError`."""
    values = {"limit": 20, "offset": 0}
    for name, low in (("limit", 1), ("offset", 0)):
        given = request.args.get(name)
        if given is None:
            continue
        if not given.isascii() or not given.isdigit() or int(given) < low:
            raise ApiError(422, f"{name} must be an integer of at least {low}")
        values[name] = int(given)
    if limit_ignored:
        values["limit"] = 20
    return values["limit"], values["offset"]


def create_app(
    *,
    faults: Iterable[str] = frozenset(),
    secret: str | None = None,
    token_lifetime: int = TOKEN_LIFETIME,
) -> WsgiApp:
    """The Conduit-style API in memory; `faults` plants the named faults of `FAULTS`.

    `secret` is the HS256 key of its tokens (random when not given), for tests that mint
    their own; `token_lifetime` is how long a token lives, in seconds (a day).
    """
    chosen = frozenset(faults)
    if unknown := chosen - FAULTS:
        raise ValueError(f"unknown faults: {sorted(unknown)}")
    return WsgiApp(_flask_app(chosen, secret or secrets.token_urlsafe(32), token_lifetime))


def _flask_app(faults: frozenset[str], secret: str, token_lifetime: int) -> Flask:
    document: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    bodies = Bodies(document)
    tokens = Tokens(secret, faults, token_lifetime)
    store = Store()
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]

    def viewer() -> User | None:
        """The caller, when a valid token is given; 401 for a header that is not one."""
        header = request.headers.get("Authorization")
        if header is None:
            return None
        user_id = tokens.user_id(header)
        user = store.users.get(user_id) if user_id is not None else None
        if user is None:
            raise ApiError(401, "token is missing or invalid")
        g.token = header.partition(" ")[2].strip()
        return user

    def caller() -> User:
        user = viewer()
        if user is None:
            raise ApiError(401, "token is missing or invalid")
        return user

    def user_answer(user: User, token: str) -> Response:
        answer = user.answer(token)
        if "password-hash-answered" in faults:
            answer["password"] = user.password_hash
        return jsonify(user=answer)

    def find_article(slug: str) -> Article:
        article = store.articles.get(slug)
        if article is None:
            raise ApiError(404, "article not found")
        return article

    def find_profile(username: str) -> User:
        user = store.user_named(username)
        if user is None:
            raise ApiError(404, "profile not found")
        return user

    @app.errorhandler(ApiError)
    def on_api_error(exc: ApiError) -> tuple[Response, int]:
        return jsonify(errors={"body": exc.messages}), exc.status

    @app.errorhandler(HTTPException)
    def on_http_error(exc: HTTPException) -> Response:
        answer = jsonify(errors={"body": [exc.name.lower()]})
        answer.status_code = exc.code or 500
        # werkzeug's own headers, such as a 405's `Allow`.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                answer.headers[name] = value
        return answer

    @app.get("/api/openapi.yaml")
    def spec_document() -> Response:
        return Response(SPEC_PATH.read_bytes(), mimetype="application/yaml")

    @app.post("/api/users")
    def create_user() -> tuple[Response, int]:
        given = bodies.check("CreateUser")["user"]
        with store.lock:
            problems = []
            if store.user_named(given["username"]) is not None:
                problems.append("username has already been taken")
            taken = store.user_with_email(given["email"]) is not None
            if taken and "email-taken-twice" not in faults:
                problems.append("email has already been taken")
            if problems:
                raise ApiError(422, *problems)
            user = User(
                store.new_user_id(),
                given["username"],
                given["email"],
                generate_password_hash(given["password"], method=_HASH_METHOD),
            )
            store.users[user.id] = user
            return user_answer(user, tokens.issue(user)), 201

    @app.post("/api/users/login")
    def login() -> Response:
        given = bodies.check("Login")["user"]
        with store.lock:
            user = store.user_with_email(given["email"])
            if user is None or not (
                "any-password-accepted" in faults
                or check_password_hash(user.password_hash, given["password"])
            ):
                raise ApiError(401, "email or password is invalid")
            return user_answer(user, tokens.issue(user))

    @app.get("/api/user")
    def current_user() -> Response:
        with store.lock:
            return user_answer(caller(), g.token)

    @app.put("/api/user")
    def update_user() -> Response:
        with store.lock:
            user = caller()
            given = bodies.check("UpdateCurrentUser")["user"]
            other = store.user_named(given.get("username", user.username))
            if other is not None and other is not user:
                raise ApiError(422, "username has already been taken")
            other = store.user_with_email(given.get("email", user.email))
            if other is not None and other is not user:
                raise ApiError(422, "email has already been taken")
            for name in ("username", "email", "bio", "image"):
                if name in given:
                    setattr(user, name, given[name])
            if "password" in given:
                user.password_hash = generate_password_hash(given["password"], _HASH_METHOD)
            return user_answer(user, g.token)

    @app.get("/api/profiles/<username>")
    def get_profile(username: str) -> Response:
        with store.lock:
            return jsonify(profile=store.profile(find_profile(username), viewer()))

    @app.post("/api/profiles/<username>/follow")
    def follow(username: str) -> Response:
        with store.lock:
            user = caller()
            followed = find_profile(username)
            user.following.add(followed.id)
            return jsonify(profile=store.profile(followed, user))

    @app.delete("/api/profiles/<username>/follow")
    def unfollow(username: str) -> Response:
        with store.lock:
            user = caller()
            followed = find_profile(username)
            answer = store.profile(followed, user) | {"following": False}
            if "unfollow-noop" not in faults:
                user.following.discard(followed.id)
            return jsonify(profile=answer)

    def article_page(found: list[Article], user: User | None) -> Response:
        limit, offset = _page_bounds("limit-ignored" in faults)
        found.sort(key=lambda article: article.created_at, reverse=True)
        page = [store.article(article, user) for article in found[offset : offset + limit]]
        return jsonify(articles=page, articlesCount=len(found))

    @app.get("/api/articles")
    def list_articles() -> Response:
        with store.lock:
            user = viewer()
            found = list(store.articles.values())
            tag = request.args.get("tag")
            if tag is not None and "tag-filter-ignored" not in faults:
                found = [article for article in found if tag in article.tags]
            if (author_name := request.args.get("author")) is not None:
                author = store.user_named(author_name)
                found = [a for a in found if author is not None and a.author_id == author.id]
            if (fan_name := request.args.get("favorited")) is not None:
                fan = store.user_named(fan_name)
                found = [a for a in found if fan is not None and fan.id in a.favourited_by]
            return article_page(found, user)

    @app.get("/api/articles/feed")
    def feed() -> Response:
        with store.lock:
            user = caller()
            found = [
                article
                for article in store.articles.values()
                if article.author_id in user.following or "feed-shows-all" in faults
            ]
            return article_page(found, user)

    @app.post("/api/articles")
    def create_article() -> tuple[Response, int]:
        with store.lock:
            user = caller()
            given = bodies.check("CreateArticle")["article"]
            article = Article(
                store.free_slug(given["title"]),
                given["title"],
                given["description"],
                given["body"],
                list(dict.fromkeys(given.get("tagList", []))),
                user.id,
            )
            store.articles[article.slug] = article
            return jsonify(article=store.article(article, user)), 201

    @app.get("/api/articles/<slug>")
    def get_article(slug: str) -> Response:
        with store.lock:
            return jsonify(article=store.article(find_article(slug), viewer()))

    def own_article(slug: str, user: User, fault: str) -> Article:
        article = find_article(slug)
        if article.author_id != user.id and fault not in faults:
            raise ApiError(403, "only the author may change the article")
        return article

    @app.put("/api/articles/<slug>")
    def update_article(slug: str) -> Response:
        with store.lock:
            user = caller()
            given = bodies.check("UpdateArticle")["article"]
            article = own_article(slug, user, "article-update-any")
            changed = Article(**vars(article)) if "article-update-lost" in faults else article
            for name in ("title", "description", "body"):
                if name in given:
                    setattr(changed, name, given[name])
            changed.updated_at = now()
            if "title" in given:
                changed.slug = store.free_slug(given["title"], keep=slug)
            if changed is article and article.slug != slug:
                del store.articles[slug]
                store.articles[article.slug] = article
                for comment in store.comments.values():
                    if comment.article_slug == slug:
                        comment.article_slug = article.slug
            return jsonify(article=store.article(changed, user))

    @app.delete("/api/articles/<slug>")
    def delete_article(slug: str) -> Response:
        with store.lock:
            article = own_article(slug, caller(), "article-delete-any")
            if "article-delete-noop" not in faults:
                del store.articles[article.slug]
                if "comments-outlive-article" not in faults:
                    for comment in list(store.comments.values()):
                        if comment.article_slug == slug:
                            del store.comments[comment.id]
            return Response(status=200)

    @app.get("/api/articles/<slug>/comments")
    def list_comments(slug: str) -> Response:
        with store.lock:
            user = viewer()
            found = sorted(
                (c for c in store.comments.values() if c.article_slug == slug),
                key=lambda comment: comment.id,
            )
            # The fault: comments are listed by slug without asking for their article.
            if not (found and "comments-outlive-article" in faults):
                find_article(slug)
            return jsonify(comments=[store.comment(comment, user) for comment in found])

    @app.post("/api/articles/<slug>/comments")
    def add_comment(slug: str) -> Response:
        with store.lock:
            user = caller()
            given = bodies.check("CreateArticleComment")["comment"]
            article = find_article(slug)
            comment = Comment(store.new_comment_id(), article.slug, given["body"], user.id)
            store.comments[comment.id] = comment
            return jsonify(comment=store.comment(comment, user))

    @app.delete("/api/articles/<slug>/comments/<int:comment_id>")
    def delete_comment(slug: str, comment_id: int) -> Response:
        with store.lock:
            user = caller()
            article = find_article(slug)
            comment = store.comments.get(comment_id)
            if comment is None or comment.article_slug != article.slug:
                raise ApiError(404, "comment not found")
            if comment.author_id != user.id and "comment-delete-any" not in faults:
                raise ApiError(403, "only the author may delete the comment")
            del store.comments[comment.id]
            return Response(status=200)

    def set_favourite(slug: str, on: bool) -> Response:
        with store.lock:
            user = caller()
            article = find_article(slug)
            was = user.id in article.favourited_by
            if on:
                article.favourited_by.add(user.id)
            else:
                article.favourited_by.discard(user.id)
            if was != on and "favorites-count-stale" not in faults:
                article.favourites += 1 if on else -1
            return jsonify(article=store.article(article, user))

    @app.post("/api/articles/<slug>/favorite")
    def favourite(slug: str) -> Response:
        return set_favourite(slug, True)

    @app.delete("/api/articles/<slug>/favorite")
    def unfavourite(slug: str) -> Response:
        return set_favourite(slug, False)

    @app.get("/api/tags")
    def list_tags() -> Response:
        with store.lock:
            tags = dict.fromkeys(tag for a in store.articles.values() for tag in a.tags)
            return jsonify(tags=list(tags))

    return app
