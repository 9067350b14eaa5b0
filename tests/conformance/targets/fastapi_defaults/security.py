"""Passwords (pwdlib's Argon2, as the template) and HS256 access tokens (PyJWT)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

__all__ = ["ALGORITHM", "create_access_token", "get_password_hash", "verify_password"]

ALGORITHM = "HS256"
# Light parameters on purpose: a test target is fuzzed with many sign-ups.
_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


def create_access_token(subject: str, secret_key: str, expires_delta: timedelta) -> str:
    expire = datetime.now(UTC) + expires_delta
    return jwt.encode({"exp": expire, "sub": subject}, secret_key, algorithm=ALGORITHM)


def get_password_hash(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(plain_password: str, hashed_password: str) -> bool:
    return _HASHER.verify(plain_password, hashed_password)
