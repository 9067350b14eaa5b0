"""The figures as tables: one per document, then each document against the targets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table

from .commands import INSPECT, LINT
from .documents import Document
from .suite import Result

# The targets the spec-reading commands are held to, on each large real document.
INSPECT_SECONDS = 10.0
INSPECT_MB = 500.0


@dataclass(frozen=True)
class Measured:
    """A document and what each command did on it."""

    document: Document
    results: Sequence[Result]

    def ours(self, kind: str) -> Result | None:
        return next((r for r in self.results if r.command.ours and r.command.kind == kind), None)

    def peer(self, name: str) -> Result | None:
        return next((r for r in self.results if r.command.name.startswith(name)), None)


def _seconds(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def lint_ratio(measured: Measured, peer: str) -> float | None:
    """Our lint's wall time over the peer's, where both finished."""
    ours, theirs = measured.ours(LINT), measured.peer(peer)
    if ours is None or theirs is None or not (ours.ok and theirs.ok):
        return None
    return ours.best.seconds / theirs.best.seconds


def document_table(measured: Measured, peers: Sequence[str]) -> Table:
    """command, seconds, CPU seconds, peak MB, exit code, lint ratios, outcome."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("command")
    for column in ("seconds", "cpu s", "peak MB", "exit"):
        table.add_column(column, justify="right")
    for peer in peers:
        table.add_column(f"ours/{peer}", justify="right")
    table.add_column("result")
    for result in measured.results:
        best = result.best
        our_lint = result.command.ours and result.command.kind == LINT
        ratios = [lint_ratio(measured, peer) if our_lint else None for peer in peers]
        table.add_row(
            result.command.name,
            _seconds(best.seconds) + ("+" if best.timed_out else ""),
            _seconds(best.cpu_seconds),
            f"{best.peak_mb:,.0f}",
            "-" if best.exit_code is None else str(best.exit_code),
            *("" if ratio is None else f"{ratio:.2f}x" for ratio in ratios),
            result.outcome,
        )
    return table


def inspect_verdict(measured: Measured) -> tuple[bool, str]:
    """Inspect within 10 s and 500 MB on this document?"""
    result = measured.ours(INSPECT)
    if result is None:
        return False, "not measured"
    best = result.best
    if not result.ok:
        figures = f"{_seconds(best.seconds)} s, {best.peak_mb:,.0f} MB"
        return False, f"{result.outcome} ({figures})"
    met = best.seconds < INSPECT_SECONDS and best.peak_mb < INSPECT_MB
    return met, f"{_seconds(best.seconds)} s, {best.peak_mb:,.0f} MB"


def lint_verdict(measured: Measured, peer: str) -> tuple[bool | None, str]:
    """Our lint at least as fast as the peer's on this document? None: not compared."""
    ours, theirs = measured.ours(LINT), measured.peer(peer)
    if theirs is None:
        return None, f"{peer} not run"
    if ours is None or not ours.ok:
        return False, f"ours {ours.outcome if ours else 'not run'}"
    if not theirs.ok:
        return None, f"{peer} {theirs.outcome}"
    ratio = ours.best.seconds / theirs.best.seconds
    return ratio <= 1.0, (
        f"{_seconds(ours.best.seconds)} s against {_seconds(theirs.best.seconds)} s ({ratio:.2f}x)"
    )


def targets_table(documents: Sequence[Measured], redocly: str | None) -> Table:
    """Each document against the targets: inspect < 10 s and < 500 MB; lint <= Redocly."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("document")
    table.add_column(f"inspect < {INSPECT_SECONDS:g} s and < {INSPECT_MB:g} MB")
    table.add_column("lint at least as fast as Redocly CLI")
    for measured in documents:
        met, text = inspect_verdict(measured)
        inspect = f"{'met' if met else 'MISSED'}: {text}"
        if redocly is None:
            lint = "not compared (--no-peers)"
        else:
            faster, said = lint_verdict(measured, redocly)
            verdict = "not compared" if faster is None else "met" if faster else "MISSED"
            lint = f"{verdict}: {said}"
        table.add_row(measured.document.label, inspect, lint)
    return table


def targets_summary(documents: Sequence[Measured], redocly: str | None) -> str:
    """One line: on how many documents each target was met."""
    inspect = sum(inspect_verdict(measured)[0] for measured in documents)
    line = f"inspect target met on {inspect} of {len(documents)} documents"
    if redocly is not None:
        lint = sum(lint_verdict(measured, redocly)[0] is True for measured in documents)
        line += f"; lint target met on {lint} of {len(documents)}"
    return line
