"""Documents are read as JSON tools read them: YAML's extra scalar types stay strings."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.contract.loader import load_document, parse_document
from conformance.contract.yaml12 import read_with_pyyaml
from conformance.errors import SpecError


def test_dates_and_times_written_by_hand_are_the_strings_the_author_wrote() -> None:
    document = parse_document(
        "example: 2020-08-27\n"
        "stamp: 2020-08-27T10:00:00Z\n"
        # YAML 1.1 reads this as a time of day, and the hour 24 crashes PyYAML's loader.
        "closes: 2021-01-01 24:00:00\n"
        "sexagesimal: 190:20:30\n"
        "explicit: !!timestamp 2001-12-14\n",
        source="doc",
    )

    assert document == {
        "example": "2020-08-27",
        "stamp": "2020-08-27T10:00:00Z",
        "closes": "2021-01-01 24:00:00",
        "sexagesimal": "190:20:30",
        "explicit": "2001-12-14",
    }


def test_scalars_resolve_by_yaml_1_2_core_schema() -> None:
    document = parse_document(
        "a: on\nb: yes\nc: No\nd: true\ne: False\nf: ~\ng:\nh: 0755\ni: 0o17\nj: 0x1F\n"
        "k: 1.5e3\nl: 1_000\nm: '7'\n200: ok\n",
        source="doc",
    )

    assert document == {
        "a": "on",
        "b": "yes",
        "c": "No",
        "d": True,
        "e": False,
        "f": None,
        "g": None,
        "h": 755,
        "i": 15,
        "j": 31,
        "k": 1500.0,
        "l": 1000,
        "m": "7",
        200: "ok",
    }


def test_json_is_read_as_json() -> None:
    assert parse_document('{"openapi": "3.1.0", "x": [1, 2.5, null]}', source="doc") == {
        "openapi": "3.1.0",
        "x": [1, 2.5, None],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a:\n\tb: 1\n", "found character '\\t' that cannot start any token, at line 2, column 1"),
        ("a: [1, 2\n", "at line 2, column 1"),
        ("a: b\n  c: d\n", "mapping values are not allowed here, at line 2, column 4"),
    ],
    ids=["a tab", "an unclosed list", "bad indentation"],
)
def test_a_yaml_error_names_the_cause_and_where(text: str, expected: str) -> None:
    with pytest.raises(SpecError) as raised:
        parse_document(text, source="spec.yaml")

    message = str(raised.value)
    assert message.startswith("spec.yaml: not valid YAML or JSON: ")
    assert expected in message
    assert "\n" not in message


def test_a_folder_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="is a folder, not a document"):
        load_document(tmp_path)


def test_a_tab_in_a_blank_line_of_a_block_scalar_is_read_as_yaml_allows() -> None:
    # libyaml refuses this line (spaces, then a tab, in a literal block); YAML does not.
    text = "description: |\n  first\n  \t\n  second\nx: 1\n"

    assert parse_document(text, source="doc") == {
        "description": "first\n\t\nsecond\n",
        "x": 1,
    }


def test_both_yaml_readers_agree_on_every_published_document(shared_specs: Path) -> None:
    # yaml-rs reads specs; PyYAML (with the same scalar rules) reads what yaml-rs refuses.
    for path in sorted(shared_specs.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert parse_document(text, source=str(path)) == read_with_pyyaml(text, source=str(path)), (
            path
        )


def test_an_alias_is_the_node_it_names_even_inside_that_node() -> None:
    # PyYAML builds the loop, which the model then reports (`structure_problem`).
    document = parse_document("a: &x [*x]\nb: &y {k: 1}\nc: *y\n", source="doc")

    assert document["a"][0] is document["a"]
    assert document["c"] is document["b"]


def test_yaml_the_fast_reader_refuses_is_read_by_pyyaml() -> None:
    # libyaml and yaml-rs refuse the tab on the blank line; YAML allows it.
    assert parse_document("d: |\n  a\n  \t\n  b\n", source="doc") == {"d": "a\n\t\nb\n"}
