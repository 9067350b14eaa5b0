"""JSON answers built with orjson, for the error handlers and the health probes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response


def json_response(
    content: Any, status_code: int, headers: Mapping[str, str] | None = None
) -> Response:
    """`content` as an `application/json` answer."""
    return Response(
        orjson.dumps(content),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


def model_response(model: BaseModel) -> Response:
    """A generated model as a 200 JSON answer, serialized once.

    Returning the model itself makes FastAPI validate it a second time and serialize it
    through its own path; this is for the hottest read, which is already validated.
    """
    return Response(model.model_dump_json(), media_type="application/json")
