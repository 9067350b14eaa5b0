"""`conformance load` presents credentials as the spec's scheme says: DRF's `Token <key>`.

The DRF fixture serves its own document (drf-spectacular), whose `tokenAuth` is an apiKey
in `Authorization` with 'required prefix "Token"'; a journey sending `Bearer <key>` would
be refused on every secured operation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.targets.drf import create_app
from tests.conformance.targets.serving import serve

from .runs import run_load, summary

pytestmark = pytest.mark.slow


def test_the_journeys_call_drf_with_its_token_prefix(tmp_path: Path) -> None:
    with serve(create_app()) as url:
        result = run_load(
            url, f"{url}/api/schema/", "--run-time", "5s", report_dir=tmp_path / "out", users=3
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report = summary(tmp_path / "out")
    rows = {row["endpoint"]: row for row in report["endpoints"]}
    for secured in ("GET /api/auth/user/", "POST /api/projects/", "GET /api/projects/{slug}/"):
        assert rows[secured]["requests"] > 0, rows
        assert rows[secured]["failures"] == 0, report["failures"]
    cleanup = report["cleanup"]
    assert cleanup["accounts_created"] == cleanup["accounts_deleted"] == 3
