"""Loading the OpenAPI contract: the bundled spec, a local file or a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import yaml

from spec import OPENAPI_PATH

from ..errors import SpecError

__all__ = [
    "DEFAULT_SPEC",
    "DocumentLoader",
    "is_bundled",
    "load_document",
    "parse_document",
    "read_source",
]

DEFAULT_SPEC = OPENAPI_PATH

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml: the pure-Python loader, 5x slower
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class DocumentLoader(_SafeLoader):
    """YAML read as the JSON it stands for: an unquoted date stays a string.

    YAML 1.1 turns `default: 2009-11-12T00:00:00Z` into a datetime, which JSON (and so
    OpenAPI, and every schema that says `type: string`) knows nothing of; YAML 1.2, which
    Spectral and most OpenAPI tools read, keeps it a string.
    """


DocumentLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


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
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the spec: {exc}", source=name) from exc


def parse_document(text: str, source: str | Path | None = None) -> dict[str, Any]:
    """The document in `text` (YAML or JSON); `source` names it in errors."""
    name = str(DEFAULT_SPEC if source is None else source)
    try:
        # DocumentLoader is a safe loader: it builds plain data, never Python objects.
        document = yaml.load(text, Loader=DocumentLoader)
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML or JSON: {_first_line(exc)}", source=name) from exc
    if not isinstance(document, dict):
        raise SpecError("the document is not a mapping (an OpenAPI object)", source=name)
    return document


def load_document(source: str | Path | None = None) -> dict[str, Any]:
    """Read an OpenAPI document (YAML or JSON) from a path or an http(s) URL.

    `None` means the bundled `spec/openapi.yaml`. Raises `SpecError` with the source named
    when it cannot be read or is not a mapping; validation is the linter's job.
    """
    return parse_document(read_source(source), source)


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
