"""`/api/v1/users`: sign-up and accounts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from generated.models import UserCreateRequest, UserList, UserResponse, UserUpdateRequest

from ..deps import (
    CurrentSuperuser,
    CurrentUser,
    LimitQuery,
    SkipQuery,
    UserIdPath,
    UserServiceDep,
    get_current_user,
)
from .responses import model_response
from .routing import API_PREFIX, ContractRoute, LeanRoute
from .validation import reject_nulls

router = APIRouter(prefix=f"{API_PREFIX}/users", tags=["users"], route_class=ContractRoute)


def _location(user_id: int) -> str:
    return f"{API_PREFIX}/users/{user_id}"


async def read_current_user(request: Request) -> Response:
    """The caller's account (a `UserResponse`)."""
    caller = await get_current_user(request)
    return model_response(UserResponse.model_validate(caller, from_attributes=True))


# First: the most frequent operation, and routes are matched in order. A `LeanRoute`: it
# has nothing for FastAPI to validate, and is the service's busiest authenticated read.
router.add_api_route(
    "/me",
    read_current_user,
    methods=["GET"],
    operation_id="readCurrentUser",
    summary="Read the caller's own account",
    route_class_override=LeanRoute,
)


@router.post("/", operation_id="createUser", status_code=201, summary="Sign up")
async def create_user(
    body: UserCreateRequest, response: Response, service: UserServiceDep
) -> UserResponse:
    """Create an account; 400 when the email is taken, whatever its case."""
    user = await service.create(body)
    response.headers["Location"] = _location(user.id)
    return UserResponse.model_validate(user, from_attributes=True)


@router.get("/", operation_id="listUsers", summary="List users (superuser only)")
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


@router.get("/{user_id:id}", operation_id="readUser", summary="Read an account")
async def read_user(
    user_id: UserIdPath, caller: CurrentUser, service: UserServiceDep
) -> UserResponse:
    """The caller's own account, or any account for a superuser."""
    user = await service.get(caller, user_id)
    return UserResponse.model_validate(user, from_attributes=True)


@router.patch("/{user_id:id}", operation_id="updateUser", summary="Change an account")
async def update_user(
    user_id: UserIdPath, body: UserUpdateRequest, caller: CurrentUser, service: UserServiceDep
) -> UserResponse:
    """Change the fields given; a new password revokes every refresh token."""
    reject_nulls(body, "email", "password")
    user = await service.update(caller, user_id, body)
    return UserResponse.model_validate(user, from_attributes=True)


@router.delete(
    "/{user_id:id}", operation_id="deleteUser", status_code=204, summary="Delete an account"
)
async def delete_user(
    user_id: UserIdPath, caller: CurrentUser, service: UserServiceDep
) -> Response:
    """Delete the account with its items and refresh tokens."""
    await service.delete(caller, user_id)
    return Response(status_code=204)
