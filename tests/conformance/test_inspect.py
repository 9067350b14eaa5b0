"""`conformance inspect`: the model of a spec, as a user reads it before a run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _inspect(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "inspect", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )


def test_the_bundled_contract_shows_every_role_and_both_resources(tmp_path: Path) -> None:
    result = _inspect(tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for role, operation in [
        ("signup", "createUser"),
        ("token", "login"),
        ("current_account", "readCurrentUser"),
        ("refresh", "refreshTokens"),
        ("logout", "logout"),
        ("delete_account", "deleteUser"),
    ]:
        assert any(line.split()[:2] == [role, operation] for line in out.splitlines()), (
            f"{role} -> {operation} not shown"
        )
    assert "items  /api/v1/items/{item_id} · id item_id (integer)" in out
    assert "users  /api/v1/users/{user_id} · id user_id (integer) · the accounts" in out
    assert "pagination limit 1..100, skip 0..2147483647" in out
    assert "server-owned  id, owner_id, created_at, updated_at" in out
    assert "skipped authz.superuser-reads-all: needs admin credentials" in out


def test_the_json_model_lists_checks_per_operation(tmp_path: Path) -> None:
    result = _inspect(tmp_path, "--format", "json", "--admin")
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    assert model["roles"]["signup"]["operation"] == "createUser"
    assert {resource["name"] for resource in model["resources"]} == {"items", "users"}
    assert "authz.read-cross-user" in model["by_operation"]["readItem"]
    assert "generic.object-level-authorization" in model["by_operation"]["readItem"]
    # Every check runs on the bundled contract but those of promises it does not make.
    idle = {check["check"] for check in model["checks"] if not check["runs"]}
    assert idle == {
        "login.current-password",
        "workflows.create-defaults",
        "workflows.list-filter",
        "workflows.cascade-delete",
    }


def test_a_roles_line_naming_nothing_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text('[roles]\nsignup = "nope"\n', encoding="utf-8")
    result = _inspect(tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: conformance.toml [roles] signup = 'nope' names no operation of the spec "
        '(give one of its operationIds, `METHOD /path`, or "none" to turn the role off)'
    ]


def test_a_check_the_spec_cannot_feed_is_skipped_saying_what_it_needs(tmp_path: Path) -> None:
    boards = Path(__file__).parent / "targets" / "boards" / "spec.yaml"
    result = _inspect(tmp_path, "--spec", str(boards))
    assert result.returncode == 0, result.stderr
    # Boards has no refresh operation, so the rotation check cannot run there, and says why.
    assert (
        "skipped authn.access-as-refresh: it needs a refresh operation "
        "(inferred, or named in `[roles]`): the spec has none"
    ) in result.stdout
    assert "authz.read-cross-user" in next(
        line for line in result.stdout.splitlines() if line.strip().startswith("getCard ")
    )


def _security(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index("security schemes")
    return lines[start : lines.index("", start)]


def test_each_scheme_and_the_presentation_are_shown(tmp_path: Path) -> None:
    wrapped = Path(__file__).parent / "targets" / "wrapped" / "spec.yaml"
    result = _inspect(tmp_path, "--spec", str(wrapped))
    assert result.returncode == 0, result.stderr
    assert _security(result.stdout) == [
        "security schemes",
        "  Token            apiKey         apiKey in header Authorization; its description shows "
        "`Token xxxxxx.yyyyyyy.zzzzzz`, so `Token {token}`",
        "  presented as     header Authorization: Token {token} · Token, which 16 of the 16 "
        "operations taking a credential name",
        "  optional         4 operations take a credential without requiring one: "
        "GetProfileByUsername, GetArticles, GetArticle, GetArticleComments",
    ]
    model = json.loads(_inspect(tmp_path, "--spec", str(wrapped), "--format", "json").stdout)
    assert model["security"]["presented"] == {
        "scheme": "Token",
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "format": "Token {token}",
        "flows": [],
        "how": "Token, which 16 of the 16 operations taking a credential name",
    }


def test_the_auth_table_overrides_the_presentation_inspect_shows(tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text(
        '[auth]\nheader = "X-Session"\nformat = "{token}"\n', encoding="utf-8"
    )
    result = _inspect(tmp_path)
    assert result.returncode == 0, result.stderr
    assert _security(result.stdout)[-1] == (
        "  presented as     header X-Session: {token} · set in conformance.toml [auth]: "
        "header X-Session: {token} (over OAuth2PasswordBearer: header Authorization: "
        "Bearer {token})"
    )


def test_a_wrong_auth_table_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text('[auth]\nplace = "header"\n', encoding="utf-8")
    result = _inspect(tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'conformance.toml'}: [auth] has unknown keys: place "
        "(known: scheme, header, query, cookie, format)"
    ]
