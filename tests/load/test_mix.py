"""The request mix and think time a user can change, over the tasks a spec gives."""

from __future__ import annotations

import pytest

from conformance.contract import load_contract
from load.mix import format_mix, parse_mix, parse_think_time
from load.plan import build_plan

PLAN = build_plan(load_contract(None))


def test_the_default_mix_is_read_heavy():
    mix = PLAN.defaults
    actions = {name: task.action for name, task in PLAN.tasks.items()}
    reads = sum(
        w for name, w in mix.items() if actions[name] in ("read", "list", "current_account")
    )
    writes = sum(w for name, w in mix.items() if actions[name] in ("create", "update", "delete"))
    assert reads >= 4 * writes


def test_a_mix_changes_only_the_weights_given_by_operation_id_or_shorthand():
    mix = parse_mix("readItem=30, items.create=0", PLAN.defaults, PLAN.aliases)
    assert mix["readItem"] == 30
    assert mix["createItem"] == 0
    assert mix["readCurrentUser"] == PLAN.defaults["readCurrentUser"]
    assert parse_mix(format_mix(mix), PLAN.defaults, PLAN.aliases) == mix


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("read_items=3", "unknown task 'read_items'; the tasks are .*readItem \\(items.read\\)"),
        ("readItem", "is not task=weight"),
        ("readItem=-1", "whole number"),
        ("readItem=1.5", "whole number"),
        (",".join(f"{name}=0" for name in PLAN.defaults), "every weight is zero"),
    ],
)
def test_a_bad_mix_says_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says):
        parse_mix(text, PLAN.defaults, PLAN.aliases)


@pytest.mark.parametrize(
    ("text", "expected"), [("0.5-1.5", (0.5, 1.5)), ("1", (1.0, 1.0)), ("0", (0.0, 0.0))]
)
def test_think_time_is_seconds_or_a_range(text, expected):
    assert parse_think_time(text) == expected


@pytest.mark.parametrize("text", ["fast", "2-1", "-1", "1-"])
def test_a_bad_think_time_is_refused(text):
    with pytest.raises(ValueError):
        parse_think_time(text)
