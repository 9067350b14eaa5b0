"""The exceptions of the conformance toolkit.

Every error the toolkit raises on purpose derives from `ConformanceError`; the CLI turns
each into one readable line and exit code 2. A conformance *failure* of the target is not
an exception: it is a result, reported by the engine.

    ConformanceError
    ├── SpecError          the contract cannot be read, parsed or validated
    ├── UsageError         a flag, an argument or a configuration value is wrong
    │   └── ConfigError    conformance.toml cannot be read or says something wrong
    │       └── WaiverError    a waiver is malformed or names an unknown check
    ├── TargetError        the deployment under test cannot be reached or started
    └── InternalError      the toolkit itself broke (a bug: please report it)
        └── DuplicateCheckError   two checks were registered under one id
"""

from __future__ import annotations


class ConformanceError(Exception):
    """The base of every error the toolkit raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class SpecError(ConformanceError):
    """The OpenAPI document cannot be read, parsed or validated."""

    def __init__(self, message: str, *, source: str, hint: str | None = None) -> None:
        super().__init__(f"{source}: {message}", hint=hint)
        self.source = source


class UsageError(ConformanceError):
    """A flag, an argument or a configuration value is wrong."""


class TargetError(ConformanceError):
    """The deployment under test cannot be reached or started."""

    def __init__(self, message: str, *, url: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.url = url


class InternalError(ConformanceError):
    """The toolkit itself broke; this is a bug."""

    exit_code = 3


class ConfigError(UsageError):
    """conformance.toml cannot be read, or one of its settings is wrong."""

    def __init__(self, message: str, *, path: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {message}", hint=hint)
        self.path = path


class WaiverError(ConfigError):
    """A waiver is malformed or names an unknown check."""


class DuplicateCheckError(InternalError):
    """Two checks were registered under the same id (a bug in the check modules)."""

    def __init__(self, check_id: str) -> None:
        super().__init__(f"a check with id {check_id!r} is already registered")
        self.check_id = check_id
