"""`conformance load` presents credentials as the spec's scheme says: DRF's `Token <key>`.

The DRF fixture serves its own document (drf-spectacular), whose `tokenAuth` is an apiKey
in `Authorization` with 'required prefix "Token"'; a journey sending `Bearer <key>` would
be refused on every secured operation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conformance.targets.drf import create_app
from tests.conformance.targets.serving import serve

pytestmark = pytest.mark.slow


def test_the_journeys_call_drf_with_its_token_prefix(tmp_path: Path) -> None:
    with serve(create_app()) as url:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "conformance",
                "load",
                "--url",
                url,
                "--spec",
                f"{url}/api/schema/",
                "--users",
                "3",
                "--spawn-rate",
                "3",
                "--think-time",
                "0.05-0.15",
                "--run-time",
                "5s",
                "--report-dir",
                str(tmp_path / "out"),
            ],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    rows = {row["endpoint"]: row for row in report["endpoints"]}
    for secured in ("GET /api/auth/user/", "POST /api/projects/", "GET /api/projects/{slug}/"):
        assert rows[secured]["requests"] > 0, rows
        assert rows[secured]["failures"] == 0, report["failures"]
    cleanup = report["cleanup"]
    assert cleanup["accounts_created"] == cleanup["accounts_deleted"] == 3
