"""Django's settings for the tracker, configured once per process on first use.

Nothing here runs at import: `configure()` is called by `create_app`. The `default`
database is a template, migrated once per process; each app copies it to a file of its
own (see `app.py`), and `AppRouter` sends each request's queries to that app's copy.
"""

from __future__ import annotations

import atexit
import logging
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from .faults import current

__all__ = ["AppRouter", "FastPBKDF2PasswordHasher", "configure", "folder", "template_database"]

_LOCK = threading.Lock()
_STATE: dict[str, Path] = {}


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's default hasher with few iterations: a fixture is fuzzed with many sign-ups."""

    iterations = 1000


class AppRouter:
    """Django's database router: the queries of a request go to its app's database."""

    def _alias(self) -> str | None:
        state = current().get()
        return None if state is None else state.alias

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return self._alias()

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return self._alias()

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True


def _settings(folder: Path) -> dict[str, Any]:
    here = __name__.rsplit(".", 1)[0]
    return {
        "DEBUG": False,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": ["*"],
        "ROOT_URLCONF": f"{here}.urls",
        "INSTALLED_APPS": [
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "rest_framework.authtoken",
            "drf_spectacular",
            f"{here}.apps.TrackerConfig",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "django.middleware.common.CommonMiddleware",
        ],
        "DATABASES": {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(folder / "template.sqlite3"),
                "OPTIONS": {"timeout": 20},
            }
        },
        "DATABASE_ROUTERS": [f"{__name__}.AppRouter"],
        "PASSWORD_HASHERS": [f"{__name__}.FastPBKDF2PasswordHasher"],
        "AUTH_PASSWORD_VALIDATORS": [
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": 8},
            }
        ],
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        # The test process's logging stays as it is.
        "LOGGING_CONFIG": None,
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": [f"{here}.authentication.TrackerTokenAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_PAGINATION_CLASS": f"{here}.authentication.TrackerPagination",
            "PAGE_SIZE": 10,
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        },
        "SPECTACULAR_SETTINGS": {
            "TITLE": "Tracker API",
            "DESCRIPTION": "Projects and their tasks.",
            "VERSION": "1.0.0",
            "SERVE_INCLUDE_SCHEMA": False,
            "COMPONENT_SPLIT_REQUEST": True,
            "ENUM_NAME_OVERRIDES": {
                "ProjectStatusEnum": f"{here}.models.ProjectStatus",
                "TaskStatusEnum": f"{here}.models.TaskStatus",
                "VisibilityEnum": f"{here}.models.Visibility",
            },
        },
    }


def configure() -> None:
    """Configure Django for the tracker and set it up (once per process)."""
    with _LOCK:
        if "folder" in _STATE:
            return
        import django
        from django.conf import settings

        folder = Path(tempfile.mkdtemp(prefix="tracker-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        settings.configure(**_settings(folder))
        django.setup(set_prefix=False)
        # Each 4xx would be logged as a warning; errors still are.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        _STATE["folder"] = folder


def template_database() -> Path:
    """The migrated template database's file (migrated on the first call; sync code only)."""
    with _LOCK:
        if "template" not in _STATE:
            from django.core.management import call_command
            from django.db import connections

            call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
            connections["default"].close()
            _STATE["template"] = _STATE["folder"] / "template.sqlite3"
        return _STATE["template"]


def folder() -> Path:
    """Where this process keeps the tracker's database files."""
    return _STATE["folder"]
