"""The HTTP layer: one router per tag, the contract's request handling and error answers."""

from __future__ import annotations

from fastapi import APIRouter

from . import auth, health, items, users

# The busiest routes first: Starlette tries routes in order on every request.
ROUTERS: tuple[APIRouter, ...] = (users.router, items.router, health.router, auth.router)
"""Every operation of the contract: health at the root, the rest under /api/v1."""
