"""The route class every operation uses: request bodies parsed the contract's way."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import FormData

API_PREFIX = "/api/v1"


class IdConvertor(Convertor[str]):
    """`{name:id}`: a path segment that looks like an integer, still a string.

    Only such segments reach the `{user_id}` routes, so `PATCH /users/me` is 405 (the
    resource `/users/me` has no PATCH) rather than 422 for an id `me`. The value stays a
    string: the parameter's own validation answers 422 for ids out of range.
    """

    regex = "-?[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


# Registering a convertor only names a regex; it reads nothing and connects nothing.
register_url_convertor("id", IdConvertor())


class ContractRequest(Request):
    """A request whose body must be UTF-8, and whose JSON is parsed by orjson.

    A body that is not UTF-8 raises `UnicodeDecodeError`, which FastAPI answers with 400.
    orjson refuses what `json` lets through, such as lone surrogates (`"\\ud800"`), which
    no database or encoder downstream could handle: FastAPI answers 422 `json_invalid`.
    """

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            body.decode("utf-8")
            self._json = orjson.loads(body)
        return self._json

    async def _get_form(
        self,
        *,
        max_files: int | float = 1000,
        max_fields: int | float = 1000,
        max_part_size: int = 1024 * 1024,
    ) -> FormData:
        # Read (and keep) the whole body first: the size middleware bounds it, and the
        # form parser then reads the kept copy.
        (await self.body()).decode("utf-8")
        return await super()._get_form(
            max_files=max_files, max_fields=max_fields, max_part_size=max_part_size
        )


class ContractRoute(APIRoute):
    """An `APIRoute` whose handler sees a `ContractRequest` when the operation has a body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def contract_handler(request: Request) -> Response:
            return await handler(ContractRequest(request.scope, request.receive))

        return contract_handler
