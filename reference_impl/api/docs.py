"""The served contract (`spec/openapi.yaml` itself, as JSON) and the interactive docs."""

from __future__ import annotations

from typing import Any

import orjson
import yaml
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from spec import OPENAPI_PATH

OPENAPI_URL = "/api/v1/openapi.json"
DOCS_URL = "/api/v1/docs"


def load_spec() -> dict[str, Any]:
    """The hand-authored contract, parsed."""
    document: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    return document


def spec_json(document: dict[str, Any]) -> bytes:
    """The contract as the JSON bytes `/api/v1/openapi.json` serves."""
    return orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)


def docs_routes(spec_json: bytes) -> list[Route]:
    """Routes for the spec and the Swagger UI; they are not operations of the contract.

    Plain Starlette routes: they take nothing from the request.
    """

    async def openapi(_request: Request) -> Response:
        return Response(spec_json, media_type="application/json")

    async def docs(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title="Users and Items API")

    return [
        Route(OPENAPI_URL, openapi, methods=["GET"]),
        Route(DOCS_URL, docs, methods=["GET"]),
    ]
