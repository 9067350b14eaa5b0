"""The run's configuration: flags, environment and conformance.toml, loaded once into one object.

The CLI builds a `RunSettings` at its root with `load_settings` and passes it down; nothing
below reads the environment or the file system for configuration.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from ..config import CONFIG_FILE, find_config, read_config
from ..contract.security import AuthOverride
from ..errors import ConfigError, UsageError, WaiverError
from .catalogue import load_checks
from .registry import REGISTRY, Family, renamed_hint

__all__ = [
    "CONFIG_FILE",
    "ConfigTables",
    "ConfiguredIdentity",
    "Profile",
    "ProfileSettings",
    "RateLimit",
    "RunSettings",
    "Waiver",
    "load_settings",
    "parse_profile",
    "parse_rate_limit",
]

ADMIN_EMAIL_ENV = "CONFORMANCE_ADMIN_EMAIL"
ADMIN_PASSWORD_ENV = "CONFORMANCE_ADMIN_PASSWORD"


class Profile(StrEnum):
    QUICK = "quick"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class ProfileSettings:
    """How deep a profile goes: schemathesis's budget and the size of the concurrency checks."""

    max_examples: int
    stateful_max_steps: int
    # Parallel requests in the concurrency checks.
    parallel: int
    # A wall-clock cap on schemathesis's phases, in seconds (None: no cap).
    generic_max_time: int | None


PROFILES = {
    Profile.QUICK: ProfileSettings(
        max_examples=8, stateful_max_steps=6, parallel=6, generic_max_time=20
    ),
    Profile.FULL: ProfileSettings(
        max_examples=100, stateful_max_steps=20, parallel=16, generic_max_time=None
    ),
}

