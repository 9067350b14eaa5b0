"""The console: live progress while the run goes, then summary tables and every failure.

After the failures, each set-up cause is printed once, with the checks it skipped (a row
that could not be made stops every check that needed one: one line says so), then the
other reasons for skips; the verdict line counts the skips set-up caused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
)
from rich.table import Table

from ..events import (
    CauseGroup,
    CheckFinished,
    CleanupFinished,
    Event,
    GenericProgress,
    Notice,
    PhaseFinished,
    PhaseStarted,
    RunFinished,
    RunResult,
    RunStarted,
)
from ..results import Status

__all__ = ["ConsoleReporter"]

_STYLE = {
    Status.PASSED: "green",
    Status.FAILED: "bold red",
    Status.WAIVED: "yellow",
    Status.SKIPPED: "dim",
    Status.ERROR: "bold magenta",
}
_COLUMNS = (Status.PASSED, Status.FAILED, Status.WAIVED, Status.SKIPPED, Status.ERROR)


class ConsoleReporter:
    """Rich output on the given console."""

    def __init__(
        self, console: Console, *, verbose: bool = False, reports: Sequence[Path] = ()
    ) -> None:
        self.console = console
        self.verbose = verbose
        self.reports = tuple(reports)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._scenarios: Counter[str] = Counter()

    def handle(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._started(event)
        elif isinstance(event, PhaseStarted):
            self._phase(event)
        elif isinstance(event, CheckFinished):
            self._advance(event)
        elif isinstance(event, GenericProgress):
            self._scenarios[event.phase] += 1
            if self._progress is not None and self._task is not None:
                done = ", ".join(f"{phase} {n}" for phase, n in self._scenarios.items())
                self._progress.update(self._task, description=f"schemathesis: {done}")
        elif isinstance(event, Notice):
            self.console.print(f"[yellow]note[/]: {escape(event.message)}")
        elif isinstance(event, PhaseFinished):
            self._stop_progress()
        elif isinstance(event, CleanupFinished):
            self._cleanup(event)
        elif isinstance(event, RunFinished):
            self._finished(event.result)

    # -- live ------------------------------------------------------------------------------

    def _started(self, event: RunStarted) -> None:
        where = "the embedded reference at " if event.embedded else ""
        self.console.print(f"[bold]conformance run[/] against {where}{escape(event.url)}")
        seed = event.seed if event.seed is not None else "n/a"
        self.console.print(
            f"  spec {escape(event.spec)} · profile {event.profile} · workers {event.workers} · "
            f"seed {seed} · run tag {event.run_tag} · admin "
            + ("yes" if event.has_admin else "no (superuser checks will be skipped)")
        )

    def _phase(self, event: PhaseStarted) -> None:
        self._stop_progress()
        if event.name == "cleanup":
            return
        if not self.console.is_terminal:
            # No live display in a log: one line per phase instead.
            what = f"{event.total} contract checks" if event.total else "schemathesis's phases"
            self.console.print(f"running {what} ...")
            return
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn() if event.total else TextColumn(""),
            MofNCompleteColumn() if event.total else TextColumn(""),
            console=self.console,
            transient=True,
        )
        title = "contract checks" if event.name == "contract" else "schemathesis: starting"
        self._task = self._progress.add_task(title, total=event.total)
        self._scenarios.clear()
        self._progress.start()

    def _advance(self, event: CheckFinished) -> None:
        outcome = event.outcome
        if (
            self._progress is not None
            and self._task is not None
            and not outcome.check_id.startswith("generic.")
        ):
            self._progress.advance(self._task)
        if outcome.status in (Status.FAILED, Status.ERROR) or self.verbose:
            where = f" on {outcome.operation}" if outcome.operation else ""
            style = _STYLE[outcome.status]
            self.console.print(
                f"  [{style}]{outcome.status.value:>7}[/] {outcome.check_id}{escape(where)}"
            )

    def _stop_progress(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress, self._task = None, None

    def _cleanup(self, event: CleanupFinished) -> None:
        if event.kept:
            self.console.print(f"kept the run's data (--keep-data): {len(event.left)} accounts")
        elif event.left:
            self.console.print(
                f"[yellow]clean-up[/]: deleted {_made(event)}; could not delete "
                + escape(", ".join(event.left[:5]))
                + (" ..." if len(event.left) > 5 else "")
            )
        elif event.deleted or event.objects_deleted:
            self.console.print(f"clean-up: deleted the {_made(event)} the run made")

    # -- the summary -----------------------------------------------------------------------

    def _finished(self, result: RunResult) -> None:
        self._stop_progress()
        self.console.print(_table("family", {k.value: v for k, v in result.by_family().items()}))
        self.console.print(_table("operation", result.by_operation()))
        problems = [o for o in result.outcomes if o.status in (Status.FAILED, Status.WAIVED)]
        for outcome in problems:
            for failure in outcome.failures:
                colour = "yellow" if failure.waiver else "red"
                self.console.print(
                    f"\n[bold {colour}]{failure.check_id}[/] on "
                    f"[bold]{escape(failure.operation or 'the API')}[/]: {escape(failure.title)}"
                )
                self.console.print(f"  expected: {escape(failure.expected)}")
                self.console.print(f"  seen:     {escape(failure.seen)}")
                if failure.waiver:
                    self.console.print(f"  [yellow]waived[/]: {escape(failure.waiver)}")
                if failure.curl:
                    self.console.print(f"  [dim]{escape(failure.curl)}[/]", soft_wrap=True)
        causes = result.causes()
        for group in causes:
            self._cause(group)
        reasons = sorted(
            {
                (o.check_id, o.reason or "")
                for o in result.outcomes
                if o.status in (Status.SKIPPED, Status.ERROR) and o.cause is None
            }
        )
        if causes and reasons:
            self.console.print()
        for check_id, reason in reasons:
            self.console.print(f"[dim]skipped or errored[/] {check_id}: {escape(reason)}")
        counts = result.counts()
        by_setup = result.skipped_by_setup
        summary = ", ".join(
            f"[{_STYLE[s]}]{counts[s]} {s.value}[/]"
            + (f" ({by_setup} because set-up failed)" if s is Status.SKIPPED and by_setup else "")
            for s in _COLUMNS
            if counts.get(s)
        )
        verdict = "[bold red]FAILED[/]" if result.failed else "[bold green]PASSED[/]"
        self.console.print(
            f"\n{verdict} {summary} in {result.duration:.1f} s "
            f"({result.requests_sent} requests by the contract checks)"
        )
        if result.seed is not None:
            self.console.print(f"replay with: conformance run --seed {result.seed} ...")
        if self.reports:
            self.console.print("reports: " + ", ".join(escape(str(path)) for path in self.reports))

    def _cause(self, group: CauseGroup) -> None:
        """One root cause, once: what did not work, the checks it skipped, what to do."""
        cause = group.cause
        listed = ", ".join(group.checks)
        self.console.print(f"\n[bold yellow]set-up failed[/]: {escape(cause.text)}")
        self.console.print(
            f"  {_plural(len(group.checks), 'check')} skipped "
            f"(on {_plural(len(group.operations), 'operation')}): {escape(listed)}"
        )
        if cause.seen:
            self.console.print(f"  answered: {escape(cause.seen)}")
        if cause.hint:
            self.console.print(f"  [dim]{escape(cause.hint)}[/]")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _table(key: str, rows: dict[str, Counter[Status]]) -> Table:
    table = Table(title=f"by {key}", title_justify="left", show_edge=False)
    table.add_column(key)
    for status in _COLUMNS:
        table.add_column(status.value, justify="right", style=_STYLE[status])
    for name, counter in rows.items():
        table.add_row(name, *(str(counter.get(status, 0) or "") for status in _COLUMNS))
    return table


def _made(event: CleanupFinished) -> str:
    """ "15 accounts", "15 accounts and 4 objects", "4 objects"."""
    parts = [f"{event.deleted} accounts"] if event.deleted or not event.objects_deleted else []
    if event.objects_deleted:
        parts.append(f"{event.objects_deleted} objects")
    return " and ".join(parts)
