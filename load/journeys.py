"""The virtual user: a client of the API as the contract describes one.

Each `ApiUser` signs up once, logs in, refreshes its access token before it expires, and
then runs the request mix (`load.mix`): reads its account, creates, reads, changes, lists
and deletes its own items. At the end it deletes its account, which takes its items and
tokens with it (the contract says so), so that a run leaves nothing behind.

Every request is named by its path template (`/api/v1/items/{item_id}`), never by a
concrete id, so Locust's statistics group by operation. Every response's status is
checked against the one the contract promises; anything else is a failure.

This module imports Locust, so it is only ever loaded by a Locust process.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import time
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import urlencode

from locust import FastHttpUser
from locust.contrib.fasthttp import FastHttpSession

from .mix import parse_mix, parse_think_time
from .pacing import ArrivalPacer
from .results import CLEANUP_SUFFIX

__all__ = ["ApiUser", "Process", "weighted_tasks"]

logger = logging.getLogger(__name__)

USERS = "/api/v1/users/"
ME = "/api/v1/users/me"
USER = "/api/v1/users/{user_id}"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
ITEMS = "/api/v1/items/"
ITEM = "/api/v1/items/{item_id}"

# Refresh when this share of the access token's lifetime has passed, as a careful client
# does, so that no request is ever sent with a token about to expire.
REFRESH_AT = 0.8


class Process:
    """What the users of one Locust process share: the arrival schedule, if any."""

    pacer: ClassVar[ArrivalPacer | None] = None


class ApiUser(FastHttpUser):
    """One client of the API, with its own account, tokens and items."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = f"load-{secrets.token_hex(8)}@loadtest.example.com"
        self.password = secrets.token_urlsafe(18)
        self.user_id: int | None = None
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.refresh_at = 0.0
        self.item_ids: list[int] = []
        options = self.environment.parsed_options
        self.think_time = parse_think_time(getattr(options, "think_time", None))

    def wait_time(self) -> float:
        """Pause before the next task: the arrival schedule's, else the think time."""
        if Process.pacer is not None:
            return Process.pacer.claim()
        low, high = self.think_time
        return random.uniform(low, high)

    def on_start(self) -> None:
        self.ensure_session()
        # Start on the schedule (or after a think), not all at once. Locust's `wait` is
        # not annotated; through a typed name it is an ordinary call.
        wait: Callable[[], None] = self.wait
        wait()

    def on_stop(self) -> None:
        self.delete_account()

    # The session ------------------------------------------------------------------------

    def ensure_session(self) -> bool:
        """Sign up and log in if not done yet; refresh a token near its expiry."""
        if self.user_id is None and not self.sign_up():
            return False
        if self.access_token is None:
            return self.login()
        if time.monotonic() >= self.refresh_at:
            return self.refresh()
        return True

    def sign_up(self, client: FastHttpSession | None = None) -> bool:
        body = {"email": self.email, "password": self.password, "full_name": "Load Test"}
        created = self.call("POST", USERS, 201, client=client, json=body)
        if created is None:
            return False
        self.user_id = int(created["id"])
        return True

    def login(self, client: FastHttpSession | None = None, suffix: str = "") -> bool:
        form = urlencode({"username": self.email, "password": self.password})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        token = self.call(
            "POST", LOGIN + suffix, 200, client=client, data=form, headers=headers, auth=False
        )
        return self.keep_tokens(token)

    def refresh(self, client: FastHttpSession | None = None, suffix: str = "") -> bool:
        body = {"refresh_token": self.refresh_token}
        token = self.call("POST", REFRESH + suffix, 200, client=client, json=body, auth=False)
        if token is None:
            # A refresh token that no longer works is a failure already counted; log in
            # again, as a real client would, so the journey goes on.
            self.access_token = None
            return False
        return self.keep_tokens(token)

    def keep_tokens(self, token: dict[str, Any] | None) -> bool:
        if token is None:
            return False
        self.access_token = str(token["access_token"])
        self.refresh_token = str(token["refresh_token"])
        self.refresh_at = time.monotonic() + REFRESH_AT * float(token["expires_in"])
        return True

    def delete_account(self) -> None:
        """Delete the account (and so its items and tokens), outside the statistics' rows.

        A fresh client: the user may have been stopped in the middle of a request.
        """
        if self.user_id is None:
            return
        client = FastHttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=None
        )
        if self.access_token is None or time.monotonic() >= self.refresh_at:
            if not (self.refresh_token and self.refresh(client, CLEANUP_SUFFIX)):
                self.login(client, CLEANUP_SUFFIX)
        if self.access_token is not None:
            path = USER.replace("{user_id}", str(self.user_id))
            self.call("DELETE", path, 204, client=client, name=USER + CLEANUP_SUFFIX)
        self.user_id = None

    # Requests ---------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        expected: int,
        *,
        name: str | None = None,
        client: FastHttpSession | None = None,
        auth: bool = True,
        json: Any = None,
        data: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """One request, named `name` (the path template); the decoded body, or None.

        A status other than `expected`, or a body that is not JSON where one is due, is
        reported to Locust as a failure with the status and the start of the body.
        """
        headers = dict(headers or {})
        if auth and self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        session = client or self.client
        with session.request(
            method,
            path,
            name=name or path,
            json=json,
            data=data,
            headers=headers,
            catch_response=True,
        ) as response:
            if response.status_code != expected:
                text = (response.text or "")[:200] if response.status_code else ""
                response.failure(f"expected {expected}, got {response.status_code} {text}".strip())
                return None
            if expected == 204:
                return {}
            try:
                return _decode(response.text)
            except ValueError:
                response.failure(f"{expected} without a JSON body")
                return None


