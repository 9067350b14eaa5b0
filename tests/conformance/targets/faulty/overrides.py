"""Faults in the service's logic, put in through FastAPI's `dependency_overrides` or by
swapping one object of the app's `Runtime` after start-up.

Each fault replaces one dependency (a service) or one runtime object (the token verifier)
by a subclass that skips exactly one rule. The reference's code is not touched: a
subclass changes one method and calls the rest as they are.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import jwt
from fastapi import FastAPI, Request

from generated.models import Token
from reference_impl.db.engine import Database, Executor
from reference_impl.db.types import utc_now
from reference_impl.deps import (
    CurrentUser,
    RuntimeDep,
    get_auth_service,
    get_item_service,
    get_superuser,
    get_user_service,
)
from reference_impl.errors import InvalidCredentials, UserNotFound
from reference_impl.repositories.accounts import Account, Caller
from reference_impl.repositories.refresh_tokens import RefreshTokenRepository
from reference_impl.runtime import Runtime
from reference_impl.services.auth import AuthService
from reference_impl.services.items import ItemService
from reference_impl.services.tokens import Claims, Tokens, TokenType
from reference_impl.services.users import UserService

__all__ = ["override"]


def override(dependency: Callable[..., Any], replacement: Callable[..., Any]) -> Any:
    """A build step: `app.dependency_overrides[dependency] = replacement`.

    `create_app` builds its routes for the app it makes, so an override set on the app
    reaches every route, as the production request path runs them.
    """

    def apply(app: FastAPI) -> FastAPI:
        app.dependency_overrides[dependency] = replacement
        return app

    return apply


# Tokens --------------------------------------------------------------------------------


class AccessAcceptsRefresh(Tokens):
    """Where an access token is asked for, a refresh token does too (the guide's defect)."""

    def verify(
        self, token: str, token_type: TokenType, *, check_expiry: bool = True
    ) -> Claims | None:
        claims = super().verify(token, token_type, check_expiry=check_expiry)
        if claims is None and token_type == "access":
            claims = super().verify(token, "refresh", check_expiry=check_expiry)
        return claims


class UnsignedTokens(Tokens):
    """Trusts a token whose header says `alg: none`, signature unchecked."""

    def verify(
        self, token: str, token_type: TokenType, *, check_expiry: bool = True
    ) -> Claims | None:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return None
        if str(header.get("alg", "")).lower() != "none":
            return super().verify(token, token_type, check_expiry=check_expiry)
        claims = jwt.decode(token, options={"verify_signature": False})
        if claims.get("type") != token_type:
            return None
        return Claims(int(claims["sub"]), str(claims["jti"]), utc_now())


def with_runtime(change: Callable[[Runtime], Runtime]) -> Callable[[FastAPI], FastAPI]:
    """A build step: once the app's lifespan has made its `Runtime`, replace it by
    `change(runtime)` (the original still closes what it opened)."""

    def apply(app: FastAPI) -> FastAPI:
        started = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(app: Any) -> AsyncIterator[Any]:
            async with started(app) as state:
                app.state.runtime = change(app.state.runtime)
                yield state

        app.router.lifespan_context = lifespan
        return app

    return apply


def _tokens(tokens: type[Tokens]) -> Callable[[Runtime], Runtime]:
    return lambda runtime: dataclasses.replace(runtime, tokens=tokens(runtime.settings))


def _case_sensitive_emails(runtime: Runtime) -> Runtime:
    """Email uniqueness by a plain unique index: `Ada@x.org` signs up beside `ada@x.org`
    (the migration that forgot `lower()`)."""
    path = str(runtime.settings.database_url).partition(":///")[2]
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "DROP INDEX uq_users_email_lower; CREATE UNIQUE INDEX uq_users_email ON users (email);"
        )
    return runtime


refresh_token_as_access = with_runtime(_tokens(AccessAcceptsRefresh))
case_sensitive_emails = with_runtime(_case_sensitive_emails)
alg_none_accepted = with_runtime(_tokens(UnsignedTokens))


# Authorization -------------------------------------------------------------------------


class AnyReaderUserService(UserService):
    """Any authenticated user reads any account (the guide's `get_user`); changing and
    deleting still check (they do not read through `get`), as the guide's `update_user`
    does."""

    async def get(self, caller: Account, user_id: int) -> Account:
        user = await self.users.get(self.database, user_id)
        if user is None:
            raise UserNotFound()
        return user


def _any_user_is_superuser(user: CurrentUser) -> Account:
    """The superuser dependency of `GET /users/`, without its check."""
    return user


class OpenUserListService(UserService):
    """Listing accounts does not ask whether the caller is a superuser."""

    async def page(self, caller: Account, *, skip: int, limit: int) -> Any:
        return await self.users.page(self.database, skip=skip, limit=limit)


class UnscopedItemService(ItemService):
    """Reading, changing and deleting an item skip the ownership check: every caller
    reaches everyone's items, as only a superuser should."""

    def _reaches_all(self, account: Any) -> bool:
        super()._reaches_all(account)  # A gone or inactive account is still refused.
        return True


class UnscopedItemListService(ItemService):
    """The item list shows everyone's items to everyone."""

    async def page(self, caller: Caller, *, skip: int, limit: int) -> Any:
        return await self.items.page(skip=skip, limit=limit)


def _user_service(service: type[UserService]) -> Callable[..., UserService]:
    def build(runtime: RuntimeDep) -> UserService:
        return service(runtime.database, runtime.passwords)

    return build


def _item_service(service: type[ItemService]) -> Callable[..., ItemService]:
    def build(runtime: RuntimeDep) -> ItemService:
        return service(runtime.database)

    return build


any_user_reads_any_user = override(get_user_service, _user_service(AnyReaderUserService))


