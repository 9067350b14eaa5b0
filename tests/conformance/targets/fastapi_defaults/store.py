"""The API's rows, in memory, one store per app (the template keeps them in PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = ["Item", "Store", "User"]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class User:
    email: str
    hashed_password: str
    full_name: str | None = None
    is_active: bool = True
    is_superuser: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=_now)


@dataclass
class Item:
    title: str
    owner_id: uuid.UUID
    description: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=_now)


class Store:
    """Every row of one app. Endpoints are sync (run in a thread pool): hold `lock`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.users: dict[uuid.UUID, User] = {}
        self.items: dict[uuid.UUID, Item] = {}

    def user_by_email(self, email: str) -> User | None:
        return next((user for user in self.users.values() if user.email == email), None)

    def newest_items(self) -> list[Item]:
        return sorted(self.items.values(), key=lambda item: item.created_at, reverse=True)
