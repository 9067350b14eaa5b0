"""The clean reference implementation, built in-process on a fresh SQLite file."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reference_impl.db.migrate import upgrade
from reference_impl.settings import Settings

__all__ = ["ADMIN_EMAIL", "ReferenceSetup", "prepare_reference"]

ADMIN_EMAIL = "admin@conformance-targets.example.com"


@dataclass(frozen=True)
class ReferenceSetup:
    """The settings of one deployment and the superuser it creates at start-up."""

    settings: Settings
    admin: tuple[str, str]


def prepare_reference(folder: Path, **overrides: Any) -> ReferenceSetup:
    """Migrate a new SQLite database in `folder`; settings for a reference app over it.

    `overrides` change settings (for the variants whose fault is a configuration). Every
    setting a run depends on is given here, so the environment changes none of them.
    Argon2 is made cheap: the cost of a hash changes nothing the contract judges.
    """
    database_url = f"sqlite+aiosqlite:///{folder / 'reference.db'}"
    upgrade(database_url)
    password = secrets.token_urlsafe(18)
    values: dict[str, Any] = {
        "database_url": database_url,
        # The in-process login limiter, whatever REDIS_URL the environment has.
        "redis_url": None,
        "secret_key": secrets.token_urlsafe(48),
        "environment": "development",
        "first_superuser_email": ADMIN_EMAIL,
        "first_superuser_password": password,
        "argon2_time_cost": 1,
        "argon2_memory_cost": 1024,
        "log_level": "error",
    }
    values.update(overrides)
    return ReferenceSetup(Settings(**values), (ADMIN_EMAIL, password))
