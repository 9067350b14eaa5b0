"""The OpenAPI document the deployment serves, found once per run for the drift checks.

Where a deployment serves its document is not in its spec, so it is looked for: at
`--served-spec` when given, else under each server's path and each path prefix the
operations share (`/api/v1/openapi.json`, `/v2/spec.json`, `/openapi.json`, ...), deepest
first. The first answer that is an OpenAPI 3 document wins; a deployment that serves none
has nothing to drift from, so the drift checks are skipped, not failed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from ..contract import Contract, build_contract
from ..contract.loader import parse_document
from ..errors import SpecError
from .http import TargetClient

__all__ = ["Served", "ServedDocument", "candidate_paths"]

_NAMES = ("openapi.json", "openapi.yaml", "spec.json", "swagger.json", "openapi.yml")
# Path prefixes looked under, at most this many segments deep.
_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Served:
    contract: Contract
    response: httpx.Response
    path: str


def candidate_paths(contract: Contract) -> list[str]:
    """Where to look for the served document, most likely first.

    The servers' paths first, then the path prefixes the most operations share (deeper
    first among equals: `/api/v1` before `/api`), then the root.
    """
    servers: list[str] = []
    for server in contract.servers:
        path = urlsplit(server).path.rstrip("/")
        if "{" not in path and path not in servers:
            servers.append(path)
    shared: dict[str, int] = {}
    for operation in contract:
        literal: list[str] = []
        for segment in [s for s in operation.path.split("/") if s][:-1][:_DEPTH]:
            if "{" in segment:
                break
            literal.append(segment)
            prefix = "/" + "/".join(literal)
            shared[prefix] = shared.get(prefix, 0) + 1
    ordered = sorted(shared, key=lambda prefix: (-shared[prefix], -prefix.count("/"), prefix))
    prefixes = [*servers, *(p for p in ordered if p not in servers)]
    if "" not in prefixes:
        prefixes.append("")
    return [f"{prefix}/{name}" for prefix in prefixes for name in _NAMES]


class ServedDocument:
    """Looks for the served document on first use; thread-safe, one search per run."""

    def __init__(self, client: TargetClient, contract: Contract, given: str | None) -> None:
        self._client = client
        self._contract = contract
        self.given = given
        self._lock = threading.Lock()
        self._done = False
        self._found: Served | None = None
        self._problem = ""

    def get(self) -> Served | None:
        with self._lock:
            if not self._done:
                self._found = self._search()
                self._done = True
            return self._found

    @property
    def problem(self) -> str:
        """Why nothing was found (after `get` answered None)."""
        return self._problem

    def _search(self) -> Served | None:
        if self.given is not None:
            found = self._fetch(self.given)
            if found is None and not self._problem:
                self._problem = f"--served-spec {self.given} answered no OpenAPI document"
            return found
        paths = candidate_paths(self._contract)
        for path in paths:
            found = self._fetch(path)
            if found is not None:
                return found
        shown = ", ".join(paths[:4])
        self._problem = (
            f"the deployment serves no OpenAPI document at any of the {len(paths)} places "
            f"looked ({shown}, ...); give --served-spec URL if it serves one elsewhere"
        )
        return None

    def _fetch(self, where: str) -> Served | None:
        if where.startswith(("http://", "https://")):
            if not where.startswith(self._client.base_url + "/"):
                self._problem = (
                    f"--served-spec {where} is not on the target "
                    "(the run sends requests to the target alone)"
                )
                return None
            where = where.removeprefix(self._client.base_url)
        try:
            response = self._client.request("GET", where)
        except httpx.TransportError:
            return None
        if response.status_code != 200:
            return None
        try:
            document = parse_document(response.text, source=where)
            contract = build_contract(document, source=where)
        except SpecError:
            return None
        return Served(contract, response, where)
