"""The run's own users: signed up through the spec's sign-up role, refreshed, deleted at the end.

The operations come from the contract's roles (`conformance.contract.roles`): sign-up,
token, refresh and account deletion, whatever the spec calls them. Every account the run
makes carries the run tag in its identifier (an email address, or a username where the
spec's sign-up takes one), so that on a shared environment they are recognisable.
Identities given in `conformance.toml` (`[[identity]]`) are used as they are and never
deleted. Admin credentials, when given, are only ever used to read and to be refused
(role checks), never to change anything.

Every credential goes out the way the contract's presentation says (`present`): a header
(`Authorization: Bearer ...`, `Authorization: Token ...`, `X-API-Key: ...`), a query
parameter or a cookie; under http basic the credential is the identifier and password.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..contract import Contract, Operation, RoleName, accounts
from ..contract.security import SecurityScheme, basic_credential
from .http import TargetClient, json_body
from .settings import ConfiguredIdentity

__all__ = ["ConfiguredIdentity", "Identities", "Identity", "IdentityError", "present"]

EMAIL_DOMAIN = "conformance-run.example.com"


class IdentityError(Exception):
    """An account could not be made or logged in: the target's sign-up or login is broken.

    `step` is "signup" or "login" (what was tried), `response` its answer when one came.
    """

    def __init__(
        self, message: str, response: httpx.Response | None = None, *, step: str = "login"
    ) -> None:
        super().__init__(message)
        self.message = message
        self.response = response
        self.step = step


@dataclass(slots=True)
class Identity:
    """One account and its current tokens."""

    label: str
    # What the token operation takes as the account's name: an email address or a username.
    email: str
    password: str
    # The account's id as the sign-up answered it (an integer, a UUID, ...).
    user_id: object = None
    access_token: str = ""
    refresh_token: str = ""
    # When the access token expires, on the monotonic clock.
    expires_at: float = 0.0
    lifetime: float = 0.0
    is_admin: bool = False
    deleted: bool = False
    # Given in conformance.toml: never deleted, and with a fixed token never renewed.
    configured: bool = False
    static_token: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def identifier(self) -> str:
        return self.email


def present(scheme: SecurityScheme, credential: str, request: dict[str, Any]) -> dict[str, Any]:
    """httpx keyword arguments: `request` with the credential presented the scheme's way.

    What `request` sets itself (a header, a query parameter) wins; a cookie joins those
    of a `Cookie` header it already has.
    """
    sent = dict(request)
    headers = dict(sent.get("headers") or {})
    for name, value in scheme.headers(credential).items():
        given = next((key for key in headers if key.lower() == name.lower()), None)
        if given is None:
            headers[name] = value
        elif name.lower() == "cookie":
            headers[given] = f"{headers[given]}; {value}"
    if headers or "headers" in sent:
        sent["headers"] = headers
    params = scheme.params(credential)
    if params:
        given_params = sent.get("params")
        sent["params"] = httpx.QueryParams(params).merge(given_params) if given_params else params
    return sent


class Identities:
    """Makes and tracks the run's accounts through the contract's roles; thread-safe."""

    def __init__(
        self,
        client: TargetClient,
        spec: Contract,
        *,
        run_tag: str,
        admin_email: str | None = None,
        admin_password: str | None = None,
        configured: tuple[ConfiguredIdentity, ...] = (),
    ) -> None:
        self._client = client
        self.spec = spec
        self.roles = spec.roles
        self.credentials = spec.roles.credentials
        # How every credential is sent: the spec's scheme, or conformance.toml's [auth].
        self.presentation = spec.presentation
        self.run_tag = run_tag
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._created: list[Identity] = []
        # Operations a normal account was refused (401, 403) though the spec does not say
        # they are reserved: learned once for the run, then taken as the admin.
        self._reserved: set[str] = set()
        self._admin = (
            Identity("admin", admin_email, admin_password, is_admin=True)
            if admin_email and admin_password
            else None
        )
        self.configured = [
            Identity(
                entry.name,
                entry.identifier or entry.name,
                entry.password or "",
                access_token=entry.token or "",
                lifetime=float("inf") if entry.token else 0.0,
                expires_at=float("inf") if entry.token else 0.0,
                configured=True,
                static_token=entry.token is not None,
            )
            for entry in configured
        ]

    @property
    def client(self) -> TargetClient:
        return self._client

    # -- what the spec allows --------------------------------------------------------------

    @property
    def signup_problem(self) -> str | None:
        """Why the run cannot sign up accounts of its own, or None when it can."""
        return accounts.signup_problem(self.roles)

    @property
    def can_sign_up(self) -> bool:
        return self.signup_problem is None

    # -- making accounts -------------------------------------------------------------------

    def email_for(self, label: str) -> str:
        """A fresh, unique identifier carrying the run tag (an email, or a username)."""
        with self._lock:
            number = next(self._counter)
        creds = self.credentials
        if creds is None or creds.identifier_kind == "email":
            return f"cf-{self.run_tag}-{label}-{number}@{EMAIL_DOMAIN}"
        return self._username(f"cf{self.run_tag}{number}{label}")

    identifier_for = email_for

    def _username(self, text: str) -> str:
        return accounts.username_for(self.roles, text)

    def _password(self) -> str:
        return accounts.password_for(self.roles)

    def signup_body(self, identifier: str, password: str, label: str) -> dict[str, Any]:
        """The sign-up's body: its required fields sampled from the schema, our credentials."""
        return accounts.signup_body(self.roles, identifier, password, f"cf-{label}")

    def sign_up(self, label: str, *, login: bool = True) -> Identity:
        """Sign up a new account (and log it in); `IdentityError` when the target refuses."""
        problem = self.signup_problem
        if problem is not None:
            raise IdentityError(problem, step="signup")
        signup = self.roles[RoleName.SIGNUP]
        assert signup is not None
        identity = Identity(label, self.email_for(label), self._password())
        fields = self.signup_body(identity.email, identity.password, label)
        response = self._client.request(
            signup.method.upper(),
            signup.url_path(),
            json=signup.body.wrap(fields) if signup.body is not None else fields,
        )
        if not 200 <= response.status_code < 300:
            raise IdentityError(f"sign-up answered {response.status_code}", response, step="signup")
        identity.user_id = self._id_of(json_body(response, signup))
        self.track(identity)
        if login:
            self._first_login(identity)
        return identity

    def _id_of(self, body: dict[str, Any]) -> object:
        return accounts.account_id(self.spec, body)

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

    def adopt(self, email: str, password: str, user_id: object) -> None:
        """Track an account that schemathesis signed up during the run."""
        self.track(Identity("generated", email, password, user_id=user_id))

    def adopt_created(self, email: str, password: str, user_id: object) -> Identity:
        """Track an account a check signed up by hand; returns it (not logged in)."""
        identity = Identity("signed-up", email, password, user_id=user_id)
        self.track(identity)
        return identity

    def note_changed(self, user_id: object, *, email: object, password: object) -> None:
        """A generated request changed one of the run's accounts: keep its credentials current."""
        for identity in self.created:
            if identity.user_id == user_id:
                if isinstance(email, str):
                    identity.email = email
                if isinstance(password, str):
                    identity.password = password

    def note_deleted(self, user_id: object) -> None:
        """A generated request deleted one of the run's accounts: nothing to clean up."""
        for identity in self.created:
            if identity.user_id == user_id:
                identity.deleted = True

    def note_deleted_by_token(self, token: str) -> None:
        """A generated request deleted the account this access token belongs to."""
        for identity in self.created:
            if token and identity.access_token == token:
                identity.deleted = True

    def by_token(self, token: str) -> Identity | None:
        """The identity (the run's, configured, or the admin) this access token is of."""
        candidates = [*self.created, *self.configured, *([self._admin] if self._admin else [])]
        return next((found for found in candidates if token and found.access_token == token), None)

    @property
    def created(self) -> list[Identity]:
        with self._lock:
            return list(self._created)

    def owns_account(self, user_id: object) -> bool:
        return any(str(identity.user_id) == str(user_id) for identity in self.created)

    # -- tokens ----------------------------------------------------------------------------

    def login_response(self, email: str, password: str) -> httpx.Response:
        """The token operation's answer to these credentials."""
        call = accounts.token_call(self.roles, email, password)
        if call is None:
            raise IdentityError(
                "the run cannot log in: no token operation was found (set "
                '`[roles] token = "<operationId>"` in conformance.toml)'
            )
        sent: dict[str, Any] = {"data": call.body} if call.form else {"json": call.body}
        return self._client.request(call.method, call.path, **sent)

    def log_in(self, identity: Identity) -> None:
        if identity.static_token:
            return
        if self.presentation.basic:
            # Nothing to log in to: the identifier and password are the credential.
            identity.access_token = basic_credential(identity.email, identity.password)
            identity.lifetime = identity.expires_at = float("inf")
            return
        response = self.login_response(identity.email, identity.password)
        if not 200 <= response.status_code < 300:
            raise IdentityError(
                f"login of {identity.email} answered {response.status_code}", response
            )
        self._store(identity, response, self.roles.get(RoleName.TOKEN))

    def _store(
        self, identity: Identity, response: httpx.Response, answered: Operation | None
    ) -> None:
        tokens = accounts.read_tokens(
            self.credentials, json_body(response, answered), dict(response.cookies)
        )
        if tokens is None:
            creds = self.credentials
            access = creds.access_field if creds else "access_token"
            if creds is not None and creds.session_cookie:
                access += f" nor cookie {creds.session_cookie}"
            raise IdentityError(f"the token response has no {access}", response)
        identity.access_token = tokens.access
        identity.refresh_token = tokens.refresh
        identity.lifetime = tokens.lifetime
        identity.expires_at = time.monotonic() + identity.lifetime

    def token(self, identity: Identity, *, force: bool = False) -> str:
        """A valid access token: refreshed (or logged in again) shortly before it expires."""
        if identity.static_token:
            return identity.access_token
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
        call = accounts.refresh_call(self.roles, identity.refresh_token)
        if call is not None:
            response = self._client.request(call.method, call.path, json=call.body)
            if response.status_code == 200:
                self._store(identity, response, self.roles.get(RoleName.REFRESH))
                return
        self.log_in(identity)

    def present(
        self, identity: Identity | None = None, *, token: str | None = None, **request: Any
    ) -> dict[str, Any]:
        """httpx keyword arguments for a request as `identity` (with a valid token of its),
        or carrying `token` (any credential: a forged or an expired one), presented as the
        run presents credentials (`presentation`); anonymous with neither."""
        credential = token
        if credential is None and identity is not None:
            credential = self.token(identity)
        if credential is None:
            return dict(request)
        return present(self.presentation, credential, request)

    # -- the admin -------------------------------------------------------------------------

    def learn_reserved(self, operation_id: str) -> None:
        """A normal account was refused this operation: it is reserved (to the admin)."""
        with self._lock:
            self._reserved.add(operation_id)

    def is_reserved(self, operation_id: str) -> bool:
        with self._lock:
            return operation_id in self._reserved

    @property
    def reserved(self) -> list[str]:
        """The operations learned reserved during the run, in name order."""
        with self._lock:
            return sorted(self._reserved)

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

    @property
    def deletion_problem(self) -> str | None:
        if self.roles.get(RoleName.DELETE_ACCOUNT) is None:
            return "no account-deletion operation was found, so the run's accounts stay"
        return None

    def clean_up(self) -> tuple[int, list[str]]:
        """Delete every account the run made (what they own goes with them).

        Returns how many were deleted and the identifiers of those that could not be.
        """
        deleted, left = 0, []
        for identity in self.created:
            if identity.deleted:
                continue
            if self.deletion_problem is None and self._delete(identity):
                deleted += 1
            else:
                left.append(identity.email)
        return deleted, left

    def _delete(self, identity: Identity) -> bool:
        operation = self.roles[RoleName.DELETE_ACCOUNT]
        assert operation is not None
        # The current token first: an account locked by the login check cannot log in again.
        for force in (False, True):
            try:
                sent = self.present(token=self.token(identity, force=force))
            except IdentityError:
                continue
            params: dict[str, object] = {}
            if operation.path_parameters:
                user_id = identity.user_id if identity.user_id is not None else self._own_id(sent)
                if user_id is None:
                    continue
                params = {operation.path_parameters[-1].name: user_id}
            response = self._client.request(
                operation.method.upper(), operation.url_path(**params), **sent
            )
            if 200 <= response.status_code < 300 or response.status_code == 404:
                identity.deleted = True
                return True
        return False

    def _own_id(self, sent: dict[str, Any]) -> object:
        current = self.roles.get(RoleName.CURRENT_ACCOUNT)
        if current is None:
            return None
        me = self._client.request("GET", current.url_path(), **sent)
        if me.status_code != 200:
            return None
        return self._id_of(json_body(me, current))
