"""Password hashing with pwdlib: Argon2id for new hashes, the guide's bcrypt still read.

Hashing is slow on purpose, so it always runs in a worker thread, never on the event loop,
and at most `password_hash_concurrency` at a time so that a burst of logins cannot take
every thread.
"""

from __future__ import annotations

import secrets

import anyio
from anyio import to_thread
from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from ..settings import Settings

# bcrypt reads at most 72 bytes. The guide's passlib cut longer passwords silently, so its
# hashes are of the first 72 bytes; bcrypt 5 raises instead of cutting, so we cut first.
_BCRYPT_MAX_BYTES = 72


class Passwords:
    """Hash and verify passwords off the event loop."""

    def __init__(self, settings: Settings) -> None:
        self._bcrypt = BcryptHasher()
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=settings.argon2_time_cost,
                    memory_cost=settings.argon2_memory_cost,
                    parallelism=settings.argon2_parallelism,
                ),
                self._bcrypt,
            )
        )
        self._limiter = anyio.CapacityLimiter(settings.password_hash_concurrency)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        """An Argon2id hash of `password`."""
        return await to_thread.run_sync(self._hash.hash, password, limiter=self._limiter)

    async def verify(self, password: str, hashed: str) -> tuple[bool, str | None]:
        """Whether `password` matches, and a new hash when the stored one is outdated
        (bcrypt, or Argon2 with other parameters)."""
        return await to_thread.run_sync(
            self._verify_and_update, password, hashed, limiter=self._limiter
        )

    async def verify_dummy(self, password: str) -> None:
        """Spend the time of a real verification, for an email that has no account, so that
        the answer's timing does not tell whether the email is registered."""
        await to_thread.run_sync(self._verify_dummy, password, limiter=self._limiter)

    async def warm_up(self) -> None:
        """Make the dummy hash now, at start-up, rather than during the first login."""
        await to_thread.run_sync(self._ensure_dummy_hash, limiter=self._limiter)

    def _ensure_dummy_hash(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hash.hash(secrets.token_urlsafe(32))
        return self._dummy_hash

    def _verify_dummy(self, password: str) -> None:
        self._hash.verify(password, self._ensure_dummy_hash())

    def _verify_and_update(self, password: str, hashed: str) -> tuple[bool, str | None]:
        if self._bcrypt.identify(hashed):
            legacy_input = password.encode("utf-8")[:_BCRYPT_MAX_BYTES]
            if not self._bcrypt.verify(legacy_input, hashed):
                return False, None
            return True, self._hash.hash(password)
        try:
            return self._hash.verify_and_update(password, hashed)
        except UnknownHashError:
            # A stored value no hasher recognizes matches no password.
            return False, None
