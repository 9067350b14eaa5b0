"""Queries on issued refresh tokens: rotation, reuse detection and revocation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.tables import RefreshToken


class RefreshTokenRepository:
    """Refresh tokens, within one session (one unit of work)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, token: RefreshToken) -> None:
        """Record a refresh token that is being issued."""
        self.session.add(token)

    async def get(self, jti: str) -> RefreshToken | None:
        """The record of the token with this id, or None."""
        statement = select(RefreshToken).where(RefreshToken.jti == jti)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def revoke(self, jti: str, *, now: datetime) -> bool:
        """Revoke one token; True only for the caller that revoked it first.

        A conditional UPDATE, so that two requests racing with the same token cannot
        both see it as unused.
        """
        result = await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.jti == jti, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return _rowcount(result) == 1

    async def revoke_all(self, user_id: int, *, now: datetime) -> None:
        """Revoke every live refresh token of an account."""
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def delete_expired(self, user_id: int, *, now: datetime) -> None:
        """Forget an account's expired tokens, which no check needs any more."""
        await self.session.execute(
            delete(RefreshToken).where(
                RefreshToken.user_id == user_id, RefreshToken.expires_at < now
            )
        )


def _rowcount(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0
