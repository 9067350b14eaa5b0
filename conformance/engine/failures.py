"""The exceptions a check raises to end itself: `Failure` (the target broke the contract)
and `Skip` (the check cannot run here, or a step it needed did not work). Neither is an
error of the toolkit: the runner turns both into an `Outcome`.
"""

from __future__ import annotations

import shlex

import httpx

from .results import FailureRecord, RequestRecord, ResponseRecord, SetupCause

__all__ = ["Failure", "Skip", "curl_for", "record_request", "record_response"]

# Bodies are cut to this many characters in failures and reports.
MAX_BODY = 2000


class Failure(Exception):
    """The target broke a clause of the contract."""

    def __init__(
        self,
        *,
        check_id: str,
        operation: str | None,
        title: str,
        expected: str,
        seen: str,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(f"{check_id}: {title}: expected {expected}, seen {seen}")
        self.check_id = check_id
        self.operation = operation
        self.title = title
        self.expected = expected
        self.seen = seen
        self.response = response

    def to_record(self) -> FailureRecord:
        response = self.response
        return FailureRecord(
            check_id=self.check_id,
            operation=self.operation,
            title=self.title,
            expected=self.expected,
            seen=self.seen,
            request=record_request(response.request) if response is not None else None,
            response=record_response(response) if response is not None else None,
            curl=curl_for(response.request) if response is not None else None,
        )


class Skip(Exception):
    """The check cannot run against this target (for example, it needs admin credentials).

    `cause` is set when a step the check needed did not work (`setup.py`): the reason
    then says that step, as every other check it stopped says it.
    """

    def __init__(self, reason: str, cause: SetupCause | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cause = cause


def _text(content: bytes) -> str:
    text = content.decode("utf-8", "replace")
    return text if len(text) <= MAX_BODY else text[:MAX_BODY] + f"... ({len(text)} characters)"


def record_request(request: httpx.Request) -> RequestRecord:
    body = request.content if request.stream is not None else b""
    return RequestRecord(
        method=request.method,
        url=str(request.url),
        headers=dict(request.headers),
        body=_text(body) if body else None,
    )


def record_response(response: httpx.Response) -> ResponseRecord:
    return ResponseRecord(
        status_code=response.status_code,
        headers=dict(response.headers),
        body=_text(response.content),
    )


# Headers httpx adds by itself; a reproduction does not need them.
_NOISE = {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}


def curl_for(request: httpx.Request) -> str:
    """A curl command line that sends `request` again."""
    parts = ["curl", "-i", "-X", request.method]
    for name, value in request.headers.items():
        if name.lower() not in _NOISE:
            parts += ["-H", f"{name}: {value}"]
    body = request.content
    if body:
        if len(body) > 64 * 1024:
            # A huge body is made, not pasted: say how it was built.
            parts += ["--data-binary", f"@<({len(body)} bytes; see the check's description)>"]
        else:
            parts += ["--data-binary", body.decode("utf-8", "replace")]
    parts.append(str(request.url))
    return " ".join(shlex.quote(part) for part in parts)
