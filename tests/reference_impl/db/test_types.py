"""Timestamps come back timezone-aware UTC from every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from reference_impl.db.types import UTCDateTime


def test_sqlite_stores_naive_utc_and_reads_aware_utc() -> None:
    column = UTCDateTime()
    dialect = sqlite.dialect()
    local = datetime(2026, 1, 31, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    stored = column.process_bind_param(local, dialect)
    assert stored == datetime(2026, 1, 31, 9, 30)
    assert column.process_result_value(stored, dialect) == datetime(2026, 1, 31, 9, 30, tzinfo=UTC)


def test_postgres_values_are_normalised_to_utc() -> None:
    column = UTCDateTime()
    value = datetime(2026, 1, 31, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    read = column.process_result_value(value, postgresql.dialect())  # type: ignore[no-untyped-call]
    assert read is not None and read.tzinfo is UTC and read.hour == 9


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), sqlite.dialect())
