"""The app factory: a FastAPI app in the full-stack template's shape, with planted faults."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

from fastapi import FastAPI
from fastapi.routing import APIRoute

from .deps import API_V1_STR, AppConfig
from .routes import api_router
from .security import get_password_hash
from .store import Store, User

__all__ = ["FAULTS", "FIRST_SUPERUSER", "FIRST_SUPERUSER_PASSWORD", "create_app"]

# The template's own defaults (its `.env` says to change them).
FIRST_SUPERUSER = "admin@example.com"
FIRST_SUPERUSER_PASSWORD = "changethis"

# Each name breaks one clause of the API (checked with `config.has(name)` in the routes).
FAULTS = frozenset(
    {
        # Ownership.
        "item-read-any",  # a normal user reads another account's item (not 400)
        "item-update-any",  # a normal user updates another account's item (not 400)
        "item-delete-any",  # a normal user deletes another account's item (not 400)
        "item-list-shows-all",  # a normal user's item list shows every account's items
        "count-counts-all",  # a normal user's item `count` counts every account's items
        "items-outlive-owner",  # a deleted account's items are still served
        # Authentication and roles.
        "signature-unchecked",  # the JWT's signature is not verified
        "expired-token-accepted",  # an access token past its `exp` still authenticates
        "any-password-accepted",  # login with a known email succeeds whatever the password
        "current-password-unchecked",  # a password change does not check `current_password`
        "user-create-open",  # `POST /users/` (superusers only) is open to a normal user
        "item-create-open",  # with item_create="superuser", a normal user creates items
        # Data.
        "password-hash-answered",  # `GET /users/me` answers `hashed_password`
        "item-update-lost",  # an item update answers the change but stores nothing
        "item-delete-noop",  # an item delete answers success and keeps the item
        "limit-ignored",  # the item list ignores `limit` (always 100)
    }
)


def custom_generate_unique_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}"


def create_app(
    *,
    faults: Iterable[str] = frozenset(),
    item_create: Literal["any-user", "superuser"] = "any-user",
    secret_key: str | None = None,
    access_token_expire: timedelta = timedelta(days=8),
) -> FastAPI:
    """The API, in memory, with its first superuser (`FIRST_SUPERUSER`) made at start-up.

    `item_create="superuser"` is the variant where only superusers create items; `faults`
    plants the named faults of `FAULTS`; `secret_key` signs the tokens (random when not
    given), for tests that mint their own; `access_token_expire` is how long an access
    token lives (the template's `ACCESS_TOKEN_EXPIRE_MINUTES`, 8 days).
    """
    chosen = frozenset(faults)
    if unknown := chosen - FAULTS:
        raise ValueError(f"unknown faults: {sorted(unknown)}")
    store = Store()
    superuser = User(
        email=FIRST_SUPERUSER,
        hashed_password=get_password_hash(FIRST_SUPERUSER_PASSWORD),
        is_superuser=True,
    )
    store.users[superuser.id] = superuser
    app = FastAPI(
        title="Full Stack FastAPI Project",
        openapi_url=f"{API_V1_STR}/openapi.json",
        generate_unique_id_function=custom_generate_unique_id,
    )
    app.state.config = AppConfig(
        secret_key=secret_key or secrets.token_urlsafe(32),
        store=store,
        faults=chosen,
        item_create=item_create,
        access_token_expire=access_token_expire,
    )
    app.include_router(api_router(item_create == "superuser"), prefix=API_V1_STR)
    return app
