"""`python -m load.drill`: the reference survives its database backends being killed,
and Redis going away, without a 500, a dropped connection or a lost write."""

from __future__ import annotations

import shutil

import pytest

from load.bench.postgres import DEFAULT_SERVER, PostgresUnavailable, scratch_database
from load.drill.database import run_database_drill
from load.drill.redis import run_redis_drill


@pytest.mark.postgres
@pytest.mark.slow
def test_killing_the_database_backends_loses_nothing_and_answers_no_500() -> None:
    try:
        with scratch_database(DEFAULT_SERVER) as database_url:
            report = run_database_drill(database_url, seconds=15, clients=6, kills=3)
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL is unavailable: {exc}")
    assert report.backends_terminated > 0  # The drill did kill something.
    assert report.requests > 0
    assert report.answered_500 == 0, report
    assert report.dropped == 0, report
    assert report.acknowledged_writes > 0
    assert report.lost_writes == 0, report


@pytest.mark.redis
@pytest.mark.slow
def test_logins_keep_answering_when_redis_goes_away() -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    report = run_redis_drill(seconds=4)
    assert report.logins_before > 0
    assert report.logins_after > 0 and report.failed_logins_after == 0, report
    assert report.answered_500 == 0 and report.dropped == 0, report
    assert report.readiness_status == 503
    assert report.readiness_checks == {"database": "ok", "redis": "failed"}
