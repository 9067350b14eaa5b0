"""The guide's `app/core/security.py`, with PyJWT and bcrypt for python-jose and passlib.

Tokens carry `exp`, `sub` and `type` only: no `jti`, nothing recorded, so nothing can be
revoked; and `decode_token` accepts any token type (the caller never checks it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import bcrypt
import jwt

from .config import Settings
from .database import utcnow

# passlib's bcrypt handler silently uses the first 72 bytes; bcrypt 5 refuses longer input.
_BCRYPT_MAX_BYTES = 72


def verify_password(plain_password: str, hashed_password: str) -> bool:
    return bcrypt.checkpw(
        plain_password.encode()[:_BCRYPT_MAX_BYTES], hashed_password.encode("ascii")
    )


def get_password_hash(password: str, settings: Settings) -> str:
    salt = bcrypt.gensalt(rounds=settings.bcrypt_rounds)
    return bcrypt.hashpw(password.encode()[:_BCRYPT_MAX_BYTES], salt).decode("ascii")


def create_access_token(
    subject: str | Any, settings: Settings, expires_delta: timedelta | None = None
) -> str:
    if expires_delta:
        expire = utcnow() + expires_delta
    else:
        expire = utcnow() + timedelta(minutes=settings.access_token_expire_minutes)

    to_encode = {"exp": expire, "sub": str(subject), "type": "access"}
    return jwt.encode(to_encode, settings.secret_key, algorithm=settings.algorithm)


def create_refresh_token(subject: str | Any, settings: Settings) -> str:
    expire = utcnow() + timedelta(days=settings.refresh_token_expire_days)
    to_encode = {"exp": expire, "sub": str(subject), "type": "refresh"}
    return jwt.encode(to_encode, settings.secret_key, algorithm=settings.algorithm)


def decode_token(token: str, settings: Settings) -> dict[str, Any] | None:
    try:
        payload: dict[str, Any] = jwt.decode(
            token, settings.secret_key, algorithms=[settings.algorithm]
        )
    except jwt.PyJWTError:
        return None
    return payload