def anyone_lists_users(app: FastAPI) -> FastAPI:
    """Any authenticated user lists every account: both the route's superuser dependency
    and the service's own check are gone (either alone would still refuse)."""
    override(get_superuser, _any_user_is_superuser)(app)
    app.dependency_overrides[get_user_service] = _user_service(OpenUserListService)
    return app


class LostUpdateItemService(ItemService):
    """A change answers the item as changed and stores nothing (a lost update)."""

    async def update(self, caller: Caller, item_id: int, data: Any) -> Any:
        item = await self.get(caller, item_id)
        changes = {name: getattr(data, name) for name in data.model_fields_set}
        if changes.get("title", "") is None:
            del changes["title"]
        return item.model_copy(update={**changes, "updated_at": utc_now()})


item_ownership_skipped = override(get_item_service, _item_service(UnscopedItemService))
item_update_lost = override(get_item_service, _item_service(LostUpdateItemService))
item_list_unscoped = override(get_item_service, _item_service(UnscopedItemListService))


# Mass assignment: privileged fields honoured -------------------------------------------


def _stashed(request: Request) -> dict[str, Any]:
    """What `wrappers.stash_fields` took out of this request's body."""
    stashed: dict[str, Any] = getattr(request.state, "stashed", {})
    return stashed


class SelfPromotingUserService(UserService):
    """Sign-up honours `is_superuser` from the body."""

    def __init__(self, runtime: Runtime, requested: dict[str, Any]):
        super().__init__(runtime.database, runtime.passwords)
        self.requested = requested

    async def create(self, data: Any, *, is_superuser: bool = False) -> Account:
        promoted = is_superuser or self.requested.get("is_superuser") is True
        return await super().create(data, is_superuser=promoted)


class OwnerChoosingItemService(ItemService):
    """Creating an item honours `owner_id` from the body."""

    def __init__(self, database: Database, requested: dict[str, Any]):
        super().__init__(database)
        self.requested = requested

    async def create(self, caller: Caller, data: Any) -> Any:
        owner = self.requested.get("owner_id")
        if isinstance(owner, int):
            caller = dataclasses.replace(caller, id=owner)
        return await super().create(caller, data)


def _self_promoting(runtime: RuntimeDep, request: Request) -> UserService:
    return SelfPromotingUserService(runtime, _stashed(request))


def _owner_choosing(runtime: RuntimeDep, request: Request) -> ItemService:
    return OwnerChoosingItemService(runtime.database, _stashed(request))


signup_sets_superuser = override(get_user_service, _self_promoting)
create_sets_owner = override(get_item_service, _owner_choosing)


# Sessions and tokens -------------------------------------------------------------------


class _PeekingRefreshTokens(RefreshTokenRepository):
    """`revoke` reports whether the token is live, and leaves it live."""

    async def revoke(self, db: Executor, jti: str, *, user_id: int, now: Any) -> bool:
        record = await self.get(db, jti)
        return record is not None and record.user_id == user_id and record.revoked_at is None


class _NoFamilyRevocation(RefreshTokenRepository):
    """`revoke_all` does nothing."""

    async def revoke_all(self, db: Executor, user_id: int, *, now: Any) -> None:
        return None


class NoRotationAuthService(AuthService):
    """Refreshing issues a new pair but leaves the used refresh token live."""

    async def refresh(self, refresh_token: str) -> Token:
        self.refresh_tokens = _PeekingRefreshTokens()
        return await super().refresh(refresh_token)


class NoReuseDetectionAuthService(AuthService):
    """A reused (revoked) refresh token is refused, but the rest of its family lives on."""

    async def refresh(self, refresh_token: str) -> Token:
        self.refresh_tokens = _NoFamilyRevocation()
        return await super().refresh(refresh_token)


class NoopLogoutAuthService(AuthService):
    """Logout answers 204 and revokes nothing (stateless-JWT thinking)."""

    async def logout(self, refresh_token: str) -> None:
        return None


class EnumeratingAuthService(AuthService):
    """An unknown email gets its own message, so login tells which emails have accounts."""

    async def login(self, username: str, password: str, *, client: str) -> Token:
        if await self.users.get_by_email(self.database, username) is None:
            raise InvalidCredentials("No account with this email")
        return await super().login(username, password, client=client)


class _NoLimit:
    """A login limiter that never limits."""

    async def retry_after(self, key: str) -> int | None:
        return None

    async def record_failure(self, key: str) -> None:
        return None

    async def reset(self, key: str) -> None:
        return None


class UnlimitedAuthService(AuthService):
    """Failed logins are never throttled."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(dataclasses.replace(runtime, login_limiter=_NoLimit()))


def _auth_service(service: type[AuthService]) -> Callable[..., AuthService]:
    def build(runtime: RuntimeDep) -> AuthService:
        return service(runtime)

    return build


no_refresh_rotation = override(get_auth_service, _auth_service(NoRotationAuthService))
no_reuse_detection = override(get_auth_service, _auth_service(NoReuseDetectionAuthService))
logout_does_not_revoke = override(get_auth_service, _auth_service(NoopLogoutAuthService))
login_enumerates_emails = override(get_auth_service, _auth_service(EnumeratingAuthService))
no_login_rate_limit = override(get_auth_service, _auth_service(UnlimitedAuthService))


class SessionsSurvivePasswordChange(UserService):
    """A password change leaves the account's refresh tokens live: the reference's
    `update` with its `revoke_all` left out."""

    def __init__(self, database: Database, passwords: Any) -> None:
        super().__init__(database, passwords)
        self.refresh_tokens = _NoFamilyRevocation()


password_change_keeps_sessions = override(
    get_user_service, _user_service(SessionsSurvivePasswordChange)
)
