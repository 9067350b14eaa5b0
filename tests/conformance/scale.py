"""How a run's time grows with the number of operations: figures, printed, never asserted.

    python -m tests.conformance.scale [--sizes 1,2,4,8] [--profiles quick,full]
                                      [--nested] [--seed N] [--bundled]

For each size N, the generated API of N similar resources (`targets/many`: accounts, and
create, list, read, update and delete per resource) is served in this process and
`conformance run --spec` runs against it as a child process, once per profile. Each line
says how many operations the spec has, how many requests the app answered, the run's
wall time and its time per operation. `--bundled` adds `conformance run --profile quick`
with no URL (the reference started by the engine, on the bundled contract); it needs
the database and Redis of the test environment.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .targets import many
from .targets.runner import run_conformance
from .targets.serving import serve

# A default-profile run of the largest size takes many minutes; this only stops a hang.
_TIMEOUT = 3600.0


def _measure(size: int, profile: str, *, nested: bool, seed: int, scratch: Path) -> str:
    app = many.create_app(size, nested=nested)
    spec_path = scratch / f"many-{size}.json"
    spec_path.write_text(json.dumps(app.state.document), encoding="utf-8")
    operations = many.operations_of(app.state.document)
    started = time.monotonic()
    with serve(app) as url:
        run = run_conformance(
            url,
            profile=profile,
            timeout=_TIMEOUT,
            extra_args=["--spec", str(spec_path), "--seed", str(seed)],
        )
    seconds = time.monotonic() - started
    failed = ", ".join(sorted(run.failed_checks | run.errored_checks))
    verdict = "ok" if run.exit_code == 0 else f"exit {run.exit_code}: {failed or run.stderr[-200:]}"
    return (
        f"{size:>3} {profile:<8} {operations:>4} {app.state.served:>9} {seconds:>8.1f} "
        f"{seconds / operations:>7.2f}  {verdict}"
    )


def _bundled(seed: int) -> str:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="conformance-scale-") as scratch:
        report = Path(scratch) / "report.json"
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "conformance",
                "run",
                "--profile",
                "quick",
                "--seed",
                str(seed),
                "--report-json",
                str(report),
            ],
            cwd=scratch,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
        document = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}
    seconds = time.monotonic() - started
    run = document.get("run", {})
    return (
        f"bundled contract, --profile quick, embedded reference: {seconds:.1f} s wall "
        f"({run.get('duration_seconds')} s in the run, {run.get('requests_sent')} requests "
        f"from the contract checks), exit {completed.returncode}"
    )


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.scale")
    parser.add_argument("--sizes", default="1,2,4,8", help="resource counts, comma-separated")
    parser.add_argument("--profiles", default="quick,full", help="profiles, comma-separated")
    parser.add_argument("--nested", action="store_true", help="every second resource nested")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--bundled", action="store_true", help="also the bundled contract")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    profiles = args.profiles.split(",")
    _say("  N profile   ops  requests  seconds   s/op  verdict")
    with tempfile.TemporaryDirectory(prefix="conformance-scale-") as scratch:
        for profile in profiles:
            for size in sizes:
                line = _measure(
                    size, profile, nested=args.nested, seed=args.seed, scratch=Path(scratch)
                )
                _say(line)
    if args.bundled:
        _say(_bundled(args.seed))


if __name__ == "__main__":
    main()
