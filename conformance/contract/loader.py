"""Loading the OpenAPI contract: the bundled spec, a local file or a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import yaml

from spec import OPENAPI_PATH

from ..errors import SpecError

__all__ = ["DEFAULT_SPEC", "load_document"]

DEFAULT_SPEC = OPENAPI_PATH


def load_document(source: str | Path | None = None) -> dict[str, Any]:
    """Read an OpenAPI document (YAML or JSON) from a path or an http(s) URL.

    `None` means the bundled `spec/openapi.yaml`. Raises `SpecError` with the source named
    when it cannot be read or is not a mapping; validation is the linter's job.
    """
    source = DEFAULT_SPEC if source is None else source
    name = str(source)
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        try:
            response = httpx.get(source, timeout=10.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise SpecError(f"cannot fetch the spec: {exc}", source=name) from exc
        text = response.text
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise SpecError("no such file", source=name, hint="give a path or URL") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot read the spec: {exc}", source=name) from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML or JSON: {_first_line(exc)}", source=name) from exc
    if not isinstance(document, dict):
        raise SpecError("the document is not a mapping (an OpenAPI object)", source=name)
    return document


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
