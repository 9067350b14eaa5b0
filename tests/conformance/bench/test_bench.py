"""`python -m conformance.bench`: the figures it takes, and how it fails when it cannot run."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conformance.bench.commands import LINT, Command, our_commands
from conformance.bench.documents import find_specs_dir, largest_documents, named_documents
from conformance.bench.suite import bench_document
from conformance.errors import UsageError

TINY = textwrap.dedent(
    """\
    openapi: 3.1.0
    info: {title: Tiny, version: "1.0", description: One operation.}
    servers: [{url: "https://api.example.com"}]
    paths:
      /things:
        get:
          operationId: listThings
          summary: List the things.
          description: Every thing.
          tags: [things]
          responses:
            "200":
              description: The things.
              content:
                application/json:
                  schema: {type: array, items: {type: string}}
    tags: [{name: things, description: Things.}]
    """
)


def test_lint_and_inspect_of_a_tiny_document_are_timed_and_weighed(tmp_path):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY)
    [document] = named_documents([spec])

    results = {r.command.kind: r for r in bench_document(document, our_commands(), timeout=120)}

    for kind in ("lint", "inspect"):
        assert results[kind].outcome == "ok", results[kind].outcome
        assert results[kind].best.seconds > 0
        assert results[kind].best.cpu_seconds > 0
        # A Python interpreter with the toolkit loaded is tens of megabytes, never zero.
        assert results[kind].best.peak_mb > 10
    # Generate is measured too, whether or not this version can read another spec.
    outcome = results["generate"].outcome
    assert outcome == "ok" or outcome.startswith("failed: ")


def test_peak_memory_is_each_childs_own_not_the_largest_so_far(tmp_path):
    # Measured from a small process, as `python -m conformance.bench` is: Linux counts the
    # memory a child had before its exec (its parent's, here a test worker's) in its peak.
    script = textwrap.dedent(
        """
        import json, sys
        from conformance.bench.measure import run_measured
        grow = "b = bytearray(300_000_000); b[::4096] = b'x' * len(b[::4096])"
        big = [sys.executable, "-c", grow]
        small = [sys.executable, "-c", "pass"]
        first = run_measured(big, timeout=60, cwd=sys.argv[1])
        second = run_measured(small, timeout=60, cwd=sys.argv[1])
        print(json.dumps([first.peak_mb, second.peak_mb]))
        """
    )
    measured = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    first, second = json.loads(measured.stdout)
    assert first > 300
    assert second < 100


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_command_past_its_timeout_is_ended_with_what_it_started(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    grandchild = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    )
    sleeper = Command(
        "sleeper",
        LINT,
        lambda doc, _: [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])",
        ],
    )
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY)
    [document] = named_documents([spec])

    [result] = bench_document(document, [sleeper], timeout=2.0, repeat=3)

    assert result.outcome == "timeout"
    assert len(result.runs) == 1  # a timeout is not tried again
    assert result.best.exit_code is None
    assert result.best.seconds == 2.0
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)


def test_a_refused_option_is_a_failure_with_the_clis_own_line(tmp_path):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY)
    [document] = named_documents([spec])
    refused = Command(
        "lint --bogus",
        LINT,
        lambda doc, _: [sys.executable, "-m", "conformance", "lint", "--bogus", str(doc)],
        finished_codes=frozenset({0, 1}),
    )

    [result] = bench_document(document, [refused], timeout=60)

    assert result.outcome == "failed: No such option: --bogus"


def test_the_largest_present_documents_of_the_index_come_first(tmp_path):
    rows = [
        ("small.org/1/openapi.yaml", 10),
        ("big.com/v1/openapi.yaml", 300),
        ("absent.net/1/openapi.yaml", 999),
        ("big.com/v2/openapi.yaml", 200),
        ("middle.io/1/openapi.yaml", 100),
    ]
    lines = ["path\tversion\tbytes\toperations"]
    for path, size in rows:
        lines.append(f"{path}\topenapi 3.0.0\t{size}\t3")
        if not path.startswith("absent"):
            (tmp_path / path).parent.mkdir(parents=True)
            (tmp_path / path).write_text(TINY)
    (tmp_path / "INDEX.tsv").write_text("\n".join(lines) + "\n")

    documents = largest_documents(find_specs_dir(tmp_path), top=3)

    assert [d.label for d in documents] == ["big.com/v1", "big.com/v2", "middle.io"]
    assert documents[0].path == tmp_path / "big.com/v1/openapi.yaml"


def test_the_specs_folder_is_looked_for_beside_the_project(tmp_path):
    with pytest.raises(UsageError, match=str(tmp_path / "shared" / "specs")):
        find_specs_dir(root=tmp_path / "project")


def test_an_absent_specs_folder_is_one_line_and_exit_2(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "conformance.bench", "--specs-dir", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: no folder of real specs at {tmp_path / 'nowhere'} (no INDEX.tsv there) "
        "(pass --specs-dir DIR, or name documents with --spec PATH)"
    ]


def test_the_command_line_prints_the_tables_and_writes_the_json(tmp_path):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY)
    saved = tmp_path / "bench.json"

    command = [sys.executable, "-m", "conformance.bench", "--spec", str(spec), "--no-peers"]
    done = subprocess.run(
        [*command, "--json", str(saved)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr
    assert "conformance inspect" in done.stdout
    assert "inspect target met on 1 of 1 documents" in done.stdout
    [document] = json.loads(saved.read_text())["documents"]
    figures = {result["kind"]: result for result in document["results"] if result["ours"]}
    for kind in ("lint", "inspect"):
        assert figures[kind]["outcome"] == "ok"
        assert figures[kind]["seconds"] > 0
        assert figures[kind]["peak_mb"] > 10
    assert document["targets"]["inspect"]["met"] is True
