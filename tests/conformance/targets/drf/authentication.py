"""The tracker's authentication and pagination classes, named by the REST_FRAMEWORK settings.

They live apart from the views: DRF imports its settings' classes while `rest_framework.views`
is still being imported, so their module must not import the views (a known DRF cycle).
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from .faults import active

__all__ = ["TrackerPagination", "TrackerTokenAuthentication"]


class TrackerTokenAuthentication(TokenAuthentication):
    """DRF's `TokenAuthentication` (`Authorization: Token <key>`), with two planted faults."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = Token.objects.select_related("user").filter(key=key).first()
        if token is None and active("unknown-token-accepted"):
            token = Token.objects.select_related("user").order_by("created").first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active and not active("inactive-token-accepted"):
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (token.user, token)


class TrackerPagination(PageNumberPagination):
    page_size = 10
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
        if active("page-size-ignored"):
            return self.page_size
        size: int | None = super().get_page_size(request)
        return size
