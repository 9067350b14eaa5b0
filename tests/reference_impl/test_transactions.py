"""A write that did not commit is never answered 2xx."""

from __future__ import annotations

from typing import cast

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from .conftest import PASSWORD, Api


async def test_a_failed_commit_is_not_answered_2xx(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A unit of work of several statements (a password change: the new hash, and every
    # refresh token revoked) whose COMMIT fails.
    from reference_impl.db.engine import Transaction

    account, headers = await api.user("ada@example.com")
    execute = Transaction.execute

    async def failing_commit(self: Transaction, sql: str) -> None:
        if sql == "COMMIT":
            # As a COMMIT that fails does: the transaction is over, and nothing was written.
            await execute(self, "ROLLBACK")
            raise DBAPIError("COMMIT", [], Exception("disk I/O error"))
        await execute(self, sql)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        monkeypatch.setattr(Transaction, "execute", failing_commit)
        try:
            changed = await client.patch(
                f"/api/v1/users/{account['id']}",
                json={"password": "another long password"},
                headers=headers,
            )
        finally:
            monkeypatch.undo()
        assert changed.status_code >= 500
        login = await client.post(
            "/api/v1/auth/login", data={"username": "ada@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200


async def test_a_write_the_database_refuses_is_not_answered_2xx(api: Api, app: FastAPI) -> None:
    # A single-statement write commits with its statement (autocommit): a statement the
    # database fails is the write that did not commit.
    from reference_impl.runtime import Runtime

    database = cast(Runtime, app.state.runtime).database
    _, headers = await api.user("ada@example.com")
    refuse = (
        [
            "CREATE TRIGGER refuse_items BEFORE INSERT ON items "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        ]
        if database.is_sqlite
        else [
            "CREATE FUNCTION refuse_items() RETURNS trigger AS "
            "$$ BEGIN RAISE EXCEPTION 'disk I/O error'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_items BEFORE INSERT ON items "
            "FOR EACH ROW EXECUTE FUNCTION refuse_items()",
        ]
    )
    allow = (
        ["DROP TRIGGER refuse_items"]
        if database.is_sqlite
        else ["DROP TRIGGER refuse_items ON items", "DROP FUNCTION refuse_items()"]
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for statement in refuse:
            await database.write(text(statement))
        try:
            item = await client.post("/api/v1/items/", json={"title": "lost"}, headers=headers)
        finally:
            for statement in allow:
                await database.write(text(statement))
        assert not 200 <= item.status_code < 300
        listed = await client.get("/api/v1/items/", headers=headers)
        assert listed.json() == []


async def test_an_account_deleted_between_requests_is_401_not_500(api: Api) -> None:
    # The item operations read the account in their own statement: a token that still
    # verifies speaks for no one once its account is gone.
    account, headers = await api.user("ada@example.com")
    item = await api.client.post("/api/v1/items/", json={"title": "mine"}, headers=headers)
    path = f"/api/v1/items/{item.json()['id']}"
    await api.client.delete(f"/api/v1/users/{account['id']}", headers=headers)
    answers = [
        await api.client.post("/api/v1/items/", json={"title": "orphan"}, headers=headers),
        await api.client.get("/api/v1/items/", headers=headers),
        await api.client.get(path, headers=headers),
        await api.client.patch(path, json={"title": "x"}, headers=headers),
        await api.client.delete(path, headers=headers),
    ]
    assert [answer.status_code for answer in answers] == [401] * 5


async def test_an_account_deleted_during_its_own_update_is_401_not_500(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reference_impl.runtime import Runtime

    account, headers = await api.user("ada@example.com")
    runtime: Runtime = app.state.runtime
    real_hash = runtime.passwords.hash

    async def hash_while_the_account_is_deleted(password: str) -> str:
        # A password change hashes before it writes; a DELETE from another request lands
        # in that window.
        deleted = await api.client.delete(f"/api/v1/users/{account['id']}", headers=headers)
        assert deleted.status_code == 204
        return await real_hash(password)

    monkeypatch.setattr(runtime.passwords, "hash", hash_while_the_account_is_deleted)
    answer = await api.client.patch(
        f"/api/v1/users/{account['id']}",
        json={"password": "another long password"},
        headers=headers,
    )
    # The account the token spoke for is gone: as for any other request of that token.
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Could not validate credentials"}
