"""Generic conformance: schemathesis's Python API, every default check, every phase.

Schemathesis generates positive and negative requests for every operation (examples,
coverage, fuzzing, and stateful sequences through the contract's links) and runs its
default checks on each response. This module configures it for the run (seed, depth,
workers, rate cap), gives it the run's own accounts as two WFC peers (so that its
`object_level_authorization` check replays one user's reads as the other), turns its
events into our outcomes, and remembers the accounts it signed up so that the clean-up
deletes them too. Every operation-specific setting is derived from the contract model.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import schemathesis
from hypothesis import strategies as st
from schemathesis.auths import CachingAuthProvider
from schemathesis.config import ConfigError, SchemathesisConfig
from schemathesis.core.errors import InvalidSchema, LoaderError
from schemathesis.engine import Status as StStatus
from schemathesis.engine import events as st_events
from schemathesis.engine import from_schema
from schemathesis.wfc.escalation import EscalatingAuthProvider

from ..contract import Contract, Operation, RoleName
from ..contract.resources import WRITES
from ..contract.roles import current_secret
from ..contract.security import Location, SecurityScheme
from ..errors import SpecError, UsageError
from .events import Event, GenericProgress, Notice
from .guard import WriteGuard, install, uninstall
from .identities import Identities, Identity, IdentityError
from .ledger import Ledger
from .registry import REGISTRY
from .results import FailureRecord, Outcome, RequestRecord, ResponseRecord, Status, judged
from .settings import RunSettings

if TYPE_CHECKING:
    from schemathesis import AuthContext, BaseSchema, Case
    from schemathesis.engine.recorder import ScenarioRecorder

__all__ = ["GENERIC_RUN_ERRORS", "GenericRun"]

# The id under which requests that schemathesis could not complete are reported.
GENERIC_RUN_ERRORS = "generic.run-errors"

# What schemathesis accepts for valid data by default; the contract's own refusals join it.
_POSITIVE_DEFAULT = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]
MAX_BODY = 2000
# The run's own accounts that schemathesis sends requests as: two peers that must not see
# each other's objects.
PEERS = ("peer-a", "peer-b")


def _operation_checks(spec: Contract) -> list[dict[str, Any]]:
    """Per-operation adjustments of schemathesis's checks, from the contract.

    - A documented 4xx other than 422 is a refusal the contract allows even for valid data
      (an email already taken, a conflict): not a failure of positive data acceptance.
      Nor is any refusal of the token operation, or of a password change: generated
      credentials and current passwords are wrong ones.
    - The write guard sends writes under rows the run did not make (changes, deletions,
      a nested create) to an id that names nothing; a 404 there is the guard's doing, not a
      created row gone missing. (Reads keep the check; the workflows read back every write
      explicitly.)
    """
    found: list[dict[str, Any]] = []
    # Deleting the caller's own account (`DELETE /accounts/self`) would pull the account
    # schemathesis is sending as, and everything it made, from under the sequences still
    # running on it: every later step would see its objects vanish. It is not generated;
    # the clean-up deletes each account through it, and the workflows judge it.
    delete = spec.roles.get(RoleName.DELETE_ACCOUNT)
    if delete is not None and not delete.path_parameters:
        found.append({"include-name": delete.label, "enabled": False})
    token = spec.roles.get(RoleName.TOKEN)
    for operation in spec:
        checks: dict[str, Any] = {}
        refusals = sorted(
            code
            for code in operation.statuses
            if code.startswith("4") and code != "422" and code not in _POSITIVE_DEFAULT
        )
        if operation is token or current_secret(operation) is not None:
            # Generated credentials name no account (the guard sees to it), and a generated
            # current password is a wrong one: any refusal of them is right (400 as Django
            # REST framework and FastAPI answer, or 401); login.current-password judges it.
            checks["positive_data_acceptance"] = {"enabled": False}
        elif refusals:
            checks["positive_data_acceptance"] = {
                "expected-statuses": [*_POSITIVE_DEFAULT, *refusals]
            }
        if operation.method in WRITES and spec.rows_named(operation):
            checks["ensure_resource_availability"] = {"enabled": False}
        if checks:
            found.append({"include-name": operation.label, "checks": checks})
    return found


def schemathesis_config(settings: RunSettings, url: str, spec: Contract) -> SchemathesisConfig:
    """The schemathesis configuration of a run, as its TOML would say it."""
    depth = settings.depth
    data: dict[str, Any] = {
        "base-url": url,
        "workers": settings.workers,
        "request-timeout": settings.request_timeout,
        # Schemathesis must not write its cache or Hypothesis's database into the user's folder.
        "cache": {"enabled": False},
        # No NUL in generated text: Django REST framework and PostgreSQL refuse it though
        # JSON Schema allows it, which would make a refusal of no schema's making;
        # config.malformed-body sends one on purpose and judges the answer.
        "generation": {
            "mode": "all",
            "max-examples": depth.max_examples,
            "database": "none",
            "allow-x00": False,
        },
        "phases": {"stateful": {"max-steps": depth.stateful_max_steps}},
        "auth": {"auto-signup": False},
        # Failures carry complete curl lines: the tokens are the run's own throwaway users'.
        "output": {"sanitization": {"enabled": False}},
        "operations": _operation_checks(spec),
    }
    if settings.seed is not None:
        data["seed"] = settings.seed
    if settings.rate_limit is not None:
        data["rate-limit"] = settings.rate_limit.text
    if depth.generic_max_time is not None:
        data["max-time"] = depth.generic_max_time
    try:
        return SchemathesisConfig.from_dict(data)
    except ConfigError as exc:
        raise UsageError(f"schemathesis refused the configuration: {exc}") from exc


@dataclass
class _Tally:
    """Per (check id, operation): successes and failures seen across every phase."""

    passed: set[tuple[str, str | None]] = field(default_factory=set)
    failures: dict[tuple[str, str | None], dict[tuple[str, str], FailureRecord]] = field(
        default_factory=dict
    )
    errors: dict[str | None, list[str]] = field(default_factory=dict)
    # Per rule of `_unpromised`: the operations whose answers it set aside.
    unjudged: dict[str, set[str]] = field(default_factory=dict)


class _Peer:
    """One account schemathesis sends requests as; replaced if a generated request deletes it."""

    def __init__(self, identities: Identities, label: str, given: Identity | None) -> None:
        self._identities = identities
        self._label = label
        self._lock = threading.Lock()
        self._identity = given

    def token(self) -> str:
        with self._lock:
            if self._identity is not None:
                try:
                    return self._identities.token(self._identity, force=True)
                except IdentityError:
                    if self._identity.configured:
                        raise
                    # Deleted, or its password changed by a generated request: make another.
            self._identity = self._identities.sign_up(self._label)
            return self._identities.token(self._identity)


class _PeerAuth:
    """One peer's credential, presented as the run presents credentials (the spec's scheme
    or `[auth]`); schemathesis caches it and refetches it on a 401."""

    def __init__(self, peer: _Peer, scheme: SecurityScheme) -> None:
        self._peer = peer
        self._scheme = scheme

    def get(self, case: Case[Any], context: AuthContext) -> str | None:
        try:
            return self._peer.token()
        except IdentityError:
            return None  # No account to be: the request goes out anonymous.

    def set(self, case: Case[Any], data: str, context: AuthContext) -> None:
        if not data:
            return
        scheme, value = self._scheme, self._scheme.value(data)
        if scheme.location is Location.HEADER:
            case.headers[scheme.parameter] = value
        elif scheme.location is Location.QUERY:
            case.query[scheme.parameter] = value
        else:
            case.cookies[scheme.parameter] = value


def _peers_notice(peers: int, identities: Identities) -> str:
    if peers >= 2:
        whose = (
            f"{peers} accounts of the run's own, WFC peers ({', '.join(PEERS[:peers])})"
            if identities.can_sign_up
            else f"{peers} accounts given in conformance.toml, WFC peers ("
            + ", ".join(given.label for given in identities.configured[:peers])
            + ")"
        )
        return (
            f"schemathesis sends requests as {whose}: object_level_authorization replays "
            "one's reads as the other"
        )
    if peers == 1:
        return "schemathesis sends requests as one account (object_level_authorization needs two)"
    return f"schemathesis sends requests anonymously: {identities.signup_problem}"


def _peers(identities: Identities) -> list[_Peer]:
    """Two signed-up accounts, or the accounts given in conformance.toml."""
    if identities.can_sign_up:
        return [_Peer(identities, label, None) for label in PEERS]
    return [_Peer(identities, given.label, given) for given in identities.configured[:2]]


class GenericRun:
    """One schemathesis run against the target."""

    def __init__(
        self,
        settings: RunSettings,
        url: str,
        spec: Contract,
        identities: Identities,
        ledger: Ledger,
    ) -> None:
        self._settings = settings
        self._ledger = ledger
        self._url = url
        self._spec = spec
        self._identities = identities
        self._tally = _Tally()
        self.config = schemathesis_config(settings, url, spec)
        self.seed = self.config.seed

    def outcomes(self) -> list[Outcome]:
        """The outcomes, after `execute` has been consumed."""
        tally, outcomes = self._tally, []
        keys = sorted(tally.passed | set(tally.failures), key=lambda key: (key[0], key[1] or ""))
        for check_id, operation in keys:
            found = tally.failures.get((check_id, operation))
            if found:
                waiver = self._settings.waiver_for(check_id, operation)
                outcomes.append(
                    judged(
                        check_id,
                        operation,
                        tuple(found.values()),
                        waiver=waiver.reason if waiver is not None else None,
                    )
                )
            else:
                outcomes.append(Outcome(check_id, operation, Status.PASSED))
        for operation, messages in sorted(tally.errors.items(), key=lambda row: row[0] or ""):
            outcomes.append(
                Outcome(GENERIC_RUN_ERRORS, operation, Status.ERROR, reason="; ".join(messages[:3]))
            )
        return outcomes

    def execute(self) -> Iterator[Event]:
        """Run every phase, yielding progress; the outcomes are read afterwards."""
        # Addresses every mail validator takes: JSON Schema's `email` admits ones that
        # pydantic's and Django's refuse (reserved domains, RFC 5321's lengths), which
        # would be refusals of no schema's making.
        schemathesis.openapi.format("email", _EMAILS)
        try:
            schema = schemathesis.openapi.from_dict(self._spec.document, config=self.config)
        except (LoaderError, InvalidSchema) as exc:
            raise SpecError(
                f"schemathesis cannot load it: {exc}", source=self._spec.source
            ) from exc
        peers = self._authenticate(schema)
        yield Notice(_peers_notice(peers, self._identities))
        guard = WriteGuard(self._spec, self._identities, self._ledger)
        install(guard)
        try:
            yield from self._events(schema)
        finally:
            uninstall()
        yield from self._unjudged_notices()
        if guard.redirected:
            yield Notice(
                f"{guard.redirected} generated changes, deletions or logins aimed at what the "
                "run did not create were sent to an id or email that names nothing instead "
                "(the run writes only to what it made)"
            )

    def _unjudged_notices(self) -> Iterator[Notice]:
        """Say which answers were set aside because the spec makes no promise about them."""
        words = {
            "undocumented 4xx": "document no refusal (only their success): the 4xx they "
            "answered were not judged as undocumented statuses",
            "invalid input": "document no refusal of invalid input (no 400 or 422): values "
            "their schemas forbid that they accepted were not judged",
            "routed elsewhere": "were sent methods they lack that another path template "
            "matching the same path has (`/users/signup` is also `/users/{user_id}` to a "
            "router): that operation's refusal of the request was not judged as a 405",
        }
        for rule, operations in sorted(self._tally.unjudged.items()):
            shown = ", ".join(sorted(operations)[:4]) + (", ..." if len(operations) > 4 else "")
            yield Notice(f"{len(operations)} operations ({shown}) {words[rule]}")

    def _authenticate(self, schema: BaseSchema) -> int:
        """The run's accounts as schemathesis's WFC peers (one account: its plain auth)."""
        peers = _peers(self._identities)
        if not peers:
            return 0
        scheme = self._identities.presentation
        providers: list[Any] = [
            CachingAuthProvider(_PeerAuth(peer, scheme), refresh_interval=60, retry_on=[401])
            for peer in peers
        ]
        if len(providers) == 1:
            schema.auth.providers.append(providers[0])
            return 1
        names = list(PEERS[: len(providers)])
        schema.auth.providers.append(EscalatingAuthProvider(providers, names, peers=tuple(names)))
        return len(providers)

    def _events(self, schema: BaseSchema) -> Iterator[Event]:
        for event in from_schema(schema).execute():
            if isinstance(event, st_events.ScenarioFinished):
                self._record(event.recorder)
                yield GenericProgress(
                    phase=event.phase.value,
                    label=self._spec.operation_name(event.label),
                    status=event.status.value,
                )
                if event.status == StStatus.ERROR:
                    self._note_error(self._spec.operation_name(event.label), "the scenario errored")
            elif isinstance(event, st_events.NonFatalError):
                operation = (
                    self._spec.operation_name(event.label) if event.related_to_operation else None
                )
                message = f"{event.info.title}: {event.info.message}".strip()
                self._note_error(operation, message)
                yield Notice(f"schemathesis: {event.label}: {_one_line(message)}")
            elif isinstance(event, st_events.FatalError):
                self._note_error(None, repr(event.exception))
                yield Notice(f"schemathesis stopped: {_one_line(str(event.exception))}")

    def _note_error(self, operation: str | None, message: str) -> None:
        messages = self._tally.errors.setdefault(operation, [])
        if message not in messages:
            messages.append(message)

    def _record(self, recorder: ScenarioRecorder) -> None:
        self._track_accounts(recorder)
        for case_id, nodes in recorder.checks.items():
            case_node = recorder.cases.get(case_id)
            label = case_node.value.operation.label if case_node is not None else None
            for node in nodes:
                check_id = _check_id(node.name)
                if node.failure_info is None:
                    if node.status == StStatus.SUCCESS:
                        self._tally.passed.add((check_id, self._spec.operation_name(label)))
                    continue
                failure = node.failure_info.failure
                operation = self._spec.operation_name(failure.operation or label)
                interaction = recorder.interactions.get(failure.case_id or case_id)
                unpromised = self._unpromised(check_id, operation, interaction)
                if unpromised is not None:
                    self._tally.unjudged.setdefault(unpromised, set()).add(operation or "")
                    continue
                if interaction is not None and _refused_as_bad_http(interaction):
                    # Judged by the server's HTTP layer before the API saw it: no promise
                    # of the spec is at stake (neither failed nor passed).
                    continue
                if interaction is not None and (
                    (
                        check_id == "generic.allow-header-conformance"
                        and self._advertised_elsewhere(interaction)
                    )
                    or (
                        check_id == "generic.positive-data-acceptance"
                        and _refused_as_taken(interaction)
                    )
                ):
                    continue
                record = FailureRecord(
                    check_id=check_id,
                    operation=operation,
                    title=failure.title,
                    expected=_expected(node.name),
                    seen=_one_line(failure.message) or failure.title,
                    request=_request(interaction.request) if interaction is not None else None,
                    response=_response(interaction.response)
                    if interaction is not None and interaction.response is not None
                    else None,
                    curl=node.failure_info.code_sample,
                )
                found = self._tally.failures.setdefault((check_id, operation), {})
                found.setdefault((failure.title, record.seen), record)

    def _route(self, uri: str) -> str:
        """A request's path as the spec writes it: less the target URL's own path (`/api`)."""
        path = urlsplit(uri).path
        base = urlsplit(self._url).path.rstrip("/")
        return path[len(base) :] or "/" if base and path.startswith(base + "/") else path

    def _unpromised(self, check_id: str, name: str | None, interaction: Any) -> str | None:
        """Why an answer a generic check failed breaks no promise of the spec, or None.

        - An operation that documents only its success (no refusal beyond FastAPI's 422)
          says nothing of which 4xx it answers: its 4xx are not judged as undocumented.
        - One that documents no refusal of invalid input (no 400, 422, `4XX`, `default`)
          does not promise to refuse it: accepting a value its schema forbids (a page
          size out of type, which Django REST framework ignores) is not judged.
        - A method a path lacks, that a template matching the path by its text has (a
          router matches `/users/signup` to `/users/{user_id}` before it reads the id's
          type), reaches that operation: its refusal (a 403, a 422) is no wrong 405.
        """
        operation = self._spec.operations.get(name or "")
        response = interaction.response if interaction is not None else None
        if operation is None or response is None:
            return None
        status = int(response.status_code)
        if (
            check_id == "generic.status-code-conformance"
            and 400 <= status < 500
            and not operation.documents_refusals
        ):
            return "undocumented 4xx"
        if check_id == "generic.negative-data-rejection" and not operation.documents_invalid_input:
            return "invalid input"
        if (
            check_id == "generic.unsupported-method"
            and 400 <= status < 500
            and str(interaction.request.method).lower()
            in self._spec.methods_at(self._route(str(interaction.request.uri)), typed=False)
        ):
            return "routed elsewhere"
        return None

    def _advertised_elsewhere(self, interaction: Any) -> bool:
        """Whether an `Allow` header's methods are each documented for the request's path
        by some template of the spec (`PUT /articles/feed` by `PUT /articles/{slug}`):
        schemathesis compares it with one template's methods only."""
        response = interaction.response
        if response is None:
            return False
        allow = ", ".join(response.headers.get("allow") or response.headers.get("Allow") or [])
        advertised = {m.strip().lower() for m in allow.split(",") if m.strip()}
        documented = self._spec.methods_at(self._route(str(interaction.request.uri)))
        return bool(advertised) and advertised <= documented | {"head", "options"}

    def _track_accounts(self, recorder: ScenarioRecorder) -> None:
        """Follow what generated requests did to accounts, so that the clean-up can delete them.

        Sign-ups are the run's accounts too; a change of the identifier or the password and
        a deletion of one of the run's accounts are noted, so that the clean-up logs in with
        what is current. The operations are the contract's sign-up and account roles.
        """
        roles, creds = self._spec.roles, self._spec.roles.credentials
        signup = roles.get(RoleName.SIGNUP)
        if signup is None or creds is None:
            return
        account = self._spec.resource(roles.account_resource or "")
        update = account.update if account is not None else None
        delete = roles.get(RoleName.DELETE_ACCOUNT)
        for interaction in recorder.interactions.values():
            request, response = interaction.request, interaction.response
            if response is None or not 200 <= response.status_code < 300:
                continue
            path = self._route(request.uri)
            sent = _json_object(request.body)
            if request.method == signup.method.upper() and _path_id(signup.path, path):
                sent = _fields(signup, sent)
                identifier = sent.get(creds.signup_identifier or "")
                password = sent.get(creds.signup_secret or "")
                if isinstance(identifier, str) and isinstance(password, str):
                    answered = signup.unwrap(response.status_code, _json_object(response.content))
                    self._identities.adopt(
                        identifier,
                        password,
                        answered.get(account.id_field if account else "id")
                        if isinstance(answered, dict)
                        else None,
                    )
            elif update is not None and request.method == update.method.upper():
                sent = _fields(update, sent)
                user_id = _path_id(update.path, path)
                if user_id:
                    self._identities.note_changed(
                        user_id[0],
                        email=sent.get(creds.signup_identifier or ""),
                        password=sent.get(creds.signup_secret or ""),
                    )
            elif delete is not None and request.method == delete.method.upper():
                user_id = _path_id(delete.path, path)
                if user_id and delete.path_parameters:
                    self._identities.note_deleted(user_id[0])
                elif user_id:
                    # `DELETE /accounts/self`: whose account is the credential's.
                    headers = {key: ", ".join(values) for key, values in request.headers.items()}
                    presented = self._identities.presentation.read(headers, request.uri)
                    self._identities.note_deleted_by_token(presented)


def _fields(operation: Operation, sent: dict[str, Any]) -> dict[str, Any]:
    """The fields of a request body, out of the wrapper the operation's body declares."""
    fields = operation.body.unwrap(sent) if operation.body is not None else sent
    return fields if isinstance(fields, dict) else {}


def _path_id(template: str, path: str) -> tuple[object, ...] | None:
    """The path's values when it matches `template` (an empty tuple for a template without any).

    An integer value comes back as an int, as the sign-up answers ids; others as text.
    """
    pattern = re.sub(r"\\\{[^}]+\\\}", r"([^/]+)", re.escape(template))
    match = re.fullmatch(pattern, path)
    if match is None:
        return None
    return tuple(int(value) if value.isdigit() else value for value in match.groups()) or (0,)


def _json_object(content: bytes | None) -> dict[str, Any]:
    try:
        value = json.loads(content or b"")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _check_id(name: str) -> str:
    registered = REGISTRY.by_schemathesis_name(name)
    return registered.id if registered is not None else "generic." + name.replace("_", "-")


def _expected(name: str) -> str:
    registered = REGISTRY.by_schemathesis_name(name)
    return registered.description if registered is not None else name


def _one_line(text: str, limit: int = 400) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "..."


def _text(content: bytes | None) -> str:
    text = (content or b"").decode("utf-8", "replace")
    return text if len(text) <= MAX_BODY else text[:MAX_BODY] + "..."


# Headers whose value HTTP itself defines (RFC 9112): a generated value that breaks them
# makes the request malformed, and the server's HTTP layer answers 400 before the API runs.
_FRAMING = ("content-length", "transfer-encoding", "host")


_EMAILS = st.from_regex(r"\A[a-z0-9]{1,20}(\.[a-z0-9]{1,10})?@[a-z0-9]{1,20}\.example\.com\Z")

# What an answer says when a value it was given is already taken (Rails, Django REST
# framework, Conduit: a uniqueness refusal is often a 400 or a 422, not a 409).
_TAKEN = re.compile(
    r"already (been )?(taken|exists?|in use|registered|used)|must be unique|not unique"
    r"|duplicate|unique constraint|already a (user|member|account)",
    re.I,
)


def _refused_as_taken(interaction: Any) -> bool:
    """A 4xx to a valid write whose answer says that a value it carries is already taken:
    a conflict with data already there, not a refusal of the schema's values (uniqueness
    is judged by the checks that make the duplicate on purpose)."""
    response = interaction.response
    if response is None or int(response.status_code) not in (400, 409, 422):
        return False
    return bool(_TAKEN.search(_text(response.content)))


def _refused_as_bad_http(interaction: Any) -> bool:
    """A 400 to a generated request that was not valid HTTP (a `Content-Length` that is not
    its body's length, a made-up `Transfer-Encoding` or `Host`)."""
    response = interaction.response
    if response is None or int(response.status_code) != 400:
        return False
    request = interaction.request
    body = request.body or b""
    for name, values in request.headers.items():
        lowered = name.lower()
        if lowered not in _FRAMING:
            continue
        value = ", ".join(values)
        if lowered == "content-length" and value.strip() == str(len(body)):
            continue
        if lowered == "host" and value.strip() == urlsplit(str(request.uri)).netloc:
            continue
        return True
    return False


def _request(request: Any) -> RequestRecord:
    return RequestRecord(
        method=str(request.method),
        url=str(request.uri),
        headers={key: ", ".join(values) for key, values in request.headers.items()},
        body=_text(request.body) if request.body else None,
    )


def _response(response: Any) -> ResponseRecord:
    return ResponseRecord(
        status_code=int(response.status_code),
        headers={key: ", ".join(values) for key, values in response.headers.items()},
        body=_text(response.content),
    )
