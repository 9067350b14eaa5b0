"""Document formats, as Spectral names them: which OpenAPI version a document is written in.

A rule declares the formats it applies to; a document matches one or more of them (an
OpenAPI 3.1 document is both `oas3` and `oas3.1`), and only the rules that share one run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

__all__ = ["ANY_FORMAT", "OAS2", "OAS3", "Format", "document_formats"]


class Format(StrEnum):
    """A version of the OpenAPI Specification (Swagger 2.0 is `oas2`)."""

    OAS2 = "oas2"
    OAS3 = "oas3"
    OAS3_0 = "oas3.0"
    OAS3_1 = "oas3.1"
    OAS3_2 = "oas3.2"


OAS2 = frozenset({Format.OAS2})
"""Rules that read what only Swagger 2.0 has (`definitions`, `securityDefinitions`)."""
OAS3 = frozenset({Format.OAS3})
"""Rules that read what only OpenAPI 3.x has (`components`, `content`, `requestBody`...)."""
ANY_FORMAT = OAS2 | OAS3
"""Rules that read only what both share (operations, tags, responses, `$ref`s)."""

_MINOR = {"0": Format.OAS3_0, "1": Format.OAS3_1, "2": Format.OAS3_2}
_VERSION = re.compile(r"3\.(\d+)\.\d+(-[0-9A-Za-z.-]+)?")


def document_formats(root: Mapping[str, Any]) -> frozenset[Format]:
    """The formats `root` is written in.

    `swagger` without `openapi` is a 2.0 document (whatever the version says: `oas-schema`
    judges it). Anything else is taken for OpenAPI 3.x, the minor version added when it is
    one this toolkit knows; a missing or malformed `openapi` is `oas-schema`'s to report.
    """
    if "swagger" in root and "openapi" not in root:
        return OAS2
    version = root.get("openapi")
    matched = _VERSION.fullmatch(version) if isinstance(version, str) else None
    minor = _MINOR.get(matched[1]) if matched is not None else None
    return OAS3 | {minor} if minor is not None else OAS3
