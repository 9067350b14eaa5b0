"""The served contract (`spec/openapi.yaml` itself, as JSON) and the interactive docs."""

from __future__ import annotations

from typing import Any

import orjson
import yaml
from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse, Response

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


def docs_router(spec_json: bytes) -> APIRouter:
    """Routes for the spec and the Swagger UI; they are not operations of the contract."""
    router = APIRouter(include_in_schema=False)

    @router.get(OPENAPI_URL)
    async def openapi() -> Response:
        return Response(spec_json, media_type="application/json")

    @router.get(DOCS_URL)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=OPENAPI_URL, title="Users and Items API")

    return router
