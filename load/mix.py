"""The journey's request mix and think time, as a user writes them on the command line.

    --mix 'getBoard=30,cards.create=1'   (operationIds or resource.action; the rest keep theirs)
    --think-time 0.5-1.5     (seconds between two requests of one user; `0` for none)

Parsed here, without Locust, so that `conformance load` rejects a bad value before a
Locust process is started, and the locustfile applies exactly the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["DEFAULT_THINK_TIME", "format_mix", "parse_mix", "parse_think_time"]

DEFAULT_THINK_TIME = "0.5-1.5"

_THINK_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?$")


def parse_mix(
    text: str | None, defaults: Mapping[str, int], aliases: Mapping[str, str] | None = None
) -> dict[str, int]:
    """The default weights with those given in `text` (`task=weight,...`) replaced.

    A task is named by its operationId or a shorthand of `aliases` (`boards.read`).
    Raises `ValueError` naming the problem: an unknown task (with the list of known
    ones), a weight that is not a whole number >= 0, or a mix in which every weight is 0.
    """
    mix = dict(defaults)
    aliases = aliases or {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, equals, weight = part.partition("=")
        name = name.strip()
        if not equals:
            raise ValueError(f"{part.strip()!r} is not task=weight")
        name = aliases.get(name, name)
        if name not in defaults:
            known = ", ".join(
                f"{task} ({short})" if (short := _shorthand(task, aliases)) else task
                for task in defaults
            )
            raise ValueError(f"unknown task {name!r}; the tasks are {known}")
        if not weight.strip().isdigit():
            raise ValueError(f"the weight of {name!r} must be a whole number >= 0")
        mix[name] = int(weight)
    if not any(mix.values()):
        raise ValueError("every weight is zero: nothing would be requested")
    return mix


def _shorthand(task: str, aliases: Mapping[str, str]) -> str | None:
    return next((short for short, name in aliases.items() if name == task), None)


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
