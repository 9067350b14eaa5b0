"""The contract checks, one module per family; importing this package registers them all."""

from __future__ import annotations

__all__ = [
    "authn",
    "authz",
    "cascade",
    "concurrency",
    "config",
    "drift",
    "effects",
    "filters",
    "generic",
    "limits",
    "login",
    "properties",
    "uniqueness",
    "workflows",
]

from . import (
    authn,
    authz,
    cascade,
    concurrency,
    config,
    drift,
    effects,
    filters,
    generic,
    limits,
    login,
    properties,
    uniqueness,
    workflows,
)
