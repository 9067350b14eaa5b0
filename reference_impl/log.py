"""Structured logging: one JSON object per line on stdout, through structlog."""

from __future__ import annotations

import logging

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
        logger_factory=structlog.BytesLoggerFactory(),
        # Not cached: a cached logger would keep writing to the stdout of its first use,
        # which test runners replace and close.
        cache_logger_on_first_use=False,
    )
