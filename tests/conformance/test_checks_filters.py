"""A list's filter and a parent's delete, on the boards fixture: `?done=` lists only the
cards holding it, and a deleted board's cards are not served. The clean app passes both
checks, the bundled contract gives them nothing to judge (no filter, no nesting), and
each planted fault is named on its operation (see `test_run_any_api.BOARDS_FAULTS`)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from conformance.contract import load_contract
from conformance.engine.plan import plan

from .targets import boards
from .targets.runner import run_conformance
from .targets.serving import serve

CHECKS = ("workflows.list-filter", "workflows.cascade-delete")


def _planned(contract_spec: str | None) -> dict[str, tuple[str, ...]]:
    entries = plan(load_contract(contract_spec), has_admin=False)
    return {entry.check_id: entry.operations for entry in entries}


def test_the_spec_says_where_each_check_runs() -> None:
    on_boards = _planned(str(boards.SPEC_PATH))
    assert on_boards["workflows.list-filter"] == ("listCards",)
    assert on_boards["workflows.cascade-delete"] == ("deleteBoard",)
    bundled = _planned(None)
    assert bundled["workflows.list-filter"] == ()
    assert bundled["workflows.cascade-delete"] == ()


def test_a_query_parameter_named_after_no_field_of_the_rows_is_no_filter(
    tmp_path: Path,
) -> None:
    document = yaml.safe_load(boards.SPEC_PATH.read_text(encoding="utf-8"))
    renamed = copy.deepcopy(document)
    listing = renamed["paths"]["/v2/boards/{board_id}/cards"]["get"]
    for parameter in listing["parameters"]:
        if parameter["name"] == "done":
            parameter["name"] = "finished"
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(renamed), encoding="utf-8")
    assert _planned(str(spec))["workflows.list-filter"] == ()


@pytest.mark.slow
def test_the_clean_boards_api_passes_both_checks() -> None:
    with serve(boards.create_app()) as url:
        run = run_conformance(
            url, checks=CHECKS, generic=False, extra_args=["--spec", str(boards.SPEC_PATH)]
        )
    assert run.exit_code == 0, run.explain()
    passed = {
        (o["check_id"], o["operation"]) for o in run.report["outcomes"] if o["status"] == "passed"
    }
    assert passed == {
        ("workflows.list-filter", "listCards"),
        ("workflows.cascade-delete", "deleteBoard"),
    }, run.explain()
