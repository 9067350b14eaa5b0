"""The HTTP layer: one router per tag, the contract's request handling and error answers."""

from __future__ import annotations

from fastapi import APIRouter

from . import auth, health, items, users

ROUTERS: tuple[APIRouter, ...] = (health.router, auth.router, users.router, items.router)
"""Every operation of the contract: health at the root, the rest under /api/v1."""
