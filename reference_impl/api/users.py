"""`/api/v1/users`: sign-up and accounts."""

from __future__ import annotations

from fastapi import Response

from generated.models import UserCreateRequest, UserList, UserResponse, UserUpdateRequest

from ..deps import (
    CallerDep,
    CurrentSuperuser,
    CurrentUser,
    LimitQuery,
    SkipQuery,
    UserIdPath,
    UserServiceDep,
)
from .operations import Handlers
from .routing import API_PREFIX
from .validation import reject_nulls

handlers = Handlers()


@handlers.implements("readCurrentUser")
async def read_current_user(caller: CurrentUser) -> UserResponse:
    """The caller's account, as read for this request."""
    return UserResponse.model_validate(caller, from_attributes=True)


@handlers.implements("createUser")
async def create_user(
    body: UserCreateRequest, response: Response, service: UserServiceDep
) -> UserResponse:
    """Create an account; 400 when the email is taken, whatever its case."""
    user = await service.create(body)
    response.headers["Location"] = f"{API_PREFIX}/users/{user.id}"
    return UserResponse.model_validate(user, from_attributes=True)


@handlers.implements("listUsers")
async def list_users(
    caller: CurrentSuperuser,
    response: Response,
    service: UserServiceDep,
    skip: SkipQuery = 0,
    limit: LimitQuery = 100,
) -> UserList:
    """A page of accounts ordered by id; the total in `X-Total-Count`."""
    users, total = await service.page(caller, skip=skip, limit=limit)
    response.headers["X-Total-Count"] = str(total)
    return UserList.model_validate(users, from_attributes=True)


@handlers.implements("readUser")
async def read_user(
    user_id: UserIdPath, caller: CurrentUser, service: UserServiceDep
) -> UserResponse:
    """The caller's own account, or any account for a superuser."""
    user = await service.get(caller, user_id)
    return UserResponse.model_validate(user, from_attributes=True)


@handlers.implements("updateUser")
async def update_user(
    user_id: UserIdPath, body: UserUpdateRequest, caller: CallerDep, service: UserServiceDep
) -> UserResponse:
    """Change the fields given; a new password revokes every refresh token."""
    reject_nulls(body, "email", "password")
    user = await service.update(caller, user_id, body)
    return UserResponse.model_validate(user, from_attributes=True)


@handlers.implements("deleteUser")
async def delete_user(user_id: UserIdPath, caller: CurrentUser, service: UserServiceDep) -> None:
    """Delete the account with its items and refresh tokens."""
    await service.delete(caller, user_id)
