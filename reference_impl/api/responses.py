"""JSON answers built with orjson, for the error handlers and the health probes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
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
