"""`/api/v1/items`: items visible only to their owner and to superusers."""

from __future__ import annotations

from datetime import datetime

from generated.models import ItemList, ItemResponse

from ..conftest import Api


async def test_create_read_update_delete(api: Api) -> None:
    account, headers = await api.user("ada@example.com")
    answer = await api.client.post(
        "/api/v1/items/", json={"title": "Notebook", "description": "A5"}, headers=headers
    )
    assert answer.status_code == 201
    item = ItemResponse.model_validate(answer.json())
    assert item.owner_id == account["id"] and item.updated_at is None
    assert answer.headers["location"] == f"/api/v1/items/{item.id}"
    assert item.created_at.utcoffset() is not None

    url = f"/api/v1/items/{item.id}"
    assert (await api.client.get(url, headers=headers)).json() == answer.json()

    changed = await api.client.patch(url, json={"description": None}, headers=headers)
    assert changed.status_code == 200
    body = changed.json()
    assert body["title"] == "Notebook" and body["description"] is None
    assert datetime.fromisoformat(body["updated_at"]) >= item.created_at

    assert (await api.client.delete(url, headers=headers)).status_code == 204
    gone = await api.client.get(url, headers=headers)
    assert gone.status_code == 404 and gone.json() == {"detail": "Item not found"}


async def test_owner_cannot_be_chosen_and_title_cannot_be_null(api: Api) -> None:
    _, headers = await api.user("ada@example.com")
    for body in [
        {"title": "x", "owner_id": 1},
        {"title": ""},
        {"title": "x" * 256},
        {"title": "x", "description": "y" * 10_001},
        {"title": "nul\x00"},
        {},
    ]:
        answer = await api.client.post("/api/v1/items/", json=body, headers=headers)
        assert answer.status_code == 422, body
    item = (await api.client.post("/api/v1/items/", json={"title": "x"}, headers=headers)).json()
    answer = await api.client.patch(
        f"/api/v1/items/{item['id']}", json={"title": None}, headers=headers
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "title"]


async def test_others_items_are_404_and_superuser_sees_all(api: Api) -> None:
    _, ada = await api.user("ada@example.com")
    _, bob = await api.user("bob@example.com")
    item = (await api.client.post("/api/v1/items/", json={"title": "ada's"}, headers=ada)).json()
    await api.client.post("/api/v1/items/", json={"title": "bob's"}, headers=bob)
    url = f"/api/v1/items/{item['id']}"
    for method, body in [("GET", None), ("PATCH", {"title": "mine"}), ("DELETE", None)]:
        answer = await api.client.request(method, url, json=body, headers=bob)
        assert answer.status_code == 404 and answer.json() == {"detail": "Item not found"}

    bobs = await api.client.get("/api/v1/items/", headers=bob)
    assert [entry["title"] for entry in bobs.json()] == ["bob's"]
    assert bobs.headers["x-total-count"] == "1"

    admin = await api.admin_headers()
    everything = await api.client.get("/api/v1/items/", headers=admin)
    assert [entry["title"] for entry in everything.json()] == ["ada's", "bob's"]
    assert (await api.client.patch(url, json={"title": "admin"}, headers=admin)).status_code == 200


async def test_list_is_ordered_and_paginated(api: Api) -> None:
    _, headers = await api.user("ada@example.com")
    for index in range(5):
        await api.client.post("/api/v1/items/", json={"title": f"t{index}"}, headers=headers)
    answer = await api.client.get("/api/v1/items/", params={"skip": 1, "limit": 3}, headers=headers)
    items = ItemList.model_validate(answer.json()).root
    assert [item.title for item in items] == ["t1", "t2", "t3"]
    assert answer.headers["x-total-count"] == "5"
    far = await api.client.get("/api/v1/items/", params={"skip": 2**31 - 1}, headers=headers)
    assert far.status_code == 200 and far.json() == []


async def test_huge_and_odd_ids(api: Api) -> None:
    _, headers = await api.user("ada@example.com")
    for item_id, expected in [
        (str(2**63 - 1), 404),
        (str(2**63), 422),
        ("0", 422),
        ("-5", 422),
        ("1.0", 404),
        ("1e3", 404),
        ("9" * 5000, 422),
    ]:
        answer = await api.client.get(f"/api/v1/items/{item_id}", headers=headers)
        assert answer.status_code == expected, item_id


async def test_items_need_a_token(api: Api) -> None:
    for method, url in [
        ("GET", "/api/v1/items/"),
        ("POST", "/api/v1/items/"),
        ("GET", "/api/v1/items/1"),
    ]:
        answer = await api.client.request(method, url)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
