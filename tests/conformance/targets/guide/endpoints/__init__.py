"""The guide's `app/api/v1/endpoints/` and `router.py`."""

from fastapi import APIRouter

from . import auth, items, users

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(users.router)
api_router.include_router(items.router)

__all__ = ["api_router"]
