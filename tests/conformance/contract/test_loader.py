"""Reading a document: YAML as the JSON it stands for."""

from __future__ import annotations

from pathlib import Path

from conformance.contract import load_document
from conformance.contract.lines import LineIndex


def test_unquoted_dates_stay_strings(tmp_path: Path) -> None:
    # YAML 1.1 would make these a datetime and a date, which no `type: string` accepts.
    path = tmp_path / "openapi.yaml"
    path.write_text("default: 2009-11-12T00:00:00Z\nexample: 2001-01-01\n200: ok\n")

    assert load_document(path) == {
        "default": "2009-11-12T00:00:00Z",
        "example": "2001-01-01",
        200: "ok",
    }


def test_the_line_index_finds_keys_items_and_the_nearest_written_ancestor() -> None:
    text = "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      tags:\n        - one\n        - two\n"

    lines = LineIndex(text)

    assert lines.line(("paths", "/a", "get")) == 4
    assert lines.line(("paths", "/a", "get", "tags", 1)) == 7
    assert lines.line(("paths", "/a", "get", "responses", "200")) == 4
    assert lines.line(()) == 1


def test_the_line_index_reads_json_and_survives_aliases() -> None:
    assert LineIndex('{\n  "a": {\n    "b": [1, 2]\n  }\n}\n').line(("a", "b")) == 3

    looped = LineIndex("x: &a [*a]\ny: 1\n")
    assert looped.line(("y",)) == 2
    assert looped.line(("x", 0, 0, 0)) == 1
