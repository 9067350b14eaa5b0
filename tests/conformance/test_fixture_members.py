"""The members fixture conforms to its own spec: plain HTTP tests, then schemathesis."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from tests.conformance.targets.members import SPEC_PATH, create_app
from tests.conformance.targets.schemathesis_cli import run_schemathesis
from tests.conformance.targets.serving import serve


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(create_app()) as base:
        yield base


@pytest.fixture
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url) as http:
        yield http


def enrol(client: httpx.Client) -> dict[str, str]:
    """A new member's `Authorization` header."""
    body = {"handle": f"m{secrets.token_hex(4)}", "passphrase": "open sesame"}
    assert client.post("/members", json=body).status_code == 201
    issued = client.post("/tokens", json=body)
    assert issued.status_code == 200, issued.text
    assert issued.json()["token_type"] == "bearer"
    return {"Authorization": f"Bearer {issued.json()['access_token']}"}


def test_the_spec_is_valid_and_served_at_openapi_json(client: httpx.Client) -> None:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    validate(document)
    assert client.get("/openapi.json").json() == document


def test_enrolment_answers_an_integer_id_and_refuses_a_taken_handle(client: httpx.Client) -> None:
    body = {"handle": f"h{secrets.token_hex(4)}", "passphrase": "12345678"}
    created = client.post("/members", json=body)
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "handle": body["handle"]}
    assert isinstance(created.json()["id"], int)
    taken = client.post("/members", json=body)
    assert taken.status_code == 409
    assert set(taken.json()) == {"message"}


def test_wrong_passphrase_is_401_and_a_short_one_is_422(client: httpx.Client) -> None:
    handle = f"h{secrets.token_hex(4)}"
    client.post("/members", json={"handle": handle, "passphrase": "12345678"})
    wrong = client.post("/tokens", json={"handle": handle, "passphrase": "87654321"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    short = client.post("/members", json={"handle": "abc", "passphrase": "1234567"})
    assert short.status_code == 422
    assert "body/passphrase" in short.json()["message"]


def test_notes_are_a_bare_array_of_the_callers_own(client: httpx.Client) -> None:
    mine, theirs = enrol(client), enrol(client)
    ids = [client.post("/notes", json={"text": f"n{n}"}, headers=mine).json()["id"] for n in "abc"]
    client.post("/notes", json={"text": "other"}, headers=theirs)
    listed = client.get("/notes", params={"limit": 2}, headers=mine)
    assert listed.status_code == 200
    assert [note["id"] for note in listed.json()] == ids[:2]
    assert client.get("/notes?limit=21", headers=mine).status_code == 422
    assert client.get("/notes").status_code == 401


def test_another_members_note_and_a_malformed_id_are_404(client: httpx.Client) -> None:
    owner, intruder = enrol(client), enrol(client)
    written = client.post("/notes", json={"text": "secret"}, headers=owner)
    assert written.status_code == 201
    note_id = written.json()["id"]
    assert written.headers["location"] == f"/notes/{note_id}"
    for path in (f"/notes/{note_id}", "/notes/abc", "/notes/0", "/notes/99999999999999999999"):
        assert client.get(path, headers=intruder).status_code == 404, path
    assert client.delete(f"/notes/{note_id}", headers=intruder).status_code == 404
    assert client.delete(f"/notes/{note_id}", headers=owner).status_code == 204
    assert client.get(f"/notes/{note_id}", headers=owner).status_code == 404


@pytest.mark.slow
def test_schemathesis_finds_nothing(url: str, tmp_path: Path) -> None:
    with httpx.Client(base_url=url) as client:
        token = enrol(client)["Authorization"].removeprefix("Bearer ")
    run = run_schemathesis(f"{url}/openapi.json", url, token, scratch=tmp_path)
    assert run.exit_code == 0, run.explain()
    assert "No issues found" in run.output, run.explain()
    assert "Tested: 6" in run.output, run.explain()
