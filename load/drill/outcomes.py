"""How the drills count answers: by status, with dropped connections apart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import httpx


@dataclass
class Tally:
    """Every answer a drill got, by kind."""

    statuses: Counter[int] = field(default_factory=Counter)
    dropped: int = 0
    # The first few requests that got no answer, with what the client saw.
    drops: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + self.dropped

    @property
    def server_errors(self) -> int:
        """Answers of 500 (and any 5xx but 503, which the contract documents)."""
        return sum(n for status, n in self.statuses.items() if status >= 500 and status != 503)

    async def send(
        self, client: httpx.AsyncClient, method: str, path: str, **kwargs: object
    ) -> httpx.Response | None:
        """Send one request; None when the connection dropped without an answer."""
        try:
            answer = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError as exc:
            self.dropped += 1
            if len(self.drops) < 5:
                self.drops.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            return None
        self.statuses[answer.status_code] += 1
        return answer
