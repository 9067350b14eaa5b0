"""Structured logging: one JSON object per line on stdout, through structlog."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import BinaryIO

import orjson
import structlog
from structlog.tracebacks import ExceptionDictTransformer


def configure_logging(level: str) -> None:
    """Render every structlog event as one JSON line with a UTC timestamp."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            # Tracebacks as data, without local variables: those hold tokens and passwords.
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            structlog.processors.JSONRenderer(serializer=orjson.dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=BatchedBytesLogger,
        # Not cached: a cached logger would keep writing to the stdout of its first use,
        # which test runners replace and close.
        cache_logger_on_first_use=False,
    )


# How long a line may wait while the service runs.
_FLUSH_SECONDS = 0.05
# The loggers holding lines not yet written, for `flush_all`.
_waiting: set[BatchedBytesLogger] = set()


class BatchedBytesLogger:
    """Keeps each line and, while an event loop runs, writes what came in the last
    50 ms at once: one `write` system call per batch rather than one per request line,
    whether or not stdout is buffered (`PYTHONUNBUFFERED`, usual in containers, leaves
    it unbuffered). Warnings and errors, and every line outside an event loop (start-up,
    a command), are written at once, with whatever waited before them."""

    def __init__(self, *_args: object) -> None:
        # Read now, not at import: test runners replace stdout.
        self._file: BinaryIO = sys.stdout.buffer
        self._lines: list[bytes] = []
        # The loop a write is due on: a loop that ended before it (a test's) is not
        # waited for.
        self._due_on: asyncio.AbstractEventLoop | None = None

    def msg(self, message: bytes) -> None:
        """Keep one line; write it within `_FLUSH_SECONDS`."""
        self._lines.append(message)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        if self._due_on is not loop:
            self._due_on = loop
            _waiting.add(self)
            loop.call_later(_FLUSH_SECONDS, self.flush)

    def msg_now(self, message: bytes) -> None:
        """Write one line now, after whatever waits before it."""
        self._lines.append(message)
        self.flush()

    def flush(self) -> None:
        """Write out the lines kept."""
        _waiting.discard(self)
        self._due_on = None
        if not self._lines:
            return
        lines, self._lines = self._lines, []
        lines.append(b"")
        data = memoryview(b"\n".join(lines))
        try:
            # An unbuffered stream may take part of it (a pipe): write until all is out.
            while data:
                data = data[self._file.write(data) or len(data) :]
            self._file.flush()
        except ValueError:
            pass  # The stream was closed (a test runner's); nothing to write to.

    debug = info = msg
    warning = warn = error = critical = exception = fatal = msg_now


def flush_all() -> None:
    """Write out every line still kept (at shutdown: the loop that would have stops)."""
    for logger in list(_waiting):
        logger.flush()
