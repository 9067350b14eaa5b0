"""The request mix and think time a user can change."""

from __future__ import annotations

import pytest

from load.mix import DEFAULT_MIX, format_mix, parse_mix, parse_think_time


def test_the_default_mix_is_read_heavy():
    reads = sum(DEFAULT_MIX[name] for name in ("read_me", "list_items", "read_item"))
    writes = sum(DEFAULT_MIX[name] for name in ("create_item", "update_item", "delete_item"))
    assert reads >= 4 * writes


def test_a_mix_changes_only_the_weights_given():
    mix = parse_mix("read_item=30, create_item=0")
    assert mix["read_item"] == 30
    assert mix["create_item"] == 0
    assert mix["read_me"] == DEFAULT_MIX["read_me"]
    assert parse_mix(format_mix(mix)) == mix


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("read_items=3", "unknown task 'read_items'"),
        ("read_item", "is not task=weight"),
        ("read_item=-1", "whole number"),
        ("read_item=1.5", "whole number"),
        (",".join(f"{name}=0" for name in DEFAULT_MIX), "every weight is zero"),
    ],
)
def test_a_bad_mix_says_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says):
        parse_mix(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("0.5-1.5", (0.5, 1.5)), ("1", (1.0, 1.0)), ("0", (0.0, 0.0))]
)
def test_think_time_is_seconds_or_a_range(text, expected):
    assert parse_think_time(text) == expected


@pytest.mark.parametrize("text", ["fast", "2-1", "-1", "1-"])
def test_a_bad_think_time_is_refused(text):
    with pytest.raises(ValueError):
        parse_think_time(text)
