"""The run: resolve the target, run the contract checks and schemathesis, clean up, report.

`run()` is the engine's entry point. It emits events to a sink (the reporters) and
returns the `RunResult`; it raises only `ConformanceError`s (spec, usage, target), never
for a failing deployment.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx

from ..contract import Contract, load_contract
from ..errors import TargetError, UsageError
from .catalogue import load_checks
from .context import CheckContext
from .events import (
    CheckFinished,
    CleanupFinished,
    Event,
    EventSink,
    Notice,
    PhaseFinished,
    PhaseStarted,
    RunFinished,
    RunResult,
    RunStarted,
)
from .failures import Failure, Skip
from .generic import GenericRun
from .http import TargetClient
from .identities import Identities, IdentityError
from .ledger import Ledger
from .registry import Check, Family, Registry
from .results import Outcome, Status, judged
from .served import ServedDocument
from .settings import RunSettings

__all__ = ["run"]


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    embedded: bool
    admin_email: str | None
    admin_password: str | None


@contextmanager
def _target(settings: RunSettings) -> Iterator[_Target]:
    """The deployment under test: the given URL, or the reference started for the run."""
    if settings.url is not None:
        yield _Target(settings.url, False, settings.admin_email, settings.admin_password)
        return
    from ..embedded import embedded_reference

    with embedded_reference() as embedded:
        yield _Target(
            embedded.url,
            True,
            settings.admin_email or embedded.admin_email,
            settings.admin_password or embedded.admin_password,
        )


def run(settings: RunSettings, sink: EventSink) -> RunResult:
    """Test one deployment against the contract; see the module docstring."""
    registry = load_checks()
    spec = load_contract(settings.spec, role_overrides=settings.roles, auth=settings.auth)
    spec.require_operations()
    with ExitStack() as stack:
        target = stack.enter_context(_target(settings))
        client = TargetClient(
            target.url, timeout=settings.request_timeout, rate_limit=settings.rate_limit
        )
        stack.callback(client.close)
        _preflight(client, target.url)
        identities = Identities(
            client,
            spec,
            run_tag=settings.run_tag,
            admin_email=target.admin_email,
            admin_password=target.admin_password,
            configured=settings.identities,
        )
        if identities.has_admin:
            try:
                identities.admin()
            except IdentityError as exc:
                raise UsageError(
                    f"the admin credentials do not log in ({exc.message})",
                    hint="check --admin-email/--admin-password",
                ) from exc
        return _Run(settings, registry, spec, target, client, identities, sink).execute()


def _outcome_order(outcome: Outcome) -> tuple[int, str, str]:
    family = list(Family).index(Family(outcome.check_id.split(".", 1)[0]))
    return (family, outcome.check_id, outcome.operation or "")


# When one operation was judged several times, the outcome it gets: the worst.
_WORST = (Status.FAILED, Status.ERROR, Status.PASSED, Status.SKIPPED, Status.WAIVED)


def _merged(outcomes: list[Outcome]) -> list[Outcome]:
    """One outcome per operation: the worst status, every failure, the durations added."""
    by_operation: dict[str | None, list[Outcome]] = {}
    for outcome in outcomes:
        by_operation.setdefault(outcome.operation, []).append(outcome)
    merged = []
    for group in by_operation.values():
        worst = min(group, key=lambda outcome: _WORST.index(outcome.status))
        merged.append(
            replace(
                worst,
                duration=sum(outcome.duration for outcome in group),
                failures=tuple(f for outcome in group for f in outcome.failures),
            )
        )
    return merged


def _preflight(client: TargetClient, url: str) -> None:
    try:
        client.request("GET", "/")
    except httpx.TransportError as exc:
        raise TargetError(f"cannot reach {url}: {_reason(exc)}", url=url) from exc


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return text.split("] ")[-1]


class _Run:
    def __init__(
        self,
        settings: RunSettings,
        registry: Registry,
        spec: Contract,
        target: _Target,
        client: TargetClient,
        identities: Identities,
        sink: EventSink,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.spec = spec
        self.target = target
        self.client = client
        self.identities = identities
        self.sink = sink
        self.served = ServedDocument(client, spec, settings.served_spec)
        self.ledger = Ledger(spec)
        self.generic = (
            GenericRun(settings, target.url, spec, identities, self.ledger)
            if settings.generic
            else None
        )
        self.result = RunResult(
            url=target.url,
            spec=spec.source,
            seed=self.generic.seed if self.generic is not None else None,
            run_tag=settings.run_tag,
            profile=settings.profile.value,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            kept_data=settings.keep_data,
            spec_operations=tuple(spec.operations),
            targets={
                item.id: tuple(item.targets(spec))
                for item in registry.contract_checks()
                if item.targets is not None
            },
        )

    def emit(self, event: Event) -> None:
        if isinstance(event, CheckFinished):
            self.result.outcomes.append(event.outcome)
        elif isinstance(event, Notice):
            self.result.notices.append(event.message)
        self.sink.handle(event)

    def execute(self) -> RunResult:
        started = time.monotonic()
        # The reachability probe and the admin's login went out before the clock started;
        # the count, like the duration, is the run's own.
        sent_before = self.client.requests_sent
        checks = [
            item for item in self.registry.contract_checks() if self.settings.selects(item.id)
        ]
        self.emit(
            RunStarted(
                url=self.target.url,
                spec=self.spec.source,
                seed=self.result.seed,
                run_tag=self.settings.run_tag,
                profile=self.settings.profile.value,
                workers=self.settings.workers,
                embedded=self.target.embedded,
                has_admin=self.identities.has_admin,
                checks=tuple(item.id for item in checks),
            )
        )
        try:
            self._checks(checks)
        finally:
            self._clean_up()
            self.result.requests_sent = self.client.requests_sent - sent_before
            self.result.duration = time.monotonic() - started
            self.result.outcomes.sort(key=_outcome_order)
        self.emit(RunFinished(self.result))
        return self.result

    # -- the contract checks ---------------------------------------------------------------

    def _checks(self, checks: list[Check]) -> None:
        """The contract checks, then schemathesis's phase.

        A waiting check (one that waits for a token to expire) starts first, on a thread
        of its own, and runs beside both phases: it is reported at the end of the contract
        phase if it has finished by then (or if no phase follows), else after schemathesis.
        """
        waiting = [item for item in checks if item.waits]
        with ThreadPoolExecutor(
            max_workers=max(len(waiting), 1), thread_name_prefix="wait"
        ) as aside:
            pending = [aside.submit(self._one, item) for item in waiting]
            others = [item for item in checks if not item.waits]
            left = self._contract(others, pending, total=len(checks))
            if self.generic is not None:
                self._generic(self.generic)
            for future in left:
                self._report(future)

    def _contract(
        self, checks: list[Check], waiting: list[Future[list[Outcome]]], *, total: int
    ) -> list[Future[list[Outcome]]]:
        """Run the checks on the `workers` threads; the waiting ones not reported yet."""
        self.emit(PhaseStarted("contract", total=total))
        with ThreadPoolExecutor(
            max_workers=self.settings.workers, thread_name_prefix="check"
        ) as pool:
            futures = [pool.submit(self._one, item) for item in checks]
            for future in as_completed(futures):
                self._report(future)
        now = [f for f in waiting if f.done() or self.generic is None]
        for future in now:
            self._report(future)
        self.emit(PhaseFinished("contract"))
        return [future for future in waiting if future not in now]

    def _report(self, future: Future[list[Outcome]]) -> None:
        for outcome in future.result():
            self.emit(CheckFinished(outcome))

    def _one(self, item: Check) -> list[Outcome]:
        """The check's outcomes: one per operation it judged, or one for the whole check."""
        ctx, outcome = self._run_check(item)
        outcomes = [self._waived(each) for each in _merged(ctx.outcomes)] if ctx is not None else []
        if outcome is not None and not (outcomes and outcome.status is Status.PASSED):
            outcomes.append(outcome)
        return outcomes

    def _waived(self, outcome: Outcome) -> Outcome:
        if outcome.status is not Status.FAILED:
            return outcome
        waiver = self.settings.waiver_for(outcome.check_id, outcome.operation)
        if waiver is None:
            return outcome
        return judged(
            outcome.check_id,
            outcome.operation,
            outcome.failures,
            waiver=waiver.reason,
            duration=outcome.duration,
        )

    def _run_check(self, item: Check) -> tuple[CheckContext | None, Outcome | None]:
        if item.needs_admin and not self.identities.has_admin:
            return None, Outcome(
                item.id,
                None,
                Status.SKIPPED,
                reason="needs admin credentials (--admin-email/--admin-password or "
                "CONFORMANCE_ADMIN_EMAIL/CONFORMANCE_ADMIN_PASSWORD)",
            )
        assert item.func is not None  # contract_checks() only lists callable checks
        ctx = CheckContext(
            item,
            client=self.client,
            spec=self.spec,
            identities=self.identities,
            depth=self.settings.depth,
            served=self.served,
            ledger=self.ledger,
        )
        started = time.monotonic()
        try:
            item.func(ctx)
        except Failure as failure:
            record = failure.to_record()
            waiver = self.settings.waiver_for(item.id, record.operation)
            return ctx, judged(
                item.id,
                record.operation,
                (record,),
                waiver=waiver.reason if waiver is not None else None,
                duration=time.monotonic() - started,
            )
        except (Skip, IdentityError) as stopped:
            skip = ctx.as_skip(stopped)
            return ctx, Outcome(item.id, None, Status.SKIPPED, reason=skip.reason, cause=skip.cause)
        except httpx.HTTPError as exc:
            return ctx, Outcome(
                item.id,
                None,
                Status.ERROR,
                time.monotonic() - started,
                reason=f"the request failed: {type(exc).__name__}: {exc}",
            )
        if ctx.outcomes:
            return ctx, None
        if ctx.sent == 0:
            # Nothing was asked of the target, so nothing was shown to hold.
            return ctx, Outcome(
                item.id,
                None,
                Status.SKIPPED,
                reason="sent no request: the spec has none of the operations it probes",
            )
        return ctx, Outcome(item.id, None, Status.PASSED, time.monotonic() - started)

    # -- schemathesis ----------------------------------------------------------------------

    def _generic(self, generic: GenericRun) -> None:
        self.emit(PhaseStarted("generic"))
        for event in generic.execute():
            self.emit(event)
        for outcome in generic.outcomes():
            if self.settings.selects(outcome.check_id):
                self.emit(CheckFinished(outcome))
        self.emit(PhaseFinished("generic"))

    # -- clean-up --------------------------------------------------------------------------

    def _clean_up(self) -> None:
        self.emit(PhaseStarted("cleanup"))
        if self.settings.keep_data:
            left = tuple(identity.email for identity in self.identities.created)
            event = CleanupFinished(deleted=0, left=left, kept=True)
        else:
            try:
                deleted, remaining = self.identities.clean_up()
                objects, objects_left = self.ledger.clean_up(self.identities)
            except httpx.HTTPError as exc:
                self.emit(Notice(f"clean-up stopped: {type(exc).__name__}: {exc}"))
                deleted, remaining = 0, [identity.email for identity in self.identities.created]
                objects, objects_left = 0, []
            event = CleanupFinished(
                deleted=deleted,
                left=tuple(remaining + objects_left),
                kept=False,
                objects_deleted=objects,
            )
        self.result = replace(
            self.result,
            deleted=event.deleted,
            left=event.left,
            objects_deleted=event.objects_deleted,
        )
        self.emit(event)
        self.emit(PhaseFinished("cleanup"))
