"""The journey's request mix and think time, as a user writes them on the command line.

    --mix 'read_me=10,list_items=10,read_item=15,create_item=3'   (the rest keep theirs)
    --think-time 0.5-1.5     (seconds between two requests of one user; `0` for none)

Parsed here, without Locust, so that `conformance load` rejects a bad value before a
Locust process is started, and the locustfile applies exactly the same rules.
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_MIX", "DEFAULT_THINK_TIME", "format_mix", "parse_mix", "parse_think_time"]

# Read-heavy, as most APIs are: one write for every few reads. Items are created a
# little more often than deleted, so every user's list grows during a run.
DEFAULT_MIX: dict[str, int] = {
    "read_me": 10,
    "list_items": 10,
    "read_item": 15,
    "create_item": 3,
    "update_item": 2,
    "delete_item": 2,
    "refresh": 1,
}
DEFAULT_THINK_TIME = "0.5-1.5"

_THINK_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?$")


def parse_mix(text: str | None) -> dict[str, int]:
    """The default mix with the weights given in `text` (`task=weight,...`) replaced.

    Raises `ValueError` naming the problem: an unknown task, a weight that is not a
    whole number >= 0, or a mix in which every weight is zero.
    """
    mix = dict(DEFAULT_MIX)
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, equals, weight = part.partition("=")
        name = name.strip()
        if not equals:
            raise ValueError(f"{part.strip()!r} is not task=weight")
        if name not in DEFAULT_MIX:
            raise ValueError(f"unknown task {name!r}; the tasks are {', '.join(DEFAULT_MIX)}")
        if not weight.strip().isdigit():
            raise ValueError(f"the weight of {name!r} must be a whole number >= 0")
        mix[name] = int(weight)
    if not any(mix.values()):
        raise ValueError("every weight is zero: nothing would be requested")
    return mix


def format_mix(mix: dict[str, int]) -> str:
    """The inverse of `parse_mix`, for passing a mix on to Locust."""
    return ",".join(f"{name}={weight}" for name, weight in mix.items())


def parse_think_time(text: str | None) -> tuple[float, float]:
    """`'0.5-1.5'` -> (0.5, 1.5); `'1'` -> (1.0, 1.0). Raises `ValueError` if malformed."""
    match = _THINK_TIME.match(text if text is not None else DEFAULT_THINK_TIME)
    if match is None:
        raise ValueError(f"{text!r} is not seconds or MIN-MAX seconds, e.g. 0.5-1.5")
    low = float(match[1])
    high = float(match[2]) if match[2] is not None else low
    if high < low:
        raise ValueError(f"{text!r}: the maximum is below the minimum")
    return low, high
