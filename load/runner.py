"""`conformance load`: a bounded, headless Locust run with SLO gates.

Locust runs in a child process (`python -m locust -f load/locustfile.py --headless ...`):
gevent's monkey-patching must never reach the CLI's process. The child writes a progress
file once a second, which this process turns into a live line; at the end it reads
Locust's JSON statistics, prints the per-endpoint table, writes the reports and judges
the SLOs.

Every check that can fail before load is sent does so first, with one line and exit 2:
an SLO that does not parse, a missing or malformed `--run-time`, an unreachable URL.
"""

from __future__ import annotations

import json
import math
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.live import Live
from rich.text import Text

from conformance.contract import Contract, accounts, load_contract
from conformance.engine.settings import CONFIG_FILE, ConfigTables, load_config
from conformance.errors import InternalError, TargetError, UsageError

from .endpoints import contract_endpoints
from .mix import format_mix, parse_mix, parse_think_time
from .plan import build_plan
from .report import Failure, RunReport, print_report, write_reports
from .results import read_locust_json
from .slo import Slo, evaluate, parse_slo

__all__ = ["LoadSettings", "parse_run_time", "prepare", "run_load"]

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")
# Time Locust may take beyond --run-time: start-up, and deleting every user's account.
_GRACE = 120.0


@dataclass(frozen=True)
class LoadSettings:
    """A validated `conformance load` invocation."""

    url: str
    run_time: float
    users: int
    spawn_rate: float
    slos: list[Slo]
    report_dir: Path
    processes: int | None = None
    arrival_rate: float | None = None
    mix: str = ""
    think_time: str | None = None
    spec: str | None = None
    config: Path | None = None
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def parse_run_time(text: str | None) -> float:
    """`'30s'`, `'2m'`, `'1h30m'` or plain seconds -> seconds; `UsageError` otherwise."""
    if text is None:
        raise UsageError(
            "--run-time is required: a load run is always bounded", hint="e.g. --run-time 30s"
        )
    value = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        seconds = float(value)
    elif re.fullmatch(r"(?:\d+(?:\.\d+)?[hms])+", value):
        factor = {"h": 3600.0, "m": 60.0, "s": 1.0}
        seconds = sum(float(n) * factor[unit] for n, unit in _DURATION.findall(value))
    else:
        raise UsageError(f"--run-time {text!r} is not a duration", hint="e.g. 30s, 5m or 1h30m")
    if seconds < 1:
        raise UsageError(f"--run-time {text!r} is shorter than a second")
    return seconds


def prepare(
    *,
    url: str,
    run_time: str | None,
    users: int | None,
    spawn_rate: float | None,
    slos: Sequence[str],
    report_dir: Path | None,
    processes: int | None,
    arrival_rate: float | None,
    mix: str | None,
    think_time: str | None,
    spec: str | None = None,
    config: Path | None = None,
    seed: int = 0,
) -> LoadSettings:
    """Validate every option, without sending anything; raise `UsageError` on the first bad one."""
    seconds = parse_run_time(run_time)
    if spec and not spec.startswith(("http://", "https://")):
        spec = str(Path(spec).resolve())
    path = config if config is not None else Path.cwd() / CONFIG_FILE
    if config is not None and not config.is_file():
        raise UsageError(f"--config {config}: no such file")
    tables = load_config(path) if path.is_file() else ConfigTables()
    identities = tables.identities
    contract = load_contract(spec, role_overrides=tables.roles, auth=tables.auth)
    contract.require_operations()
    plan = build_plan(contract)
    if not plan.tasks:
        raise UsageError(
            f"{contract.source} gives the journeys nothing to do: no resource with a create "
            "or a list, and no current-account read",
            hint="see `conformance inspect --spec ...`",
        )
    if plan.secured and not identities and accounts.signup_problem(contract.roles):
        raise UsageError(
            str(accounts.signup_problem(contract.roles)),
            hint="or give accounts as [[identity]] in conformance.toml",
        )
    endpoints = contract_endpoints(contract)
    parsed = [parse_slo(text, endpoints) for text in slos]
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--url {url!r} is not an http(s) URL", hint="e.g. http://127.0.0.1:8000")
    if arrival_rate is not None and arrival_rate <= 0:
        raise UsageError("--arrival-rate must be a positive number of requests per second")
    if users is not None and users < 1:
        raise UsageError("--users must be at least 1")
    if spawn_rate is not None and spawn_rate <= 0:
        raise UsageError("--spawn-rate must be positive")
    if processes is not None and processes < 1:
        raise UsageError("--processes must be at least 1")
    try:
        mix_text = format_mix(parse_mix(mix, plan.defaults, plan.aliases)) if mix else ""
        if think_time is not None:
            parse_think_time(think_time)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if users is None:
        # An open model needs a pool: enough users for answers of up to ~250 ms on average.
        users = max(10, math.ceil(arrival_rate / 4)) if arrival_rate else 10
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return LoadSettings(
        url=url.rstrip("/"),
        run_time=seconds,
        users=users,
        # Sign-up and login hash passwords (Argon2): ramping up spreads that cost, as
        # Locust's own default of one user a second does, over at most ten seconds.
        spawn_rate=spawn_rate or max(1.0, users / 10),
        slos=parsed,
        report_dir=report_dir or Path("reports") / f"load-{stamp}",
        processes=processes,
        arrival_rate=arrival_rate,
        mix=mix_text,
        think_time=think_time,
        spec=spec,
        config=path.resolve() if path.is_file() else None,
        seed=seed,
        extra={"contract": contract},
    )


