"""The structural pass of `oas-schema`: a document against its OpenAPI version's JSON Schema.

The JSON Schemas are the ones openapi-spec-validator ships (the OpenAPI Initiative's, one
per version), read as data files: importing the library itself costs a fifth of a second
(pydantic-settings, requests, jsonschema-path) on every `lint`, for nothing this pass
uses. jsonschema-rs validates, as it does inside the library, so messages and paths are
the library's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import jsonschema_rs

from ..contract.tree import JsonPath
from ..errors import InternalError

__all__ = ["VERSIONS", "structural_errors"]

VERSIONS = ("2.0", "3.0", "3.1", "3.2")
"""The versions with a JSON Schema: Swagger 2.0, then OpenAPI 3's minor versions."""

_LIBRARY = "openapi_spec_validator"


def structural_errors(document: dict[str, Any], version: str) -> Iterator[tuple[JsonPath, str]]:
    """(path as the validator gives it, message) of each place `document` breaks the JSON
    Schema of `version` (one of `VERSIONS`)."""
    for error in _validator(version).iter_errors(document):
        yield tuple(error.instance_path), error.message


@cache
def _validator(version: str) -> jsonschema_rs.Validator:
    schema = json.loads(_schema_file(version).read_text(encoding="utf-8"))
    return jsonschema_rs.validator_cls_for(schema)(schema)


def _schema_file(version: str) -> Path:
    # `find_spec` locates the installed package without running its `__init__`.
    found = find_spec(_LIBRARY)
    if version not in VERSIONS or found is None or not found.submodule_search_locations:
        raise InternalError(f"no JSON Schema of OpenAPI {version} in {_LIBRARY}")
    folder = Path(next(iter(found.submodule_search_locations)))
    return folder / "resources" / "schemas" / f"v{version}" / "schema.json"
