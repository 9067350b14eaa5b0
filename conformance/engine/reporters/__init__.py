"""Reporters: each consumes the engine's events and writes one kind of report.

A new report is a new module here; the engine never changes for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..events import Event, EventSink

__all__ = ["Fanout"]


class Fanout:
    """Hands every event to each reporter in turn."""

    def __init__(self, reporters: Sequence[EventSink]) -> None:
        self._reporters = list(reporters)

    def handle(self, event: Event) -> None:
        for reporter in self._reporters:
            reporter.handle(event)
