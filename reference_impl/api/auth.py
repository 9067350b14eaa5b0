"""`/api/v1/auth`: the OAuth2 password flow, refresh-token rotation and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from generated.models import LoginFormRequest, RefreshRequest, Token

from ..deps import AuthServiceDep
from .operations import Handlers

handlers = Handlers()


@handlers.implements("login")
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


@handlers.implements("refreshTokens")
async def refresh_tokens(
    body: RefreshRequest, response: Response, service: AuthServiceDep
) -> Token:
    """A new pair; the refresh token used is revoked."""
    token = await service.refresh(body.refresh_token)
    response.headers["Cache-Control"] = "no-store"
    return token


@handlers.implements("logout")
async def logout(body: RefreshRequest, service: AuthServiceDep) -> None:
    """Revoke the refresh token; 204 whatever the token was."""
    await service.logout(body.refresh_token)
