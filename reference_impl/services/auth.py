"""Login, refresh-token rotation with reuse detection, and logout."""

from __future__ import annotations

from generated.models import Token

from ..db.engine import Executor
from ..db.types import utc_now
from ..errors import (
    InactiveUser,
    InvalidCredentials,
    InvalidRefreshToken,
    ServiceError,
    TooManyAttempts,
)
from ..repositories.refresh_tokens import RefreshTokenRepository
from ..repositories.users import UserRepository
from ..runtime import Runtime
from .rate_limit import limiter_key


def _storable(text: str) -> bool:
    # No account's email holds NUL (the databases cannot store it), so such a username is
    # an unknown email; asking PostgreSQL would fail instead of answering.
    return "\x00" not in text


class AuthService:
    """One authentication operation, as one unit of work."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.database = runtime.database
        self.users = UserRepository()
        self.refresh_tokens = RefreshTokenRepository()

    async def login(self, username: str, password: str, *, client: str) -> Token:
        """Tokens for a correct email and password; raises on anything else."""
        limiter = self.runtime.login_limiter
        key = limiter_key(username, client)
        retry_after = await limiter.retry_after(key)
        if retry_after is not None:
            raise TooManyAttempts(retry_after)

        found = (
            await self.users.get_credentials(self.database, username)
            if _storable(username)
            else None
        )
        # No connection is held while a worker thread spends its tens of milliseconds.
        if found is None:
            await self.runtime.passwords.verify_dummy(password)
            await limiter.record_failure(key)
            raise InvalidCredentials()
        user, hashed = found
        valid, new_hash = await self.runtime.passwords.verify(password, hashed)
        if not valid:
            await limiter.record_failure(key)
            raise InvalidCredentials()
        if not user.is_active:
            raise InactiveUser()
        await limiter.reset(key)
        if new_hash is not None:
            await self.users.update(self.database, user.id, {"hashed_password": new_hash})
        await self.refresh_tokens.delete_expired(self.database, user.id, now=utc_now())
        return await self._issue(self.database, user.id, InvalidCredentials())

    async def refresh(self, refresh_token: str) -> Token:
        """A new pair for a live refresh token, which is revoked (rotation).

        A token that was already revoked is taken as stolen: every refresh token of its
        account is revoked, and the answer is 401.
        """
        claims = self.runtime.tokens.verify(refresh_token, "refresh")
        if claims is None:
            raise InvalidRefreshToken()
        async with self.database.transaction() as transaction:
            revoked = await self.refresh_tokens.revoke(
                transaction, claims.jti, user_id=claims.user_id, now=utc_now()
            )
            if revoked:
                return await self._issue(transaction, claims.user_id, InvalidRefreshToken())
            record = await self.refresh_tokens.get(transaction, claims.jti)
            if record is not None and record.user_id == claims.user_id:
                # Revoked before: reused, so the whole family goes.
                await self.refresh_tokens.revoke_all(transaction, claims.user_id, now=utc_now())
        raise InvalidRefreshToken()

    async def logout(self, refresh_token: str) -> None:
        """Revoke the refresh token if it is one of ours; silently do nothing otherwise."""
        claims = self.runtime.tokens.verify(refresh_token, "refresh", check_expiry=False)
        if claims is None:
            return
        await self.refresh_tokens.revoke(
            self.database, claims.jti, user_id=claims.user_id, now=utc_now()
        )

    async def _issue(self, db: Executor, user_id: int, refused: ServiceError) -> Token:
        # The new refresh token is recorded only for an account that is still there and
        # active (deleted or deactivated since it was read: `refused`).
        tokens = self.runtime.tokens
        access = tokens.issue(user_id, "access")
        refresh = tokens.issue(user_id, "refresh")
        recorded = await self.refresh_tokens.add(
            db,
            jti=refresh.claims.jti,
            user_id=user_id,
            issued_at=utc_now(),
            expires_at=refresh.claims.expires_at,
        )
        if not recorded:
            raise refused
        return Token(
            access_token=access.encoded,
            refresh_token=refresh.encoded,
            token_type="bearer",
            expires_in=tokens.access_seconds,
        )
