"""The load suite's locustfile: journeys from the contract, for Locust's own command line.

    locust -f load/locustfile.py --host http://127.0.0.1:8000                  # web UI
    locust -f load/locustfile.py --host URL --headless -u 50 -r 10 -t 1m
    locust -f load/locustfile.py --host URL --headless -u 50 -t 1m --processes 4
    locust -f load/locustfile.py --master ...  /  locust -f load/locustfile.py --worker ...

The journeys come from a spec: `--spec PATH|URL` (or the `CONFORMANCE_SPEC` environment
variable; default the bundled spec/openapi.yaml), with `[roles]` and `[[identity]]` read
from `--conformance-config` (or `CONFORMANCE_CONFIG`; default ./conformance.toml when it exists).

Options added to Locust's (all shown in the web UI as well, and forwarded by a master to
its workers):

    --spec PATH|URL                      the contract whose journeys are run
    --mix 'getBoard=30,cards.create=1'   change the weights of the tasks (operationIds or
                                         resource.action shorthands; see load.plan)
    --seed 7                             the seed of the request bodies and choices
    --think-time 0.5-1.5                 seconds between two tasks of one user
    --arrival-rate 200                   open model: start 200 requests/s in all, whatever
                                         the latency, using the users as a pool

`conformance load` runs this file headless and adds `--status-dir`, where the process
that owns the statistics writes a progress line once a second.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from locust import events
from locust.env import Environment
from locust.event import EventHook
from locust.runners import MasterRunner, WorkerRunner

from conformance.errors import ConformanceError
from load.journeys import ApiUser, Process, Setup, weighted_tasks
from load.mix import DEFAULT_THINK_TIME, parse_think_time
from load.pacing import ArrivalPacer
from load.plan import build_plan

__all__ = ["ApiUser"]

STATUS_INTERVAL = 1.0

Handler = TypeVar("Handler", bound=Callable[..., None])


def listen(hook: EventHook) -> Callable[[Handler], Handler]:
    """`@hook.add_listener`, typed: Locust's own decorator is not annotated."""
    add: Callable[[Handler], Handler] = hook.add_listener
    return add


@listen(events.init_command_line_parser)
def add_options(parser: Any, **_kwargs: Any) -> None:
    parser.add_argument(
        "--spec",
        default=os.environ.get("CONFORMANCE_SPEC", ""),
        help="The contract (a path or URL) whose journeys are run; default $CONFORMANCE_SPEC, "
        "else the bundled spec/openapi.yaml",
    )
    parser.add_argument(
        "--conformance-config",
        default=os.environ.get("CONFORMANCE_CONFIG", ""),
        help="conformance.toml with [roles] and [[identity]] (default ./conformance.toml)",
    )
    parser.add_argument(
        "--mix",
        default="",
        help="Weights of the tasks as task=weight,...: a task is an operationId or a "
        "resource.action shorthand (boards.read, cards.create, current_account, refresh)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="The seed of the request bodies and choices"
    )
    parser.add_argument(
        "--think-time",
        default=DEFAULT_THINK_TIME,
        help="Seconds a user waits between two tasks: N or MIN-MAX (ignored with --arrival-rate)",
    )
    parser.add_argument(
        "--arrival-rate",
        type=float,
        default=0.0,
        help="Open model: start this many requests per second in all, whatever the latency; "
        "--users is then the pool of users that serve them (0: off)",
    )
    parser.add_argument(
        "--status-dir",
        default="",
        include_in_web_ui=False,
        help="A folder for `conformance load` to follow the run in (progress, arrivals)",
    )


@listen(events.init)
def check_options(environment: Environment, **_kwargs: Any) -> None:
    options = environment.parsed_options
    if options is None:
        return
    try:
        prepare_setup(options)
        parse_think_time(options.think_time)
    except (ValueError, ConformanceError) as exc:
        raise SystemExit(f"load/locustfile.py: {exc}") from None
    if options.arrival_rate < 0:
        raise SystemExit("load/locustfile.py: --arrival-rate must be 0 (off) or positive")
    if options.status_dir and not isinstance(environment.runner, WorkerRunner):
        folder = Path(options.status_dir)
        runner = environment.runner
        if runner is not None:
            runner.greenlet.spawn(_write_progress, environment, folder)

        def save_failures(**_kwargs: Any) -> None:
            # After the users stopped: the failures of the whole run, cleanup included.
            errors = list(environment.stats.serialize_errors().values())
            _write_json(folder / "failures.json", {"failures": errors})

        listen(environment.events.quit)(save_failures)


