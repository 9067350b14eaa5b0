"""What the linter reports: one `Finding` per problem, naming its rule and JSON path."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Finding", "Severity"]


class Severity(StrEnum):
    """How bad a finding is: an error fails `conformance lint` (exit 1), a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in the contract.

    `path` is a dotted JSON path into the document, e.g.
    `paths./api/v1/users/.post.responses.201.headers`; list items are written `[i]`.
    """

    rule: str
    severity: Severity
    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The finding as plain JSON-ready data."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "message": self.message,
        }
