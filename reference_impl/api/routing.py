"""The route class every operation uses: one request path, compiled per operation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import params
from fastapi.datastructures import DefaultPlaceholder
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError, ResponseValidationError
from fastapi.routing import APIRoute
from fastapi.utils import is_body_allowed_for_status_code
from pydantic import BaseModel
from pydantic_core import PydanticUndefined as Undefined
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from .solver import Plan, Solved, Solver

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
    """The one request path of every operation.

    FastAPI's `APIRoute` builds the route (its `Dependant`, body and response fields,
    which OpenAPI and the parameters' validation read); the request itself runs here,
    on what was compiled from them once (`solver.Plan`): the body read and parsed the
    contract's way (`ContractRequest`), the dependencies solved, the endpoint called,
    its return value serialized once by the response model's serializer (revalidated
    only when it is not already an instance of that model) and sent. Exceptions go up
    to the app's exception handlers, as from any route.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        # Starlette anchors the pattern with `$`, which also matches before a final
        # newline: `/items/5%0A` would reach item 5, and `/items/%0A` the collection
        # (a 405). `\Z` ends at the end of the path only.
        self.path_regex = re.compile(self.path_regex.pattern.removesuffix("$") + r"\Z")
        self._plan = Plan.of(self.dependant)
        self._solver = Solver(
            self.dependency_overrides_provider, embed_body_fields=self._embed_body_fields
        )
        self._form = self.body_field is not None and isinstance(
            self.body_field.field_info, params.Form
        )
        self._strict_content_type: bool = _chosen(self.strict_content_type)
        # The endpoint's declared model, when it is a plain model class: an instance of
        # it needs no second validation before it is serialized.
        annotation = self.response_field.field_info.annotation if self.response_field else None
        self._model = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
        self._dump_json = self.response_field is not None and isinstance(
            self.response_class, DefaultPlaceholder
        )
        self._response_class: type[Response] = _chosen(self.response_class)
        self._serialization: dict[str, Any] = {
            "include": self.response_model_include,
            "exclude": self.response_model_exclude,
            "by_alias": self.response_model_by_alias,
            "exclude_unset": self.response_model_exclude_unset,
            "exclude_defaults": self.response_model_exclude_defaults,
            "exclude_none": self.response_model_exclude_none,
        }
        self.app = self._respond

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # Starlette's matching, without `APIRoute`'s look-up of an included router's
        # context (these routes are added to the app's router directly).
        match, child_scope = Route.matches(self, scope)
        if match is not Match.NONE:
            child_scope["route"] = self
        return match, child_scope

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await Route.handle(self, scope, receive, send)

    async def _respond(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = ContractRequest(scope, receive, send)
        solved = Solved(request, Undefined)
        try:
            if self.body_field is not None:
                solved.body = await self._read_body(request)
            values, errors = await self._solver.solve(self._plan, solved)
            if errors:
                body = None if solved.body is Undefined else solved.body
                raise RequestValidationError(errors, body=body)
            returned = await self._solver.call(self._plan, values, solved)
            response = self._render(returned, solved)
            await response(scope, receive, send)
        except BaseException as exc:
            await _close(solved, exc)
            raise
        await _close(solved, None)

    async def _read_body(self, request: ContractRequest) -> Any:
        # FastAPI's reading: a form for a form body; otherwise JSON when the content
        # type says so (or says nothing, for a route that is not strict), else the bytes.
        try:
            if self._form:
                return await request.form()
            body = await request.body()
            if not body:
                return Undefined
            content_type = request.headers.get("content-type")
            if content_type is None:
                return body if self._strict_content_type else await request.json()
            if _is_json(content_type):
                return await request.json()
            return body
        except json.JSONDecodeError as exc:
            error = {
                "type": "json_invalid",
                "loc": ("body", exc.pos),
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": exc.msg},
            }
            raise RequestValidationError([error], body=exc.doc) from exc
        except HTTPException:
            raise  # The body limit's 413.
        except Exception as exc:
            raise HTTPException(400, "There was an error parsing the body") from exc

    def _render(self, returned: Any, solved: Solved) -> Response:
        if isinstance(returned, Response):
            if returned.background is None:
                returned.background = solved.background
            return returned
        sub = solved.response
        status = sub.status_code if sub is not None and sub.status_code else self.status_code
        field = self.response_field
        if field is None:
            content: Any = jsonable_encoder(returned)
        else:
            if self._model is None or type(returned) is not self._model:
                returned, errors = field.validate(returned, {}, loc=("response",))
                if errors:
                    raise ResponseValidationError(errors=errors, body=returned)
            serialize = field.serialize_json if self._dump_json else field.serialize
            content = serialize(returned, **self._serialization)
        arguments: dict[str, Any] = {"background": solved.background}
        if status is not None:
            arguments["status_code"] = status
        if self._dump_json:
            response = Response(content, media_type="application/json", **arguments)
        else:
            response = self._response_class(content, **arguments)
        if not is_body_allowed_for_status_code(response.status_code):
            response.body = b""
        if sub is not None:
            response.headers.raw.extend(sub.headers.raw)
        return response


def _chosen(value: Any) -> Any:
    # A route option as FastAPI stores it: its default wrapped in a `DefaultPlaceholder`,
    # or the value given.
    return value.value if isinstance(value, DefaultPlaceholder) else value


def _is_json(content_type: str) -> bool:
    # What `email.message` makes of the header, as FastAPI reads it: the media type
    # before any parameter, lower-cased; `application/json` or `application/*+json`.
    media = content_type.partition(";")[0].strip().lower()
    if media.count("/") != 1:
        return False
    main, _, sub = media.partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


async def _close(solved: Solved, exc: BaseException | None) -> None:
    # What the request opened: the form's files, then the dependencies with `yield`
    # (told of the exception, if any, as FastAPI tells them).
    body = solved.body
    if isinstance(body, FormData):
        await body.close()
    if solved.stack is not None:
        if exc is None:
            await solved.stack.aclose()
        else:
            await solved.stack.__aexit__(type(exc), exc, exc.__traceback__)
