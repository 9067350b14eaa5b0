"""The service's settings, read from the environment when (and only when) asked.

Nothing here runs at import: `Settings()` reads the environment each time it is made, and
`create_app(settings)` takes one explicitly, so tests never have to patch the environment
before importing anything.
"""

from __future__ import annotations

import os
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from generated.models import UserCreateRequest

# The secret keys that ship in examples and docs: fine on a laptop, never in production.
KNOWN_DEFAULT_SECRET_KEYS = frozenset(
    {
        "change-me",
        "changeme",
        "secret",
        "development-secret-key-change-me-please-0000",
    }
)
DEFAULT_SECRET_KEY = "development-secret-key-change-me-please-0000"


def _check_first_superuser(email: str, password: str) -> None:
    # The account must be one a sign-up could make: the contract's own rules, through
    # the generated model, rather than a copy of them here.
    try:
        UserCreateRequest(email=email, password=password)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        if field == "password":
            raise ValueError("FIRST_SUPERUSER_PASSWORD must be 8 to 128 characters") from None
        raise ValueError(
            "FIRST_SUPERUSER_EMAIL is not an email address (local@domain.tld)"
        ) from None


class Settings(BaseSettings):
    """Everything a deployment can choose, each field from the environment variable of its
    name in capitals (`DATABASE_URL`, `SECRET_KEY`, ...).

    The defaults run the service with zero set-up on a local SQLite file, in production
    mode: a known-default `SECRET_KEY` is refused unless `ENVIRONMENT=development`.
    """

    model_config = SettingsConfigDict(
        env_prefix="",
        case_sensitive=False,
        extra="ignore",
        frozen=True,
        validate_default=True,
    )

    environment: Literal["development", "production"] = Field(
        default="production",
        description="`production` (the default) refuses a known-default SECRET_KEY; "
        "`development` allows it.",
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///./reference.db",
        min_length=1,
        description="SQLAlchemy URL: `sqlite+aiosqlite:///path.db` or "
        "`postgresql+asyncpg://user:password@host:5432/db`.",
    )
    database_pool_size: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="Database connections per process, each kept open once made; a "
        "statement that finds them all lent waits for one (up to 10 s, then 503). "
        "Unset: 20 on PostgreSQL, 4 on SQLite (each SQLite connection is a thread, and "
        "threads beyond the cores only contend for the interpreter).",
    )
    redis_url: str | None = Field(
        default=None,
        description="`redis://host:6379/0`: share the login rate limit between processes. "
        "Unset: the limit is kept in each process.",
    )
    redis_key_prefix: str = Field(
        default="reference:",
        max_length=128,
        description="Prefix of every Redis key the service writes, so deployments can share "
        "one Redis.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEFAULT_SECRET_KEY),
        description="The key that signs JWTs; at least 32 characters. Generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
    )
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = Field(
        default="HS256", description="The only JWT algorithm accepted and issued."
    )
    access_token_expire_minutes: int = Field(
        default=15, ge=1, le=525_600, description="Lifetime of an access token."
    )
    refresh_token_expire_minutes: int = Field(
        default=60 * 24 * 7, ge=1, le=525_600, description="Lifetime of a refresh token."
    )
    first_superuser_email: str | None = Field(
        default=None, description="Created at start-up as a superuser, if absent."
    )
    first_superuser_password: SecretStr | None = Field(
        default=None, description="The first superuser's password (8 to 128 characters)."
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated CORS origins (`https://app.example.com,...`); "
        "none by default. `*` allows any origin, without credentials.",
    )
    login_max_failures: int = Field(
        default=5, ge=1, le=1000, description="Failed logins per email and client in a window."
    )
    login_window_seconds: int = Field(
        default=300, ge=1, le=86_400, description="The sliding window of the login limit."
    )
    argon2_time_cost: int = Field(default=2, ge=1, le=20, description="Argon2id iterations.")
    argon2_memory_cost: int = Field(
        default=19_456, ge=8, le=4_194_304, description="Argon2id memory in KiB."
    )
    argon2_parallelism: int = Field(default=1, ge=1, le=16, description="Argon2id lanes.")
    password_hash_concurrency: int = Field(
        # One CPU stays with the event loop, so that logins never starve other requests.
        default_factory=lambda: max(1, (os.cpu_count() or 1) - 1),
        ge=1,
        le=256,
        description="Password hashes computed at once in worker threads (default: CPUs - 1).",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Larger request bodies are 413."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="The lowest level of the JSON log lines on stdout."
    )

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("redis_url", "first_superuser_email", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        key = self.secret_key.get_secret_value()
        if len(key) < 32:
            raise ValueError(
                "SECRET_KEY must be at least 32 characters; generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )
        if self.environment != "development" and key in KNOWN_DEFAULT_SECRET_KEYS:
            raise ValueError(
                "SECRET_KEY is a known default; set SECRET_KEY to a secret value "
                "(or ENVIRONMENT=development on a laptop)"
            )
        if (self.first_superuser_email is None) != (self.first_superuser_password is None):
            raise ValueError(
                "set both FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD, or neither"
            )
        if self.first_superuser_email is not None and self.first_superuser_password is not None:
            _check_first_superuser(
                self.first_superuser_email, self.first_superuser_password.get_secret_value()
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite (one writer at a time, no server)."""
        return self.database_url.startswith("sqlite")

    @property
    def redis_enabled(self) -> bool:
        """Whether a Redis is configured."""
        return self.redis_url is not None
