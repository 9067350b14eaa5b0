"""The virtual user: a client of the API as its contract describes one, whatever the spec.

Each `ApiUser` takes an identity through the contract's roles (a sign-up of its own, or
an `[[identity]]` of conformance.toml when the spec has no sign-up), logs in, refreshes
its access token before it expires (or logs in again when the spec has no refresh), and
then runs the plan's tasks (`load.plan`): it creates, reads, changes, lists and deletes
rows of every resource, nested ones inside a parent row of its own. At the end it deletes
every row it made, children first, and the account it signed up.

Every request is named by its path template, never by a concrete id, so Locust's
statistics group by operation. An answer is a success only when it is a 2xx status the
spec documents for that operation; anything else is a failure, and one the spec does not
document says so.

This module imports Locust, so it is only ever loaded by a Locust process.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

from locust import FastHttpUser
from locust.contrib.fasthttp import FastHttpSession

from conformance.contract import Contract, Operation, Resource, RoleName, accounts
from conformance.contract.security import basic_credential
from conformance.engine.settings import ConfiguredIdentity

from .mix import parse_mix, parse_think_time
from .pacing import ArrivalPacer
from .plan import Plan, Task, page_params, request_body
from .results import CLEANUP_SUFFIX

__all__ = ["ApiUser", "Process", "Setup", "weighted_tasks"]

logger = logging.getLogger(__name__)

# Refresh when this share of the access token's lifetime has passed, as a careful client
# does, so that no request is ever sent with a token about to expire.
REFRESH_AT = 0.8
EMAIL_DOMAIN = "loadtest.example.com"


@dataclass
class Setup:
    """What every user of a process works from: the contract, its plan and the identities."""

    contract: Contract
    plan: Plan
    identities: tuple[ConfiguredIdentity, ...] = ()
    seed: int = 0
    run_tag: str = field(default_factory=lambda: secrets.token_hex(4))
    counter: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def signs_up(self) -> bool:
        return accounts.signup_problem(self.contract.roles) is None


@dataclass
class Tally:
    """What the users of this process made and deleted, for the run's cleanup line."""

    accounts_made: int = 0
    accounts_deleted: int = 0
    rows_made: int = 0
    rows_deleted: int = 0
    rows_left: int = 0


class Process:
    """What the users of one Locust process share."""

    pacer: ClassVar[ArrivalPacer | None] = None
    setup: ClassVar[Setup | None] = None
    tally: ClassVar[Tally] = Tally()
    status_dir: ClassVar[Path | None] = None
    # The options the setup was made from (spec, config, seed).
    key: ClassVar[tuple[object, ...] | None] = None


@dataclass
class Row:
    """A row the user made: its resource, and the ids naming it and its ancestors."""

    resource: str
    chain: dict[str, object]


