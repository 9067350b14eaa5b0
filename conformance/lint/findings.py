"""What the linter reports: one `Finding` per problem, naming its rule and JSON path."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..contract.tree import JsonPath

__all__ = ["Finding", "Severity", "clip"]

_MESSAGE_LIMIT = 200


class Severity(StrEnum):
    """How bad a finding is, Spectral's four levels: only an error fails `conformance lint`.

    `error`: the document breaks clients or tools; `warning`: advice worth following;
    `info` and `hint`: notes a reviewer may skip.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


@dataclass(frozen=True)
class Finding:
    """One problem in the contract.

    `path` is a dotted JSON path into the document, e.g.
    `paths./api/v1/users/.post.responses.201.headers`; list items are written `[i]`.
    `json_path` is the same place as keys and indices, for reporters that look it up in
    the source file (a key may contain dots, so `path` cannot be split back).
    """

    rule: str
    severity: Severity
    path: str
    message: str
    json_path: JsonPath = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, str]:
        """The finding as plain JSON-ready data."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "message": self.message,
        }


def clip(message: str) -> str:
    """`message` on one line and at most a couple of hundred characters."""
    # Validator messages quote the offending value, which may be a whole mapping.
    message = " ".join(message.split())
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 1] + "…"
