"""The FastAPI-template fixture answers as the template does, and each planted fault shows.

The clean app is served once for the module (real HTTP over loopback); each fault is shown
by one scenario run against the clean app and against an app with that fault alone, which
must answer otherwise.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import jwt
import pytest
from openapi_spec_validator import validate

from tests.conformance.targets.fastapi_defaults import (
    FAULTS,
    FIRST_SUPERUSER,
    FIRST_SUPERUSER_PASSWORD,
    create_app,
)
from tests.conformance.targets.runner import inspect_heading
from tests.conformance.targets.serving import serve

SECRET = "a-test-secret-of-the-template-fixture"
PASSWORD = "correct horse battery"
V1 = "/api/v1"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(create_app(secret_key=SECRET)) as base:
        yield base


@pytest.fixture
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url) as http:
        yield http


def log_in(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    token = client.post(f"{V1}/login/access-token", data={"username": email, "password": password})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def sign_up(client: httpx.Client, prefix: str = "user") -> dict[str, str]:
    """A new account's `Authorization` header (`Bearer <jwt>`)."""
    email = f"{prefix}{secrets.token_hex(4)}@example.com"
    created = client.post(f"{V1}/users/signup", json={"email": email, "password": PASSWORD})
    assert created.status_code == 200, created.text
    return log_in(client, email, PASSWORD)


def admin(client: httpx.Client) -> dict[str, str]:
    return log_in(client, FIRST_SUPERUSER, FIRST_SUPERUSER_PASSWORD)


def new_item(client: httpx.Client, headers: dict[str, str], title: str = "item") -> str:
    created = client.post(f"{V1}/items/", json={"title": title}, headers=headers)
    assert created.status_code == 200, created.text
    item_id: str = created.json()["id"]
    return item_id


def test_the_served_document_is_fastapis_own(client: httpx.Client) -> None:
    served = client.get(f"{V1}/openapi.json")
    assert served.status_code == 200
    document = served.json()
    validate(document)
    assert document["openapi"].startswith("3.1.")
    assert document["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {"password": {"scopes": {}, "tokenUrl": f"{V1}/login/access-token"}},
        }
    }
    documented = {
        code
        for item in document["paths"].values()
        for operation in item.values()
        for code in operation["responses"]
    }
    assert documented == {"200", "422"}
    item = document["paths"][f"{V1}/items/{{id}}"]["get"]
    assert item["operationId"] == "items-read_item"
    assert item["parameters"][0]["schema"] == {"type": "string", "format": "uuid", "title": "Id"}
    login = document["paths"][f"{V1}/login/access-token"]["post"]
    assert list(login["requestBody"]["content"]) == ["application/x-www-form-urlencoded"]


