"""Start-up work: the first superuser."""

from __future__ import annotations

import structlog

from generated.models import UserCreateRequest

from ..errors import EmailTaken
from ..repositories.users import UserRepository
from ..runtime import Runtime
from .users import UserService

_logger = structlog.get_logger("reference_impl.bootstrap")


async def ensure_first_superuser(runtime: Runtime) -> None:
    """Create the superuser of FIRST_SUPERUSER_EMAIL if no account has that email.

    Several workers may start at once; the unique index lets one of them create it and
    the others find it there.
    """
    settings = runtime.settings
    if settings.first_superuser_email is None or settings.first_superuser_password is None:
        return
    email = settings.first_superuser_email
    if await UserRepository().get_by_email(runtime.database, email) is not None:
        return
    password = settings.first_superuser_password.get_secret_value()
    data = UserCreateRequest(email=email, password=password)
    try:
        await UserService(runtime.database, runtime.passwords).create(data, is_superuser=True)
    except EmailTaken:
        return  # Another worker made it first.
    _logger.info("first_superuser_created", email=email)
