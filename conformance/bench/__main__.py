"""`python -m conformance.bench`: the spec-reading commands on the largest real documents.

    python -m conformance.bench                      # the 6 largest of ../shared/specs
    python -m conformance.bench --top 3 --repeat 3 --json bench.json
    python -m conformance.bench --spec my.yaml --spec other.json --no-peers

For each document it runs `conformance lint`, `conformance inspect` and `conformance
generate` as child processes, and the peer linters Spectral 6.16 and Redocly CLI 2 (npm
installs them into a cache folder on the first run), and prints one table per document
(wall seconds, CPU seconds, peak memory, exit code, our lint's time over each peer's),
then each document against the targets: inspect under 10 s and 500 MB, lint at least as
fast as Redocly CLI. It prints and never asserts; a command that fails or times out is
a row saying so. On a shared machine the figures are noisy: use `--repeat`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from conformance.errors import ConformanceError, UsageError
from spec import OPENAPI_PATH

from .commands import Command, our_commands, peer_commands
from .documents import Document, find_specs_dir, largest_documents, named_documents
from .peers import REDOCLY, SPECTRAL, Installed, default_folder, ensure_installed
from .report import (
    Measured,
    document_table,
    inspect_verdict,
    lint_verdict,
    targets_summary,
    targets_table,
)
from .suite import bench_document

# Off a terminal (a log, a pipe), Rich would wrap at 80 columns; the tables need more.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
progress = Console(stderr=True, highlight=False, soft_wrap=True)
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def print_table(table: Table) -> None:
    """A table without the spaces Rich pads its last column with (they end up in logs)."""
    with console.capture() as captured:
        console.print(table)
    for line in captured.get().splitlines():
        console.print(line.rstrip(), markup=False, highlight=False)


def machine(peers: dict[str, Installed]) -> dict[str, Any]:
    """What the figures were taken on."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass  # Not Linux: the model stays unknown.
    node = ""
    if peers and (executable := shutil.which("node")):
        done = subprocess.run([executable, "--version"], capture_output=True, text=True)
        node = done.stdout.strip()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "node": node,
        "peers": {name: peer.version for name, peer in peers.items()},
    }


def choose_documents(specs: list[Path] | None, specs_dir: Path | None, top: int) -> list[Document]:
    if specs:
        return named_documents(specs)
    folder = find_specs_dir(specs_dir)
    documents = largest_documents(folder, top)
    if not documents:
        raise UsageError(f"none of the documents {folder / 'INDEX.tsv'} lists is there")
    return documents


@app.command()
def bench(
    spec: Annotated[
        list[Path] | None,
        typer.Option(help="A document to measure (repeatable; default: the largest real ones)."),
    ] = None,
    top: Annotated[int, typer.Option(help="How many of the largest real documents.")] = 6,
    specs_dir: Annotated[
        Path | None,
        typer.Option(help="The folder of real documents (default: <project>/../shared/specs)."),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds a command may take.")] = 120.0,
    repeat: Annotated[int, typer.Option(help="Runs of each command; the fastest is kept.")] = 1,
    no_peers: Annotated[
        bool, typer.Option("--no-peers", help="Measure the toolkit alone: no Spectral, no Redocly.")
    ] = False,
    peers_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where npm installs the peers (default: ~/.cache/contract-toolkit/peers)."
        ),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures here.")
    ] = None,
) -> None:
    """Measure the spec-reading commands, and lint against Spectral and Redocly CLI."""
    if top < 1:
        raise typer.BadParameter("at least 1", param_hint="--top")
    if repeat < 1:
        raise typer.BadParameter("at least 1", param_hint="--repeat")
    if timeout <= 0:
        raise typer.BadParameter("more than 0 seconds", param_hint="--timeout")
    documents = choose_documents(spec, specs_dir, top)

    peers: dict[str, Installed] = {}
    if not no_peers:
        folder = peers_dir or default_folder()
        progress.print(f"peers: {folder} ...")
        try:
            peers = ensure_installed(folder)
        except UsageError as exc:
            console.print(f"peers skipped: {exc}", markup=False)
    compared = [peer.name for peer in (REDOCLY, SPECTRAL) if peer.name in peers]
    redocly = REDOCLY.name if REDOCLY.name in peers else None

    info = machine(peers)
    versions = ", ".join(f"{name} {version}" for name, version in info["peers"].items())
    console.print(
        f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['system']}"
        + (f"; node {info['node']}, {versions}" if peers else "; no peers")
        + f"; timeout {timeout:g} s, best of {repeat}"
    )

    measured: list[Measured] = []
    with tempfile.TemporaryDirectory(prefix="conformance-bench-peers-") as scratch:
        lint, *others = our_commands()
        commands: list[Command] = [lint, *peer_commands(peers, Path(scratch)), *others]
        # Every program read from disk once before the clock runs: the first document
        # should not pay for a cold page cache that the others do not.
        progress.print("warming up on the bundled contract (not counted) ...")
        bench_document(Document("warm-up", OPENAPI_PATH, 0), commands, timeout=timeout)
        for document in documents:
            results = bench_document(
                document,
                commands,
                timeout=timeout,
                repeat=repeat,
                progress=lambda line: progress.print(line, markup=False),
            )
            measured.append(Measured(document, results))
            console.print()
            console.print(document.describe(), markup=False)
            print_table(document_table(measured[-1], compared))

    console.print()
    print_table(targets_table(measured, redocly))
    console.print(targets_summary(measured, redocly))
    if json_path is not None:
        json_path.write_text(json.dumps(to_json(info, measured, timeout, repeat), indent=2) + "\n")


def to_json(
    info: dict[str, Any], measured: list[Measured], timeout: float, repeat: int
) -> dict[str, Any]:
    documents = []
    for item in measured:
        inspect_met, inspect_text = inspect_verdict(item)
        lint_met, lint_text = lint_verdict(item, REDOCLY.name)
        documents.append(
            {
                "label": item.document.label,
                "path": str(item.document.path),
                "bytes": item.document.bytes,
                "version": item.document.version,
                "operations": item.document.operations,
                "results": [result.to_json() for result in item.results],
                "targets": {
                    "inspect": {"met": inspect_met, "figures": inspect_text},
                    "lint_vs_redocly": {"met": lint_met, "figures": lint_text},
                },
            }
        )
    return {"machine": info, "timeout": timeout, "repeat": repeat, "documents": documents}


def main() -> None:
    try:
        app()
    except ConformanceError as exc:
        progress.print(f"error: {exc}", markup=False)
        raise SystemExit(exc.exit_code) from None


if __name__ == "__main__":
    main()
