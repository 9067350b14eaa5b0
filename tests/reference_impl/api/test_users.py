"""`/api/v1/users`: sign-up, reading, changing and deleting accounts."""

from __future__ import annotations

from datetime import datetime

import httpx

from generated.models import UserList, UserResponse

from ..conftest import ADMIN_EMAIL, PASSWORD, Api


async def test_sign_up_answers_201_with_location_and_no_password(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/v1/users/",
        json={"email": "Ada@Example.com", "password": PASSWORD, "full_name": "Ada Lovelace"},
    )
    assert answer.status_code == 201
    body = answer.json()
    UserResponse.model_validate(body)
    assert body["email"] == "Ada@Example.com"  # Returned as written.
    assert body["full_name"] == "Ada Lovelace"
    assert body["is_active"] is True
    assert answer.headers["location"] == f"/api/v1/users/{body['id']}"
    assert "password" not in answer.text and "hashed_password" not in answer.text
    offset = datetime.fromisoformat(body["created_at"]).utcoffset()
    assert offset is not None and offset.total_seconds() == 0


async def test_email_taken_whatever_its_case_is_400(api: Api) -> None:
    await api.sign_up("ada@example.com")
    answer = await api.client.post(
        "/api/v1/users/", json={"email": "ADA@example.COM", "password": PASSWORD}
    )
    assert answer.status_code == 400
    assert answer.json() == {"detail": "Email already registered"}


async def test_mass_assignment_is_422(client: httpx.AsyncClient) -> None:
    for field, value in [("is_superuser", True), ("is_active", False), ("id", 5)]:
        answer = await client.post(
            "/api/v1/users/",
            json={"email": "mallory@example.com", "password": PASSWORD, field: value},
        )
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["type"] == "extra_forbidden"


async def test_sign_up_validation(client: httpx.AsyncClient) -> None:
    cases = [
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "a@b.c", "password": "short"},
        {"email": "a@b.c", "password": "x" * 129},
        {"email": "a\x00b@example.com", "password": PASSWORD},
        {"email": "a@b.c", "password": PASSWORD, "full_name": "nul\x00here"},
        {"password": PASSWORD},
    ]
    for body in cases:
        answer = await client.post("/api/v1/users/", json=body)
        assert answer.status_code == 422, body
        for item in answer.json()["detail"]:
            assert set(item) <= {"loc", "msg", "type", "ctx"}
            assert PASSWORD not in str(item)


async def test_me_reads_the_callers_account(api: Api) -> None:
    account, headers = await api.user("ada@example.com")
    answer = await api.client.get("/api/v1/users/me", headers=headers)
    assert answer.status_code == 200
    assert answer.json() == account


async def test_list_users_is_for_superusers_only(api: Api) -> None:
    _, headers = await api.user("ada@example.com")
    answer = await api.client.get("/api/v1/users/", headers=headers)
    assert answer.status_code == 403
    assert answer.json() == {"detail": "Superuser required"}

    admin = await api.admin_headers()
    for index in range(3):
        await api.sign_up(f"user{index}@example.com")
    answer = await api.client.get("/api/v1/users/", params={"skip": 1, "limit": 2}, headers=admin)
    assert answer.status_code == 200
    users = UserList.model_validate(answer.json()).root
    assert answer.headers["x-total-count"] == "5"
    assert [user.id for user in users] == [2, 3]


async def test_pagination_bounds_are_422(api: Api) -> None:
    admin = await api.admin_headers()
    cases: list[dict[str, str | int]] = [
        {"limit": 0},
        {"limit": 101},
        {"skip": -1},
        {"skip": 2**31},
        {"limit": "1.0"},
    ]
    for params in cases:
        answer = await api.client.get("/api/v1/users/", params=params, headers=admin)
        assert answer.status_code == 422, params


async def test_reading_another_account_is_403_whether_or_not_it_exists(api: Api) -> None:
    await api.sign_up("bob@example.com")
    _, headers = await api.user("ada@example.com")
    for user_id in (2, 999):
        answer = await api.client.get(f"/api/v1/users/{user_id}", headers=headers)
        assert answer.status_code == 403
        assert answer.json() == {"detail": "Not authorized"}


async def test_superuser_reads_any_account_and_404_for_none(api: Api) -> None:
    bob = await api.sign_up("bob@example.com")
    admin = await api.admin_headers()
    answer = await api.client.get(f"/api/v1/users/{bob['id']}", headers=admin)
    assert answer.status_code == 200 and answer.json() == bob
    answer = await api.client.get("/api/v1/users/999", headers=admin)
    assert answer.status_code == 404
    assert answer.json() == {"detail": "User not found"}


async def test_ids_outside_int64_are_422_and_large_ones_404(api: Api) -> None:
    admin = await api.admin_headers()
    for user_id in ("0", "-1", str(2**63), "9" * 40, "abc"):
        answer = await api.client.get(f"/api/v1/users/{user_id}", headers=admin)
        assert answer.status_code in {404, 422}, user_id
    answer = await api.client.get(f"/api/v1/users/{2**63 - 1}", headers=admin)
    assert answer.status_code == 404


