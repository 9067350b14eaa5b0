"""Concurrent requests: one winner per email, and no lost writes."""

from __future__ import annotations

import asyncio

from .conftest import PASSWORD, Api


async def test_twenty_parallel_sign_ups_with_one_email_give_one_201(api: Api) -> None:
    answers = await asyncio.gather(
        *(
            api.client.post(
                "/api/v1/users/",
                json={"email": f"{'ADA' if i % 2 else 'ada'}@example.com", "password": PASSWORD},
            )
            for i in range(20)
        )
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [400] * 19
    for answer in answers:
        if answer.status_code == 400:
            assert answer.json() == {"detail": "Email already registered"}


async def test_fifty_parallel_creates_are_all_readable(api: Api) -> None:
    _, headers = await api.user("ada@example.com")
    answers = await asyncio.gather(
        *(
            api.client.post("/api/v1/items/", json={"title": f"item {i}"}, headers=headers)
            for i in range(50)
        )
    )
    assert {answer.status_code for answer in answers} == {201}
    created = {answer.json()["id"] for answer in answers}
    assert len(created) == 50
    listed = await api.client.get("/api/v1/items/", params={"limit": 100}, headers=headers)
    assert {item["id"] for item in listed.json()} == created
    assert listed.headers["x-total-count"] == "50"
    for item_id in list(created)[:5]:
        assert (
            await api.client.get(f"/api/v1/items/{item_id}", headers=headers)
        ).status_code == 200


async def test_parallel_refreshes_of_one_token_let_at_most_one_through(api: Api) -> None:
    await api.sign_up("ada@example.com")
    tokens = await api.login("ada@example.com")
    answers = await asyncio.gather(
        *(
            api.client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            for _ in range(5)
        )
    )
    assert sum(answer.status_code == 200 for answer in answers) <= 1
    assert all(answer.status_code in {200, 401} for answer in answers)
