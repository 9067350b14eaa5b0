"""A write that did not commit is never answered 2xx."""

from __future__ import annotations

from typing import cast

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from .conftest import PASSWORD, Api


async def test_a_failed_commit_is_not_answered_2xx(api: Api, app: FastAPI) -> None:
    from sqlalchemy import event

    from reference_impl.runtime import Runtime

    engine = cast(Runtime, app.state.runtime).database.engine.sync_engine

    def failing_commit(connection: Connection) -> None:
        # As a COMMIT that fails does: the transaction is over, and nothing was written.
        connection.exec_driver_sql("ROLLBACK")
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        # The units of work of several steps (sessions) commit through the engine.
        event.listen(engine, "commit", failing_commit)
        try:
            user = await client.post(
                "/api/v1/users/", json={"email": "bob@example.com", "password": PASSWORD}
            )
        finally:
            event.remove(engine, "commit", failing_commit)
        assert user.status_code >= 500
        login = await client.post(
            "/api/v1/auth/login", data={"username": "bob@example.com", "password": PASSWORD}
        )
        assert login.status_code == 401


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
        async with database.engine.begin() as connection:
            for statement in refuse:
                await connection.exec_driver_sql(statement)
        try:
            item = await client.post("/api/v1/items/", json={"title": "lost"}, headers=headers)
        finally:
            async with database.engine.begin() as connection:
                for statement in allow:
                    await connection.exec_driver_sql(statement)
        assert not 200 <= item.status_code < 300
        listed = await client.get("/api/v1/items/", headers=headers)
        assert listed.json() == []


async def test_an_account_deleted_mid_request_is_401_not_500(api: Api, app: FastAPI) -> None:
    from reference_impl.deps import get_current_user
    from reference_impl.repositories.accounts import read_account
    from reference_impl.runtime import Runtime

    account, headers = await api.user("ada@example.com")
    runtime: Runtime = app.state.runtime
    real = await read_account(runtime.database, account["id"])
    assert real is not None
    await api.client.delete(f"/api/v1/users/{account['id']}", headers=headers)

    async def stale_read() -> object:
        # The account check ran just before the delete committed.
        return real

    app.dependency_overrides[get_current_user] = stale_read
    answer = await api.client.post("/api/v1/items/", json={"title": "orphan"}, headers=headers)
    assert answer.status_code == 401


async def test_an_account_deleted_during_its_update_is_404_not_500(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reference_impl.runtime import Runtime

    account, headers = await api.user("ada@example.com")
    runtime: Runtime = app.state.runtime
    real_hash = runtime.passwords.hash

    async def hash_while_the_account_is_deleted(password: str) -> str:
        # A password change hashes between reading the row and writing it; a DELETE from
        # another request lands in that window.
        deleted = await api.client.delete(f"/api/v1/users/{account['id']}", headers=headers)
        assert deleted.status_code == 204
        return await real_hash(password)

    monkeypatch.setattr(runtime.passwords, "hash", hash_while_the_account_is_deleted)
    answer = await api.client.patch(
        f"/api/v1/users/{account['id']}",
        json={"password": "another long password"},
        headers=headers,
    )
    assert answer.status_code == 404
    assert answer.json() == {"detail": "User not found"}
