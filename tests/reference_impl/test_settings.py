"""Settings: from the environment only when made, safe by default."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from reference_impl.settings import DEFAULT_SECRET_KEY, Settings


def test_defaults_run_on_sqlite_in_development() -> None:
    settings = Settings(environment="development")
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.redis_url is None and settings.allowed_origins == []
    assert settings.login_max_failures == 5 and settings.login_window_seconds == 300


def test_the_known_default_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY is a known default"):
        Settings()
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(environment="development", secret_key="short")
    assert Settings(secret_key="s" * 40).environment == "production"
    assert Settings(environment="development").secret_key.get_secret_value() == DEFAULT_SECRET_KEY


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "e" * 40)
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://a.example.com, https://b.example.com")
    monkeypatch.setenv("ACCESS_TOKEN_EXPIRE_MINUTES", "5")
    monkeypatch.setenv("LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("REDIS_URL", "")
    settings = Settings()
    assert settings.allowed_origins == ["https://a.example.com", "https://b.example.com"]
    assert settings.access_token_expire_minutes == 5 and settings.login_max_failures == 3
    assert settings.redis_url is None


def test_the_first_superuser_must_be_complete_and_valid() -> None:
    with pytest.raises(ValidationError, match="both"):
        Settings(environment="development", first_superuser_email="a@b.c")
    with pytest.raises(ValidationError, match="8 to 128"):
        Settings(
            environment="development", first_superuser_email="a@b.c", first_superuser_password="x"
        )
    with pytest.raises(ValidationError, match="FIRST_SUPERUSER_EMAIL"):
        Settings(
            environment="development",
            first_superuser_email="nope",
            first_superuser_password="x" * 8,
        )


def test_the_secret_is_not_shown() -> None:
    settings = Settings(secret_key="t" * 40)
    assert "t" * 40 not in repr(settings)
