"""FastAPI dependencies, named with `Annotated` aliases: `SettingsDep`, `CallerDep`,
`CurrentUser`, and the parameters the contract shares between operations.

Every dependency is `async def`, even those that never await: FastAPI runs a plain `def`
dependency in the thread pool, a round trip through another thread on every request.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from .errors import InvalidAccessToken, SuperuserRequired
from .repositories.accounts import Account, Caller
from .runtime import Runtime
from .services.auth import AuthService
from .services.callers import active_account
from .services.items import ItemService
from .services.users import UserService
from .settings import Settings

MAX_ID = 2**63 - 1
MAX_SKIP = 2**31 - 1
_CANONICAL_INTEGER = re.compile(r"0|-?[1-9][0-9]*")


async def get_runtime(request: Request) -> Runtime:
    """The per-process objects the lifespan made."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_settings(runtime: RuntimeDep) -> Settings:
    """The deployment's settings."""
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def _bearer_caller(request: Request) -> Caller:
    # The token's account, verified but not read. The runtime straight from the app
    # rather than through `RuntimeDep`: this is the hottest code of the service, and each
    # resolved dependency costs.
    runtime: Runtime = request.app.state.runtime
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidAccessToken("Not authenticated")
    claims = runtime.tokens.verify_access(token.strip())
    if claims is None:
        raise InvalidAccessToken()
    return Caller(claims.user_id)


async def get_caller(request: Request) -> Caller:
    """The caller of a verified bearer access token, for an operation that reads the
    account in its own statement (and answers 401 when it is gone or deactivated)."""
    return _bearer_caller(request)


CallerDep = Annotated[Caller, Depends(get_caller)]


async def get_current_user(request: Request) -> Account:
    """The account of the bearer access token, read afresh on every request, so that a
    deactivated or deleted account stops working at once."""
    runtime: Runtime = request.app.state.runtime
    return await active_account(runtime.database, _bearer_caller(request))


CurrentUser = Annotated[Account, Depends(get_current_user)]


async def get_superuser(user: CurrentUser) -> Account:
    """The current account, if it is a superuser."""
    if not user.is_superuser:
        raise SuperuserRequired()
    return user


CurrentSuperuser = Annotated[Account, Depends(get_superuser)]


async def get_auth_service(runtime: RuntimeDep) -> AuthService:
    """The authentication service over the database's pool."""
    return AuthService(runtime)


async def get_user_service(runtime: RuntimeDep) -> UserService:
    """The account service over the database's pool."""
    return UserService(runtime.database, runtime.passwords)


async def get_item_service(request: Request) -> ItemService:
    """The item service over the database's pool."""
    # The runtime straight from the app, as `get_current_user` takes it: every item
    # operation resolves this, and each level of dependencies costs.
    runtime: Runtime = request.app.state.runtime
    return ItemService(runtime.database)


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
UserServiceDep = Annotated[UserService, Depends(get_user_service)]
ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]


def _canonical_integer(value: object) -> object:
    # Query and path values are strings. Pydantic's lax int would take "1.0", "+1" or
    # "1_000", which the contract's `type: integer` does not; only plain digits pass.
    if isinstance(value, str) and not _CANONICAL_INTEGER.fullmatch(value):
        raise PydanticCustomError(
            "int_parsing", "Input should be a valid integer, unable to parse string as an integer"
        )
    return value


_Integer = BeforeValidator(_canonical_integer)
UserIdPath = Annotated[int, _Integer, Path(ge=1, le=MAX_ID, description="The account's id.")]
ItemIdPath = Annotated[int, _Integer, Path(ge=1, le=MAX_ID, description="The item's id.")]
SkipQuery = Annotated[int, _Integer, Query(ge=0, le=MAX_SKIP)]
LimitQuery = Annotated[int, _Integer, Query(ge=1, le=100)]
