"""Login, refresh-token rotation with reuse detection, and logout."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from generated.models import Token

from ..db.tables import RefreshToken, User
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

    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.session = session
        self.runtime = runtime
        self.users = UserRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)

    async def login(self, username: str, password: str, *, client: str) -> Token:
        """Tokens for a correct email and password; raises on anything else."""
        limiter = self.runtime.login_limiter
        key = limiter_key(username, client)
        retry_after = await limiter.retry_after(key)
        if retry_after is not None:
            raise TooManyAttempts(retry_after)

        user = await self.users.get_by_email(username) if _storable(username) else None
        # End the read transaction before hashing, so no connection (or SQLite's lock)
        # is held while a worker thread spends its tens of milliseconds.
        await self.session.commit()
        if user is None:
            await self.runtime.passwords.verify_dummy(password)
            await limiter.record_failure(key)
            raise InvalidCredentials()
        valid, new_hash = await self.runtime.passwords.verify(password, user.hashed_password)
        if not valid:
            await limiter.record_failure(key)
            raise InvalidCredentials()
        if not user.is_active:
            raise InactiveUser()
        await limiter.reset(key)
        if new_hash is not None:
            user.hashed_password = new_hash
        await self.refresh_tokens.delete_expired(user.id, now=utc_now())
        token = self._issue(user)
        await self._commit_or(InvalidCredentials())
        return token

    async def refresh(self, refresh_token: str) -> Token:
        """A new pair for a live refresh token, which is revoked (rotation).

        A token that was already revoked is taken as stolen: every refresh token of its
        account is revoked, and the answer is 401.
        """
        claims = self.runtime.tokens.verify(refresh_token, "refresh")
        if claims is None:
            raise InvalidRefreshToken()
        now = utc_now()
        record = await self.refresh_tokens.get(claims.jti)
        if record is None or record.user_id != claims.user_id:
            raise InvalidRefreshToken()
        if not await self.refresh_tokens.revoke(claims.jti, now=now):
            await self.refresh_tokens.revoke_all(claims.user_id, now=now)
            await self.session.commit()
            raise InvalidRefreshToken()
        user = await self.users.get(claims.user_id)
        if user is None or not user.is_active:
            await self.session.commit()
            raise InvalidRefreshToken()
        token = self._issue(user)
        await self._commit_or(InvalidRefreshToken())
        return token

    async def logout(self, refresh_token: str) -> None:
        """Revoke the refresh token if it is one of ours; silently do nothing otherwise."""
        claims = self.runtime.tokens.verify(refresh_token, "refresh", check_expiry=False)
        if claims is None:
            return
        await self.refresh_tokens.revoke(claims.jti, now=utc_now())
        await self.session.commit()

    async def _commit_or(self, error: ServiceError) -> None:
        # The account can be deleted between our read and this write; its new refresh
        # token then violates the foreign key, and the caller gets `error`, not a 500.
        try:
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            raise error from exc

    def _issue(self, user: User) -> Token:
        tokens = self.runtime.tokens
        access = tokens.issue(user.id, "access")
        refresh = tokens.issue(user.id, "refresh")
        self.refresh_tokens.add(
            RefreshToken(
                jti=refresh.claims.jti,
                user_id=user.id,
                issued_at=utc_now(),
                expires_at=refresh.claims.expires_at,
            )
        )
        return Token(
            access_token=access.encoded,
            refresh_token=refresh.encoded,
            token_type="bearer",
            expires_in=tokens.access_seconds,
        )
