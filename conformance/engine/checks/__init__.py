"""The contract checks, one module per family; importing this package registers them all."""

from __future__ import annotations

__all__ = [
    "authn",
    "authz",
    "concurrency",
    "config",
    "drift",
    "effects",
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
    concurrency,
    config,
    drift,
    effects,
    generic,
    limits,
    login,
    properties,
    uniqueness,
    workflows,
)
