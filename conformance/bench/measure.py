"""One command in a child process: its wall time, CPU time and peak memory.

Peak memory is the child's own: the process is reaped with `os.wait4(pid)`, which returns
the resource usage of that one child (its `ru_maxrss`, and the largest of any process it
started and waited for itself). `getrusage(RUSAGE_CHILDREN)` would not do: its
`ru_maxrss` is the largest of every child this process ever reaped, so one large
measurement would hide every smaller one after it. `wait4` needs neither an intermediate
process nor `/usr/bin/time` nor psutil, and it sees a peak however short (a poller misses
what happens between two polls).

The child runs in its own session, so that a timeout ends it and anything it started.
Its output goes to temporary files (a pipe nobody reads would stall a chatty linter) and
is read afterwards, for the reason of a failure.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
_MAXRSS_BYTES = 1 if sys.platform == "darwin" else 1024
_BOX = "│╭╮╰╯─┃━┏┓┗┛"


@dataclass(frozen=True)
class Run:
    """What one child process did: exit code None if it was ended by the timeout."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    exit_code: int | None
    stdout: str
    stderr: str

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None


def run_measured(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: Path,
    env: Mapping[str, str] | None = None,
) -> Run:
    """Run `argv` to its end or to `timeout` seconds, and measure it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        reaped: list[tuple[int, int, resource.struct_rusage]] = []
        # wait4 blocks; a thread keeps the timing exact where a polling loop would add its
        # own interval to every figure.
        waiter = threading.Thread(target=lambda: reaped.append(os.wait4(child.pid, 0)))
        waiter.start()
        try:
            waiter.join(timeout)
        finally:
            timed_out = waiter.is_alive()
            if timed_out:
                _kill_session(child.pid)
                waiter.join()
        seconds = time.perf_counter() - start
        _, status, usage = reaped[0]
        # Reaped here, not by Popen: tell it, or it believes the child still runs.
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=timeout if timed_out else seconds,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_mb=usage.ru_maxrss * _MAXRSS_BYTES / 1e6,
            exit_code=None if timed_out else child.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _kill_session(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # It ended between the timeout and the kill.


def failure_reason(run: Run, document: Path | None = None) -> str:
    """One line saying why a command failed, from what it printed.

    The document's path is left out: the table names the document already.
    """
    lines = _plain_lines(run.stderr) or _plain_lines(run.stdout)
    if document is not None:
        lines = [line.replace(f"{document}: ", "").replace(str(document), "DOC") for line in lines]
    if not lines:
        return f"exit {run.exit_code}, nothing printed"
    for line in lines:
        if line.startswith("error:"):
            return _short(line.removeprefix("error:").strip())
    if "internal error" in lines[-1] and len(lines) > 1:
        # The toolkit's bug handler: the exception's own line is the one before.
        return _short(f"internal error: {lines[-2]}")
    if run.exit_code is not None and run.exit_code < 0:
        return _short(f"killed by signal {-run.exit_code}: {lines[-1]}")
    return _short(lines[-1])


def _plain_lines(text: str) -> list[str]:
    """Non-empty lines with box drawing removed; a boxed message (Typer's) becomes one line."""
    lines: list[str] = []
    boxed: list[str] | None = None
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith(("╭", "┏")):
            boxed = []
            continue
        if boxed is not None:
            if stripped.startswith(("╰", "┗")):
                lines.append(" ".join(boxed))
                boxed = None
            elif inner := stripped.strip(_BOX).strip():
                boxed.append(inner)
            continue
        if plain := stripped.strip(_BOX).strip():
            lines.append(plain)
    if boxed:
        lines.append(" ".join(boxed))
    return lines


def _short(line: str, limit: int = 90) -> str:
    return line if len(line) <= limit else line[: limit - 3] + "..."
