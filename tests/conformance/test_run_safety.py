"""Safe on shared environments: generated requests never change or delete what the run did not make.

The target is the faulty variant that skips the item ownership check, so that a generated
`PATCH /items/1` or `DELETE /items/1` would really change a bystander's item if the run
sent it as generated.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .targets.faulty import VARIANTS, prepare_reference
from .targets.runner import run_conformance
from .targets.serving import serve


@pytest.mark.slow
def test_generated_writes_never_touch_a_bystanders_rows(tmp_path: Path) -> None:
    variant = next(v for v in VARIANTS if v.name == "item-ownership-skipped")
    setup = prepare_reference(tmp_path)
    bystander = {"email": "bystander@example.com", "password": "a-bystander-password"}
    with serve(variant.build(setup.settings)) as url, httpx.Client(base_url=url) as client:
        assert client.post("/api/v1/users/", json=bystander).status_code == 201
        login = {"username": bystander["email"], "password": bystander["password"]}
        token = client.post("/api/v1/auth/login", data=login).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        # The first rows: the ids that examples and boundaries pick first.
        items = [
            client.post("/api/v1/items/", json={"title": f"mine {n}"}, headers=auth).json()
            for n in range(3)
        ]

        run = run_conformance(url, checks=("generic",), generic=True)

        for item in items:
            now = client.get(f"/api/v1/items/{item['id']}", headers=auth)
            assert now.status_code == 200 and now.json() == item, run.explain()
        assert client.post("/api/v1/auth/login", data=login).status_code == 200
    assert any("names nothing" in notice for notice in run.report["notices"]), run.explain()
