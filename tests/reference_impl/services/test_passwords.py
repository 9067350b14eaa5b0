"""Password hashing: Argon2id, legacy bcrypt, long passwords, and never on the event loop."""

from __future__ import annotations

import threading

import bcrypt
import pytest
from fastapi import FastAPI
from pwdlib import PasswordHash
from sqlalchemy import select, update

from reference_impl.db.tables import User
from reference_impl.runtime import Runtime
from reference_impl.services.passwords import Passwords

from ..conftest import Api, make_settings


async def test_new_hashes_are_argon2id_and_verify() -> None:
    passwords = Passwords(make_settings())
    hashed = await passwords.hash("correct horse")
    assert hashed.startswith("$argon2id$")
    assert await passwords.verify("correct horse", hashed) == (True, None)
    assert await passwords.verify("wrong horse", hashed) == (False, None)


async def test_outdated_argon2_parameters_are_rehashed() -> None:
    old = await Passwords(make_settings(argon2_time_cost=2)).hash("pw")
    valid, new_hash = await Passwords(make_settings(argon2_time_cost=1)).verify("pw", old)
    assert valid and new_hash is not None and "t=1" in new_hash


@pytest.mark.parametrize("password", ["short pw", "ü" * 50, "x" * 1024])
async def test_legacy_bcrypt_verifies_and_is_upgraded(password: str) -> None:
    # The guide's passlib cut passwords at 72 bytes before bcrypt saw them.
    legacy = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()
    passwords = Passwords(make_settings())
    valid, new_hash = await passwords.verify(password, legacy)
    assert valid and new_hash is not None and new_hash.startswith("$argon2id$")
    assert await passwords.verify("not it", legacy) == (False, None)


async def test_an_unknown_hash_format_matches_nothing() -> None:
    assert await Passwords(make_settings()).verify("pw", "plaintext") == (False, None)


async def test_login_upgrades_a_legacy_hash(api: Api, app: FastAPI) -> None:
    long_password = "p" * 100
    await api.sign_up("ada@example.com")
    legacy = bcrypt.hashpw(long_password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()
    runtime: Runtime = app.state.runtime
    await runtime.database.write(
        update(User).where(User.email == "ada@example.com").values(hashed_password=legacy)
    )
    await api.login("ada@example.com", long_password)
    row = await runtime.database.fetch_one(
        select(User.hashed_password).where(User.email == "ada@example.com")
    )
    assert row is not None and str(row[0]).startswith("$argon2id$")
    await api.login("ada@example.com", long_password)


async def test_hashing_never_runs_on_the_event_loop(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop_thread = threading.get_ident()
    threads: list[int] = []
    original_hash, original_verify = PasswordHash.hash, PasswordHash.verify

    def spy_hash(self: PasswordHash, password: str | bytes, **kwargs: object) -> str:
        threads.append(threading.get_ident())
        return original_hash(self, password)

    def spy_verify(self: PasswordHash, password: str | bytes, hash: str | bytes) -> bool:
        threads.append(threading.get_ident())
        return original_verify(self, password, hash)

    monkeypatch.setattr(PasswordHash, "hash", spy_hash)
    monkeypatch.setattr(PasswordHash, "verify", spy_verify)
    await api.sign_up("ada@example.com")
    await api.login("ada@example.com")
    await api.client.post("/api/v1/auth/login", data={"username": "nobody@x.org", "password": "pw"})
    assert threads, "no hashing was observed"
    assert loop_thread not in threads