async def test_patch_changes_only_the_fields_given(api: Api) -> None:
    account, headers = await api.user("ada@example.com")
    url = f"/api/v1/users/{account['id']}"
    answer = await api.client.patch(url, json={"full_name": "Ada King"}, headers=headers)
    assert answer.status_code == 200
    assert answer.json() == {**account, "full_name": "Ada King"}
    answer = await api.client.patch(url, json={"full_name": None}, headers=headers)
    assert answer.json()["full_name"] is None
    answer = await api.client.patch(url, json={"email": "ADA@example.com"}, headers=headers)
    assert answer.status_code == 200 and answer.json()["email"] == "ADA@example.com"


async def test_patch_refuses_null_email_or_password_and_unknown_fields(api: Api) -> None:
    account, headers = await api.user("ada@example.com")
    url = f"/api/v1/users/{account['id']}"
    for body in [{"email": None}, {"password": None}, {"is_superuser": True}]:
        answer = await api.client.patch(url, json=body, headers=headers)
        assert answer.status_code == 422, body


async def test_patch_to_a_taken_email_is_400(api: Api) -> None:
    await api.sign_up("bob@example.com")
    account, headers = await api.user("ada@example.com")
    answer = await api.client.patch(
        f"/api/v1/users/{account['id']}",
        json={"email": "BOB@example.com", "password": "a new password"},
        headers=headers,
    )
    assert answer.status_code == 400
    assert answer.json() == {"detail": "Email already registered"}
    # Nothing of the failed change was kept: the old password still works.
    await api.login("ada@example.com")


async def test_patch_another_account_is_403_and_superuser_404(api: Api) -> None:
    bob = await api.sign_up("bob@example.com")
    _, headers = await api.user("ada@example.com")
    answer = await api.client.patch(
        f"/api/v1/users/{bob['id']}", json={"full_name": "x"}, headers=headers
    )
    assert answer.status_code == 403
    admin = await api.admin_headers()
    answer = await api.client.patch(
        f"/api/v1/users/{bob['id']}", json={"full_name": "Bob"}, headers=admin
    )
    assert answer.status_code == 200 and answer.json()["full_name"] == "Bob"
    answer = await api.client.patch("/api/v1/users/999", json={}, headers=admin)
    assert answer.status_code == 404


async def test_password_change_revokes_refresh_tokens(api: Api) -> None:
    account, _ = await api.user("ada@example.com")
    tokens = await api.login("ada@example.com")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    answer = await api.client.patch(
        f"/api/v1/users/{account['id']}", json={"password": "a brand new password"}, headers=headers
    )
    assert answer.status_code == 200
    answer = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert answer.status_code == 401
    await api.login("ada@example.com", "a brand new password")
    answer = await api.client.post(
        "/api/v1/auth/login", data={"username": "ada@example.com", "password": PASSWORD}
    )
    assert answer.status_code == 401


async def test_delete_takes_items_and_tokens_with_the_account(api: Api) -> None:
    account, headers = await api.user("ada@example.com")
    tokens = await api.login("ada@example.com")
    item = (await api.client.post("/api/v1/items/", json={"title": "x"}, headers=headers)).json()
    answer = await api.client.delete(f"/api/v1/users/{account['id']}", headers=headers)
    assert answer.status_code == 204 and answer.content == b""
    # The account's access token stops working at once, and so does its refresh token.
    assert (await api.client.get("/api/v1/users/me", headers=headers)).status_code == 401
    answer = await api.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert answer.status_code == 401
    admin = await api.admin_headers()
    assert (await api.client.get(f"/api/v1/items/{item['id']}", headers=admin)).status_code == 404
    # The id is never handed out again, so the old token cannot speak for a new account.
    newcomer = await api.sign_up("eve@example.com")
    assert newcomer["id"] != account["id"]
    assert (await api.client.get("/api/v1/users/me", headers=headers)).status_code == 401


async def test_delete_others_is_403_superuser_404(api: Api) -> None:
    bob = await api.sign_up("bob@example.com")
    _, headers = await api.user("ada@example.com")
    answer = await api.client.delete(f"/api/v1/users/{bob['id']}", headers=headers)
    assert answer.status_code == 403
    admin = await api.admin_headers()
    assert (await api.client.delete("/api/v1/users/999", headers=admin)).status_code == 404
    assert (await api.client.delete(f"/api/v1/users/{bob['id']}", headers=admin)).status_code == 204


async def test_first_superuser_exists_once(api: Api) -> None:
    admin = await api.admin_headers()
    answer = await api.client.get("/api/v1/users/", headers=admin)
    assert [user["email"] for user in answer.json()] == [ADMIN_EMAIL]
