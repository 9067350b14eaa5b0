"""Sign-up and account management."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from generated.models import UserCreateRequest, UserUpdateRequest

from ..db.tables import User
from ..db.types import utc_now
from ..errors import EmailTaken, NotAuthorized, SuperuserRequired, UserNotFound
from ..repositories.accounts import Account
from ..repositories.refresh_tokens import RefreshTokenRepository
from ..repositories.users import UserRepository
from .passwords import Passwords


class UserService:
    """One account operation, as one unit of work."""

    def __init__(self, session: AsyncSession, passwords: Passwords) -> None:
        self.session = session
        self.passwords = passwords
        self.users = UserRepository(session)

    async def create(self, data: UserCreateRequest, *, is_superuser: bool = False) -> User:
        """Sign up. The unique index, not a prior lookup, decides a duplicate email, so
        that of two racing sign-ups exactly one commits."""
        # Hash first, whether or not the email is taken: then the answer's timing does not
        # tell which emails have accounts, and no transaction waits on the hash.
        hashed = await self.passwords.hash(data.password)
        user = User(
            email=data.email,
            hashed_password=hashed,
            full_name=data.full_name,
            is_active=True,
            is_superuser=is_superuser,
            created_at=utc_now(),
        )
        self.users.add(user)
        await self._commit_or_email_taken()
        return user

    async def page(self, caller: Account, *, skip: int, limit: int) -> tuple[Sequence[User], int]:
        """A page of every account; superusers only."""
        if not caller.is_superuser:
            raise SuperuserRequired()
        return await self.users.page(skip=skip, limit=limit)

    async def get(self, caller: Account, user_id: int) -> User:
        """An account the caller may see: their own, or any for a superuser."""
        if caller.id != user_id and not caller.is_superuser:
            # The same answer whether or not the id exists, so ids cannot be probed.
            raise NotAuthorized()
        user = await self.users.get(user_id)
        if user is None:
            raise UserNotFound()
        return user

    async def update(self, caller: Account, user_id: int, data: UserUpdateRequest) -> User:
        """Change the fields given; a new password revokes every refresh token."""
        user = await self.get(caller, user_id)
        changes = data.model_fields_set
        new_hash: str | None = None
        if "password" in changes and data.password is not None:
            # End the read transaction before hashing, as login does; nothing is changed
            # yet, so this commit writes nothing.
            await self.session.commit()
            new_hash = await self.passwords.hash(data.password)
        if "email" in changes and data.email is not None:
            user.email = data.email
        if "full_name" in changes:
            user.full_name = data.full_name
        if new_hash is not None:
            user.hashed_password = new_hash
            await RefreshTokenRepository(self.session).revoke_all(user.id, now=utc_now())
        await self._commit_or_email_taken()
        return user

    async def delete(self, caller: Account, user_id: int) -> None:
        """Delete an account with its items and refresh tokens."""
        user = await self.get(caller, user_id)
        await self.users.delete_with_dependents(user.id)
        await self.session.commit()

    async def _commit_or_email_taken(self) -> None:
        try:
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            raise EmailTaken() from exc
        except StaleDataError as exc:
            # The account was deleted by another request after this one read it: the
            # UPDATE matched no row, which is the 404 of a missing account, not a 500.
            await self.session.rollback()
            raise UserNotFound() from exc
