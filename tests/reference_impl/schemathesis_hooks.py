"""Schemathesis hooks for `test_schemathesis.py`: authenticate every case as a real user.

Loaded by the schemathesis CLI through `SCHEMATHESIS_HOOKS`. The fuzzer deletes accounts
and changes passwords as it goes, so the account is checked before each case and a new
one signed up when the last one stopped working. `listUsers` runs as the superuser, so
that it is tested beyond its 403.

The fuzzer never deletes the very account it runs as: a stateful sequence that created
an item as one account and changed it as the next would see 404 for its own item
(`Created resource not found`), which is the account switch, not the API.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

import httpx
import schemathesis
from schemathesis import Case
from schemathesis.auths import AuthContext

_LIST_USERS = "GET /api/v1/users/"
_DELETE_USER = "DELETE /api/v1/users/{user_id}"


@schemathesis.auth(refresh_interval=None)
class ReferenceUser:
    """A bearer token of a live account."""

    def __init__(self) -> None:
        self.base_url = os.environ["REFERENCE_URL"]
        self.admin = (os.environ["REFERENCE_ADMIN_EMAIL"], os.environ["REFERENCE_ADMIN_PASSWORD"])
        self.token: str | None = None
        self.user_id: int | None = None
        self.admin_token: str | None = None

    def get(self, case: Case[Any], context: AuthContext) -> str:
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            if case.operation.label == _LIST_USERS:
                if not self._works(client, self.admin_token):
                    self.admin_token = self._login(client, *self.admin)
                return self.admin_token or ""
            if not self._works(client, self.token):
                self.token = self._new_account(client)
            return self.token or ""

    def set(self, case: Case[Any], data: str, context: AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"
        path = case.path_parameters or {}
        if case.operation.label == _DELETE_USER and str(path.get("user_id")) == str(self.user_id):
            # Another account's id, which no account has yet: 403 for the caller.
            path["user_id"] = 2**62

    @staticmethod
    def _works(client: httpx.Client, token: str | None) -> bool:
        if token is None:
            return False
        answer = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        return answer.status_code == 200

    @staticmethod
    def _login(client: httpx.Client, email: str, password: str) -> str:
        answer = client.post("/api/v1/auth/login", data={"username": email, "password": password})
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def _new_account(self, client: httpx.Client) -> str:
        email = f"fuzz-{secrets.token_hex(6)}@example.com"
        password = secrets.token_urlsafe(12)
        created = client.post("/api/v1/users/", json={"email": email, "password": password})
        created.raise_for_status()
        self.user_id = int(created.json()["id"])
        return self._login(client, email, password)
