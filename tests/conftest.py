"""Fixtures shared by the whole suite: an isolated environment and Hypothesis profiles."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# The service's settings: a test sets what it needs, so none leaks in from the shell.
_SERVICE_SETTINGS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "ENVIRONMENT",
    "FIRST_SUPERUSER_EMAIL",
    "FIRST_SUPERUSER_PASSWORD",
    "ALLOWED_ORIGINS",
    "CONFORMANCE_ADMIN_EMAIL",
    "CONFORMANCE_ADMIN_PASSWORD",
)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Remove the service's settings from the environment for the length of a test."""
    for name in _SERVICE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    yield
