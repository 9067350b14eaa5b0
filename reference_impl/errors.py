"""The service's domain errors; `api.handlers` maps each to one HTTP answer.

Services raise these and never import FastAPI. Each carries its status code, its message
and any headers as attributes, so the one exception handler stays a lookup.

    ServiceError
    ├── InvalidInput            400  the input is well formed but cannot be accepted
    │   ├── EmailTaken          400  `Email already registered`
    │   └── InactiveUser        400  `Inactive user` (login)
    ├── AuthenticationFailed    401  with `WWW-Authenticate: Bearer`
    │   ├── InvalidCredentials       wrong email or password
    │   ├── InvalidAccessToken       missing, bad, expired, or its account is gone
    │   └── InvalidRefreshToken      bad, expired, revoked or reused
    ├── Forbidden               403
    │   ├── NotAuthorized            neither the account's owner nor a superuser
    │   └── SuperuserRequired
    ├── NotFound                404
    │   ├── UserNotFound
    │   └── ItemNotFound
    ├── TooManyAttempts         429  with `Retry-After`
    ├── DatabaseUnavailable     503  with `Retry-After`: the connection was lost or refused
    └── ContractMismatch             start-up: the handlers and the spec's operations differ
"""

from __future__ import annotations

from collections.abc import Mapping

_BEARER = {"WWW-Authenticate": "Bearer"}


class ServiceError(Exception):
    """The base of every error the service raises on purpose."""

    status_code = 500
    detail = "Internal Server Error"

    def __init__(self, detail: str | None = None) -> None:
        if detail is not None:
            self.detail = detail
        super().__init__(self.detail)

    @property
    def headers(self) -> Mapping[str, str]:
        """Headers the answer must carry."""
        return {}


class InvalidInput(ServiceError):
    """Well-formed input that the service cannot accept."""

    status_code = 400
    detail = "Bad request"


class EmailTaken(InvalidInput):
    """Another account has this email, compared without regard to case."""

    detail = "Email already registered"


class InactiveUser(InvalidInput):
    """The account is deactivated."""

    detail = "Inactive user"


class AuthenticationFailed(ServiceError):
    """The caller is not who they claim to be."""

    status_code = 401
    detail = "Could not validate credentials"

    @property
    def headers(self) -> Mapping[str, str]:
        return _BEARER


class InvalidCredentials(AuthenticationFailed):
    """Unknown email or wrong password: the same answer for both."""

    detail = "Incorrect email or password"


class InvalidAccessToken(AuthenticationFailed):
    """No usable access token, or its account is deactivated or deleted."""


class InvalidRefreshToken(AuthenticationFailed):
    """The refresh token is malformed, expired, revoked, reused or not a refresh token."""

    detail = "Invalid refresh token"


class Forbidden(ServiceError):
    """The caller may not do this."""

    status_code = 403
    detail = "Not authorized"


class NotAuthorized(Forbidden):
    """Neither the account's owner nor a superuser."""


class SuperuserRequired(Forbidden):
    """Only a superuser may do this."""

    detail = "Superuser required"


class NotFound(ServiceError):
    """Nothing (visible to the caller) has this id."""

    status_code = 404
    detail = "Not Found"


class UserNotFound(NotFound):
    """No account has this id."""

    detail = "User not found"


class ItemNotFound(NotFound):
    """No item with this id belongs to the caller."""

    detail = "Item not found"


class TooManyAttempts(ServiceError):
    """Too many failed logins for one email from one client."""

    status_code = 429
    detail = "Too many failed login attempts; try again later"

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = max(1, retry_after)

    @property
    def headers(self) -> Mapping[str, str]:
        return {"Retry-After": str(self.retry_after)}


class DatabaseUnavailable(ServiceError):
    """The database connection was lost, closed or refused; trying again shortly is safe
    to do, and the pool will have reconnected by then."""

    status_code = 503
    detail = "The database is unavailable; try again shortly"
    retry_after = 1

    @property
    def headers(self) -> Mapping[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ContractMismatch(ServiceError):
    """An operation of the spec has no handler, or a handler has no operation: the
    service refuses to start."""
