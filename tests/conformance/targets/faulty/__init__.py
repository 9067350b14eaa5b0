"""Faulty variants of the reference implementation: each breaks one clause of the contract.

`VARIANTS` lists them. A variant builds the clean reference app from its settings, then
breaks it with an ASGI wrapper (`wrappers.py`), a dependency override (`overrides.py`) or a
setting, and names the check ids of `conformance run` that must catch it. `checks` is
what the test runs (a family or ids), so that each run stays short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from reference_impl.app import create_app
from reference_impl.settings import Settings

from . import overrides, wrappers
from .asgi import ASGIApp
from .reference import ADMIN_EMAIL, ReferenceSetup, prepare_reference

__all__ = ["ADMIN_EMAIL", "VARIANTS", "ReferenceSetup", "Variant", "prepare_reference"]


@dataclass(frozen=True)
class Variant:
    """One deliberately broken deployment.

    `expected` are check ids of which at least one must fail; `checks` selects what the
    run executes (default: `expected`); `generic` runs schemathesis too, for faults only
    its checks see; `settings` are overrides of the reference's settings.
    """

    name: str
    clause: str
    expected: tuple[str, ...]
    breaks: Callable[[Any], Any] = lambda app: app
    settings: dict[str, Any] = field(default_factory=dict)
    checks: tuple[str, ...] = ()
    generic: bool = False

    @property
    def selected(self) -> tuple[str, ...]:
        return self.checks or self.expected

    def build(self, settings: Settings) -> ASGIApp:
        app: FastAPI = create_app(settings)
        broken: ASGIApp = self.breaks(app)
        return broken


def _drop(name: str, *, status: int | None = None) -> Callable[[ASGIApp], ASGIApp]:
    return lambda app: wrappers.drop_header(app, name, status=status)


VARIANTS: tuple[Variant, ...] = (
    # The HTTP edge: wrappers.
    Variant(
        "leaks-password-hash",
        "No response ever carries `password` or `hashed_password`.",
        ("properties.no-secrets",),
        wrappers.leak_password_hash,
    ),
    Variant(
        "no-request-id",
        "Every response carries `X-Request-ID`.",
        ("config.request-id",),
        _drop("x-request-id"),
    ),
    Variant(
        "no-nosniff",
        "Every response carries `X-Content-Type-Options: nosniff`.",
        ("config.nosniff",),
        _drop("x-content-type-options"),
    ),
    Variant(
        "token-cacheable",
        "Token responses carry `Cache-Control: no-store`.",
        ("authn.token-no-store",),
        wrappers.drop_token_cache_control,
    ),
    Variant(
        "created-as-200",
        "`POST /items/` and `POST /users/` answer 201.",
        ("workflows.create-read", "workflows.signup-login"),
        wrappers.created_as_ok,
    ),
    Variant(
        "no-location",
        "A 201 carries a `Location` header.",
        ("workflows.location-resolves",),
        _drop("location"),
    ),
    Variant(
        "no-total-count",
        "Lists carry the total in an `X-Total-Count` header.",
        ("workflows.list-contains", "workflows.list-pagination"),
        _drop("x-total-count"),
    ),
    Variant(
        "no-bearer-challenge",
        "Every 401 carries `WWW-Authenticate: Bearer`.",
        ("authn.missing-token", "authn.garbage-token"),
        _drop("www-authenticate", status=401),
    ),
    Variant(
        "no-retry-after",
        "The login throttle's 429 carries `Retry-After`.",
        ("login.rate-limit",),
        _drop("retry-after", status=429),
    ),
    Variant(
        "no-allow-on-405",
        "A wrong method is 405 with `Allow`.",
        ("config.unknown-path-and-method",),
        _drop("allow", status=405),
    ),
    Variant(
        "cors-reflects-any-origin",
        "A disallowed origin gets no `Access-Control-Allow-Origin`; never with credentials.",
        ("config.cors",),
        wrappers.reflect_any_origin,
    ),
    Variant(
        "limit-ignored",
        "`limit` is 1..100; out of range is 422 (FIX: the guide's limit is unbounded).",
        ("limits.page-size",),
        wrappers.ignore_limit,
    ),
    Variant(
        "huge-id-500",
        "A path id outside int64 is 404 or 422, never 500.",
        ("limits.path-id-range",),
        wrappers.huge_id_server_error,
    ),
    Variant(
        "traceback-in-errors",
        "Error bodies are a plain `detail` message: never a traceback or a file path.",
        ("config.error-bodies",),
        wrappers.traceback_in_errors,
    ),
    Variant(
        "unknown-fields-ignored",
        "Request bodies are strict: an unknown field is 422.",
        ("properties.unknown-fields",),
        wrappers.strip_unknown_fields,
    ),
    Variant(
        "naive-timestamps",
        "Timestamps are RFC 3339 with a UTC offset (FIX: the guide's naive `utcnow()`).",
        ("properties.timestamps-utc", "generic.response-schema-conformance"),
        wrappers.naive_timestamps,
        checks=("properties.timestamps-utc",),
    ),
    # Configuration.
    Variant(
        "no-body-limit",
        "Bodies over 1 MiB: 413.",
        ("limits.body-size",),
        settings={"max_body_bytes": 64 * 1024 * 1024},
    ),
    # The service's logic: dependency overrides.
    Variant(
        "signup-mass-assignment",
        "Unknown fields are 422: this stops mass assignment of `is_superuser`.",
        ("properties.user-mass-assignment",),
        lambda app: wrappers.stash_fields(
            overrides.signup_sets_superuser(app),
            method="POST",
            path="/api/v1/users/",
            fields=("is_superuser",),
        ),
    ),
    Variant(
        "item-owner-mass-assignment",
        "Unknown fields are 422: this stops mass assignment of `owner_id`.",
        ("properties.mass-assignment",),
        lambda app: wrappers.stash_fields(
            overrides.create_sets_owner(app),
            method="POST",
            path="/api/v1/items/",
            fields=("owner_id",),
        ),
    ),
    Variant(
        "refresh-token-as-access",
        "A refresh token is never accepted as an access token (FIX: the guide never checks "
        "`type`).",
        ("authn.refresh-as-access",),
        overrides.refresh_token_as_access,
    ),
    Variant(
        "alg-none-accepted",
        "Only the configured algorithm is accepted: `alg: none` is 401.",
        ("authn.alg-none",),
        overrides.alg_none_accepted,
    ),
    Variant(
        "any-user-reads-any-user",
        "`GET /users/{id}`: self or superuser; anyone else 403 (FIX: the guide lets any user "
        "read any user).",
        ("authz.user-read-cross-user",),
        overrides.any_user_reads_any_user,
    ),
    Variant(
        "anyone-lists-users",
        "`GET /users/`: superuser only; others 403.",
        ("authz.admin-only-list-users",),
        overrides.anyone_lists_users,
    ),
    Variant(
        "item-ownership-skipped",
        "`GET|PATCH|DELETE /items/{id}`: owner or superuser; anyone else 404.",
        ("authz.read-cross-user", "authz.update-cross-user"),
        overrides.item_ownership_skipped,
    ),
    Variant(
        "item-update-lost",
        "`PATCH /items/{id}` stores the change it answers (a read shows it).",
        ("workflows.write-read",),
        overrides.item_update_lost,
    ),
    Variant(
        "email-case-sensitive",
        "Emails are unique without regard to case: `Ada@x.org` once `ada@x.org` is 400.",
        ("properties.case-insensitive-unique",),
        overrides.case_sensitive_emails,
    ),
    Variant(
        "item-list-unscoped",
        "`GET /items/` lists the caller's items only (a superuser's: all).",
        ("authz.list-isolation",),
        overrides.item_list_unscoped,
    ),
    Variant(
        "no-refresh-rotation",
        "`POST /refresh`: the used refresh token is revoked (rotation).",
        ("authn.refresh-rotation",),
        overrides.no_refresh_rotation,
    ),
    Variant(
        "no-reuse-detection",
        "Reuse of a revoked refresh token revokes every refresh token of that user.",
        ("authn.refresh-reuse-revokes",),
        overrides.no_reuse_detection,
    ),
    Variant(
        "logout-does-not-revoke",
        "`POST /logout`: that refresh token no longer refreshes.",
        ("authn.logout-revokes",),
        overrides.logout_does_not_revoke,
    ),
    Variant(
        "password-change-keeps-sessions",
        "A password change revokes that user's refresh tokens.",
        ("authn.password-change-revokes",),
        overrides.password_change_keeps_sessions,
    ),
    Variant(
        "login-enumerates-emails",
        "Wrong email or wrong password: the same 401 (no user enumeration).",
        ("login.no-enumeration",),
        overrides.login_enumerates_emails,
    ),
    Variant(
        "no-login-rate-limit",
        "After 5 failed logins for one email from one client in 5 minutes: 429.",
        ("login.rate-limit",),
        overrides.no_login_rate_limit,
    ),
)
