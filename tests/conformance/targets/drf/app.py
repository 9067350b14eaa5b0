"""The tracker as an ASGI app: Django's own handler, one SQLite database per app.

Django is configured once per process (`settings.configure`); `create_app` may be called
any number of times, each app with its faults and a database of its own, copied at
start-up from a template migrated once per process. The app answers ASGI's lifespan
(Django's handler does not) and sets its state around each request it passes on.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from . import settings as tracker_settings
from .faults import FAULTS, AppState, current

__all__ = ["create_app"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_NUMBERS = itertools.count(1)
_HANDLER: list[Any] = []


def _django_handler() -> Any:
    if not _HANDLER:
        from django.core.asgi import get_asgi_application

        _HANDLER.append(get_asgi_application())
    return _HANDLER[0]


class TrackerApp:
    """One deployment of the tracker: its own database file and its own faults."""

    def __init__(self, faults: frozenset[str]) -> None:
        tracker_settings.configure()
        self.state = AppState(alias=f"tracker_{next(_NUMBERS)}", faults=faults)
        self._handler = _django_handler()

    def _open(self) -> None:
        from django.db import connections

        target = tracker_settings.folder() / f"{self.state.alias}.sqlite3"
        shutil.copyfile(tracker_settings.template_database(), target)
        template = connections.settings["default"]
        connections.settings[self.state.alias] = {**template, "NAME": str(target)}

    def _close(self) -> None:
        from django.db import connections

        connections.settings.pop(self.state.alias, None)
        path = tracker_settings.folder() / f"{self.state.alias}.sqlite3"
        path.unlink(missing_ok=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        token = current().set(self.state)
        try:
            await self._handler(scope, receive, send)
        finally:
            current().reset(token)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    # Django refuses database work on a thread that runs an event loop.
                    await asyncio.to_thread(self._open)
                except Exception as exc:  # noqa: BLE001 (reported to the server, as ASGI says)
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.to_thread(self._close)
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(*, faults: Iterable[str] = frozenset()) -> TrackerApp:
    """The tracker API; `faults` plants the named faults of `FAULTS`."""
    chosen = frozenset(faults)
    if unknown := chosen - FAULTS:
        raise ValueError(f"unknown faults: {sorted(unknown)}")
    return TrackerApp(chosen)
