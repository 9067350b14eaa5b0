"""The run's settings: flags, environment and the waiver file into one object."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from conformance.engine.http import RateLimiter
from conformance.engine.results import FailureRecord, Status, judged
from conformance.engine.settings import Profile, load_settings, parse_rate_limit
from conformance.errors import ConfigError, UsageError


def _load(tmp_path: Path, **overrides: Any) -> Any:
    options: dict[str, Any] = {
        "url": "http://127.0.0.1:8000",
        "spec": None,
        "admin_email": None,
        "admin_password": None,
        "profile": Profile.QUICK,
        "workers": 1,
        "rate_limit": None,
        "seed": None,
        "keep_data": False,
        "report_json": None,
        "junit_xml": None,
        "report_html": None,
        "config": None,
        "environ": {},
        "cwd": tmp_path,
    }
    options.update(overrides)
    return load_settings(**options)


@pytest.mark.parametrize(
    ("text", "per_second"), [("20", 20.0), ("20/s", 20.0), ("600/m", 10.0), ("3600/h", 1.0)]
)
def test_rate_limits_are_read_in_requests_per_unit(text: str, per_second: float) -> None:
    assert parse_rate_limit(text).per_second == pytest.approx(per_second)


@pytest.mark.parametrize("text", ["fast", "0", "-1/s", "10/d", "10/ s"])
def test_a_rate_limit_that_is_not_a_rate_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="rate"):
        parse_rate_limit(text)


def test_the_rate_limiter_spaces_requests() -> None:
    limiter = RateLimiter(parse_rate_limit("20/s"))
    started = time.monotonic()
    for _ in range(5):
        limiter.acquire()
    assert time.monotonic() - started >= 0.19


def test_admin_credentials_come_from_the_environment(tmp_path: Path) -> None:
    environ = {"CONFORMANCE_ADMIN_EMAIL": "a@b.io", "CONFORMANCE_ADMIN_PASSWORD": "secret"}
    settings = _load(tmp_path, environ=environ)
    assert (settings.admin_email, settings.admin_password) == ("a@b.io", "secret")
    assert settings.has_admin


def test_an_admin_email_without_a_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="both"):
        _load(tmp_path, admin_email="a@b.io")


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"url": "127.0.0.1:8000"}, "http"),
        ({"workers": 0}, "workers"),
        ({"select": ("authn.nope",)}, "no check"),
    ],
)
def test_bad_flags_are_usage_errors(tmp_path: Path, overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(UsageError, match=match):
        _load(tmp_path, **overrides)


def test_waivers_are_read_from_conformance_toml_in_the_working_folder(tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text(
        '[[waiver]]\ncheck = "config.cors"\nreason = "the gateway owns CORS"\n'
        '[[waiver]]\ncheck = "generic.unsupported-method"\noperation = "readCurrentUser"\n'
        'reason = "a known routing quirk"\n',
        encoding="utf-8",
    )
    settings = _load(tmp_path)
    assert settings.waiver_for("config.cors", None) is not None
    assert settings.waiver_for("generic.unsupported-method", "readCurrentUser") is not None
    assert settings.waiver_for("generic.unsupported-method", "readItem") is None


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[[waiver]]\ncheck = "config.nope"\nreason = "x"\n', "names no check"),
        ('[[waiver]]\ncheck = "config.cors"\n', "reason"),
        ('[[waiver]]\ncheck = "config.cors"\nreason = "x"\nwhy = "y"\n', "unknown keys"),
        ("[[waiver]\n", "TOML"),
        (
            '[[waiver]]\ncheck = "authz.item-read-cross-user"\nreason = "x"\n',
            "renamed: it is now 'authz.read-cross-user'",
        ),
    ],
)
def test_a_bad_waiver_file_is_refused_with_its_path(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "waivers.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=match) as caught:
        _load(tmp_path, config=path)
    assert str(path) in str(caught.value)


def test_a_waived_failure_keeps_its_reason_and_does_not_fail() -> None:
    record = FailureRecord("config.cors", None, "t", "e", "s")
    outcome = judged("config.cors", None, (record,), waiver="the gateway owns CORS")
    assert outcome.status is Status.WAIVED
    assert not outcome.status.is_problem
    assert outcome.failures[0].waiver == "the gateway owns CORS"


def test_roles_and_identities_are_read_from_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "conformance.toml"
    path.write_text(
        '[roles]\nsignup = "enrolMember"\n\n'
        '[[identity]]\nname = "alice"\nusername = "alice"\npassword = "pw-alice-123"\n\n'
        '[[identity]]\ntoken = "eyJ.static.token"\n',
        encoding="utf-8",
    )
    settings = _load(tmp_path)
    assert settings.roles == {"signup": "enrolMember"}
    alice, static = settings.identities
    assert (alice.name, alice.identifier, alice.password, alice.token) == (
        "alice",
        "alice",
        "pw-alice-123",
        None,
    )
    assert (static.name, static.token) == ("identity-2", "eyJ.static.token")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[roles]\nsignup = 3\n", r"\[roles\]` maps a role to an operationId"),
        ('[[identity]]\nusername = "a"\n', "needs `username` .* and `password`, or a `token`"),
        ('[[identity]]\nuser = "a"\npassword = "b"\n', "takes only"),
        ('[role]\nsignup = "x"\n', "unknown settings: role"),
    ],
)
def test_a_bad_role_or_identity_setting_says_what_is_wrong(
    tmp_path: Path, text: str, match: str
) -> None:
    path = tmp_path / "conformance.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        _load(tmp_path, config=path)


def test_a_served_spec_must_be_a_url_or_a_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--served-spec 'openapi\.json'"):
        _load(tmp_path, served_spec="openapi.json")
    assert _load(tmp_path, served_spec="/v2/spec.json").served_spec == "/v2/spec.json"


def test_a_run_reads_a_file_that_also_configures_lint(tmp_path: Path) -> None:
    # One conformance.toml serves both commands: `run` leaves `[lint]` to `lint`.
    (tmp_path / "conformance.toml").write_text(
        '[lint]\nrulesets = ["owasp"]\n[lint.rules]\n"operation-tags" = "off"\n'
        '[[waiver]]\ncheck = "config.cors"\nreason = "the gateway owns CORS"\n',
        encoding="utf-8",
    )
    settings = _load(tmp_path)
    assert settings.waiver_for("config.cors", None) is not None


def test_an_auth_table_is_read_for_the_contract(tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text(
        '[auth]\nheader = "Authorization"\nformat = "Token {token}"\n', encoding="utf-8"
    )
    auth = _load(tmp_path).auth
    assert (auth.location, auth.parameter, auth.format) == (
        "header",
        "Authorization",
        "Token {token}",
    )


def test_a_wrong_auth_table_names_the_file_the_key_and_the_value(tmp_path: Path) -> None:
    path = tmp_path / "conformance.toml"
    path.write_text('[auth]\ncookie = "sid"\nformat = "Bearer"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, config=path)
    assert str(caught.value).startswith(f"{path}: [auth] format = 'Bearer' must hold {{token}}")
