"""`conformance run --url` against the guide's API as written reports the guide's defects."""

from __future__ import annotations

from pathlib import Path

import pytest

from .targets.guide import create_app
from .targets.runner import run_conformance
from .targets.serving import serve

# The guide's defects that CONTRACT.md marks FIX, by the check that must name each.
GUIDE_DEFECTS = {
    "authn.refresh-as-access": "a refresh token is accepted as an access token",
    "authz.user-read-cross-user": "any user reads any user",
    "config.cors": "wildcard CORS origins with credentials",
    "limits.page-size": "`limit` is unbounded",
    "properties.unknown-fields": "request bodies are not strict",
    "authn.logout-revokes": "tokens are never revoked",
    "properties.timestamps-utc": "timestamps are naive",
}


@pytest.mark.slow
def test_the_guide_as_written_fails_with_its_defects_named(tmp_path: Path) -> None:
    admin = ("admin@guide.example.com", "guide-admin-password")
    app = create_app(
        tmp_path / "guide.db",
        superuser_email=admin[0],
        superuser_password=admin[1],
        bcrypt_rounds=4,
    )
    with serve(app) as url:
        run = run_conformance(url, admin=admin, checks=tuple(GUIDE_DEFECTS), generic=False)
    assert run.exit_code == 1, run.explain()
    missed = {
        check_id: defect
        for check_id, defect in GUIDE_DEFECTS.items()
        if check_id not in run.failed_checks
    }
    assert not missed, f"defects not reported: {missed}\n{run.explain()}"
    for outcome in run.report["outcomes"]:
        for failure in outcome["failures"]:
            assert failure["curl"] is None or failure["curl"].startswith("curl ")
