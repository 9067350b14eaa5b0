"""`conformance run` catches each deliberately faulty variant of the reference, by name.

Every variant breaks one clause of the contract (see `targets/faulty/`); a run against it
must exit 1 with the check id the variant names among the failures. The clean reference,
run the same way with every check, must pass. Each variant's run selects only the checks
it names (and skips schemathesis unless only schemathesis can see the fault), so that the
whole matrix stays within a few minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import conformance.engine.checks  # noqa: F401 (registers the checks)
from conformance.engine.registry import REGISTRY
from reference_impl.app import create_app

from .targets.faulty import VARIANTS, Variant, prepare_reference
from .targets.runner import run_conformance
from .targets.serving import serve


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS, ids=[variant.name for variant in VARIANTS])
def test_run_names_the_check_that_catches_the_fault(variant: Variant, tmp_path: Path) -> None:
    setup = prepare_reference(tmp_path, **variant.settings)
    with serve(variant.build(setup.settings)) as url:
        run = run_conformance(
            url, admin=setup.admin, checks=variant.selected, generic=variant.generic
        )
    assert run.exit_code == 1, run.explain()
    caught = run.failed_checks & set(variant.expected)
    assert caught, f"{variant.name} ({variant.clause}) not caught by {variant.expected}\n" + (
        run.explain()
    )


@pytest.mark.slow
def test_a_page_size_ignored_on_the_admins_list_is_named_there(tmp_path: Path) -> None:
    # limit-ignored drops `limit` on the users' list too: only the admin, whom the run
    # has, is served that list, so the fault is seen there through the admin.
    variant = next(variant for variant in VARIANTS if variant.name == "limit-ignored")
    setup = prepare_reference(tmp_path)
    with serve(variant.build(setup.settings)) as url:
        run = run_conformance(url, admin=setup.admin, checks=["limits.page-size"], generic=False)
    assert run.exit_code == 1, run.explain()
    users = [o for o in run.report["outcomes"] if o["operation"] == "listUsers"]
    assert [o["status"] for o in users] == ["failed"], run.explain()
    titles = [failure["title"] for failure in users[0]["failures"]]
    assert titles == ["limit=101 was not refused"], titles


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_clean_reference_passes_every_check(tmp_path: Path, seed: int) -> None:
    # Precision measured: five seeds of schemathesis's phases, and no failure.
    setup = prepare_reference(tmp_path)
    with serve(create_app(setup.settings)) as url:
        run = run_conformance(url, admin=setup.admin, extra_args=["--seed", str(seed)])
    assert run.exit_code == 0, run.explain()
    assert run.report["summary"]["failed"] == 0, run.explain()


def test_every_variant_names_registered_checks() -> None:
    unknown = {
        check_id
        for variant in VARIANTS
        for check_id in (*variant.expected, *variant.selected)
        if check_id not in REGISTRY
    }
    assert not unknown, f"variants name checks the engine does not have: {sorted(unknown)}"
    names = [variant.name for variant in VARIANTS]
    assert len(set(names)) == len(names) >= 20
