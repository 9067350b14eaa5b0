"""The routers (login, users, items, utils), built per app as the template lays them out.

Each planted fault is one `config.has(...)` test in the clause it breaks.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from .deps import ConfigDep, CurrentUser, StoreDep, get_current_active_superuser
from .models import (
    ItemCreate,
    ItemPublic,
    ItemsPublic,
    ItemUpdate,
    Message,
    Token,
    UpdatePassword,
    UserCreate,
    UserPublic,
    UserRegister,
    UsersPublic,
    UserUpdate,
    UserUpdateMe,
)
from .security import create_access_token, get_password_hash, verify_password
from .store import Item, User

__all__ = ["api_router"]

_EXISTS = "The user with this email already exists in the system"


def _public(user: User) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


def _changes(update: UserUpdateMe | UserUpdate) -> dict[str, Any]:
    """The fields a PATCH gives; an `email` of null keeps the address (every user has one)."""
    changes = update.model_dump(exclude_unset=True)
    if changes.get("email", "") is None:
        del changes["email"]
    return changes


def _superuser_unless(fault: str) -> Any:
    """`get_current_active_superuser`, unless the app plants `fault`."""

    def check(config: ConfigDep, current_user: CurrentUser) -> None:
        if not config.has(fault):
            get_current_active_superuser(current_user)

    return Depends(check)


def login_router() -> APIRouter:
    router = APIRouter(tags=["login"])

    @router.post("/login/access-token")
    def login_access_token(
        config: ConfigDep, form_data: Annotated[OAuth2PasswordRequestForm, Depends()]
    ) -> Token:
        """OAuth2 compatible token login, get an access token for future requests."""
        with config.store.lock:
            user = config.store.user_by_email(form_data.username)
        if user is None or not (
            config.has("any-password-accepted")
            or verify_password(form_data.password, user.hashed_password)
        ):
            raise HTTPException(status_code=400, detail="Incorrect email or password")
        if not user.is_active:
            raise HTTPException(status_code=400, detail="Inactive user")
        token = create_access_token(str(user.id), config.secret_key, config.access_token_expire)
        return Token(access_token=token)

    @router.post("/login/test-token", response_model=UserPublic)
    def test_token(current_user: CurrentUser) -> Any:
        """Test access token."""
        return _public(current_user)

    return router


def users_router() -> APIRouter:
    router = APIRouter(prefix="/users", tags=["users"])

    @router.get(
        "/",
        dependencies=[Depends(get_current_active_superuser)],
        response_model=UsersPublic,
    )
    def read_users(store: StoreDep, skip: int = 0, limit: int = 100) -> Any:
        """Retrieve users."""
        with store.lock:
            users = sorted(store.users.values(), key=lambda user: user.created_at)
        return UsersPublic(data=[_public(u) for u in users[skip : skip + limit]], count=len(users))

    @router.post(
        "/", dependencies=[_superuser_unless("user-create-open")], response_model=UserPublic
    )
    def create_user(store: StoreDep, user_in: UserCreate) -> Any:
        """Create new user."""
        with store.lock:
            if store.user_by_email(user_in.email):
                raise HTTPException(status_code=400, detail=f"{_EXISTS}.")
            user = User(
                email=user_in.email,
                hashed_password=get_password_hash(user_in.password),
                full_name=user_in.full_name,
                is_active=user_in.is_active,
                is_superuser=user_in.is_superuser,
            )
            store.users[user.id] = user
        return _public(user)

    @router.patch("/me", response_model=UserPublic)
    def update_user_me(store: StoreDep, user_in: UserUpdateMe, current_user: CurrentUser) -> Any:
        """Update own user."""
        with store.lock:
            if user_in.email:
                existing = store.user_by_email(user_in.email)
                if existing and existing.id != current_user.id:
                    raise HTTPException(
                        status_code=409, detail="User with this email already exists"
                    )
            for name, value in _changes(user_in).items():
                setattr(current_user, name, value)
        return _public(current_user)

    @router.patch("/me/password", response_model=Message)
    def update_password_me(
        config: ConfigDep, body: UpdatePassword, current_user: CurrentUser
    ) -> Any:
        """Update own password."""
        if not config.has("current-password-unchecked") and not verify_password(
            body.current_password, current_user.hashed_password
        ):
            raise HTTPException(status_code=400, detail="Incorrect password")
        if body.current_password == body.new_password:
            raise HTTPException(
                status_code=400, detail="New password cannot be the same as the current one"
            )
        with config.store.lock:
            current_user.hashed_password = get_password_hash(body.new_password)
        return Message(message="Password updated successfully")

    @router.get("/me", response_model=UserPublic)
    def read_user_me(config: ConfigDep, current_user: CurrentUser) -> Any:
        """Get current user."""
        if config.has("password-hash-answered"):
            # Answered around the response model, which would have filtered the hash out.
            answer = _public(current_user).model_dump()
            answer["hashed_password"] = current_user.hashed_password
            return JSONResponse(jsonable_encoder(answer))
        return _public(current_user)

    @router.delete("/me", response_model=Message)
    def delete_user_me(config: ConfigDep, current_user: CurrentUser) -> Any:
        """Delete own user."""
        if current_user.is_superuser:
            raise HTTPException(
                status_code=403, detail="Super users are not allowed to delete themselves"
            )
        with config.store.lock:
            del config.store.users[current_user.id]
            if not config.has("items-outlive-owner"):
                for item in list(config.store.items.values()):
                    if item.owner_id == current_user.id:
                        del config.store.items[item.id]
        return Message(message="User deleted successfully")

    @router.post("/signup", response_model=UserPublic)
    def register_user(store: StoreDep, user_in: UserRegister) -> Any:
        """Create new user without the need to be logged in."""
        with store.lock:
            if store.user_by_email(user_in.email):
                raise HTTPException(status_code=400, detail=_EXISTS)
            user = User(
                email=user_in.email,
                hashed_password=get_password_hash(user_in.password),
                full_name=user_in.full_name,
            )
            store.users[user.id] = user
        return _public(user)

    @router.get("/{user_id}", response_model=UserPublic)
    def read_user_by_id(user_id: uuid.UUID, store: StoreDep, current_user: CurrentUser) -> Any:
        """Get a specific user by id."""
        with store.lock:
            user = store.users.get(user_id)
        if user == current_user:
            return _public(current_user)
        if not current_user.is_superuser:
            raise HTTPException(status_code=403, detail="The user doesn't have enough privileges")
        if user is None:
            raise HTTPException(status_code=404, detail="User not found")
        return _public(user)

    @router.patch(
        "/{user_id}",
        dependencies=[Depends(get_current_active_superuser)],
        response_model=UserPublic,
    )
    def update_user(store: StoreDep, user_id: uuid.UUID, user_in: UserUpdate) -> Any:
        """Update a user."""
        with store.lock:
            user = store.users.get(user_id)
            if user is None:
                raise HTTPException(
                    status_code=404, detail="The user with this id does not exist in the system"
                )
            if user_in.email:
                existing = store.user_by_email(user_in.email)
                if existing and existing.id != user_id:
                    raise HTTPException(
                        status_code=409, detail="User with this email already exists"
                    )
            changes = _changes(user_in)
            if password := changes.pop("password", None):
                user.hashed_password = get_password_hash(password)
            for name, value in changes.items():
                setattr(user, name, value)
        return _public(user)

    @router.delete("/{user_id}", dependencies=[Depends(get_current_active_superuser)])
    def delete_user(store: StoreDep, current_user: CurrentUser, user_id: uuid.UUID) -> Message:
        """Delete a user."""
        with store.lock:
            user = store.users.get(user_id)
            if user is None:
                raise HTTPException(status_code=404, detail="User not found")
            if user == current_user:
                raise HTTPException(
                    status_code=403, detail="Super users are not allowed to delete themselves"
                )
            del store.users[user_id]
            for item in list(store.items.values()):
                if item.owner_id == user_id:
                    del store.items[item.id]
        return Message(message="User deleted successfully")

    return router


def items_router(item_create_superuser_only: bool) -> APIRouter:
    router = APIRouter(prefix="/items", tags=["items"])

    def item_of(config: ConfigDep, current_user: User, id: uuid.UUID, fault: str) -> Item:
        item = config.store.items.get(id)
        if not item:
            raise HTTPException(status_code=404, detail="Item not found")
        if not current_user.is_superuser and item.owner_id != current_user.id:
            if not config.has(fault):
                raise HTTPException(status_code=400, detail="Not enough permissions")
        return item

    @router.get("/", response_model=ItemsPublic)
    def read_items(
        config: ConfigDep, current_user: CurrentUser, skip: int = 0, limit: int = 100
    ) -> Any:
        """Retrieve items."""
        if config.has("limit-ignored"):
            limit = 100
        with config.store.lock:
            everything = config.store.newest_items()
        if current_user.is_superuser:
            mine = everything
        else:
            mine = [item for item in everything if item.owner_id == current_user.id]
        listed = everything if config.has("item-list-shows-all") else mine
        count = len(everything) if config.has("count-counts-all") else len(listed)
        data = [ItemPublic.model_validate(i, from_attributes=True) for i in listed[skip:][:limit]]
        return ItemsPublic(data=data, count=count)

    @router.get("/{id}", response_model=ItemPublic)
    def read_item(config: ConfigDep, current_user: CurrentUser, id: uuid.UUID) -> Any:
        """Get item by ID."""
        with config.store.lock:
            item = item_of(config, current_user, id, "item-read-any")
        return ItemPublic.model_validate(item, from_attributes=True)

    creators = [_superuser_unless("item-create-open")] if item_create_superuser_only else []

    @router.post("/", response_model=ItemPublic, dependencies=creators)
    def create_item(config: ConfigDep, current_user: CurrentUser, item_in: ItemCreate) -> Any:
        """Create new item."""
        item = Item(title=item_in.title, description=item_in.description, owner_id=current_user.id)
        with config.store.lock:
            config.store.items[item.id] = item
        return ItemPublic.model_validate(item, from_attributes=True)

    @router.put("/{id}", response_model=ItemPublic)
    def update_item(
        config: ConfigDep, current_user: CurrentUser, id: uuid.UUID, item_in: ItemUpdate
    ) -> Any:
        """Update an item."""
        with config.store.lock:
            item = item_of(config, current_user, id, "item-update-any")
            answer = ItemPublic.model_validate(item, from_attributes=True)
            changes = item_in.model_dump(exclude_unset=True)
            answer = answer.model_copy(update=changes)
            if not config.has("item-update-lost"):
                for name, value in changes.items():
                    setattr(item, name, value)
        return answer

    @router.delete("/{id}")
    def delete_item(config: ConfigDep, current_user: CurrentUser, id: uuid.UUID) -> Message:
        """Delete an item."""
        with config.store.lock:
            item = item_of(config, current_user, id, "item-delete-any")
            if not config.has("item-delete-noop"):
                del config.store.items[item.id]
        return Message(message="Item deleted successfully")

    return router


def utils_router() -> APIRouter:
    router = APIRouter(prefix="/utils", tags=["utils"])

    @router.get("/health-check/")
    async def health_check() -> bool:
        return True

    return router


def api_router(item_create_superuser_only: bool) -> APIRouter:
    router = APIRouter()
    router.include_router(login_router())
    router.include_router(users_router())
    router.include_router(utils_router())
    router.include_router(items_router(item_create_superuser_only))
    return router
