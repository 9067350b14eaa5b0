"""The boards API (`spec.yaml`) as a Starlette app, with optional planted faults.

`create_app()` conforms to the spec exactly; `create_app(faults={"delete-noop"})` breaks
one clause of it per named fault (see `FAULTS`), so that a test can show which check
catches which fault.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import jwt
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
        # Object-level authorization: one ownership test forgotten per operation.
        "bola-board-read",  # getBoard answers any account's board
        "bola-board-update",  # updateBoard changes any account's board
        "bola-board-delete",  # deleteBoard deletes any account's board
        "bola-card-edit",  # editCard changes another account's card through the caller's board
        "bola-card-remove",  # removeCard removes another account's card through the caller's board
        "list-shows-all-boards",  # listBoards lists every account's boards
        "list-total-counts-all",  # listBoards counts every account's boards in `total`
        "bola-card-list",  # listCards lists the cards of any account's board
        # Authentication.
        "alg-none-accepted",  # the decoder trusts the token's own `alg`, so `none` passes
        "signature-unchecked",  # the decoder reads the claims without verifying the signature
        "lookup-before-auth",  # deleteBoard looks the board up before the token: 404, not 401
        "no-challenge",  # a 401 carries no `WWW-Authenticate` header
        # Limits.
        "ignore-limit-maximum",  # listBoards caps `limit` at 50 instead of refusing more
        "uuid-parse-500",  # getBoard parses its id with uuid.UUID: a malformed one is 500
        "ignore-per-page-maximum",  # listCards caps `per_page` at 100 instead of refusing more
        # Workflows and properties.
        "create-returns-200",  # createBoard answers 200, not the documented 201
        "create-drops-description",  # createBoard stores no `description`
        "patch-ignored",  # updateBoard answers the change but stores nothing
        "patch-keeps-updated-at",  # updateBoard leaves `updated_at` null
        "card-remove-noop",  # removeCard answers 200 and keeps the card
        "card-list-skips-first",  # listCards leaves out a board's first card (and its count)
        "card-move-mass-assignment",  # editCard honours `board_id` in its body
        "card-priority-default",  # addCard without `priority` stores 1, not the default 3
        "done-filter-ignored",  # listCards answers every card whatever `done` asks for
        "cards-outlive-board",  # deleteBoard hides the board but its cards stay readable
        # What only schemathesis's response checks see.
        "card-without-created-at",  # getCard answers a card without its required `created_at`
        "problem-as-json",  # a 404 is `application/json`, not `application/problem+json`
        "validation-400",  # a request that breaks its schema is 400, which no operation documents
        "card-without-location",  # addCard answers 201 without its required `Location` header
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


def _error_handler(faults: frozenset[str]) -> Callable[[Request, Exception], Awaitable[Response]]:
    """The one place where errors become answers."""
    challenge = {} if "no-challenge" in faults else {"WWW-Authenticate": "Bearer"}
    invalid_status = 400 if "validation-400" in faults else 422

    async def on_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, Invalid):
            body = {
                "type": "about:blank",
                "title": "Unprocessable Content",
                "status": invalid_status,
                "detail": "The request breaks its schema.",
                "errors": [{"location": where, "message": rule} for where, rule in exc.errors],
            }
            return ProblemResponse(body, status_code=invalid_status)
        if isinstance(exc, Unauthorized):
            return problem(401, "Unauthorized", "A valid bearer token is required.", challenge)
        if isinstance(exc, NotFound):
            answer = problem(404, "Not Found", "No such resource.")
            if "problem-as-json" in faults:
                answer.headers["content-type"] = "application/json"
            return answer
        if isinstance(exc, Conflict):
            return problem(409, "Conflict", "That username is taken.")
        if isinstance(exc, ValueError):  # A bug (see `uuid-parse-500`): answered, not dropped.
            return problem(500, "Internal Server Error", "The server failed.")
        assert isinstance(exc, HTTPException)
        return problem(exc.status_code, str(exc.detail), str(exc.detail), dict(exc.headers or {}))

    return on_error


class _CarelessTokens(Tokens):
    """Tokens as a careless decoder reads them: unsigned ones (`alg-none-accepted`), or any
    signature at all (`signature-unchecked`), pass where the strict decoder refuses."""

    def __init__(self, faults: frozenset[str]) -> None:
        super().__init__()
        self._unsigned = "alg-none-accepted" in faults
        self._unverified = "signature-unchecked" in faults

    def subject(self, authorization: str | None) -> str | None:
        subject = super().subject(authorization)
        token = (authorization or "").partition(" ")[2].strip()
        if subject is not None or not token:
            return subject
        try:
            alg = str(jwt.get_unverified_header(token).get("alg", ""))
            if not (self._unverified or (self._unsigned and alg.lower() == "none")):
                return None
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return None
        found = claims.get("sub")
        return found if isinstance(found, str) else None


def create_app(*, faults: Iterable[str] = frozenset()) -> Starlette:
    """The boards API, in memory; `faults` plants the named faults of `FAULTS`."""
    faults = frozenset(faults)
    if unknown := faults - FAULTS:
        raise ValueError(f"unknown faults: {sorted(unknown)}")
    document = load_spec(SPEC_PATH)
    enforced = copy.deepcopy(document)
    if "ignore-name-bound" in faults:
        del enforced["components"]["schemas"]["BoardCreate"]["properties"]["name"]["maxLength"]
    if "ignore-limit-maximum" in faults:
        for parameter in enforced["paths"]["/v2/boards"]["get"]["parameters"]:
            if parameter["name"] == "limit":
                del parameter["schema"]["maximum"]
    if "ignore-per-page-maximum" in faults:
        for parameter in enforced["paths"]["/v2/boards/{board_id}/cards"]["get"]["parameters"]:
            if parameter["name"] == "per_page":
                del parameter["schema"]["maximum"]
    rules = SpecRules(enforced)
    careless = {"alg-none-accepted", "signature-unchecked"} & faults
    tokens = _CarelessTokens(faults) if careless else Tokens()
    store = Store()
    # Boards deleted under `cards-outlive-board`: gone from the board operations, still
    # found by the card operations' lookup.
    retired: dict[str, Board] = {}

    def caller(request: Request) -> Account:
        subject = tokens.subject(request.headers.get("authorization"))
        account = store.accounts.get(subject) if subject is not None else None
        if account is None:
            raise Unauthorized
        return account

    def path_board(request: Request, account: Account, fault: str = "") -> Board:
        """The board the path names: the caller's own, or anyone's under the `fault` named."""
        raw_id = request.path_params["board_id"]
        return store.board(None if fault in faults else account, raw_id)

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
            everyone = "list-shows-all-boards" in faults
            boards = sorted(
                (
                    b
                    for b in store.boards.values()
                    if account is None or everyone or b.owner_id == account.id
                ),
                key=lambda board: (board.created_at, board.id),
            )
            total = len(store.boards) if "list-total-counts-all" in faults else len(boards)
            start, limit = query["offset"], query["limit"]
            if "ignore-limit-maximum" in faults:
                limit = min(limit, 50)
            page = [board.answer() for board in boards[start : start + limit]]
        return JSONResponse({"items": page, "total": total, "limit": limit, "offset": start})

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
                None if "create-drops-description" in faults else body.get("description"),
                body.get("visibility", "private"),
            )
            store.boards[board.id] = board
        location = f"/v2/boards/{board.id}"
        status = 200 if "create-returns-200" in faults else 201
        return JSONResponse(board.answer(), status_code=status, headers={"Location": location})

    async def get_board(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            if "uuid-parse-500" in faults:
                uuid.UUID(request.path_params["board_id"])  # ValueError: a 500
            return JSONResponse(path_board(request, account, "bola-board-read").answer())

    async def update_board(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            body = await rules.body(request, "updateBoard")
            found = path_board(request, account, "bola-board-update")
            changed = copy.copy(found) if "patch-ignored" in faults else found
            for name in ("name", "description", "visibility"):
                if name in body:
                    setattr(changed, name, body[name])
            if "patch-keeps-updated-at" not in faults:
                changed.updated_at = now()
            return JSONResponse(changed.answer())

    async def delete_board(request: Request) -> Response:
        async with store.lock:
            if "lookup-before-auth" in faults:
                store.board(None, request.path_params["board_id"])
            found = path_board(request, caller(request), "bola-board-delete")
            if "cards-outlive-board" in faults:
                retired[found.id] = store.boards.pop(found.id)
            elif "delete-noop" not in faults:
                store.drop_board(found)
        return Response(status_code=204)

    def card_board(request: Request, account: Account, fault: str = "") -> Board:
        """The board a card operation's path names (a retired one too, under its fault)."""
        try:
            return path_board(request, account, fault)
        except NotFound:
            board = retired.get(request.path_params["board_id"].lower())
            if board is None or board.owner_id != account.id:
                raise
            return board

    def own_card(request: Request, board: Board, fault: str) -> Card:
        """The card the path names, on `board`; on any board under the `fault` named."""
        card = store.card(request.path_params["card_id"])
        if card.board_id != board.id and fault not in faults:
            raise NotFound
        return card

    async def list_cards(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            query = rules.query(request, "listCards")
            cards = store.cards_of(card_board(request, account, "bola-card-list"))
            if query["done"] is not None and "done-filter-ignored" not in faults:
                cards = [card for card in cards if card.done == query["done"]]
            if "card-list-skips-first" in faults:
                cards = cards[1:]
            page, per_page = query["page"], query["per_page"]
            if "ignore-per-page-maximum" in faults:
                per_page = min(per_page, 100)
            start = (page - 1) * per_page
            items = [card.answer() for card in cards[start : start + per_page]]
        answer = {"items": items, "total": len(cards), "page": page, "per_page": per_page}
        return JSONResponse(answer)

    async def add_card(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            body = await rules.body(request, "addCard")
            parent = path_board(request, account)
            card = Card(
                new_id(),
                parent.id,
                body["title"],
                body.get("done", False),
                int(body.get("priority", 1 if "card-priority-default" in faults else 3)),
            )
            store.cards[card.id] = card
        location = f"/v2/boards/{parent.id}/cards/{card.id}"
        headers = {} if "card-without-location" in faults else {"Location": location}
        return JSONResponse(card.answer(), status_code=201, headers=headers)

    async def get_card(request: Request) -> Response:
        async with store.lock:
            answer = own_card(
                request, card_board(request, caller(request)), "bola-task-read"
            ).answer()
        if "card-without-created-at" in faults:
            del answer["created_at"]
        return JSONResponse(answer)

    async def edit_card(request: Request) -> Response:
        async with store.lock:
            account = caller(request)
            body = await read_json(request)
            moved_to = None
            if "card-move-mass-assignment" in faults and isinstance(body, dict):
                moved_to = body.pop("board_id", None)
            rules.check_body("editCard", body)
            card = own_card(request, path_board(request, account), "bola-card-edit")
            card.title = body.get("title", card.title)
            card.done = body.get("done", card.done)
            card.priority = int(body.get("priority", card.priority))
            if isinstance(moved_to, str):
                card.board_id = moved_to
            return JSONResponse(card.answer())

    async def remove_card(request: Request) -> Response:
        async with store.lock:
            card = own_card(request, path_board(request, caller(request)), "bola-card-remove")
            if "card-remove-noop" not in faults:
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
    on_error = _error_handler(faults)
    handlers: dict[Any, Any] = {
        kind: on_error
        for kind in (Invalid, Unauthorized, NotFound, Conflict, ValueError, HTTPException)
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    # `/v2/boards/` is not `/v2/boards`: no redirect from one to the other.
    app.router.redirect_slashes = False
    return app