_RATE = re.compile(r"^(?P<count>[1-9][0-9]*)(?:/(?P<unit>[smh]))?$")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0}


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `count` requests per `per` seconds, over the whole run."""

    count: int
    per: float
    text: str

    @property
    def per_second(self) -> float:
        return self.count / self.per


def parse_profile(text: str) -> Profile:
    try:
        return Profile(text)
    except ValueError:
        choices = ", ".join(profile.value for profile in Profile)
        raise UsageError(f"--profile {text!r} is not a profile", hint=f"one of {choices}") from None


def parse_rate_limit(text: str) -> RateLimit:
    """`20` or `20/s`, `600/m`, `5000/h`."""
    match = _RATE.match(text.strip())
    if match is None:
        raise UsageError(
            f"--rate-limit {text!r} is not a rate", hint="write N, N/s, N/m or N/h, e.g. 20/s"
        )
    unit = match["unit"] or "s"
    return RateLimit(int(match["count"]), _UNIT_SECONDS[unit], f"{match['count']}/{unit}")


@dataclass(frozen=True, slots=True)
class Waiver:
    """A known false positive: failures of `check` (on `operation`, if given) are not counted."""

    check: str
    reason: str
    operation: str | None = None

    def covers(self, check_id: str, operation: str | None) -> bool:
        return self.check == check_id and self.operation in (None, operation)


@dataclass(frozen=True, slots=True)
class ConfiguredIdentity:
    """An account given in `conformance.toml`: credentials to log in with, or a token."""

    name: str
    identifier: str | None = None
    password: str | None = None
    token: str | None = None


@dataclass(frozen=True, slots=True)
class RunSettings:
    """Everything `conformance run` needs, resolved."""

    url: str | None = None
    spec: str | None = None
    admin_email: str | None = None
    admin_password: str | None = None
    profile: Profile = Profile.QUICK
    workers: int = 1
    rate_limit: RateLimit | None = None
    seed: int | None = None
    keep_data: bool = False
    report_json: Path | None = None
    junit_xml: Path | None = None
    report_html: Path | None = None
    waivers: tuple[Waiver, ...] = ()
    # `[roles]` of conformance.toml: role name -> operationId, over what is inferred.
    roles: dict[str, str] = field(default_factory=dict)
    # `[[identity]]` of conformance.toml: accounts to use where the run cannot sign up.
    identities: tuple[ConfiguredIdentity, ...] = ()
    # `[auth]` of conformance.toml: how credentials are presented, over the spec's scheme.
    auth: AuthOverride | None = None
    # Where the deployment serves its OpenAPI document (default: looked for).
    served_spec: str | None = None
    config_path: Path | None = None
    request_timeout: float = 10.0
    # Checks to run (ids or families); empty means all.
    select: tuple[str, ...] = ()
    generic: bool = True
    # Marks every account the run makes, so a shared environment can tell them apart.
    run_tag: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def depth(self) -> ProfileSettings:
        return PROFILES[self.profile]

    @property
    def has_admin(self) -> bool:
        return bool(self.admin_email and self.admin_password)

    def waiver_for(self, check_id: str, operation: str | None) -> Waiver | None:
        return next((w for w in self.waivers if w.covers(check_id, operation)), None)

    def selects(self, check_id: str) -> bool:
        if not self.select:
            return True
        family = check_id.split(".", 1)[0]
        return check_id in self.select or family in self.select


def load_settings(
    *,
    url: str | None,
    spec: str | None,
    admin_email: str | None,
    admin_password: str | None,
    profile: Profile,
    workers: int,
    rate_limit: str | None,
    seed: int | None,
    keep_data: bool,
    report_json: Path | None,
    junit_xml: Path | None,
    report_html: Path | None,
    config: Path | None,
    select: tuple[str, ...] = (),
    generic: bool = True,
    served_spec: str | None = None,
    environ: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> RunSettings:
    """Merge the flags, the environment and the waiver file into one `RunSettings`."""
    load_checks()  # Waivers and --check name checks: every one must be registered first.
    env = dict(os.environ) if environ is None else environ
    if url is not None and not url.startswith(("http://", "https://")):
        raise UsageError(f"--url {url!r} is not an http(s) URL", hint="e.g. http://127.0.0.1:8000")
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    admin_email = admin_email or env.get(ADMIN_EMAIL_ENV) or None
    admin_password = admin_password or env.get(ADMIN_PASSWORD_ENV) or None
    if bool(admin_email) != bool(admin_password):
        raise UsageError(
            "give both the admin email and the admin password, or neither",
            hint=f"--admin-email/--admin-password or {ADMIN_EMAIL_ENV}/{ADMIN_PASSWORD_ENV}",
        )
    for name in select:
        if name not in REGISTRY and name not in {family.value for family in Family}:
            raise UsageError(
                f"--check {name!r} names no check or family{renamed_hint(name)}",
                hint="see docs/checks.md",
            )
    config_path = find_config(config, cwd)
    if served_spec is not None and not served_spec.startswith(("http://", "https://", "/")):
        raise UsageError(
            f"--served-spec {served_spec!r} is neither a URL nor a path on the target",
            hint="e.g. /openapi.json or http://127.0.0.1:8000/openapi.json",
        )
    tables = load_config(config_path) if config_path is not None else ConfigTables()
    return RunSettings(
        url=url.rstrip("/") if url else None,
        spec=spec,
        admin_email=admin_email,
        admin_password=admin_password,
        profile=profile,
        workers=workers,
        rate_limit=parse_rate_limit(rate_limit) if rate_limit else None,
        seed=seed,
        keep_data=keep_data,
        report_json=report_json,
        junit_xml=junit_xml,
        report_html=report_html,
        waivers=tables.waivers,
        roles=tables.roles,
        identities=tables.identities,
        auth=tables.auth,
        served_spec=served_spec,
        config_path=config_path,
        select=select,
        generic=generic,
    )


_IDENTITY_KEYS = {"name", "username", "email", "password", "token"}


class ConfigTables(NamedTuple):
    """What conformance.toml says to `run`, `inspect` and `load`."""

    waivers: tuple[Waiver, ...] = ()
    roles: dict[str, str] = {}  # noqa: RUF012 (a NamedTuple's default, never mutated)
    identities: tuple[ConfiguredIdentity, ...] = ()
    auth: AuthOverride | None = None


def load_config(path: Path) -> ConfigTables:
    """Read conformance.toml: `[[waiver]]`, `[roles]`, `[[identity]]` and `[auth]` (`[lint]`
    is lint's)."""
    data = read_config(path)
    auth = data.get("auth")
    return ConfigTables(
        load_waivers(data, path),
        _roles(data, path),
        _identities(data, path),
        AuthOverride.from_table(auth, path=str(path)) if auth is not None else None,
    )


def _roles(data: dict[str, object], path: Path) -> dict[str, str]:
    roles = data.get("roles", {})
    if not isinstance(roles, dict) or not all(
        isinstance(value, str) and value for value in roles.values()
    ):
        raise ConfigError(
            '`[roles]` maps a role to an operationId, e.g. signup = "createAccount"',
            path=str(path),
        )
    return {str(key): str(value) for key, value in roles.items()}


def _identities(data: dict[str, object], path: Path) -> tuple[ConfiguredIdentity, ...]:
    entries = data.get("identity", [])
    if not isinstance(entries, list):
        raise ConfigError("`identity` must be an array of tables ([[identity]])", path=str(path))
    found = []
    for index, entry in enumerate(entries, start=1):
        where = f"identity #{index}"
        if not isinstance(entry, dict) or set(entry) - _IDENTITY_KEYS:
            raise ConfigError(
                f"{where} takes only: {', '.join(sorted(_IDENTITY_KEYS))}", path=str(path)
            )
        identifier = entry.get("username") or entry.get("email")
        password, token = entry.get("password"), entry.get("token")
        if not (isinstance(token, str) and token) and not (
            isinstance(identifier, str) and isinstance(password, str)
        ):
            raise ConfigError(
                f"{where} needs `username` (or `email`) and `password`, or a `token`",
                path=str(path),
            )
        found.append(
            ConfiguredIdentity(
                name=str(entry.get("name") or f"identity-{index}"),
                identifier=identifier if isinstance(identifier, str) else None,
                password=password if isinstance(password, str) else None,
                token=token if isinstance(token, str) and token else None,
            )
        )
    return tuple(found)


def load_waivers(data: dict[str, object], path: Path) -> tuple[Waiver, ...]:
    """`[[waiver]]` tables: `check` (an id), `reason` (required), `operation` (optional)."""
    entries = data.get("waiver", [])
    if not isinstance(entries, list):
        raise WaiverError("`waiver` must be an array of tables ([[waiver]])", path=str(path))
    waivers = []
    for index, entry in enumerate(entries, start=1):
        where = f"waiver #{index}"
        if not isinstance(entry, dict):
            raise WaiverError(f"{where} is not a table", path=str(path))
        unknown = set(entry) - {"check", "reason", "operation"}
        if unknown:
            raise WaiverError(
                f"{where} has unknown keys: {', '.join(sorted(unknown))}", path=str(path)
            )
        check_id, reason = entry.get("check"), entry.get("reason")
        operation = entry.get("operation")
        if not isinstance(check_id, str) or check_id not in REGISTRY:
            raise WaiverError(
                f"{where}: `check` {check_id!r} names no check{renamed_hint(check_id)}",
                path=str(path),
            )
        if not isinstance(reason, str) or not reason.strip():
            raise WaiverError(f"{where}: every waiver needs a `reason`", path=str(path))
        if operation is not None and not isinstance(operation, str):
            raise WaiverError(f"{where}: `operation` must be an operationId", path=str(path))
        waivers.append(Waiver(check=check_id, reason=reason.strip(), operation=operation))
    return tuple(waivers)
