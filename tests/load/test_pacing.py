"""The arrival schedule: requests start at the rate asked, whatever the latency."""

from __future__ import annotations

import pytest

from load.pacing import ArrivalPacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_free_users_are_spaced_one_interval_apart():
    clock = Clock()
    pacer = ArrivalPacer(10, clock=clock)
    # Four users free at the same instant get four consecutive slots, 100 ms apart.
    assert [pacer.claim() for _ in range(4)] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert pacer.counts.scheduled == 4
    assert pacer.counts.dropped == 0


def test_slow_answers_do_not_lower_the_rate_while_users_are_free():
    clock = Clock()
    pacer = ArrivalPacer(10, clock=clock)
    starts = []
    # Each request takes 350 ms: 10/s x 0.35 s keeps 3.5 users busy on average, and
    # four users hold the schedule exactly.
    free_at = [100.0] * 4
    for _ in range(30):
        user = min(range(4), key=free_at.__getitem__)
        clock.now = free_at[user]
        start = clock.now + pacer.claim()
        starts.append(start)
        free_at[user] = start + 0.35
    assert starts == pytest.approx([100.0 + i / 10 for i in range(30)])
    assert pacer.counts.dropped == 0


def test_slots_nobody_was_free_for_are_dropped_not_burst():
    clock = Clock()
    pacer = ArrivalPacer(10, max_lag=0.25, clock=clock)
    assert pacer.claim() == 0.0
    clock.now += 1.0  # Every user was busy for a second.
    waits = [pacer.claim() for _ in range(3)]
    # No burst of ten catch-up requests: at most max_lag behind, then on the schedule.
    assert waits[0] == 0.0
    assert waits[1] <= 0.1 + 1e-9
    assert pacer.counts.dropped >= 7
    assert pacer.counts.scheduled == pacer.counts.dropped + 4


def test_the_rate_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        ArrivalPacer(0)
