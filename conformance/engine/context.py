"""What a contract check gets: the target, the contract, the run's users and a few helpers.

One `CheckContext` is made per check, so that every `Failure` it raises carries its id.
The helpers come in two kinds: `expect_*` judge what the check asserts (a `Failure` when
it does not hold), `require_*` and the set-up helpers (`user`, `row`, `parent_path`) take
steps the check only needs: when one does not work the check is skipped with the cause
(`setup.py`), never failed.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, NoReturn

import httpx

from ..contract import Contract, Operation, Resource, RoleName, accounts
from .failures import Failure, Skip
from .http import TargetClient, json_body
from .identities import Identities, Identity, IdentityError
from .ledger import Ledger
from .registry import Check, Need
from .results import Outcome, Status
from .rows import (
    Row,
    body_for,
    changed_fields,
    ids_of,
    listed_rows,
    page_query,
    success_statuses,
    total_of,
    widest_page,
)
from .served import ServedDocument
from .settings import ProfileSettings
from .setup import cause_of, failed_step, identity_cause
from .targets import resources_of

__all__ = ["CheckContext", "Listed"]


class CheckContext:
    """The one argument of every contract check."""

    def __init__(
        self,
        check: Check,
        *,
        client: TargetClient,
        spec: Contract,
        identities: Identities,
        depth: ProfileSettings,
        served: ServedDocument,
        ledger: Ledger,
    ) -> None:
        self.check = check
        self.client = client
        self.spec = spec
        self.identities = identities
        self.depth = depth
        # The document the deployment serves, looked for once per run (drift).
        self.served = served
        # What the run creates, for the clean-up.
        self.ledger = ledger
        # Requests this check sent: one that sent none has not passed (the runner skips it).
        self.sent = 0
        # Outcomes per operation, when the check runs on several (`on`).
        self.outcomes: list[Outcome] = []

    # -- users -----------------------------------------------------------------------------

    def user(self, label: str = "user") -> Identity:
        """A new account of the run's own, logged in; skips the check when none can be made
        (with the cause, when the sign-up or the login did not work)."""
        problem = self.identities.signup_problem
        if problem is not None:
            self.skip(problem)
        try:
            return self.identities.sign_up(label)
        except IdentityError as exc:
            raise self.identity_failed(exc) from None

    def identity_failed(self, exc: IdentityError) -> Skip:
        """The skip of a check whose account could not be made, or its token renewed."""
        return failed_step(identity_cause(self.spec, self.identities, exc))

    def as_skip(self, stopped: Skip | IdentityError) -> Skip:
        """What ends a check, or its part on one operation, short of a verdict: a skip, or
        an account it needed that could not be made or logged in (a step, not what it
        asserts: `workflows.signup-login` judges the sign-up and the login)."""
        return stopped if isinstance(stopped, Skip) else self.identity_failed(stopped)

    def admin(self) -> Identity:
        """The admin account; skips the check when no admin credentials were given."""
        admin = self.identities.admin()
        if admin is None:
            self.skip(
                "needs admin credentials (--admin-email/--admin-password or "
                "CONFORMANCE_ADMIN_EMAIL/CONFORMANCE_ADMIN_PASSWORD)"
            )
        return admin

    # -- requests --------------------------------------------------------------------------

    def login_response(self, identifier: str, password: str) -> httpx.Response:
        """Send these credentials to the contract's token operation."""
        self.sent += 1
        return self.identities.login_response(identifier, password)

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request to any path of the target (for paths the contract does not list)."""
        self.sent += 1
        return self.client.request(method, path, **kwargs)

    # -- verdicts --------------------------------------------------------------------------

    def fail(
        self,
        title: str,
        *,
        expected: str,
        seen: str,
        response: httpx.Response | None = None,
        operation: str | None = None,
    ) -> NoReturn:
        raise Failure(
            check_id=self.check.id,
            operation=operation,
            title=title,
            expected=expected,
            seen=seen,
            response=response,
        )

    def skip(self, reason: str) -> NoReturn:
        raise Skip(reason)

    def require_success(
        self, response: httpx.Response, operation: Operation, *, need: Need
    ) -> None:
        """A step the check needs but does not judge: unless it answered a 2xx, the check is
        skipped with the cause (the step, the operation, as whom, the status)."""
        if not 200 <= response.status_code < 300:
            raise failed_step(cause_of(self.spec, self.identities, operation, response, need))

    def require_allowed(self, response: httpx.Response, operation: Operation) -> None:
        """Skip, with the cause, when the operation refused the caller (401 or 403): the
        answer then says nothing of what the check asks (the input, a row made)."""
        if response.status_code in (401, 403):
            raise failed_step(
                cause_of(self.spec, self.identities, operation, response, Need.ACCESS)
            )

    def require_object(
        self, response: httpx.Response, operation: Operation, *, need: Need
    ) -> dict[str, Any]:
        """The object of a step's 2xx answer (out of its wrapper, if the spec declares one);
        skips, with the cause, when the answer is not a JSON object."""
        try:
            body = operation.unwrap(response.status_code, response.json())
        except ValueError:
            body = None
        if not isinstance(body, dict):
            detail = "not a JSON object"
            raise failed_step(
                cause_of(self.spec, self.identities, operation, response, need, detail=detail)
            )
        return body

    def expect_challenge(self, response: httpx.Response, *, operation: str, refusal: str) -> None:
        """Fail unless the refusal's `WWW-Authenticate` names the run's scheme (`Bearer`,
        `Token`, `Basic`), or has any challenge where the scheme implies no word.

        `refusal` says what was refused, for the title: "a 401 without a Bearer challenge".
        """
        word = self.identities.presentation.challenge
        given = response.headers.get("WWW-Authenticate") or ""
        if not (given.startswith(word) if word else given):
            self.fail(
                f"{refusal} {word + ' ' if word else ''}challenge",
                expected=f"WWW-Authenticate: {word or 'a challenge'}",
                seen=repr(given) if given else "no WWW-Authenticate header",
                response=response,
                operation=operation,
            )

    def expect_status(
        self,
        response: httpx.Response,
        expected: int | Collection[int],
        *,
        operation: str | None,
        title: str,
    ) -> None:
        """Fail unless the response has the expected status (or one of them)."""
        allowed = {expected} if isinstance(expected, int) else set(expected)
        if response.status_code not in allowed:
            self.fail(
                title,
                expected=" or ".join(str(code) for code in sorted(allowed)),
                seen=f"{response.status_code} {_excerpt(response)}",
                response=response,
                operation=operation,
            )

    def expect_refused(
        self, response: httpx.Response, operation: Operation, status: int, *, title: str
    ) -> None:
        """Fail unless refused: with `status` where the operation documents it, else any 4xx."""
        if operation.documents(status):
            self.expect_status(response, status, operation=operation.operation_id, title=title)
        elif not 400 <= response.status_code < 500:
            self.fail(
                title,
                expected="a refusal (4xx)",
                seen=f"{response.status_code} {_excerpt(response)}",
                response=response,
                operation=operation.operation_id,
            )

    def json_object(self, response: httpx.Response, *, operation: str | None) -> dict[str, Any]:
        """The answer's object (out of its wrapper, if the operation's spec declares one),
        or a failure when the body is not a JSON object."""
        answered = self.spec.operations.get(operation or "")
        try:
            body = response.json()
        except ValueError:
            body = None
        if answered is not None:
            body = answered.unwrap(response.status_code, body)
        if not isinstance(body, dict):
            self.fail(
                "the body is not a JSON object",
                expected="a JSON object",
                seen=_excerpt(response),
                response=response,
                operation=operation,
            )
        return body

    def json_list(self, response: httpx.Response, *, operation: str | None) -> list[Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, list):
            self.fail(
                "the body is not a JSON array",
                expected="a JSON array",
                seen=_excerpt(response),
                response=response,
                operation=operation,
            )
        return body

    # -- the model -----------------------------------------------------------------------

    def role(self, name: RoleName) -> Operation:
        """The operation playing a role (sign-up, token, ...); skips the check without one."""
        operation = self.spec.roles.get(name)
        if operation is None:
            self.skip(f"the spec has no {name.value.replace('_', ' ')} operation")
        return operation

    def resources_with(self, *actions: str, owned: bool = True) -> list[Resource]:
        """Every resource that has these actions (create, list, read, update, delete, ...).

        `owned` leaves out the accounts resource (its rows are made by signing up, and
        the account checks judge it). Skips the check when there is none.
        """
        found = resources_of(self.spec, actions, owned=owned)
        if not found:
            self.skip(f"the spec has no resource with {' and '.join(actions)} operations")
        return found

    def account_with(self, *actions: str) -> Resource:
        """The accounts resource (what the sign-up creates) with these actions on its rows.

        Skips the check when the spec has none, or when it lacks one of the actions.
        """
        name = self.spec.roles.account_resource
        account = self.spec.resource(name) if name is not None else None
        if account is None:
            self.skip("the spec's sign-up creates no resource with ids (no accounts resource)")
        if account.id_param is None:
            self.skip(f"the accounts resource ({account.name}) has no operations by id")
        missing = [action for action in actions if action not in dict(account.operations)]
        if missing:
            self.skip(f"the accounts resource ({account.name}) has no {' or '.join(missing)} by id")
        return account

    def targeted(self, reason: str) -> list[Operation]:
        """The operations the check's `targets` name on this spec (what `inspect` plans);
        skips the check, for `reason`, when there are none."""
        names = set(self.check.targets(self.spec)) if self.check.targets is not None else set()
        if not names:
            self.skip(reason)
        return [operation for operation in self.spec if operation.operation_id in names]

    @contextmanager
    def on(self, operation: Operation) -> Iterator[None]:
        """Judge one operation: a failure or a skip inside ends only this operation's part.

        Each `on` block becomes one outcome of the check, so that a check that loops over
        the resources reports on each operation it reached.
        """
        started = time.monotonic()
        before = self.sent
        try:
            yield
        except Failure as failure:
            record = failure.to_record()
            if record.operation is None:
                record = replace(record, operation=operation.operation_id)
            self.outcomes.append(
                Outcome(
                    self.check.id,
                    operation.operation_id,
                    Status.FAILED,
                    time.monotonic() - started,
                    (record,),
                )
            )
            return
        except (Skip, IdentityError) as stopped:
            skip = self.as_skip(stopped)
            self.outcomes.append(
                Outcome(
                    self.check.id,
                    operation.operation_id,
                    Status.SKIPPED,
                    reason=skip.reason,
                    cause=skip.cause,
                )
            )
            return
        if self.sent == before:
            self.outcomes.append(
                Outcome(
                    self.check.id,
                    operation.operation_id,
                    Status.SKIPPED,
                    reason="sent no request to this operation",
                )
            )
        else:
            self.outcomes.append(
                Outcome(
                    self.check.id,
                    operation.operation_id,
                    Status.PASSED,
                    time.monotonic() - started,
                )
            )

    def send(
        self,
        operation: Operation,
        *,
        as_: Identity | None = None,
        token: str | None = None,
        path: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send a request to an operation of the model, as `as_` (anonymous when None), or
        carrying `token` (a forged or expired one), presented as the run presents every
        credential (the spec's security scheme, or `[auth]`); `headers` win over it.

        A `json` body holds the fields of the object the operation takes: it is sent in
        the body's wrapper where the spec declares one (`{"article": {...}}`)."""
        if operation.body is not None and "json" in kwargs:
            kwargs["json"] = operation.body.wrap(kwargs["json"])
        sent = self.identities.present(as_, token=token, headers=dict(headers or {}), **kwargs)
        self.sent += 1
        return self.client.request(
            operation.method.upper(), operation.url_path(**(path or {})), **sent
        )

    def act(
        self, operation: Operation, as_: Identity, **request: Any
    ) -> tuple[httpx.Response, Identity]:
        """Take a step as `as_`, or as the admin where the operation is reserved: the answer,
        and who acted.

        A spec does not always say that an operation is reserved (to administrators); a
        normal account being refused (401 or 403) says it. The run learns that once, and
        from then on takes the step as the admin when admin credentials were given. Without
        them the refusal is returned, and the check's `require_*` skips it with the cause.
        """
        admin = self.identities.admin()
        if as_.is_admin or as_.configured:
            return self.send(operation, as_=as_, **request), as_
        if admin is not None and self.identities.is_reserved(operation.operation_id):
            return self.send(operation, as_=admin, **request), admin
        response = self.send(operation, as_=as_, **request)
        if response.status_code in (401, 403):
            self.identities.learn_reserved(operation.operation_id)
            if admin is not None:
                return self.send(operation, as_=admin, **request), admin
        return response, as_

    def expect_success(self, response: httpx.Response, operation: Operation, *, title: str) -> None:
        """Fail unless the answer is one of the 2xx statuses the operation documents."""
        self.expect_status(
            response, success_statuses(operation), operation=operation.operation_id, title=title
        )

    def row(
        self,
        resource: Resource,
        owner: Identity,
        *,
        within: Mapping[str, object] | None = None,
        judged: bool = False,
        **fields: object,
    ) -> Row:
        """A new row of the resource, owned by `owner` (its parents made first).

        `within` is the path of a parent already made (another row's, less its own id), so
        that several rows share it. The accounts resource's row is `owner`'s own account,
        its body as the account's read answers it where the spec has one.

        Making the row is a step the check needs: when the create does not answer a 2xx
        with a JSON object holding the row's id, the check is skipped with the cause. With
        `judged`, the check asserts the create itself: anything but a documented 2xx with
        the row's id fails it, but a refusal of the caller (401, 403) still skips it, since
        the spec does not say that any account may create. Parents are always steps.
        """
        if resource.name == self.spec.roles.account_resource:
            return self._own_account(resource, owner)
        create = resource.create
        if create is None:
            self.skip(f"{resource.name} has no create operation")
        path = dict(within) if within is not None else self.parent_path(resource, owner)
        sent = {**body_for(resource, self.identities.run_tag, owner.label), **fields}
        # Where only the admin may create, the row is the admin's (`act`).
        response, owner = self.act(create, owner, path=path, json=sent)
        if judged:
            self.require_allowed(response, create)
            self.expect_success(response, create, title=f"creating a row of {resource.name} failed")
            body = self.json_object(response, operation=create.operation_id)
        else:
            self.require_success(response, create, need=Need.ROW)
            body = self.require_object(response, create, need=Need.ROW)
        row_id = body.get(resource.id_field)
        if row_id is None and resource.id_param is not None:
            missing = f"no {resource.id_field} in the answer"
            if judged:
                self.fail(
                    f"the created row of {resource.name} has no {resource.id_field}",
                    expected=f"the new row's {resource.id_field}",
                    seen=_excerpt(response),
                    response=response,
                    operation=create.operation_id,
                )
            raise failed_step(
                cause_of(self.spec, self.identities, create, response, Need.ROW, detail=missing)
            )
        if resource.id_param is not None:
            path[resource.id_param] = row_id
        self.ledger.note(resource.name, path, owner)
        return Row(resource, row_id, body, path, owner, sent, response)

    def follow(self, row: Row, response: httpx.Response, operation: Operation) -> None:
        """Keep a row addressable after a write that changed its key (a new title, a new
        slug): its id and path become those the write's answer names."""
        resource = row.resource
        if resource.id_param is None or not 200 <= response.status_code < 300:
            return
        key = json_body(response, operation).get(resource.id_field)
        if key is None or str(key) == str(row.id):
            return
        old = dict(row.path)
        row.id = key
        row.path[resource.id_param] = key
        self.ledger.moved(resource.name, old, row.path)

    def _own_account(self, resource: Resource, owner: Identity) -> Row:
        if owner.user_id is None:
            self.skip("the sign-up answered no account id, so no account can be addressed")
        path: dict[str, object] = {resource.id_param or "id": owner.user_id}
        if resource.read is None or resource.id_param is None:
            return Row(resource, owner.user_id, {}, path, owner)
        read = self.send(resource.read, as_=owner, path=path)
        self.require_success(read, resource.read, need=Need.OWN_ACCOUNT)
        body = self.require_object(read, resource.read, need=Need.OWN_ACCOUNT)
        return Row(resource, owner.user_id, body, path, owner, response=read)

    def parent_path(self, resource: Resource, owner: Identity) -> dict[str, object]:
        """The path parameters of the collection a new row goes in: a new parent of
        `owner`'s for a nested resource (its own parents first), none for a top-level one."""
        if resource.parent is None:
            return {}
        parent = self.spec.resource(resource.parent)
        if parent is None:
            self.skip(f"{resource.name} is nested in a resource the spec does not create")
        made = self.row(parent, owner)
        path = dict(made.path)
        if resource.parent_param is not None:
            path[resource.parent_param] = made.id
        return path

    def sign_up_with(
        self, fields: Mapping[str, object], label: str = "signed-up"
    ) -> tuple[httpx.Response, Identity | None]:
        """Send the sign-up with a valid body changed by `fields`, unjudged.

        An account it makes is tracked for the clean-up and returned (not logged in).
        """
        signup = self.role(RoleName.SIGNUP)
        creds = self.spec.roles.credentials
        identifier = self.identities.email_for(label)
        password = accounts.password_for(self.spec.roles)
        body = {**self.identities.signup_body(identifier, password, label), **fields}
        response = self.send(signup, json=body)
        made = None
        if 200 <= response.status_code < 300:
            made = self.identities.adopt_created(
                str(body.get(creds.signup_identifier or "", identifier) if creds else identifier),
                str(body.get(creds.signup_secret or "", password) if creds else password),
                accounts.account_id(self.spec, json_body(response, signup)),
            )
        return response, made

    def expect_invalid(self, response: httpx.Response, operation: Operation, *, title: str) -> None:
        """Input its schema forbids is a 4xx: 422 where the operation documents 422.

        401 and 403 do not count: a refusal of the caller says nothing of the input, so
        the check is skipped with that cause (`require_allowed`).
        """
        self.require_allowed(response, operation)
        allowed = {422} if "422" in operation.statuses else set(range(400, 500)) - {401, 403}
        self.expect_status(response, allowed, operation=operation.operation_id, title=title)

    def change(self, resource: Resource, row: Row) -> dict[str, Any]:
        """A change of one writable field of the row; skips when none can be made."""
        found = changed_fields(resource, row)
        if not found:
            self.skip(f"no writable field of {resource.name} can be given another value")
        return found

    def listed(
        self,
        resource: Resource,
        caller: Identity,
        path: Mapping[str, object],
        wanted: Collection[str],
        *,
        pages: int = 10,
    ) -> Listed:
        """The ids a list shows `caller`, read until every `wanted` id was seen.

        The widest page first; where the caller's rows are not all on it and the list
        pages by offset or number, the next pages (at most `pages`), as a client would.
        Whether the list is the caller's alone is learned here: it is *shared* when it
        shows rows the caller did not make (a public list, everyone's articles).
        """
        listing = resource.listing
        assert listing is not None
        first = self.send(listing, as_=caller, path=path, params=widest_page(resource))
        self.expect_success(first, listing, title="the list failed")
        seen = ids_of(resource, self.rows_in(resource, first))
        size = resource.pagination.size
        per = (size.maximum if size is not None else None) or len(seen)
        for index in range(1, pages):
            query = page_query(resource, index, per) if per else None
            if query is None or set(wanted) <= set(seen):
                break
            page = self.send(listing, as_=caller, path=path, params=query)
            if page.status_code == 404:
                break  # A page past the end may be no page (Django REST framework's).
            self.expect_success(page, listing, title="a page of the list failed")
            more = ids_of(resource, self.rows_in(resource, page))
            if not more:
                break
            seen += more
        return Listed(first, seen, shared=bool(set(seen) - set(wanted)))

    def expect_total(
        self,
        resource: Resource,
        response: httpx.Response,
        count: int,
        *,
        at_least: bool,
        operation: Operation | None = None,
    ) -> None:
        """Fail unless the list's documented total (header or field) counts `count` rows:
        exactly, or at least them on a shared list. Nothing to judge without one."""
        found = total_of(resource, response)
        if found is None:
            return
        where, total = found
        number = int(total) if total is not None and total.isdigit() else None
        judged = operation or resource.listing
        if number is None or (number < count if at_least else number != count):
            self.fail(
                f"{where} does not count the caller's {count} objects",
                expected=f"at least {count}" if at_least else str(count),
                seen=repr(total),
                response=response,
                operation=judged.operation_id if judged is not None else None,
            )

    def rows_in(self, resource: Resource, response: httpx.Response) -> list[Any]:
        """The rows of a list answer, or a failure when it has none where the spec says."""
        rows = listed_rows(resource, response)
        if rows is None:
            where = (
                f"an envelope with {resource.list_field}"
                if resource.list_shape == "envelope"
                else "a JSON array"
            )
            self.fail(
                "the list answer is not of the documented shape",
                expected=where,
                seen=_excerpt(response),
                response=response,
                operation=resource.listing.operation_id if resource.listing else None,
            )
        return rows


@dataclass(frozen=True, slots=True)
class Listed:
    """What a list showed a caller: its first answer, every id read, and whether it shows
    rows the caller did not ask about (a shared list: its total counts them too)."""

    response: httpx.Response
    ids: list[str]
    shared: bool


def _excerpt(response: httpx.Response, limit: int = 200) -> str:
    text = response.text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "..."