def _decode(text: str | None) -> Any:
    return json.loads(text or "")


# The tasks: one request each (plus, rarely, a refresh or a new login), so that under an
# arrival rate the number of requests per second is the number of tasks per second.


def read_me(user: ApiUser) -> None:
    if user.ensure_session():
        user.call("GET", ME, 200)


def list_items(user: ApiUser) -> None:
    if user.ensure_session():
        user.call("GET", ITEMS + "?limit=20", 200, name=ITEMS)


def create_item(user: ApiUser) -> None:
    if user.ensure_session():
        body = {"title": f"item {secrets.token_hex(4)}", "description": "made by the load suite"}
        item = user.call("POST", ITEMS, 201, json=body)
        if item is not None:
            user.item_ids.append(int(item["id"]))


def read_item(user: ApiUser) -> None:
    if not user.item_ids:
        create_item(user)
    elif user.ensure_session():
        item_id = random.choice(user.item_ids)
        user.call("GET", ITEM.replace("{item_id}", str(item_id)), 200, name=ITEM)


def update_item(user: ApiUser) -> None:
    if not user.item_ids:
        create_item(user)
    elif user.ensure_session():
        item_id = random.choice(user.item_ids)
        body = {"title": f"item {secrets.token_hex(4)}"}
        user.call("PATCH", ITEM.replace("{item_id}", str(item_id)), 200, name=ITEM, json=body)


def delete_item(user: ApiUser) -> None:
    if not user.item_ids:
        create_item(user)
    elif user.ensure_session():
        item_id = user.item_ids.pop(random.randrange(len(user.item_ids)))
        user.call("DELETE", ITEM.replace("{item_id}", str(item_id)), 204, name=ITEM)


def refresh(user: ApiUser) -> None:
    if user.ensure_session():
        user.refresh()


TASKS: dict[str, Callable[[ApiUser], None]] = {
    "read_me": read_me,
    "list_items": list_items,
    "read_item": read_item,
    "create_item": create_item,
    "update_item": update_item,
    "delete_item": delete_item,
    "refresh": refresh,
}


def weighted_tasks(mix_text: str | None) -> list[Callable[[ApiUser], None]]:
    """Locust's form of a mix: each task repeated as often as its weight."""
    mix = parse_mix(mix_text)
    return [TASKS[name] for name, weight in mix.items() for _ in range(weight)]


ApiUser.tasks = weighted_tasks(None)  # type: ignore[assignment]
