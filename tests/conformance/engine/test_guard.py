"""The write guard: generated writes reach only the run's own rows, and stay generated data."""

from __future__ import annotations

import uuid
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.contract import load_contract
from conformance.engine.guard import WriteGuard, nowhere
from conformance.engine.http import TargetClient
from conformance.engine.identities import Identities
from conformance.engine.ledger import Ledger

from ..targets import boards

CONTRACT = load_contract(str(boards.SPEC_PATH))
SCHEMA = schemathesis.openapi.from_dict(CONTRACT.document)
ADD_CARD = SCHEMA["/v2/boards/{board_id}/cards"]["POST"]
BOARDS = next(resource for resource in CONTRACT.resources if resource.name == "boards")


def _guard() -> WriteGuard:
    client = TargetClient("http://127.0.0.1:9", timeout=1.0, rate_limit=None)
    identities = Identities(client, CONTRACT, run_tag="guard")
    return WriteGuard(CONTRACT, identities, Ledger(CONTRACT))


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=ADD_CARD.as_strategy())
def test_a_generated_parent_id_is_redirected_and_still_counts_as_generated(case: Any) -> None:
    guard = _guard()
    generated = case.path_parameters["board_id"]
    guard.before_call(case)
    if generated == nowhere(BOARDS) or not _is_uuid(generated):
        return
    assert case.path_parameters["board_id"] == nowhere(BOARDS)
    # Schemathesis's ensure_resource_availability judges a 404 only when every parameter
    # came from a link: a redirected generated id must not look like one, or a random
    # card creation after a board creation is reported as "created resource not found".
    assert "board_id" not in case._override.path_parameters


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=ADD_CARD.as_strategy(), board=st.uuids(version=4))
def test_a_parent_the_run_created_is_left_alone(case: Any, board: uuid.UUID) -> None:
    guard = _guard()
    guard.after_call(_created(), _Answer({"id": str(board)}))
    case.path_parameters["board_id"] = str(board)  # as a link from that creation sets it
    guard.before_call(case)
    assert case.path_parameters["board_id"] == str(board)
    assert guard.redirected == 0


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _created() -> Any:
    return SCHEMA["/v2/boards"]["POST"].Case(body={"name": "x", "visibility": "team"})


class _Answer:
    """What the guard reads of a response: its status, body and request."""

    status_code = 201

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body
        self.request = requests.Request("POST", "http://127.0.0.1:9/v2/boards").prepare()

    def json(self) -> dict[str, Any]:
        return self._body
