"""The generated API of N similar resources: its spec is valid and a run passes its app.

Correctness only; how run time grows with N is printed by `python -m tests.conformance.scale`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from .targets import many
from .targets.runner import run_conformance
from .targets.serving import serve


@pytest.mark.parametrize("nested", [False, True])
@pytest.mark.parametrize("size", [1, 3])
def test_the_generated_spec_is_valid_openapi_with_five_operations_a_resource(
    size: int, nested: bool
) -> None:
    document = many.document(size, nested=nested)
    validate(document)
    assert many.operations_of(document) == 4 + 5 * size


@pytest.mark.slow
def test_a_run_passes_the_generated_app_of_two_nested_resources(tmp_path: Path) -> None:
    app = many.create_app(2, nested=True)
    spec = tmp_path / "many.json"
    spec.write_text(json.dumps(app.state.document), encoding="utf-8")
    with serve(app) as url:
        run = run_conformance(url, extra_args=["--spec", str(spec), "--seed", "20261201"])
    assert run.exit_code == 0, run.explain()
    assert run.report["summary"]["failed"] == 0, run.explain()
    # The nested resource was judged through its parent, as a second resource.
    assert run.status("authz.read-cross-user") == {"passed"}
    judged = {o["operation"] for o in run.report["outcomes"] if o["status"] == "passed"}
    assert {"createFilm", "readFilm", "updateFilm", "deleteFilm", "listFilms"} <= judged
