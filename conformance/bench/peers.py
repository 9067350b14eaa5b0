"""The peer linters, Spectral and Redocly CLI: installed with npm once, into a cache folder.

The folder is `$XDG_CACHE_HOME/contract-toolkit/peers` (`~/.cache/...` by default). A
later run reuses what is there when the versions still match. Install scripts are not
run: neither CLI needs one, and one of their dependencies' scripts only reports the
install to its author.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conformance.errors import UsageError

NPM_TIMEOUT = 600.0


@dataclass(frozen=True)
class Peer:
    """One npm package whose command is benchmarked beside ours."""

    name: str
    package: str
    wanted: str  # an npm version range of one major or minor line: "6.16", "2"
    command: str

    def spec(self) -> str:
        return f"{self.package}@{self.wanted}"

    def accepts(self, version: str) -> bool:
        return version == self.wanted or version.startswith(self.wanted + ".")


SPECTRAL = Peer("spectral", "@stoplight/spectral-cli", "6.16", "spectral")
REDOCLY = Peer("redocly", "@redocly/cli", "2", "redocly")
PEERS = (SPECTRAL, REDOCLY)


@dataclass(frozen=True)
class Installed:
    """A peer ready to run: its executable and the version npm installed."""

    peer: Peer
    executable: Path
    version: str


def default_folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "contract-toolkit" / "peers"


def installed(folder: Path) -> dict[str, Installed]:
    """The peers present in `folder` at an accepted version, by name."""
    found: dict[str, Installed] = {}
    for peer in PEERS:
        manifest = folder / "node_modules" / peer.package / "package.json"
        executable = folder / "node_modules" / ".bin" / peer.command
        try:
            version = str(json.loads(manifest.read_text("utf-8"))["version"])
        except (OSError, ValueError, KeyError):
            continue
        if peer.accepts(version) and executable.exists():
            found[peer.name] = Installed(peer, executable, version)
    return found


def ensure_installed(folder: Path) -> dict[str, Installed]:
    """Every peer, from `folder`, installing with npm what is missing or of another version.

    A UsageError says why they cannot be had here (no npm, npm failed).
    """
    present = installed(folder)
    missing = [peer for peer in PEERS if peer.name not in present]
    if not missing:
        return present
    if shutil.which("node") is None or (npm := shutil.which("npm")) is None:
        raise UsageError(
            "npm and node are needed to install the peer linters",
            hint="install Node.js 20 or later, or pass --no-peers",
        )
    folder.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund"]
    command += ["--ignore-scripts", "--loglevel=error", *(peer.spec() for peer in missing)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise UsageError(f"npm install did not finish in {NPM_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise UsageError(
            f"npm install failed: {lines[-1] if lines else f'exit {done.returncode}'}",
            hint="pass --no-peers to measure the toolkit alone",
        )
    present = installed(folder)
    if absent := [peer.spec() for peer in PEERS if peer.name not in present]:
        raise UsageError(f"npm installed no usable {', '.join(absent)} in {folder}")
    return present
