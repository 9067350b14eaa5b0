"""The guide's `Settings`, with its defaults (wildcard CORS origins among them).

The guide reads `.env` and the environment; here only the arguments count (see below).
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class Settings(BaseSettings):
    """The guide's settings; `database_url` and `secret_key` have no default, as there."""

    model_config = SettingsConfigDict(case_sensitive=False)

    # Application
    app_name: str = "My API"
    app_version: str = "1.0.0"
    debug: bool = False
    environment: str = "production"

    # API
    api_v1_prefix: str = "/api/v1"

    # Database
    database_url: str
    database_pool_size: int = 20
    database_max_overflow: int = 10

    # Security
    secret_key: str
    access_token_expire_minutes: int = 30
    refresh_token_expire_days: int = 7
    algorithm: str = "HS256"
    bcrypt_rounds: int = 12

    # CORS: the guide's default, which together with `allow_credentials=True` in main.py
    # is the wildcard-with-credentials defect.
    allowed_origins: list[str] = ["*"]

    # Not in the guide: who the start-up superuser is (the guide has no way to make one).
    first_superuser_email: str | None = None
    first_superuser_password: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Not in the guide: only `create_app`'s arguments count, so that the environment
        # of a test (DEBUG, ALGORITHM, ...) cannot reconfigure the target under test.
        return (init_settings,)
