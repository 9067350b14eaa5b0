"""The one connection pool: the driver's own connections (asyncpg, or aiosqlite), kept
open and lent to one statement or one transaction at a time.

A lease costs a list pop and a push, with no thread, greenlet or event in between: the
pool sits under every request, so its cost is paid by every operation. At most `size`
connections are open; a borrower beyond them waits its turn (first come, first served),
and one that waits longer than `timeout` gets `DatabaseUnavailable` (503). Connections
older than `recycle` seconds are closed rather than lent, and `discard` drops a
connection the server ended together with every idle one opened before it (a restart or
a failover ends them all), so that the pool reconnects by itself.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from ..errors import DatabaseUnavailable


class Connection:
    """A driver connection with what the pool knows of it."""

    __slots__ = ("driver", "generation", "opened")

    def __init__(self, driver: Any, generation: int) -> None:
        self.driver = driver
        self.opened = time.monotonic()
        self.generation = generation


class ConnectionPool:
    """At most `size` connections made by `connect`, lent one borrower at a time.

    `close` ends a driver connection, dead or alive, and never raises.
    """

    def __init__(
        self,
        connect: Callable[[], Awaitable[Any]],
        close: Callable[[Any], Awaitable[None]],
        *,
        size: int,
        timeout: float,
        recycle: float,
    ) -> None:
        self._connect = connect
        self._close = close
        self.size = size
        self._timeout = timeout
        self._recycle = recycle
        self._idle: list[Connection] = []
        self._waiters: deque[asyncio.Future[Connection | None]] = deque()
        self._open = 0
        # Connections of an older generation were opened before a lost one: dropped.
        self._generation = 0

    @property
    def open(self) -> int:
        """How many connections are open, lent or idle."""
        return self._open

    async def acquire(self) -> Connection:
        """A connection for the caller alone, until `release`, `drop` or `discard`."""
        while self._idle:
            connection = self._idle.pop()
            if self._usable(connection):
                return connection
            await self.drop(connection)
        if self._open < self.size:
            self._open += 1
            return await self._new()
        waiter: asyncio.Future[Connection | None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            handed = await asyncio.wait_for(waiter, self._timeout)
        except TimeoutError:
            raise DatabaseUnavailable() from None
        except asyncio.CancelledError:
            # Cancelled (the client went away) just as a connection or a place was
            # handed over: pass it on rather than lose it.
            if waiter.done() and not waiter.cancelled():
                given = waiter.result()
                if given is not None:
                    await self.release(given)
                else:
                    self._vacate()
            raise
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
        # None: a place was freed (and kept for this borrower) rather than a connection
        # handed over.
        return handed if handed is not None else await self._new()

    async def release(self, connection: Connection) -> None:
        """Give a connection back: to the first waiter, else to the idle ones (closed
        instead if it is too old, or older than a connection the server ended)."""
        if not self._usable(connection):
            await self.drop(connection)
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self._idle.append(connection)

    async def drop(self, connection: Connection) -> None:
        """Close a connection (lent, or just taken from the idle ones), giving its place
        to the first waiter."""
        self._vacate()
        await self._close(connection.driver)

    async def discard(self, connection: Connection) -> None:
        """Drop a connection the server ended, and every idle one opened before it."""
        if connection.generation == self._generation:
            self._generation += 1
        stale = [c for c in self._idle if c.generation < self._generation]
        self._idle = [c for c in self._idle if c.generation >= self._generation]
        for dropped in (connection, *stale):
            await self.drop(dropped)

    async def close(self) -> None:
        """Close every idle connection; lent ones are closed as they come back."""
        self._generation += 1
        idle, self._idle = self._idle, []
        for connection in idle:
            await self.drop(connection)

    def _usable(self, connection: Connection) -> bool:
        return (
            connection.generation == self._generation
            and time.monotonic() - connection.opened < self._recycle
        )

    async def _new(self) -> Connection:
        # Its place is already counted in `_open`.
        try:
            driver = await self._connect()
        except BaseException:
            self._vacate()
            raise
        return Connection(driver, self._generation)

    def _vacate(self) -> None:
        # A place is given up: the first waiter takes it over (and opens a connection in
        # it), so that no newcomer takes it first; with no waiter it is free.
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._open -= 1