def check_reachable(url: str, contract: Contract | None = None) -> None:
    """Raise `TargetError` unless the target answers.

    The probe is the contract's first public GET without parameters in its path (a
    health check, often), which must answer a 2xx; when the spec has none, the server
    root, for which any HTTP answer will do.
    """
    probe = next(
        (
            op
            for op in (contract or ())
            if op.method == "get" and not op.secured and not op.path_parameters
        ),
        None,
    )
    target = f"{url}{probe.path}" if probe is not None else f"{url}/"
    try:
        response = httpx.get(target, timeout=5.0)
    except httpx.HTTPError as exc:
        raise TargetError(
            f"cannot reach {url}: {exc or type(exc).__name__}",
            url=url,
            hint="is the service running?",
        ) from exc
    if probe is not None and not 200 <= response.status_code < 300:
        raise TargetError(
            f"{target} ({probe.operation_id}) answered {response.status_code}, not a 2xx",
            url=url,
            hint="is it the API the spec describes?",
        )


def locust_command(settings: LoadSettings, status_dir: Path) -> list[str]:
    """The Locust command line for a headless run of the journeys."""
    out = settings.report_dir
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        settings.url,
        "--users",
        str(settings.users),
        "--spawn-rate",
        f"{settings.spawn_rate:g}",
        "--run-time",
        f"{math.ceil(settings.run_time)}s",
        "--csv",
        str(out / "locust"),
        "--html",
        str(out / "report.html"),
        "--json-file",
        str(out / "locust"),
        "--only-summary",
        # The SLOs decide the exit code, not Locust's "there was a failure".
        "--exit-code-on-error",
        "0",
        "--status-dir",
        str(status_dir),
    ]
    if settings.processes:
        command += ["--processes", str(settings.processes)]
    if settings.arrival_rate:
        command += ["--arrival-rate", f"{settings.arrival_rate:g}"]
    if settings.mix:
        command += ["--mix", settings.mix]
    if settings.think_time is not None:
        command += ["--think-time", settings.think_time]
    if settings.spec:
        command += ["--spec", settings.spec]
    if settings.config is not None:
        command += ["--conformance-config", str(settings.config)]
    if settings.seed:
        command += ["--seed", str(settings.seed)]
    return command


