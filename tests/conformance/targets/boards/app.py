"""The boards API (`spec.yaml`) as a Starlette app, with optional planted faults.

`create_app()` conforms to the spec exactly; `create_app(faults={"delete-noop"})` breaks
one clause of it per named fault (see `FAULTS`), so that a test can show which check
catches which fault.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..apis_common import (
    Invalid,
    JSONResponse,
    SpecRules,
    Tokens,
    hash_password,
    load_spec,
    read_json,
    resource,
    verify_password,
)
from .store import Account, Board, Card, NotFound, Store, new_id, now

__all__ = ["FAULTS", "SPEC_PATH", "create_app"]

SPEC_PATH = Path(__file__).with_name("spec.yaml")

# Each name breaks one clause of the spec (checked with `if name in faults` below).
FAULTS = frozenset(
    {
        "bola-task-read",  # getCard answers another account's card through the caller's board
        "owner-mass-assignment",  # createBoard honours `owner_id` in its body
        "ignore-name-bound",  # createBoard accepts a name longer than its maxLength
        "delete-noop",  # deleteBoard answers 204 and keeps the board
        "no-auth-on-list",  # listBoards without a token answers every board
    }
)


class Unauthorized(Exception):
    """No valid access token of an existing account."""


class Conflict(Exception):
    """The username is taken."""


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return ProblemResponse(body, status_code=status, headers=headers)


async def _on_error(request: Request, exc: Exception) -> Response:
    """The one place where errors become answers."""
    if isinstance(exc, Invalid):
        body = {
            "type": "about:blank",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "The request breaks its schema.",
            "errors": [{"location": where, "message": rule} for where, rule in exc.errors],
        }
        return ProblemResponse(body, status_code=422)
    if isinstance(exc, Unauthorized):
        detail = "A valid bearer token is required."
        return problem(401, "Unauthorized", detail, {"WWW-Authenticate": "Bearer"})
    if isinstance(exc, NotFound):
        return problem(404, "Not Found", "No such resource.")
    if isinstance(exc, Conflict):
        return problem(409, "Conflict", "That username is taken.")
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), str(exc.detail), dict(exc.headers or {}))


def create_app(*, faults: Iterable[str] = frozenset()) -> Starlette:
    """The boards API, in memory; `faults` plants the named faults of `FAULTS`."""
    faults = frozenset(faults)
    if unknown := faults - FAULTS:
        raise ValueError(f"unknown faults: {sorted(unknown)}")
    document = load_spec(SPEC_PATH)
    enforced = copy.deepcopy(document)
    if "ignore-name-bound" in faults:
        del enforced["components"]["schemas"]["BoardCreate"]["properties"]["name"]["maxLength"]
    rules = SpecRules(enforced)
    tokens = Tokens()
    store = Store()

    def caller(request: Request) -> Account:
        subject = tokens.subject(request.headers.get("authorization"))
        account = store.accounts.get(subject) if subject is not None else None
        if account is None:
            raise Unauthorized
        return account

    async def spec_document(request: Request) -> Response:
        return JSONResponse(document)

    async def register_account(request: Request) -> Response:
        body = await rules.body(request, "registerAccount")
        async with store.lock:
            if body["username"] in store.by_username:
                raise Conflict
            account = Account(
                new_id(),
                body["username"],
                body.get("display_name"),
                hash_password(body["password"]),
            )
            store.accounts[account.id] = store.by_username[account.username] = account
        return JSONResponse(
            account.answer(), status_code=201, headers={"Location": "/v2/accounts/self"}
        )

    async def open_session(request: Request) -> Response:
        body = await rules.body(request, "openSession")
        async with store.lock:
            account = store.by_username.get(body["username"])
        if account is None or not verify_password(body["password"], account.password_hash):
            detail = "Unknown username or wrong password."
            return problem(401, "Unauthorized", detail, {"WWW-Authenticate": "Bearer"})
        answer = {
            "access_token": tokens.issue(account.id),
            "token_type": "Bearer",
            "expires_in": tokens.lifetime,
        }
        return JSONResponse(answer, status_code=201)

    async def get_own_account(request: Request) -> Response:
        async with store.lock:
            return JSONResponse(caller(request).answer())

    async def close_account(request: Request) -> Response:
        async with store.lock:
            store.drop_account(caller(request))
        return Response(status_code=204)

    async def list_boards(request: Request) -> Response:
        async with store.lock:
            anonymous = "no-auth-on-list" in faults and "authorization" not in request.headers
            account = None if anonymous else caller(request)
            query = rules.query(request, "listBoards")
            boards = sorted(
                (b for b in store.boards.values() if account is None or b.owner_id == account.id),
                key=lambda board: (board.created_at, board.id),
            )
            start, limit = query["offset"], query["limit"]
            page = [board.answer() for board in boards[start : start + limit]]
        return JSONResponse({"items": page, "total": len(boards), "limit": limit, "offset": start})

    async def create_board(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            body = await read_json(request)
            owner_id = account.id
            if "owner-mass-assignment" in faults and isinstance(body, dict):
                owner_id = str(body.pop("owner_id", owner_id))
            rules.check_body("createBoard", body)
            board = Board(
                new_id(),
                owner_id,
                body["name"],
                body.get("description"),
                body.get("visibility", "private"),
            )
            store.boards[board.id] = board
        location = f"/v2/boards/{board.id}"
        return JSONResponse(board.answer(), status_code=201, headers={"Location": location})

    async def get_board(request: Request) -> Response:
        async with store.lock:
            board = store.board(caller(request), request.path_params["board_id"])
            return JSONResponse(board.answer())

    async def update_board(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            body = await rules.body(request, "updateBoard")
            board = store.board(account, request.path_params["board_id"])
            for name in ("name", "description", "visibility"):
                if name in body:
                    setattr(board, name, body[name])
            board.updated_at = now()
            return JSONResponse(board.answer())

    async def delete_board(request: Request) -> Response:
        async with store.lock:
            board = store.board(caller(request), request.path_params["board_id"])
            if "delete-noop" not in faults:
                store.drop_board(board)
        return Response(status_code=204)

    def own_card(request: Request, board: Board) -> Card:
        card = store.card(request.path_params["card_id"])
        if card.board_id != board.id and "bola-task-read" not in faults:
            raise NotFound
        return card

    async def list_cards(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            query = rules.query(request, "listCards")
            board = store.board(account, request.path_params["board_id"])
            cards = store.cards_of(board)
            page, per_page = query["page"], query["per_page"]
            start = (page - 1) * per_page
            items = [card.answer() for card in cards[start : start + per_page]]
        answer = {"items": items, "total": len(cards), "page": page, "per_page": per_page}
        return JSONResponse(answer)

    async def add_card(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            body = await rules.body(request, "addCard")
            board = store.board(account, request.path_params["board_id"])
            card = Card(
                new_id(),
                board.id,
                body["title"],
                body.get("done", False),
                int(body.get("priority", 3)),
            )
            store.cards[card.id] = card
        location = f"/v2/boards/{board.id}/cards/{card.id}"
        return JSONResponse(card.answer(), status_code=201, headers={"Location": location})

    async def get_card(request: Request) -> Response:
        async with store.lock:
            board = store.board(caller(request), request.path_params["board_id"])
            return JSONResponse(own_card(request, board).answer())

    async def edit_card(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            body = await rules.body(request, "editCard")
            card = own_card(request, store.board(account, request.path_params["board_id"]))
            card.title = body.get("title", card.title)
            card.done = body.get("done", card.done)
            card.priority = int(body.get("priority", card.priority))
            return JSONResponse(card.answer())

    async def remove_card(request: Request) -> Response:
        async with store.lock:
            board = store.board(caller(request), request.path_params["board_id"])
            card = own_card(request, board)
            del store.cards[card.id]
        return JSONResponse({"id": card.id, "deleted": True})

    routes: list[Route] = [
        resource("/v2/spec.json", {"GET": spec_document}),
        resource("/v2/accounts", {"POST": register_account}),
        resource("/v2/accounts/self", {"GET": get_own_account, "DELETE": close_account}),
        resource("/v2/sessions", {"POST": open_session}),
        resource("/v2/boards", {"GET": list_boards, "POST": create_board}),
        resource(
            "/v2/boards/{board_id}",
            {"GET": get_board, "PATCH": update_board, "DELETE": delete_board},
        ),
        resource("/v2/boards/{board_id}/cards", {"GET": list_cards, "POST": add_card}),
        resource(
            "/v2/boards/{board_id}/cards/{card_id}",
            {"GET": get_card, "PATCH": edit_card, "DELETE": remove_card},
        ),
    ]
    handlers: dict[Any, Any] = {
        kind: _on_error for kind in (Invalid, Unauthorized, NotFound, Conflict, HTTPException)
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    # `/v2/boards/` is not `/v2/boards`: no redirect from one to the other.
    app.router.redirect_slashes = False
    return app
