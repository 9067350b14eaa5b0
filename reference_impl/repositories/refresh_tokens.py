"""Queries on issued refresh tokens: rotation, reuse detection and revocation.

SQLAlchemy Core, built once per process, run on an `Executor` (the database in
autocommit, or a transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, bindparam, delete, insert, select, update

from ..db.engine import Executor
from ..db.tables import RefreshToken, User

_tokens: Table = RefreshToken.__table__  # type: ignore[assignment]  # a Table
_users: Table = User.__table__  # type: ignore[assignment]
_JTI = _tokens.c.jti == bindparam("jti")
_LIVE = _tokens.c.revoked_at.is_(None)
_OF_USER = _tokens.c.user_id == bindparam("user_id")
_NOW = bindparam("now", type_=_tokens.c.revoked_at.type)

_GET = select(_tokens.c.user_id, _tokens.c.revoked_at).where(_JTI)
# INSERT ... SELECT from the account's row: for an account that is gone or inactive,
# nothing is inserted.
_ADD = (
    insert(_tokens)
    .from_select(
        ["jti", "user_id", "issued_at", "expires_at"],
        select(
            bindparam("jti", type_=_tokens.c.jti.type),
            _users.c.id,
            bindparam("issued_at", type_=_tokens.c.issued_at.type),
            bindparam("expires_at", type_=_tokens.c.expires_at.type),
        ).where(_users.c.id == bindparam("user_id"), _users.c.is_active),
    )
    .returning(_tokens.c.id)
)
# Conditional: of two requests racing with one token, only one revokes it.
_REVOKE = (
    update(_tokens)
    .where(_JTI, _tokens.c.user_id == bindparam("user_id"), _LIVE)
    .values(revoked_at=_NOW)
    .returning(_tokens.c.id)
)
_REVOKE_ALL = update(_tokens).where(_OF_USER, _LIVE).values(revoked_at=_NOW)
_DELETE_EXPIRED = delete(_tokens).where(
    _OF_USER, _tokens.c.expires_at < bindparam("now", type_=_tokens.c.expires_at.type)
)


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What is recorded of an issued refresh token."""

    user_id: int
    revoked_at: datetime | None


class RefreshTokenRepository:
    """Refresh tokens. Stateless: each method runs on the executor it is given."""

    async def add(
        self, db: Executor, *, jti: str, user_id: int, issued_at: datetime, expires_at: datetime
    ) -> bool:
        """Record a refresh token being issued to an active account; False (nothing
        recorded) if the account is gone or inactive."""
        rows = await db.write(
            _ADD,
            {"jti": jti, "user_id": user_id, "issued_at": issued_at, "expires_at": expires_at},
        )
        return bool(rows)

    async def get(self, db: Executor, jti: str) -> TokenRecord | None:
        """The record of the token with this id, or None."""
        row = await db.fetch_one(_GET, {"jti": jti})
        return None if row is None else TokenRecord(row[0], row[1])

    async def revoke(self, db: Executor, jti: str, *, user_id: int, now: datetime) -> bool:
        """Revoke one live token of this account; True only for the caller that revoked
        it first (a conditional UPDATE: two requests racing with the same token cannot
        both see it live)."""
        rows = await db.write(_REVOKE, {"jti": jti, "user_id": user_id, "now": now})
        return bool(rows)

    async def revoke_all(self, db: Executor, user_id: int, *, now: datetime) -> None:
        """Revoke every live refresh token of an account."""
        await db.write(_REVOKE_ALL, {"user_id": user_id, "now": now})

    async def delete_expired(self, db: Executor, user_id: int, *, now: datetime) -> None:
        """Forget an account's expired tokens, which no check needs any more."""
        await db.write(_DELETE_EXPIRED, {"user_id": user_id, "now": now})
