"""Schemathesis's findings: a 400 of the server's HTTP layer to malformed HTTP judges nothing.

Negative generation can put any value in any header, `Content-Length` included; the server
answers such a request 400 before the API runs (RFC 9112), which breaks no promise of a
spec. The requests and answers below are schemathesis's own recorded types.
"""

from __future__ import annotations

import pytest
from schemathesis.core.transport import Response
from schemathesis.engine.recorder import Interaction, Request

from conformance.engine.generic import _refused_as_bad_http

URL = "http://127.0.0.1:8000/me"


def _interaction(headers: dict[str, str], status: int, body: bytes | None = None) -> Interaction:
    request = Request(
        method="GET",
        uri=URL,
        body=body,
        body_size=len(body) if body else None,
        headers={name: [value] for name, value in headers.items()},
    )
    response = Response(
        status_code=status,
        headers={"content-type": ["text/plain"]},
        content=b"Invalid HTTP request received.",
        request=None,  # type: ignore[arg-type]
        elapsed=0.01,
        verify=True,
    )
    return Interaction(request=request, response=response)


@pytest.mark.parametrize(
    "headers",
    [
        {"content-length": "edP:o:~7TG"},
        {"Content-Length": "12"},
        {"transfer-encoding": "qSRaG5"},
        {"host": "elsewhere.example"},
    ],
)
def test_a_400_to_malformed_http_is_not_judged(headers: dict[str, str]) -> None:
    assert _refused_as_bad_http(_interaction(headers, 400))


@pytest.mark.parametrize(
    ("headers", "status", "body"),
    [
        ({"content-length": "edP:o:~7TG"}, 500, None),  # a 500 is the API's, whatever came
        ({"content-length": "4"}, 400, b"abcd"),  # the right length: the API's own 400
        ({"host": "127.0.0.1:8000"}, 400, None),
        ({"X-Made-Up": "value"}, 400, None),  # any other header is the API's to judge
    ],
)
def test_any_other_answer_is_judged(
    headers: dict[str, str], status: int, body: bytes | None
) -> None:
    assert not _refused_as_bad_http(_interaction(headers, status, body))
