"""Reading a document: YAML as the JSON it stands for."""

from __future__ import annotations

from pathlib import Path

from conformance.contract import load_document


def test_unquoted_dates_stay_strings(tmp_path: Path) -> None:
    # YAML 1.1 would make these a datetime and a date, which no `type: string` accepts.
    path = tmp_path / "openapi.yaml"
    path.write_text("default: 2009-11-12T00:00:00Z\nexample: 2001-01-01\n200: ok\n")

    assert load_document(path) == {
        "default": "2009-11-12T00:00:00Z",
        "example": "2001-01-01",
        200: "ok",
    }
