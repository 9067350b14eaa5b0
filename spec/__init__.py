"""The hand-authored OpenAPI 3.1 contract, shipped as package data.

`OPENAPI_PATH` is where the bundled `openapi.yaml` lies, wherever the toolkit is installed.
"""

from pathlib import Path

OPENAPI_PATH = Path(__file__).with_name("openapi.yaml")

__all__ = ["OPENAPI_PATH"]
