"""Loading the OpenAPI contract: the bundled spec, a local file or a URL.

Documents are read as JSON reads them. YAML written by hand holds scalars that YAML 1.1
(PyYAML's default) turns into other things: `example: 2020-08-27` into a date, `time:
24:00:00` into a sexagesimal number or a crash, `on:` into `True`. JSON tools, JSON Schema
and the OpenAPI tools written in other languages (YAML 1.2's core schema) see the strings
the author wrote, and so does this loader: only `null`, booleans (`true`/`false`), integers
and floats are resolved; everything else stays a string.

YAML is read by yaml-rs (a Rust parser, YAML 1.2, about twenty times faster than
PyYAML's libyaml loader on a 3 MB document); what it refuses is read again by PyYAML with
the same scalar rules, which names the cause and the line of a real error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import yaml_rs

from spec import OPENAPI_PATH

from ..errors import SpecError

__all__ = [
    "DEFAULT_SPEC",
    "is_bundled",
    "load_document",
    "parse_document",
    "read_source",
]

DEFAULT_SPEC = OPENAPI_PATH

# As PyYAML (and JSON parsers) do: a key written twice keeps its last value.
_LAST_KEY_WINS = yaml_rs.DuplicateKeyPolicy.LastWins
# An anchor (`&name`) where a node may start; in other text it only costs the slower reader.
_ANCHOR = re.compile(r"(?:^\s*|[:\-]\s+|[\[{,]\s*)&[A-Za-z0-9_.-]+(?=[\s\]},]|$)", re.MULTILINE)


def load_document(source: str | Path | None = None) -> dict[str, Any]:
    """Read an OpenAPI document (YAML or JSON) from a path or an http(s) URL.

    `None` means the bundled `spec/openapi.yaml`. Raises `SpecError` with the source named
    when it cannot be read or is not a mapping; validation is the linter's job.
    """
    return parse_document(
        read_source(source), source=str(DEFAULT_SPEC if source is None else source)
    )


def is_bundled(source: str | Path | None) -> bool:
    """Whether `source` names the bundled `spec/openapi.yaml` (None does)."""
    if source is None:
        return True
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        return False
    return Path(source).resolve() == DEFAULT_SPEC.resolve()


def read_source(source: str | Path | None = None) -> str:
    """The text of an OpenAPI document at a path or an http(s) URL (None: the bundled one)."""
    source = DEFAULT_SPEC if source is None else source
    name = str(source)
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        import httpx  # Only a URL needs it; reading a file should not pay for its import.

        try:
            response = httpx.get(source, timeout=10.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise SpecError(f"cannot fetch the spec: {exc}", source=name) from exc
        return response.text
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SpecError("no such file", source=name, hint="give a path or URL") from exc
    except IsADirectoryError as exc:
        raise SpecError("is a folder, not a document", source=name) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the spec: {exc}", source=name) from exc


def parse_document(text: str, *, source: str) -> dict[str, Any]:
    """The mapping a YAML or JSON text holds; `SpecError` naming the cause and where."""
    document: Any
    if text.lstrip().startswith("{"):
        # JSON is YAML too, but a JSON parser reads a 3 MB document a hundred times faster.
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            document = _read_with_pyyaml(text, source=source)
    elif _ANCHOR.search(text):
        # yaml-rs copies what an alias names (and reads an alias of a node inside that
        # node as null); PyYAML shares it, as the document means, and the model reports
        # a node that contains itself.
        document = _read_with_pyyaml(text, source=source)
    else:
        try:
            document = yaml_rs.loads(
                text, parse_datetime=False, duplicate_key_policy=_LAST_KEY_WINS
            )
        except (yaml_rs.YAMLDecodeError, RecursionError):
            document = None
        if not isinstance(document, dict):
            # What yaml-rs refuses, or reads as no document (control characters as a
            # string), is read again by PyYAML, which also words the errors.
            document = _read_with_pyyaml(text, source=source)
    if not isinstance(document, dict):
        raise SpecError("the document is not a mapping (an OpenAPI object)", source=source)
    return document


def _read_with_pyyaml(text: str, *, source: str) -> Any:
    # PyYAML (and its import) only for the texts that yaml-rs and orjson do not read.
    from .yaml12 import read_with_pyyaml

    return read_with_pyyaml(text, source=source)
