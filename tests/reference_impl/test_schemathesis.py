"""schemathesis 4 over spec/openapi.yaml against the running service: every phase, the
default checks, authenticated as a real user; it must find nothing.

It runs the schemathesis command line against the embedded target (the real server,
started by `conformance serve`), with the hooks in `schemathesis_hooks.py` and the
settings in `schemathesis.toml` beside this file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.embedded import embedded_reference
from spec import OPENAPI_PATH

from .conftest import truncate_postgres
from .test_serve import FAST_HASHING, child_env

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20")
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261127")


def _run_schemathesis(url: str, admin_email: str, admin_password: str, report: Path) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        str(OPENAPI_PATH),
        "--url",
        url,
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--report",
        "junit",
        "--report-dir",
        str(report),
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.reference_impl.schemathesis_hooks",
        "REFERENCE_URL": url,
        "REFERENCE_ADMIN_EMAIL": admin_email,
        "REFERENCE_ADMIN_PASSWORD": admin_password,
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )
    tail = "\n".join(result.stdout.splitlines()[-60:])
    assert result.returncode == 0, f"schemathesis found failures:\n{tail}\n{result.stderr[-2000:]}"


@pytest.mark.slow
def test_schemathesis_finds_nothing_on_sqlite(tmp_path: Path) -> None:
    with embedded_reference(env=FAST_HASHING) as target:
        _run_schemathesis(target.url, target.admin_email, target.admin_password, tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_schemathesis_finds_nothing_on_postgres(
    tmp_path: Path, postgres_url: str, request: pytest.FixtureRequest
) -> None:
    truncate_postgres(postgres_url)
    with embedded_reference(database_url=postgres_url, env=child_env(request)) as target:
        _run_schemathesis(target.url, target.admin_email, target.admin_password, tmp_path)
