"""The Conduit fixture's rows, in memory, one store per app, and how each is answered."""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Article", "Comment", "Store", "User", "now", "slugify"]


def now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    # Rails' form: milliseconds and a `Z`.
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def slugify(title: str) -> str:
    """`How to train your dragon` -> `how-to-train-your-dragon` (ASCII letters and digits)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "article"


@dataclass
class User:
    id: int
    username: str
    email: str
    password_hash: str
    bio: str | None = None
    image: str | None = None
    following: set[int] = field(default_factory=set)

    def answer(self, token: str) -> dict[str, Any]:
        return {
            "email": self.email,
            "token": token,
            "username": self.username,
            "bio": self.bio,
            "image": self.image,
        }


@dataclass
class Article:
    slug: str
    title: str
    description: str
    body: str
    tags: list[str]
    author_id: int
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    favourited_by: set[int] = field(default_factory=set)
    favourites: int = 0


@dataclass
class Comment:
    id: int
    article_slug: str
    body: str
    author_id: int
    created_at: datetime = field(default_factory=now)


class Store:
    """Every row of one app; callers hold `lock` while they read or write."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users: dict[int, User] = {}
        self.articles: dict[str, Article] = {}
        self.comments: dict[int, Comment] = {}
        self._user_ids = itertools.count(1)
        self._comment_ids = itertools.count(1)

    def new_user_id(self) -> int:
        return next(self._user_ids)

    def new_comment_id(self) -> int:
        return next(self._comment_ids)

    def user_named(self, username: str) -> User | None:
        return next((u for u in self.users.values() if u.username == username), None)

    def user_with_email(self, email: str) -> User | None:
        wanted = email.lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def free_slug(self, title: str, keep: str | None = None) -> str:
        """The slug of `title`, suffixed `-2`, `-3`... while another article holds it."""
        base = slugify(title)
        slug, n = base, 1
        # `feed` is a route of its own (`/api/articles/feed`), never an article's slug.
        while (slug in self.articles and slug != keep) or slug == "feed":
            n += 1
            slug = f"{base}-{n}"
        return slug

    def profile(self, user: User, viewer: User | None) -> dict[str, Any]:
        return {
            "username": user.username,
            "bio": user.bio,
            "image": user.image,
            "following": viewer is not None and user.id in viewer.following,
        }

    def article(self, article: Article, viewer: User | None) -> dict[str, Any]:
        return {
            "slug": article.slug,
            "title": article.title,
            "description": article.description,
            "body": article.body,
            "tagList": list(article.tags),
            "createdAt": _stamp(article.created_at),
            "updatedAt": _stamp(article.updated_at),
            "favorited": viewer is not None and viewer.id in article.favourited_by,
            "favoritesCount": article.favourites,
            "author": self.profile(self.users[article.author_id], viewer),
        }

    def comment(self, comment: Comment, viewer: User | None) -> dict[str, Any]:
        stamp = _stamp(comment.created_at)
        return {
            "id": comment.id,
            "createdAt": stamp,
            "updatedAt": stamp,
            "body": comment.body,
            "author": self.profile(self.users[comment.author_id], viewer),
        }
