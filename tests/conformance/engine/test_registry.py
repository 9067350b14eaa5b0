"""The check registry and the catalogue generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from schemathesis.checks import CHECKS, load_all_checks

from conformance.engine.catalogue import load_checks, render_catalogue
from conformance.engine.registry import RENAMED, Check, Family, Owasp, Registry
from conformance.errors import DuplicateCheckError, InternalError

ROOT = Path(__file__).resolve().parents[3]


def _noop(ctx: object) -> None:
    """A check that passes."""


def test_a_second_check_with_the_same_id_is_refused() -> None:
    registry = Registry()
    registry.check("authn.example", description="x", owasp=Owasp.API2)(_noop)
    with pytest.raises(DuplicateCheckError, match=r"authn\.example"):
        registry.check("authn.example", description="y", owasp=Owasp.API2)(_noop)


@pytest.mark.parametrize("check_id", ["authn", "Authn.x", "nofamily.x", "authn.x_y", "authn.-x"])
def test_malformed_or_unknown_family_ids_are_refused(check_id: str) -> None:
    with pytest.raises(InternalError):
        Registry().add(Check(id=check_id, description="x", owasp=Owasp.API8, func=_noop))


def test_every_registered_check_is_described_and_in_a_family() -> None:
    registry = load_checks()
    assert len(registry.contract_checks()) >= 40
    for item in registry:
        assert item.description.endswith("."), item.id
        assert item.family in Family
        assert isinstance(item.owasp, Owasp)
        if item.risk is not None:
            # The report's first lines: one plain sentence each.
            assert "\n" not in item.risk and item.risk.endswith("."), item.id


def test_the_decorator_records_the_plain_language_risk() -> None:
    registry = Registry()
    registry.check("authz.example", description="x.", owasp=Owasp.API1, risk="Anyone reads.")(_noop)
    registry.check("authz.other", description="y.", owasp=Owasp.API1)(_noop)
    assert registry.get("authz.example").risk == "Anyone reads."
    assert registry.get("authz.other").risk is None


def test_every_default_schemathesis_check_has_an_id() -> None:
    load_all_checks()
    registry = load_checks()
    for name in CHECKS.get_all_names():
        if name == "max_response_time":
            continue  # Off unless a limit is configured; the run sets none.
        assert registry.by_schemathesis_name(name) is not None, name


def test_the_committed_catalogue_is_the_rendered_one() -> None:
    committed = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == render_catalogue(), "run `python -m conformance.engine.catalogue`"


def test_the_catalogue_lists_every_check_with_its_owasp_category() -> None:
    text = render_catalogue()
    for item in load_checks():
        assert f"`{item.id}`" in text
    assert "API1:2023 Broken Object Level Authorization" in text


def test_the_catalogue_says_what_a_spec_must_contain_for_each_check() -> None:
    text = render_catalogue()
    row = next(line for line in text.splitlines() if line.startswith("| `authz.read-cross-user`"))
    assert "a resource (other than the accounts) with read and create operations" in row
    assert row.rstrip(" |").endswith("`readItem`")


def test_every_renamed_id_points_at_a_registered_check_and_is_not_reused() -> None:
    registry = load_checks()
    for old, new in RENAMED.items():
        assert new in registry, new
        assert old not in registry, old
    assert "| `workflows.item-list-pagination` | `workflows.list-pagination` |" in (
        render_catalogue()
    )
