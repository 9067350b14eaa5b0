"""Where each node of a document is written, for reporters that point into the file."""

from __future__ import annotations

from conformance.contract.lines import LineIndex


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