class ApiUser(FastHttpUser):
    """One client of the API, with its own identity, tokens and rows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if Process.setup is None:
            raise RuntimeError("the journeys were started before the contract was loaded")
        self.setup = Process.setup
        self.contract = self.setup.contract
        self.roles = self.contract.roles
        self.index = next(self.setup.counter)
        self.rng = random.Random(f"{self.setup.seed}-{self.index}")
        self.identifier = ""
        self.password = ""
        self.account_id: object = None
        self.signed_up = False
        self.configured = False
        self.access_token: str | None = None
        self.refresh_token = ""
        self.refresh_at = 0.0
        self.rows: dict[str, list[Row]] = {name: [] for name in self.setup.plan.resources}
        self.turns: dict[str, int] = {}
        self.made = 0
        options = self.environment.parsed_options
        self.think_time = parse_think_time(getattr(options, "think_time", None))

    def wait_time(self) -> float:
        """Pause before the next task: the arrival schedule's, else the think time."""
        if Process.pacer is not None:
            return Process.pacer.claim()
        low, high = self.think_time
        return self.rng.uniform(low, high)

    def on_start(self) -> None:
        self.ensure_session()
        # Start on the schedule (or after a think), not all at once. Locust's `wait` is
        # not annotated; through a typed name it is an ordinary call.
        wait: Callable[[], None] = self.wait
        wait()

    def on_stop(self) -> None:
        self.clean_up()

    # The identity -----------------------------------------------------------------------

    def ensure_session(self, client: FastHttpSession | None = None, suffix: str = "") -> bool:
        """Take an identity and a token if not done yet; renew a token near its expiry."""
        if not self.setup.plan.secured:
            return True
        if not self.identifier and not self.configured and not self.take_identity(client):
            return False
        if self.access_token is None:
            return self.login(client, suffix)
        if time.monotonic() >= self.refresh_at:
            return self.refresh(client, suffix) or self.login(client, suffix)
        return True

    def take_identity(self, client: FastHttpSession | None = None) -> bool:
        if self.setup.signs_up:
            return self.sign_up(client)
        if not self.setup.identities:
            return False
        given = self.setup.identities[self.index % len(self.setup.identities)]
        self.configured = True
        self.identifier = given.identifier or given.name
        self.password = given.password or ""
        if given.token:
            self.access_token = given.token
            self.refresh_at = float("inf")
        return True

    def sign_up(self, client: FastHttpSession | None = None) -> bool:
        signup = self.roles[RoleName.SIGNUP]
        creds = self.roles.credentials
        assert signup is not None and creds is not None  # Setup.signs_up says so.
        local = f"load-{self.setup.run_tag}-{self.index}"
        identifier = (
            f"{local}@{EMAIL_DOMAIN}"
            if creds.identifier_kind == "email"
            else accounts.username_for(self.roles, f"load{self.setup.run_tag}{self.index}")
        )
        password = accounts.password_for(self.roles)
        body = accounts.signup_body(self.roles, identifier, password, f"load-{self.setup.seed}")
        created = self.call(signup, {}, body=body, client=client, auth=False)
        if created is None:
            return False
        self.identifier, self.password, self.signed_up = identifier, password, True
        self.account_id = accounts.account_id(self.contract, created)
        Process.tally.accounts_made += 1
        return True

    def login(self, client: FastHttpSession | None = None, suffix: str = "") -> bool:
        if self.contract.presentation.basic and self.password:
            # http basic: nothing to log in to, the identifier and password are presented.
            self.access_token = basic_credential(self.identifier, self.password)
            self.refresh_at = float("inf")
            return True
        token = self.roles.get(RoleName.TOKEN)
        call = accounts.token_call(self.roles, self.identifier, self.password)
        if token is None or call is None or not self.password:
            return self.access_token is not None
        session = client or self.client
        answer = self.call(
            token, {}, body=call.body, form=call.form, client=session, auth=False, suffix=suffix
        )
        if answer is None:
            return False
        # A session cookie the token operation set, where that is the credential.
        jar = getattr(session, "cookiejar", None) or ()
        return self.keep_tokens(answer, {cookie.name: str(cookie.value) for cookie in jar})

    def refresh(self, client: FastHttpSession | None = None, suffix: str = "") -> bool:
        operation = self.roles.get(RoleName.REFRESH)
        call = accounts.refresh_call(self.roles, self.refresh_token)
        if operation is None or call is None:
            return False
        answer = self.call(operation, {}, body=call.body, client=client, auth=False, suffix=suffix)
        if answer is None:
            # A refresh token that no longer works is a failure already counted; the
            # caller logs in again, as a real client would, so the journey goes on.
            self.refresh_token = ""
            return False
        return self.keep_tokens(answer)

    def keep_tokens(
        self, answer: dict[str, Any] | None, cookies: dict[str, str] | None = None
    ) -> bool:
        tokens = accounts.read_tokens(self.roles.credentials, answer or {}, cookies)
        if tokens is None:
            return False
        self.access_token = tokens.access
        # An answer without a refresh token (no rotation) leaves the one held in use.
        self.refresh_token = tokens.refresh or self.refresh_token
        self.refresh_at = time.monotonic() + REFRESH_AT * tokens.lifetime
        return True

    # Rows -------------------------------------------------------------------------------

    def parent_chain(self, task_rows: tuple[tuple[str, str], ...], own: str) -> dict[str, object]:
        """The ids of a parent row of this user for an operation's path (made if need be).

        Raises `LookupError` when no parent row could be had (its create failed).
        """
        needed = [name for _, name in task_rows if name != own]
        if not needed:
            return {}
        deepest = needed[-1]
        if self.rows[deepest]:
            return dict(self.rng.choice(self.rows[deepest]).chain)
        row = self.create(self.setup.plan.resources[deepest])
        if row is None:
            raise LookupError(deepest)
        return dict(row.chain)

    def create(self, resource: Resource) -> Row | None:
        operation = resource.create
        if operation is None or resource.name not in self.setup.plan.creatable:
            return None
        if not self.ensure_session():
            return None
        rows = tuple((p, r.name) for p, r in self.contract.rows_named(operation))
        try:
            chain = self.parent_chain(rows, resource.name)
        except LookupError:
            return None
        self.made += 1
        hint = f"load-{self.setup.seed}-{self.index}-{self.made}"
        body = request_body(operation, hint, self.rng)
        answer = self.call(operation, _params(rows, chain), body=body)
        if answer is None:
            return None
        row_id = answer.get(resource.id_field)
        if row_id is None:
            return None
        row = Row(resource.name, {**chain, resource.name: row_id})
        self.rows[resource.name].append(row)
        Process.tally.rows_made += 1
        return row

    def follow(self, row: Row, resource: Resource, answer: dict[str, Any]) -> None:
        """A write that changed the row's key (a new title, a new slug): the row, and the
        rows nested in it, are addressed by the key the answer names from now on."""
        old, new = row.chain.get(resource.name), answer.get(resource.id_field)
        if new is None or new == old:
            return
        for rows in self.rows.values():
            for kept in rows:
                if kept.chain.get(resource.name) == old:
                    kept.chain[resource.name] = new

    def forget(self, row: Row) -> None:
        """Drop a deleted row and the rows nested in it (deleted with it, or unreachable)."""
        row_id = row.chain[row.resource]
        for name, rows in self.rows.items():
            self.rows[name] = [
                kept
                for kept in rows
                if kept is not row
                and not (name != row.resource and kept.chain.get(row.resource) == row_id)
            ]

    # Tasks ------------------------------------------------------------------------------

    def perform(self, task: Task) -> None:
        """One request of the mix (plus, rarely, a token renewal or a parent row)."""
        if not self.ensure_session():
            return
        resource = task.resource
        if task.action in (RoleName.CURRENT_ACCOUNT.value,):
            self.call(task.operation, {})
        elif task.action == RoleName.REFRESH.value:
            if not self.refresh():
                self.login()
        elif resource is None:
            return
        elif task.action == "create":
            self.create(resource)
        elif task.action == "list":
            try:
                chain = self.parent_chain(task.rows, resource.name)
            except LookupError:
                return
            turn = self.turns.get(task.name, 0)
            self.turns[task.name] = turn + 1
            self.call(task.operation, _params(task.rows, chain), query=page_params(resource, turn))
        elif not self.rows[resource.name]:
            self.create(resource)
        else:
            row = self.rng.choice(self.rows[resource.name])
            params = _params(task.rows, row.chain)
            if task.action == "delete":
                if self.call(task.operation, params) is not None:
                    self.forget(row)
                    Process.tally.rows_deleted += 1
                return
            body = None
            if task.action in ("update", "replace"):
                self.made += 1
                hint = f"load-{self.setup.seed}-{self.index}-{self.made}"
                body = request_body(task.operation, hint, self.rng)
            answer = self.call(task.operation, params, body=body)
            if answer and task.action in ("update", "replace"):
                self.follow(row, resource, answer)

    def clean_up(self) -> None:
        """Delete every row made (children first), then the account, outside the statistics.

        A fresh client: the user may have been stopped in the middle of a request.
        """
        client = FastHttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=None
        )
        left = [row for rows in self.rows.values() for row in rows]
        if left and self.ensure_session(client, CLEANUP_SUFFIX):
            for row in sorted(left, key=lambda row: -len(row.chain)):
                resource = self.setup.plan.resources[row.resource]
                operation = resource.delete
                if operation is None or not any(row is kept for kept in self.rows[row.resource]):
                    continue
                rows = tuple((p, r.name) for p, r in self.contract.rows_named(operation))
                done = self.call(
                    operation, _params(rows, row.chain), client=client, suffix=CLEANUP_SUFFIX
                )
                if done is not None:
                    self.forget(row)
                    Process.tally.rows_deleted += 1
        Process.tally.rows_left += sum(len(rows) for rows in self.rows.values())
        self.rows = {name: [] for name in self.rows}
        delete = self.roles.get(RoleName.DELETE_ACCOUNT)
        if self.signed_up and delete is not None and self.ensure_session(client, CLEANUP_SUFFIX):
            params: dict[str, object] = {}
            current = self.roles.get(RoleName.CURRENT_ACCOUNT)
            if delete.path_parameters and self.account_id is None and current is not None:
                answer = self.call(current, {}, client=client, suffix=CLEANUP_SUFFIX)
                self.account_id = accounts.account_id(self.contract, answer or {})
            if delete.path_parameters:
                params = {delete.path_parameters[-1].name: self.account_id}
            if (delete.path_parameters and self.account_id is None) or self.call(
                delete, params, client=client, suffix=CLEANUP_SUFFIX
            ) is None:
                logger.warning("could not delete the account %s", self.identifier)
            else:
                Process.tally.accounts_deleted += 1
        self.signed_up = False
        save_tally()

    # Requests ---------------------------------------------------------------------------

    def call(
        self,
        operation: Operation,
        params: dict[str, object],
        *,
        body: Any = None,
        form: bool = False,
        query: dict[str, int] | None = None,
        client: FastHttpSession | None = None,
        auth: bool = True,
        suffix: str = "",
    ) -> dict[str, Any] | None:
        """One request to `operation`, named by its path template; the decoded body (out of
        the wrapper the spec declares, if any), or None.

        A status that is not a documented 2xx, or a body that is not JSON where the spec
        gives one a schema, is reported to Locust as a failure with the status.
        """
        headers: dict[str, str] = {}
        sent_query: dict[str, object] = dict(query or {})
        if auth and operation.schemes and self.access_token:
            # As the contract's scheme says (or conformance.toml's [auth]).
            scheme = self.contract.presentation
            headers.update(scheme.headers(self.access_token))
            sent_query.update(scheme.params(self.access_token))
        path = operation.url_path(**params)
        if sent_query:
            path += "?" + urlencode(sent_query)
        sent: dict[str, Any] = {}
        if body is not None and (form or (operation.body is not None and operation.body.is_form)):
            sent["data"] = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            # In the body's wrapper, where the spec declares one (`{"user": {...}}`).
            sent["json"] = operation.body.wrap(body) if operation.body is not None else body
        session = client or self.client
        with session.request(
            operation.method.upper(),
            path,
            name=operation.path + suffix,
            headers=headers,
            catch_response=True,
            **sent,
        ) as response:
            status = response.status_code
            if not (200 <= status < 300 and operation.documents(status)):
                text = (response.text or "")[:200] if status else ""
                if status and not operation.documents(status):
                    response.failure(f"{status}, not documented for {operation.operation_id}")
                else:
                    response.failure(f"{status} {text}".strip())
                return None
            documented = operation.response(status)
            if documented is None or documented.schema is None or not response.text:
                return {}
            try:
                decoded = json.loads(response.text)
            except ValueError:
                response.failure(f"{status} without a JSON body")
                return None
            decoded = operation.unwrap(status, decoded)
            return decoded if isinstance(decoded, dict) else {"": decoded}


def _params(rows: tuple[tuple[str, str], ...], chain: dict[str, object]) -> dict[str, object]:
    return {param: chain[name] for param, name in rows if name in chain}


def save_tally() -> None:
    """Write this process's cleanup counts where `conformance load` reads them."""
    folder = Process.status_dir
    if folder is None or not folder.is_dir():
        return
    path = folder / f"cleanup-{os.getpid()}.json"
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(Process.tally.__dict__), "utf-8")
    partial.replace(path)


def weighted_tasks(plan: Plan, mix_text: str | None) -> list[Callable[[ApiUser], None]]:
    """Locust's form of a mix: each task repeated as often as its weight."""
    mix = parse_mix(mix_text, plan.defaults, plan.aliases)
    found: list[Callable[[ApiUser], None]] = []
    for name, weight in mix.items():
        task = plan.tasks[name]

        def run(user: ApiUser, task: Task = task) -> None:
            user.perform(task)

        run.__name__ = name
        found += [run] * weight
    return found
