"""A spec's pattern is matched with a time limit: one that backtracks without end is given up."""

from __future__ import annotations

from conformance.contract.patterns import Match, search


def test_a_pattern_matches_anywhere_as_json_schema_says() -> None:
    assert search(r"b+", "abbc") is Match.FOUND
    assert search(r"^b+$", "abbc") is Match.NOT_FOUND


def test_a_pattern_that_does_not_compile_is_invalid_not_an_error() -> None:
    assert search(r"(unclosed", "x") is Match.INVALID


def test_catastrophic_backtracking_is_cut_off_at_the_limit() -> None:
    # Without the limit this match runs for longer than the universe has existed.
    assert search(r"^(a|aa)+$", "a" * 5000 + "!", limit=0.05) is Match.TOO_SLOW


def test_only_a_match_found_is_true() -> None:
    assert [bool(m) for m in Match] == [True, False, False, False]