def run_load(settings: LoadSettings, console: Console) -> RunReport:
    """Run Locust against the target, then report; the caller turns `passed` into an exit code."""
    contract = settings.extra.get("contract")
    check_reachable(settings.url, contract if isinstance(contract, Contract) else None)
    settings.report_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="conformance-load-") as scratch:
        status_dir = Path(scratch)
        log_path = settings.report_dir / "locust.log"
        command = locust_command(settings, status_dir)
        with log_path.open("wb") as log:
            # A session of its own: Ctrl-C reaches this process only, which then asks
            # Locust once to stop, so that its users still delete their accounts.
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            try:
                _follow(process, settings, status_dir, console)
            except KeyboardInterrupt:
                console.print("interrupted: stopping Locust and deleting the run's accounts...")
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=_GRACE)
                raise
            finally:
                if process.poll() is None:
                    process.terminate()
                    process.wait(timeout=30)
        if process.returncode != 0:
            raise InternalError(
                f"Locust exited with code {process.returncode}: {_log_tail(log_path)}",
                hint=f"the whole log is in {log_path}",
            )
        stats = read_locust_json(settings.report_dir / "locust.json")
        failures = _read_failures(status_dir / "failures.json")
        arrivals = _read_arrivals(status_dir) if settings.arrival_rate else None
        cleanup = _read_cleanup(status_dir)
    report = RunReport(
        url=settings.url,
        stats=stats,
        results=evaluate(settings.slos, stats),
        failures=failures,
        accounts_created=cleanup["accounts_made"],
        accounts_deleted=cleanup["accounts_deleted"],
        rows_made=cleanup["rows_made"],
        rows_left=cleanup["rows_left"],
        arrivals=arrivals,
        settings={
            "run_time_s": settings.run_time,
            "users": settings.users,
            "spawn_rate": settings.spawn_rate,
            "processes": settings.processes or 1,
            "arrival_rate": settings.arrival_rate,
            "mix": settings.mix or "default",
            "spec": settings.spec or "bundled",
            "seed": settings.seed,
        },
    )
    files = [
        settings.report_dir / "report.html",
        settings.report_dir / "locust_stats.csv",
        settings.report_dir / "locust.json",
        *write_reports(report, settings.report_dir),
        log_path,
    ]
    print_report(report, console, files)
    return report


def _follow(
    process: subprocess.Popen[bytes], settings: LoadSettings, status_dir: Path, console: Console
) -> None:
    """Wait for Locust, showing one live line; kill it if it overruns its time."""
    deadline = time.monotonic() + settings.run_time + _GRACE
    progress = status_dir / "progress.json"
    with Live(Text("starting Locust..."), console=console, transient=True) as live:
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise InternalError(
                    f"Locust did not stop within {_GRACE:.0f} s after --run-time; killed it"
                )
            snapshot = _read_json(progress)
            if snapshot:
                live.update(Text(_progress_line(snapshot, settings), overflow="ellipsis"))
            time.sleep(0.5)


def _progress_line(snapshot: dict[str, Any], settings: LoadSettings) -> str:
    elapsed = float(snapshot.get("elapsed", 0.0))
    if elapsed >= settings.run_time or snapshot.get("state") in ("stopping", "stopped"):
        return "run time over: stopping users and deleting the accounts they made..."
    requests = int(snapshot.get("requests", 0))
    failures = int(snapshot.get("failures", 0))
    p95 = snapshot.get("p95")
    return (
        f"{elapsed:.0f}/{settings.run_time:.0f} s  {snapshot.get('users', 0)} users  "
        f"{requests:,} requests  {float(snapshot.get('rps', 0.0)):,.1f} req/s  "
        f"{failures:,} failed  p95 {p95 if p95 is not None else '-'} ms"
    )


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None  # Not written yet.
    return data if isinstance(data, dict) else None


def _read_failures(path: Path) -> list[Failure]:
    data = _read_json(path) or {}
    failures = [
        Failure(
            endpoint=f"{entry.get('method', '')} {entry.get('name', '')}".strip(),
            error=str(entry.get("error", "")),
            occurrences=int(entry.get("occurrences", 0)),
        )
        for entry in data.get("failures", [])
        if isinstance(entry, dict)
    ]
    return sorted(failures, key=lambda failure: -failure.occurrences)


def _read_arrivals(status_dir: Path) -> dict[str, int]:
    scheduled = dropped = 0
    for path in status_dir.glob("arrivals-*.json"):
        data = _read_json(path) or {}
        scheduled += int(data.get("scheduled", 0))
        dropped += int(data.get("dropped", 0))
    return {"scheduled": scheduled, "dropped": dropped}


def _read_cleanup(status_dir: Path) -> dict[str, int]:
    """The cleanup counts of every Locust process, added up."""
    keys = ("accounts_made", "accounts_deleted", "rows_made", "rows_deleted", "rows_left")
    found = dict.fromkeys(keys, 0)
    for path in status_dir.glob("cleanup-*.json"):
        data = _read_json(path) or {}
        for key in keys:
            found[key] += int(data.get(key, 0))
    return found


def _log_tail(log_path: Path) -> str:
    lines = [line for line in log_path.read_text("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"
