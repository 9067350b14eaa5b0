"""The access log's batching: lines written in one call per batch, none lost."""

from __future__ import annotations

import asyncio
import io

from reference_impl.log import BatchedBytesLogger, flush_all


class CountingStream(io.RawIOBase):
    """An unbuffered stream (stdout under PYTHONUNBUFFERED) that counts its writes."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        # Takes at most 64 bytes a call, as a pipe may: the logger must write the rest.
        taken = bytes(data[:64])
        self.writes.append(taken)
        return len(taken)


def _logger(stream: CountingStream) -> BatchedBytesLogger:
    logger = BatchedBytesLogger()
    logger._file = stream  # type: ignore[assignment]
    return logger


async def test_lines_of_a_batch_are_written_together_and_whole() -> None:
    stream = CountingStream()
    logger = _logger(stream)
    for n in range(100):
        logger.info(b'{"event": "request", "n": %d}' % n)
    assert stream.writes == []  # Kept, not written line by line.
    await asyncio.sleep(0.1)
    written = b"".join(stream.writes).splitlines()
    assert written == [b'{"event": "request", "n": %d}' % n for n in range(100)]
    # One batch: as few calls as the stream's 64-byte bite allows, not one per line.
    assert len(stream.writes) == -(-len(b"".join(stream.writes)) // 64)


async def test_a_warning_is_written_at_once_after_the_lines_before_it() -> None:
    stream = CountingStream()
    logger = _logger(stream)
    logger.info(b"first")
    logger.warning(b"second")
    assert b"".join(stream.writes) == b"first\nsecond\n"


async def test_lines_kept_at_shutdown_are_written_by_flush_all() -> None:
    stream = CountingStream()
    logger = _logger(stream)
    logger.info(b"last words")
    flush_all()  # What the lifespan's end calls, before the loop that would have stops.
    assert b"".join(stream.writes) == b"last words\n"


def test_outside_an_event_loop_each_line_is_written_at_once() -> None:
    stream = CountingStream()
    logger = _logger(stream)
    logger.info(b"start-up")
    assert b"".join(stream.writes) == b"start-up\n"
