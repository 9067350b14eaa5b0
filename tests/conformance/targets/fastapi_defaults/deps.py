"""The dependencies every route takes, as the template's `api/deps.py` writes them.

An invalid token is 403 "Could not validate credentials" and a missing one 401 (FastAPI's
`OAuth2PasswordBearer`), as in the template.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Literal

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from .security import ALGORITHM
from .store import Store, User

__all__ = [
    "API_V1_STR",
    "AppConfig",
    "ConfigDep",
    "CurrentUser",
    "StoreDep",
    "TokenDep",
    "get_current_active_superuser",
]

API_V1_STR = "/api/v1"

reusable_oauth2 = OAuth2PasswordBearer(tokenUrl=f"{API_V1_STR}/login/access-token")


@dataclass(frozen=True)
class AppConfig:
    """What one app was made with: its secret, its rows, its variant and its faults."""

    secret_key: str
    store: Store
    faults: frozenset[str]
    item_create: Literal["any-user", "superuser"]
    access_token_expire: timedelta = timedelta(days=8)

    def has(self, fault: str) -> bool:
        return fault in self.faults


def get_config(request: Request) -> AppConfig:
    config: AppConfig = request.app.state.config
    return config


ConfigDep = Annotated[AppConfig, Depends(get_config)]
TokenDep = Annotated[str, Depends(reusable_oauth2)]


def get_store(config: ConfigDep) -> Store:
    return config.store


StoreDep = Annotated[Store, Depends(get_store)]


def get_current_user(config: ConfigDep, token: TokenDep) -> User:
    try:
        payload = jwt.decode(
            token,
            config.secret_key,
            algorithms=[ALGORITHM],
            options={
                "verify_signature": not config.has("signature-unchecked"),
                "verify_exp": not config.has("expired-token-accepted"),
            },
        )
        subject = uuid.UUID(str(payload.get("sub")))
    except (jwt.InvalidTokenError, ValueError):
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="Could not validate credentials"
        ) from None
    with config.store.lock:
        user = config.store.users.get(subject)
    if not user:
        raise HTTPException(status_code=404, detail="User not found")
    if not user.is_active:
        raise HTTPException(status_code=400, detail="Inactive user")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_active_superuser(current_user: CurrentUser) -> User:
    if not current_user.is_superuser:
        raise HTTPException(status_code=403, detail="The user doesn't have enough privileges")
    return current_user