def test_login_is_oauth2_password_flow_with_a_form(client: httpx.Client) -> None:
    email = f"ada{secrets.token_hex(4)}@example.com"
    created = client.post(
        f"{V1}/users/signup", json={"email": email, "password": PASSWORD, "full_name": "Ada"}
    )
    assert created.status_code == 200
    assert set(created.json()) == {
        "email",
        "is_active",
        "is_superuser",
        "full_name",
        "id",
        "created_at",
    }
    token = client.post(f"{V1}/login/access-token", data={"username": email, "password": PASSWORD})
    assert token.json()["token_type"] == "bearer"
    claims = jwt.decode(token.json()["access_token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == created.json()["id"]
    as_json = client.post(
        f"{V1}/login/access-token", json={"username": email, "password": PASSWORD}
    )
    assert as_json.status_code == 422
    wrong = client.post(f"{V1}/login/access-token", data={"username": email, "password": "x"})
    assert wrong.status_code == 400
    assert wrong.json() == {"detail": "Incorrect email or password"}
    again = client.post(f"{V1}/users/signup", json={"email": email, "password": PASSWORD})
    assert again.status_code == 400


def test_test_token_answers_the_callers_own_account(client: httpx.Client) -> None:
    headers = sign_up(client)
    me = client.get(f"{V1}/users/me", headers=headers).json()
    assert client.post(f"{V1}/login/test-token", headers=headers).json() == me
    assert "hashed_password" not in me


def test_a_missing_token_is_401_and_an_invalid_one_403(client: httpx.Client) -> None:
    missing = client.get(f"{V1}/users/me")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json() == {"detail": "Not authenticated"}
    invalid = client.get(f"{V1}/users/me", headers={"Authorization": "Bearer not-a-jwt"})
    assert invalid.status_code == 403
    assert invalid.json() == {"detail": "Could not validate credentials"}


def test_the_superuser_made_at_start_up_manages_users(client: httpx.Client) -> None:
    headers = admin(client)
    me = client.get(f"{V1}/users/me", headers=headers).json()
    assert (me["email"], me["is_superuser"]) == (FIRST_SUPERUSER, True)
    email = f"made{secrets.token_hex(4)}@example.com"
    made = client.post(
        f"{V1}/users/",
        json={"email": email, "password": PASSWORD, "is_superuser": False},
        headers=headers,
    )
    assert made.status_code == 200
    listed = client.get(f"{V1}/users/?limit=1000", headers=headers).json()
    assert email in [user["email"] for user in listed["data"]]
    assert listed["count"] == len(listed["data"])
    normal = log_in(client, email, PASSWORD)
    refused = client.post(
        f"{V1}/users/", json={"email": f"x{email}", "password": PASSWORD}, headers=normal
    )
    assert refused.status_code == 403
    assert refused.json() == {"detail": "The user doesn't have enough privileges"}
    assert client.get(f"{V1}/users/", headers=normal).status_code == 403
    themselves = client.delete(f"{V1}/users/me", headers=headers)
    assert themselves.status_code == 403


def test_users_change_their_own_account_and_password(client: httpx.Client) -> None:
    email = f"bob{secrets.token_hex(4)}@example.com"
    client.post(f"{V1}/users/signup", json={"email": email, "password": PASSWORD})
    headers = log_in(client, email, PASSWORD)
    changed = client.patch(f"{V1}/users/me", json={"full_name": "Bob"}, headers=headers)
    assert changed.json()["full_name"] == "Bob"
    kept = client.patch(f"{V1}/users/me", json={"email": None}, headers=headers)
    assert (kept.status_code, kept.json()["email"]) == (200, email)
    wrong = client.patch(
        f"{V1}/users/me/password",
        json={"current_password": "not the password", "new_password": "a new password"},
        headers=headers,
    )
    assert wrong.status_code == 400
    assert wrong.json() == {"detail": "Incorrect password"}
    moved = client.patch(
        f"{V1}/users/me/password",
        json={"current_password": PASSWORD, "new_password": "a new password"},
        headers=headers,
    )
    assert moved.json() == {"message": "Password updated successfully"}
    log_in(client, email, "a new password")
    short = client.patch(
        f"{V1}/users/me/password",
        json={"current_password": "a new password", "new_password": "short"},
        headers=headers,
    )
    assert short.status_code == 422
    assert client.delete(f"{V1}/users/me", headers=headers).json() == {
        "message": "User deleted successfully"
    }
    assert client.get(f"{V1}/users/me", headers=headers).status_code == 404


def test_items_are_each_accounts_own_and_all_the_superusers(client: httpx.Client) -> None:
    owner, other = sign_up(client, "owner"), sign_up(client, "other")
    item_id = new_item(client, owner, "mine")
    for method, body in [("GET", None), ("PUT", {"title": "x"}), ("DELETE", None)]:
        refused = client.request(method, f"{V1}/items/{item_id}", json=body, headers=other)
        assert refused.status_code == 400
        assert refused.json() == {"detail": "Not enough permissions"}
    assert client.get(f"{V1}/items/", headers=other).json() == {"data": [], "count": 0}
    seen = client.get(f"{V1}/items/{item_id}", headers=admin(client))
    assert seen.json()["title"] == "mine"
    missing = client.get(f"{V1}/items/{uuid.uuid4()}", headers=owner)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Item not found"}
    assert client.get(f"{V1}/items/not-a-uuid", headers=owner).status_code == 422


def test_items_crud_and_skip_limit_pagination(client: httpx.Client) -> None:
    headers = sign_up(client)
    ids = [new_item(client, headers, f"item {n}") for n in range(4)]
    page = client.get(f"{V1}/items/?skip=1&limit=2", headers=headers).json()
    assert page["count"] == 4
    assert [item["id"] for item in page["data"]] == [ids[2], ids[1]]
    updated = client.put(f"{V1}/items/{ids[0]}", json={"description": "d"}, headers=headers)
    assert (updated.json()["title"], updated.json()["description"]) == ("item 0", "d")
    assert client.get(f"{V1}/items/{ids[0]}", headers=headers).json()["description"] == "d"
    deleted = client.delete(f"{V1}/items/{ids[0]}", headers=headers)
    assert deleted.json() == {"message": "Item deleted successfully"}
    assert client.get(f"{V1}/items/{ids[0]}", headers=headers).status_code == 404
    assert client.post(f"{V1}/items/", json={"title": ""}, headers=headers).status_code == 422


def test_the_variant_where_only_superusers_create_items() -> None:
    app = create_app(item_create="superuser")
    with serve(app) as base, httpx.Client(base_url=base) as c:
        refused = c.post(f"{V1}/items/", json={"title": "t"}, headers=sign_up(c))
        assert refused.status_code == 403
        assert new_item(c, admin(c))
        document = c.get(f"{V1}/openapi.json").json()
        assert set(document["paths"][f"{V1}/items/"]["post"]["responses"]) == {"200", "422"}


def test_conformance_inspect_reads_the_served_document(url: str, tmp_path: Path) -> None:
    spec = f"{url}/api/v1/openapi.json"

    assert inspect_heading(spec, tmp_path) == f"spec {spec} · 18 operations"


def test_an_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown faults"):
        create_app(faults={"no-such-fault"})


# Each scenario answers something a user would notice; the clean app and the app with
# that one fault must answer differently.


def s_item_read_any(c: httpx.Client) -> Any:
    item_id = new_item(c, sign_up(c))
    return c.get(f"{V1}/items/{item_id}", headers=sign_up(c)).status_code


def s_item_update_any(c: httpx.Client) -> Any:
    owner = sign_up(c)
    item_id = new_item(c, owner, "mine")
    c.put(f"{V1}/items/{item_id}", json={"title": "defaced"}, headers=sign_up(c))
    return c.get(f"{V1}/items/{item_id}", headers=owner).json()["title"]


def s_item_delete_any(c: httpx.Client) -> Any:
    owner = sign_up(c)
    item_id = new_item(c, owner)
    c.delete(f"{V1}/items/{item_id}", headers=sign_up(c))
    return c.get(f"{V1}/items/{item_id}", headers=owner).status_code


def s_item_list_shows_all(c: httpx.Client) -> Any:
    new_item(c, sign_up(c))
    return len(c.get(f"{V1}/items/", headers=sign_up(c)).json()["data"]) > 0


def s_count_counts_all(c: httpx.Client) -> Any:
    new_item(c, sign_up(c))
    return c.get(f"{V1}/items/", headers=sign_up(c)).json()["count"] > 0


def s_items_outlive_owner(c: httpx.Client) -> Any:
    owner = sign_up(c)
    item_id = new_item(c, owner)
    c.delete(f"{V1}/users/me", headers=owner)
    return c.get(f"{V1}/items/{item_id}", headers=admin(c)).status_code


def s_signature_unchecked(c: httpx.Client) -> Any:
    me = c.get(f"{V1}/users/me", headers=sign_up(c)).json()
    claims = {"sub": me["id"], "exp": datetime.now(UTC) + timedelta(minutes=5)}
    forged = jwt.encode(claims, "not-the-secret-of-this-app-at-all", algorithm="HS256")
    return c.get(f"{V1}/users/me", headers={"Authorization": f"Bearer {forged}"}).status_code


def s_expired_token_accepted(c: httpx.Client) -> Any:
    me = c.get(f"{V1}/users/me", headers=sign_up(c)).json()
    claims = {"sub": me["id"], "exp": datetime.now(UTC) - timedelta(minutes=5)}
    expired = jwt.encode(claims, SECRET, algorithm="HS256")
    return c.get(f"{V1}/users/me", headers={"Authorization": f"Bearer {expired}"}).status_code


def s_any_password_accepted(c: httpx.Client) -> Any:
    data = {"username": FIRST_SUPERUSER, "password": "wrong guess"}
    return c.post(f"{V1}/login/access-token", data=data).status_code


def s_current_password_unchecked(c: httpx.Client) -> Any:
    body = {"current_password": "not the password", "new_password": "a new password"}
    return c.patch(f"{V1}/users/me/password", json=body, headers=sign_up(c)).status_code


def s_user_create_open(c: httpx.Client) -> Any:
    body = {"email": f"new{secrets.token_hex(4)}@example.com", "password": PASSWORD}
    return c.post(f"{V1}/users/", json=body, headers=sign_up(c)).status_code


def s_item_create_open(c: httpx.Client) -> Any:
    return c.post(f"{V1}/items/", json={"title": "t"}, headers=sign_up(c)).status_code


def s_password_hash_answered(c: httpx.Client) -> Any:
    return "hashed_password" in c.get(f"{V1}/users/me", headers=sign_up(c)).json()


def s_item_update_lost(c: httpx.Client) -> Any:
    headers = sign_up(c)
    item_id = new_item(c, headers, "first")
    answered = c.put(f"{V1}/items/{item_id}", json={"title": "second"}, headers=headers)
    return answered.json()["title"], c.get(f"{V1}/items/{item_id}", headers=headers).json()["title"]


def s_item_delete_noop(c: httpx.Client) -> Any:
    headers = sign_up(c)
    item_id = new_item(c, headers)
    deleted = c.delete(f"{V1}/items/{item_id}", headers=headers).status_code
    return deleted, c.get(f"{V1}/items/{item_id}", headers=headers).status_code


def s_limit_ignored(c: httpx.Client) -> Any:
    headers = sign_up(c)
    for _ in range(3):
        new_item(c, headers)
    return len(c.get(f"{V1}/items/?limit=2", headers=headers).json()["data"])


# fault -> (scenario, what the clean app answers, what the faulty app answers)
SCENARIOS: dict[str, tuple[Callable[[httpx.Client], Any], Any, Any]] = {
    "item-read-any": (s_item_read_any, 400, 200),
    "item-update-any": (s_item_update_any, "mine", "defaced"),
    "item-delete-any": (s_item_delete_any, 200, 404),
    "item-list-shows-all": (s_item_list_shows_all, False, True),
    "count-counts-all": (s_count_counts_all, False, True),
    "items-outlive-owner": (s_items_outlive_owner, 404, 200),
    "signature-unchecked": (s_signature_unchecked, 403, 200),
    "expired-token-accepted": (s_expired_token_accepted, 403, 200),
    "any-password-accepted": (s_any_password_accepted, 400, 200),
    "current-password-unchecked": (s_current_password_unchecked, 400, 200),
    "user-create-open": (s_user_create_open, 403, 200),
    "item-create-open": (s_item_create_open, 403, 200),
    "password-hash-answered": (s_password_hash_answered, False, True),
    "item-update-lost": (s_item_update_lost, ("second", "second"), ("second", "first")),
    "item-delete-noop": (s_item_delete_noop, (200, 404), (200, 200)),
    "limit-ignored": (s_limit_ignored, 2, 3),
}
# The variant each fault is shown on (the item-create fault only exists where the create is
# reserved to superusers).
VARIANT: dict[str, Literal["any-user", "superuser"]] = {"item-create-open": "superuser"}


@pytest.fixture(scope="module")
def superuser_variant_url() -> Iterator[str]:
    with serve(create_app(item_create="superuser", secret_key=SECRET)) as base:
        yield base


def test_every_fault_has_a_scenario() -> None:
    assert set(SCENARIOS) == FAULTS


@pytest.mark.parametrize("fault", sorted(SCENARIOS))
def test_a_planted_fault_changes_the_answer(
    url: str, superuser_variant_url: str, fault: str
) -> None:
    scenario, clean, broken = SCENARIOS[fault]
    variant = VARIANT.get(fault, "any-user")
    clean_url = superuser_variant_url if variant == "superuser" else url
    with httpx.Client(base_url=clean_url) as c:
        assert scenario(c) == clean
    faulty_app = create_app(faults={fault}, item_create=variant, secret_key=SECRET)
    with serve(faulty_app) as base, httpx.Client(base_url=base) as faulty:
        assert scenario(faulty) == broken
