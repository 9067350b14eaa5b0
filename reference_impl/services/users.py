"""Sign-up and account management."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from generated.models import UserCreateRequest, UserUpdateRequest

from ..db.engine import Database
from ..db.types import utc_now
from ..errors import (
    EmailTaken,
    InvalidAccessToken,
    NotAuthorized,
    SuperuserRequired,
    UserNotFound,
)
from ..repositories.accounts import Account, Caller
from ..repositories.refresh_tokens import RefreshTokenRepository
from ..repositories.users import UserRepository
from .callers import active_account
from .passwords import Passwords


class UserService:
    """One account operation, as one unit of work."""

    def __init__(self, database: Database, passwords: Passwords) -> None:
        self.database = database
        self.passwords = passwords
        self.users = UserRepository()
        self.refresh_tokens = RefreshTokenRepository()

    async def create(self, data: UserCreateRequest, *, is_superuser: bool = False) -> Account:
        """Sign up. The unique index, not a prior lookup, decides a duplicate email, so
        that of two racing sign-ups exactly one commits."""
        # Hash first, whether or not the email is taken: then the answer's timing does not
        # tell which emails have accounts, and no connection waits on the hash.
        hashed = await self.passwords.hash(data.password)
        values = {
            "email": data.email,
            "hashed_password": hashed,
            "full_name": data.full_name,
            "is_active": True,
            "is_superuser": is_superuser,
            "created_at": utc_now(),
        }
        try:
            return await self.users.add(self.database, values)
        except IntegrityError as exc:
            raise EmailTaken() from exc

    async def page(self, caller: Account, *, skip: int, limit: int) -> tuple[list[Account], int]:
        """A page of every account; superusers only."""
        if not caller.is_superuser:
            raise SuperuserRequired()
        return await self.users.page(self.database, skip=skip, limit=limit)

    async def get(self, caller: Account, user_id: int) -> Account:
        """An account the caller may see: their own, or any for a superuser."""
        _may_reach(caller, user_id)
        if caller.id == user_id:
            return caller  # Read for this very request.
        user = await self.users.get(self.database, user_id)
        if user is None:
            raise UserNotFound()
        return user

    async def update(self, caller: Caller, user_id: int, data: UserUpdateRequest) -> Account:
        """Change the fields given; a new password revokes every refresh token.

        The caller's own account is changed by one statement that also reads it: gone or
        deactivated, nothing changes and the answer is 401. Another account's change
        first reads the caller's (a superuser's, or 403).
        """
        own = caller.id == user_id
        if not own:
            _may_reach(await active_account(self.database, caller), user_id)
        changes = data.model_fields_set
        values: dict[str, Any] = {}
        if "email" in changes and data.email is not None:
            values["email"] = data.email
        if "full_name" in changes:
            values["full_name"] = data.full_name
        if "password" in changes and data.password is not None:
            # Hashed before the transaction: no connection waits on the hash.
            values["hashed_password"] = await self.passwords.hash(data.password)
        if not values:
            return await self.get(await active_account(self.database, caller), user_id)
        try:
            if "hashed_password" not in values:
                updated = await self.users.update(self.database, user_id, values, active=own)
            else:
                async with self.database.transaction() as transaction:
                    updated = await self.users.update(transaction, user_id, values, active=own)
                    if updated is not None:
                        await self.refresh_tokens.revoke_all(transaction, user_id, now=utc_now())
        except IntegrityError as exc:
            raise EmailTaken() from exc
        if updated is None:
            # Ours: gone or deactivated since the token was issued. Another's: deleted
            # by another request after the caller's was read.
            raise InvalidAccessToken() if own else UserNotFound()
        return updated

    async def delete(self, caller: Account, user_id: int) -> None:
        """Delete an account with its items and refresh tokens."""
        _may_reach(caller, user_id)
        async with self.database.transaction() as transaction:
            deleted = await self.users.delete_with_dependents(transaction, user_id)
        if not deleted:
            raise UserNotFound()


def _may_reach(caller: Account, user_id: int) -> None:
    # Their own account, or any for a superuser; the same answer whether or not the id
    # exists, so ids cannot be probed.
    if caller.id != user_id and not caller.is_superuser:
        raise NotAuthorized()
