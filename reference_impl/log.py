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


# How long a line may wait in the buffer while the service runs.
_FLUSH_SECONDS = 0.05


class BatchedBytesLogger:
    """Writes each line to stdout's buffer and, while an event loop runs, flushes what
    came in the last 50 ms at once: one `write` system call per batch rather than one per
    request line. Warnings and errors, and every line outside an event loop (start-up, a
    command), are flushed at once."""

    def __init__(self, *_args: object) -> None:
        # Read now, not at import: test runners replace stdout.
        self._file: BinaryIO = sys.stdout.buffer
        self._pending = False

    def msg(self, message: bytes) -> None:
        """Write one line; flush it within `_FLUSH_SECONDS`."""
        self._file.write(message + b"\n")
        if self._pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._pending = True
        loop.call_later(_FLUSH_SECONDS, self.flush)

    def msg_now(self, message: bytes) -> None:
        """Write one line and flush it (with whatever waits before it)."""
        self._file.write(message + b"\n")
        self.flush()

    def flush(self) -> None:
        """Write out what the buffer holds."""
        self._pending = False
        try:
            self._file.flush()
        except ValueError:
            pass  # The stream was closed (a test runner's); nothing to write to.

    debug = info = msg
    warning = warn = error = critical = exception = fatal = msg_now