@listen(events.test_start)
def start_test(environment: Environment, **_kwargs: Any) -> None:
    options = environment.parsed_options
    if options is None:
        return
    runner = environment.runner
    if isinstance(runner, MasterRunner):
        # Workers each hold a share of the arrival rate; the master tells them which.
        options.arrival_share = 1.0 / max(runner.worker_count, 1)
        return
    prepare_setup(options)
    rate = options.arrival_rate * getattr(options, "arrival_share", 1.0)
    Process.pacer = ArrivalPacer(rate) if rate > 0 else None
    if Process.pacer is not None and options.status_dir and runner is not None:
        runner.greenlet.spawn(_write_arrivals, Path(options.status_dir))


def prepare_setup(options: Any) -> None:
    """Load the contract and its plan (again only when the options changed) and the mix."""
    from conformance.contract import accounts, load_contract
    from conformance.engine.settings import CONFIG_FILE, ConfigTables, load_config

    key = (options.spec, options.conformance_config, options.seed)
    if Process.setup is None or Process.key != key:
        given = options.conformance_config
        config = Path(given) if given else Path.cwd() / CONFIG_FILE
        if given and not config.is_file():
            raise ValueError(f"--conformance-config {config}: no such file")
        tables = load_config(config) if config.is_file() else ConfigTables()
        identities = tables.identities
        contract = load_contract(
            options.spec or None, role_overrides=tables.roles, auth=tables.auth
        )
        plan = build_plan(contract)
        problem = accounts.signup_problem(contract.roles)
        if plan.secured and problem and not identities:
            raise ValueError(f"{problem}, or give accounts as [[identity]] in {CONFIG_FILE}")
        Process.setup = Setup(contract, plan, identities, options.seed)
        Process.key = key
    ApiUser.tasks = weighted_tasks(Process.setup.plan, options.mix)  # type: ignore[assignment]
    if options.status_dir:
        Process.status_dir = Path(options.status_dir)


@listen(events.test_stop)
def stop_test(environment: Environment, **_kwargs: Any) -> None:
    options = environment.parsed_options
    if Process.pacer is not None and options is not None and options.status_dir:
        _save_arrivals(Path(options.status_dir))


def _write_progress(environment: Environment, folder: Path) -> None:
    """Once a second: where the run is, for the progress line of `conformance load`."""
    started = time.monotonic()
    while True:
        runner = environment.runner
        if runner is not None:
            total = environment.stats.total
            _write_json(
                folder / "progress.json",
                {
                    "elapsed": time.monotonic() - started,
                    "state": runner.state,
                    "users": runner.user_count,
                    "requests": total.num_requests,
                    "failures": total.num_failures,
                    "rps": total.current_rps,
                    "p95": total.get_current_response_time_percentile(0.95),
                },
            )
        time.sleep(STATUS_INTERVAL)  # Cooperative: Locust has monkey-patched time.


def _write_arrivals(folder: Path) -> None:
    while Process.pacer is not None:
        _save_arrivals(folder)
        time.sleep(STATUS_INTERVAL)


def _save_arrivals(folder: Path) -> None:
    # A remote worker gets the master's --status-dir too, but not its file system.
    if Process.pacer is None or not folder.is_dir():
        return
    counts = Process.pacer.counts
    _write_json(
        folder / f"arrivals-{os.getpid()}.json",
        {"scheduled": counts.scheduled, "dropped": counts.dropped},
    )


def _write_json(path: Path, data: dict[str, Any]) -> None:
    # Written aside and renamed, so that the reader never sees half a file.
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(data), "utf-8")
    partial.replace(path)
