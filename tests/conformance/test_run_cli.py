"""`conformance run`'s error paths: one clear line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conformance.embedded import free_port


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "run", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_an_unreachable_url_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    line = _one_error_line(_run("--url", url, cwd=tmp_path))
    assert line.startswith(f"error: cannot reach {url}")


def test_a_spec_that_does_not_parse_is_one_line_and_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.1.0\npaths: [unclosed\n", encoding="utf-8")
    line = _one_error_line(_run("--url", "http://127.0.0.1:9", "--spec", str(spec), cwd=tmp_path))
    assert str(spec) in line and "not valid YAML" in line


def test_a_document_that_is_not_openapi_is_one_line_and_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "other.yaml"
    spec.write_text("asyncapi: '2.6.0'\nchannels: {}\n", encoding="utf-8")
    line = _one_error_line(_run("--url", "http://127.0.0.1:9", "--spec", str(spec), cwd=tmp_path))
    assert "not an OpenAPI document" in line


def test_a_document_with_nothing_to_call_is_one_line_and_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "hooks.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
        "webhooks:\n  newPet:\n    post:\n      responses: {'200': {description: ok}}\n",
        encoding="utf-8",
    )
    line = _one_error_line(_run("--url", "http://127.0.0.1:9", "--spec", str(spec), cwd=tmp_path))
    assert "nothing to call: the document describes only webhooks (1)" in line


def test_a_missing_spec_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    line = _one_error_line(
        _run("--url", "http://127.0.0.1:9", "--spec", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    )
    assert "no such file" in line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--workers", "0"], "--workers"),
        (["--profile", "slow"], "--profile"),
        (["--rate-limit", "fast"], "--rate-limit"),
        (["--check", "authn.nope"], "authn.nope"),
        (["--url", "ftp://example.com"], "http"),
        (["--admin-email", "a@b.io"], "admin"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    assert expected in _one_error_line(_run(*args, cwd=tmp_path))


def test_an_unknown_flag_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("--no-such-flag", cwd=tmp_path)
    assert result.returncode == 2
    assert "No such option" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_waiver_naming_no_check_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text(
        '[[waiver]]\ncheck = "authn.nope"\nreason = "x"\n', encoding="utf-8"
    )
    line = _one_error_line(_run("--url", "http://127.0.0.1:9", cwd=tmp_path))
    assert "conformance.toml" in line and "authn.nope" in line


def test_a_spec_url_that_answers_404_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from starlette.applications import Starlette

    from .targets.serving import serve

    with serve(Starlette()) as url:
        line = _one_error_line(_run("--spec", f"{url}/openapi.yaml", cwd=tmp_path))
    assert "cannot fetch the spec" in line and "404" in line
