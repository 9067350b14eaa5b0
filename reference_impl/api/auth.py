"""`/api/v1/auth`: the OAuth2 password flow, refresh-token rotation and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from generated.models import LoginFormRequest, RefreshRequest, Token

from ..deps import AuthServiceDep
from .routing import API_PREFIX, ContractRoute

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"], route_class=ContractRoute)


@router.post("/login", operation_id="login", summary="Log in with email and password")
async def login(
    form: Annotated[LoginFormRequest, Form()],
    request: Request,
    response: Response,
    service: AuthServiceDep,
) -> Token:
    """A new access and refresh token for a correct email (`username`) and password."""
    client = request.client.host if request.client else "unknown"
    token = await service.login(form.username, form.password, client=client)
    response.headers["Cache-Control"] = "no-store"
    return token


@router.post(
    "/refresh", operation_id="refreshTokens", summary="Exchange a refresh token for a new pair"
)
async def refresh_tokens(
    body: RefreshRequest, response: Response, service: AuthServiceDep
) -> Token:
    """A new pair; the refresh token used is revoked."""
    token = await service.refresh(body.refresh_token)
    response.headers["Cache-Control"] = "no-store"
    return token


@router.post("/logout", operation_id="logout", status_code=204, summary="Revoke a refresh token")
async def logout(body: RefreshRequest, service: AuthServiceDep) -> Response:
    """Revoke the refresh token; 204 whatever the token was."""
    await service.logout(body.refresh_token)
    return Response(status_code=204)
