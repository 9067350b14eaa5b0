"""The clean-up deletes what the run made, on any spec.

The run's own accounts go through the account-deletion role (and take what they own with
them); objects made as accounts that stay, such as the `[[identity]]` accounts of
conformance.toml, are deleted one by one through their resource's delete operation.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .targets import boards
from .targets.runner import run_conformance
from .targets.serving import serve

pytestmark = pytest.mark.slow

PEOPLE = (("keeper_one", "a-long-passphrase-1"), ("keeper_two", "a-long-passphrase-2"))


def _token(client: httpx.Client, username: str, password: str) -> str:
    response = client.post("/v2/sessions", json={"username": username, "password": password})
    response.raise_for_status()
    return str(response.json()["access_token"])


def test_objects_made_as_configured_identities_are_deleted(tmp_path: Path) -> None:
    with serve(boards.create_app()) as url, httpx.Client(base_url=url) as client:
        config = tmp_path / "conformance.toml"
        # No sign-up: the run works only as the two given accounts, which it never deletes.
        entries = ['[roles]\nsignup = "none"\n']
        for username, password in PEOPLE:
            made = client.post("/v2/accounts", json={"username": username, "password": password})
            assert made.status_code == 201, made.text
            entries.append(
                f'[[identity]]\nname = "{username}"\n'
                f'username = "{username}"\npassword = "{password}"\n'
            )
        config.write_text("\n".join(entries), encoding="utf-8")

        run = run_conformance(
            url,
            checks=["generic"],
            extra_args=["--spec", str(boards.SPEC_PATH), "--config", str(config), "--seed", "7"],
        )
        assert run.exit_code == 0, run.explain()
        cleanup = run.report["cleanup"]
        assert "as 2 accounts given in conformance.toml" in " ".join(run.report["notices"])
        # Schemathesis created boards and cards as the two identities (its WFC peers).
        assert cleanup["objects_deleted"] > 0, run.explain()
        assert cleanup["left"] == [], run.explain()

        for username, password in PEOPLE:
            headers = {"Authorization": f"Bearer {_token(client, username, password)}"}
            listed = client.get("/v2/boards", headers=headers, params={"limit": 50})
            assert listed.status_code == 200, listed.text
            assert listed.json()["total"] == 0, f"{username} still has {listed.json()}"
