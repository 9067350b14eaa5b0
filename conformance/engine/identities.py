"""The run's own users: signed up through the API, refreshed before expiry, deleted at the end.

Every account the run makes has the run tag in its email, so that on a shared environment
they are recognisable. Admin credentials, when given, are only ever used to read and to be
refused (role checks), never to change anything.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field

import httpx

from .http import TargetClient, json_body
from .spec import SpecIndex

__all__ = ["Identities", "Identity", "IdentityError"]

EMAIL_DOMAIN = "conformance-run.example.com"


class IdentityError(Exception):
    """An account could not be made or logged in: the target's sign-up or login is broken."""

    def __init__(self, message: str, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.response = response


@dataclass(slots=True)
class Identity:
    """One account and its current tokens."""

    label: str
    email: str
    password: str
    user_id: int | None = None
    access_token: str = ""
    refresh_token: str = ""
    # When the access token expires, on the monotonic clock.
    expires_at: float = 0.0
    lifetime: float = 0.0
    is_admin: bool = False
    deleted: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class Identities:
    """Makes and tracks the run's accounts; thread-safe."""

    def __init__(
        self,
        client: TargetClient,
        spec: SpecIndex,
        *,
        run_tag: str,
        admin_email: str | None = None,
        admin_password: str | None = None,
    ) -> None:
        self._client = client
        self.spec = spec
        self.run_tag = run_tag
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._created: list[Identity] = []
        self._admin = (
            Identity("admin", admin_email, admin_password, is_admin=True)
            if admin_email and admin_password
            else None
        )

    @property
    def client(self) -> TargetClient:
        return self._client

    # -- making accounts -------------------------------------------------------------------

    def email_for(self, label: str) -> str:
        """A fresh, unique address carrying the run tag."""
        with self._lock:
            number = next(self._counter)
        return f"cf-{self.run_tag}-{label}-{number}@{EMAIL_DOMAIN}"

    def sign_up(self, label: str, *, login: bool = True) -> Identity:
        """Sign up a new account (and log it in); `IdentityError` when the target refuses."""
        identity = Identity(label, self.email_for(label), secrets.token_urlsafe(12))
        response = self._client.request(
            "POST",
            self.spec["createUser"].url_path(),
            json={"email": identity.email, "password": identity.password, "full_name": label},
        )
        if response.status_code != 201:
            raise IdentityError(f"sign-up answered {response.status_code}", response)
        user_id = json_body(response).get("id")
        identity.user_id = user_id if isinstance(user_id, int) else None
        self.track(identity)
        if login:
            self._first_login(identity)
        return identity

    def _first_login(self, identity: Identity) -> None:
        """Log a new account in, allowing a moment for the sign-up to become visible.

        Some deployments commit after answering (the guide's session dependency does), so
        an immediate login can miss the account; workflows.signup-login judges that, and
        the checks that only need a user should not fail for it.
        """
        for pause in (0.1, 0.3, 0.0):
            try:
                self.log_in(identity)
                return
            except IdentityError as exc:
                response = exc.response
                if response is None or response.status_code != 401 or not pause:
                    raise
            time.sleep(pause)

    def track(self, identity: Identity) -> None:
        """Remember an account the run made, so that the clean-up deletes it."""
        with self._lock:
            self._created.append(identity)

    def adopt(self, email: str, password: str, user_id: int | None) -> None:
        """Track an account that schemathesis signed up during the run."""
        self.track(Identity("generated", email, password, user_id=user_id))

    def adopt_created(self, email: str, password: str, user_id: object) -> Identity:
        """Track an account a check signed up by hand; returns it (not logged in)."""
        identity = Identity(
            "signed-up", email, password, user_id=user_id if isinstance(user_id, int) else None
        )
        self.track(identity)
        return identity

    def note_changed(self, user_id: int, *, email: object, password: object) -> None:
        """A generated request changed one of the run's accounts: keep its credentials current."""
        for identity in self.created:
            if identity.user_id == user_id:
                if isinstance(email, str):
                    identity.email = email
                if isinstance(password, str):
                    identity.password = password

    def note_deleted(self, user_id: int) -> None:
        """A generated request deleted one of the run's accounts: nothing to clean up."""
        for identity in self.created:
            if identity.user_id == user_id:
                identity.deleted = True

    @property
    def created(self) -> list[Identity]:
        with self._lock:
            return list(self._created)

    # -- tokens ----------------------------------------------------------------------------

    def login_response(self, email: str, password: str) -> httpx.Response:
        return self._client.request(
            "POST",
            self.spec["login"].url_path(),
            data={"username": email, "password": password},
        )

    def log_in(self, identity: Identity) -> None:
        response = self.login_response(identity.email, identity.password)
        if response.status_code != 200:
            raise IdentityError(
                f"login of {identity.email} answered {response.status_code}", response
            )
        self._store(identity, response)

    def _store(self, identity: Identity, response: httpx.Response) -> None:
        body = json_body(response)
        if "access_token" not in body:
            raise IdentityError("the token response has no access_token", response)
        identity.access_token = str(body["access_token"])
        identity.refresh_token = str(body.get("refresh_token", ""))
        lifetime = body.get("expires_in")
        identity.lifetime = float(lifetime) if isinstance(lifetime, int | float) else 900.0
        identity.expires_at = time.monotonic() + identity.lifetime

    def token(self, identity: Identity, *, force: bool = False) -> str:
        """A valid access token: refreshed (or logged in again) shortly before it expires."""
        with identity.lock:
            margin = min(60.0, identity.lifetime / 5)
            if (
                force
                or not identity.access_token
                or time.monotonic() > identity.expires_at - margin
            ):
                self._renew(identity)
            return identity.access_token

    def _renew(self, identity: Identity) -> None:
        if identity.refresh_token:
            response = self._client.request(
                "POST",
                self.spec["refreshTokens"].url_path(),
                json={"refresh_token": identity.refresh_token},
            )
            if response.status_code == 200:
                self._store(identity, response)
                return
        self.log_in(identity)

    def headers(self, identity: Identity) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(identity)}"}

    # -- the admin -------------------------------------------------------------------------

    @property
    def has_admin(self) -> bool:
        return self._admin is not None

    def admin(self) -> Identity | None:
        """The logged-in admin, or None when no admin credentials were given."""
        if self._admin is None:
            return None
        if not self._admin.access_token:
            with self._admin.lock:
                if not self._admin.access_token:
                    self.log_in(self._admin)
        return self._admin

    # -- clean-up --------------------------------------------------------------------------

    def clean_up(self) -> tuple[int, list[str]]:
        """Delete every account the run made (their items go with them).

        Returns how many were deleted and the emails of those that could not be.
        """
        deleted, left = 0, []
        for identity in self.created:
            if identity.deleted:
                continue
            if self._delete(identity):
                deleted += 1
            else:
                left.append(identity.email)
        return deleted, left

    def _delete(self, identity: Identity) -> bool:
        # The current token first: an account locked by the login check cannot log in again.
        for force in (False, True):
            try:
                headers = {"Authorization": f"Bearer {self.token(identity, force=force)}"}
            except IdentityError:
                continue
            user_id = identity.user_id if identity.user_id is not None else self._own_id(headers)
            if user_id is None:
                continue
            response = self._client.request(
                "DELETE", self.spec["deleteUser"].url_path(user_id=user_id), headers=headers
            )
            if response.status_code in (204, 404):
                identity.deleted = True
                return True
        return False

    def _own_id(self, headers: dict[str, str]) -> int | None:
        me = self._client.request("GET", self.spec["readCurrentUser"].url_path(), headers=headers)
        if me.status_code != 200:
            return None
        user_id = json_body(me).get("id")
        return user_id if isinstance(user_id, int) else None
