"""The boards fixture's rows, in memory, one store per app, and how each is answered as JSON."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Account", "Board", "Card", "NotFound", "Store", "now"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class NotFound(Exception):
    """The path names nothing the caller owns (or is not a UUID at all)."""


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


@dataclass
class Account:
    id: str
    username: str
    display_name: str | None
    password_hash: str
    created_at: datetime = field(default_factory=now)

    def answer(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "created_at": _stamp(self.created_at),
        }


@dataclass
class Board:
    id: str
    owner_id: str
    name: str
    description: str | None
    visibility: str
    created_at: datetime = field(default_factory=now)
    updated_at: datetime | None = None

    def answer(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "visibility": self.visibility,
            "owner_id": self.owner_id,
            "created_at": _stamp(self.created_at),
            "updated_at": _stamp(self.updated_at),
        }


@dataclass
class Card:
    id: str
    board_id: str
    title: str
    done: bool
    priority: int
    created_at: datetime = field(default_factory=now)

    def answer(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "board_id": self.board_id,
            "title": self.title,
            "done": self.done,
            "priority": self.priority,
            "created_at": _stamp(self.created_at),
        }


@dataclass
class Store:
    """Every row of one app; handlers hold `lock` while they read or change them."""

    accounts: dict[str, Account] = field(default_factory=dict)
    by_username: dict[str, Account] = field(default_factory=dict)
    boards: dict[str, Board] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def board(self, owner: Account | None, raw_id: str) -> Board:
        """The caller's board named by a path id; `NotFound` for anyone else's or a non-UUID.

        `owner=None` finds anyone's board (what a planted fault forgets to check).
        """
        board = self.boards.get(raw_id.lower()) if _UUID.fullmatch(raw_id) else None
        if board is None or (owner is not None and board.owner_id != owner.id):
            raise NotFound
        return board

    def card(self, raw_id: str) -> Card:
        """Any card named by a path id (whose board the caller checks); else `NotFound`."""
        card = self.cards.get(raw_id.lower()) if _UUID.fullmatch(raw_id) else None
        if card is None:
            raise NotFound
        return card

    def cards_of(self, board: Board) -> list[Card]:
        return sorted(
            (card for card in self.cards.values() if card.board_id == board.id),
            key=lambda card: (card.created_at, card.id),
        )

    def drop_board(self, board: Board) -> None:
        del self.boards[board.id]
        for card in self.cards_of(board):
            del self.cards[card.id]

    def drop_account(self, account: Account) -> None:
        for board in [board for board in self.boards.values() if board.owner_id == account.id]:
            self.drop_board(board)
        del self.accounts[account.id]
        del self.by_username[account.username]
