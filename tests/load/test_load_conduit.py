"""`conformance load` on the Conduit-style API: wrapped bodies, slugs that move, a `Token` key.

Every body of that API is wrapped (`{"user": {...}}`, `{"article": {...}}`), its token
comes back as `user.token` and is sent as `Token <jwt>`, and a new title gives an article
a new slug. The journeys come from its spec alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.targets.serving import serve
from tests.conformance.targets.wrapped import SPEC_PATH, create_app

from .runs import run_load, summary

pytestmark = pytest.mark.slow

# What a user of the API does with no configuration: sign up, log in, read their account,
# and work articles and their comments.
WORKED = {
    "POST /users",
    "POST /users/login",
    "GET /user",
    "POST /articles",
    "GET /articles",
    "GET /articles/{slug}",
    "DELETE /articles/{slug}",
    "POST /articles/{slug}/comments",
    "GET /articles/{slug}/comments",
}


def test_wrapped_bodies_and_moving_slugs_load_without_failures(tmp_path: Path) -> None:
    with serve(create_app()) as base:
        result = run_load(f"{base}/api", SPEC_PATH, "--run-time", "8s", report_dir=tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    report = summary(tmp_path / "out")
    requested = {row["endpoint"]: row["requests"] for row in report["endpoints"]}
    assert all(requested.get(endpoint, 0) > 0 for endpoint in WORKED), requested
    # Changed articles (a new slug) are still addressed, and deleted at the end.
    assert report["total"]["failures"] == 0, report["failures"]
    cleanup = report["cleanup"]
    assert cleanup["rows_made"] > 0 and cleanup["rows_left"] == 0, cleanup
