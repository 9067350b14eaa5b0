"""The open model: start requests at a fixed rate, whatever the latency (k6's arrival rate).

Locust's users are a closed model: each waits for its answer before the next request, so
a slow service is sent less load just when it matters. `ArrivalPacer` holds a schedule of
arrival slots, one every 1/rate seconds, shared by every user of a process: a user that is
free claims the next slot and sleeps until it. Slow answers only make more users busy at
once; the rate holds as long as enough users are free. When none is, slots fall behind
the clock, and the ones more than `max_lag` late are dropped and counted (k6 calls them
dropped iterations) rather than fired in a burst.

Pure Python, with the clock injected: the Locust side only feeds its result to `wait_time`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ArrivalCounts", "ArrivalPacer"]


@dataclass(frozen=True)
class ArrivalCounts:
    """How many slots were scheduled so far, and how many had no free user."""

    scheduled: int
    dropped: int


class ArrivalPacer:
    """A shared schedule of arrivals at `rate` per second."""

    def __init__(
        self,
        rate: float,
        *,
        max_lag: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("the arrival rate must be positive")
        self.interval = 1.0 / rate
        self.max_lag = max_lag
        self._clock = clock
        self._start: float | None = None
        self._next = 0
        self._dropped = 0

    def claim(self) -> float:
        """Take the next free slot; return how many seconds to sleep until it."""
        now = self._clock()
        if self._start is None:
            self._start = now
        slot = self._start + self._next * self.interval
        late = now - slot
        if late > self.max_lag:
            # Nobody was free for these slots; skip them rather than burst to catch up.
            skipped = math.ceil((late - self.max_lag) / self.interval)
            self._dropped += skipped
            self._next += skipped
            slot = self._start + self._next * self.interval
        self._next += 1
        return max(0.0, slot - now)

    @property
    def counts(self) -> ArrivalCounts:
        """Slots handed out or dropped so far."""
        return ArrivalCounts(scheduled=self._next, dropped=self._dropped)
