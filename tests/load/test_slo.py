"""SLO expressions: what parses, what a user is told when it does not, and the verdicts."""

from __future__ import annotations

import pytest

from conformance.contract import load_contract
from conformance.errors import UsageError
from load.endpoints import contract_endpoints
from load.results import summarize
from load.slo import evaluate, parse_slo

ENDPOINTS = contract_endpoints(load_contract(None))


def entry(method: str, name: str, times: dict[int, int], failures: int = 0) -> dict[str, object]:
    requests = sum(times.values())
    return {
        "method": method,
        "name": name,
        "num_requests": requests,
        "num_failures": failures,
        "total_response_time": sum(ms * n for ms, n in times.items()),
        "max_response_time": max(times),
        "response_times": {str(ms): n for ms, n in times.items()},
        "start_time": 1000.0,
        "last_request_timestamp": 1010.0,
    }


# 100 logins: 90 at 100 ms, 9 at 800 ms, 1 at 2000 ms; 100 reads at 5 ms, 2 of them failed.
RUN = summarize(
    [
        entry("POST", "/api/v1/auth/login", {100: 90, 800: 9, 2000: 1}),
        entry("GET", "/api/v1/users/me", {5: 100}, failures=2),
        entry("DELETE", "/api/v1/users/{user_id} (cleanup)", {9000: 10}),
    ]
)


@pytest.mark.parametrize(
    ("text", "metric", "op", "limit"),
    [
        ("p95<300ms", "p95", "<", 300.0),
        ("p99.9 <= 1.5s", "p99.9", "<=", 1500.0),
        ("avg<50ms", "avg", "<", 50.0),
        ("max<2s", "max", "<", 2000.0),
        ("errors<1%", "errors", "<", 1.0),
        ("errors<=0.5%", "errors", "<=", 0.5),
        ("rps>=100", "rps", ">=", 100.0),
        ("rps>20/s", "rps", ">", 20.0),
        ("P95<300MS", "p95", "<", 300.0),
    ],
)
def test_an_expression_parses_to_its_metric_and_limit(text, metric, op, limit):
    slo = parse_slo(text, ENDPOINTS)
    assert (slo.metric, slo.op, slo.limit, slo.endpoint) == (metric, op, limit, None)


def test_an_endpoint_is_named_by_method_and_path_or_by_operation_id():
    by_path = parse_slo("POST /api/v1/auth/login:p99<1500ms", ENDPOINTS)
    by_id = parse_slo("login:p99<1.5s", ENDPOINTS)
    lower = parse_slo("get /api/v1/items/{item_id}:p95<200ms", ENDPOINTS)
    assert by_path.endpoint == by_id.endpoint
    assert by_path.endpoint is not None and by_path.endpoint.key == "POST /api/v1/auth/login"
    assert lower.endpoint is not None and lower.endpoint.key == "GET /api/v1/items/{item_id}"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("p95<300", "needs a unit of time"),
        ("p95 300ms", "cannot parse"),
        ("p95<<300ms", "cannot parse"),
        ("latency<300ms", "cannot parse"),
        ("", "cannot parse"),
        ("errors<1", "needs a percentage"),
        ("errors<1ms", "needs a percentage"),
        ("rps>10ms", "requests per second"),
        ("p0<10ms", "percentile outside 0-100"),
        ("p150<10ms", "percentile outside 0-100"),
        (":p95<300ms", "empty endpoint"),
        ("GET /api/v1/itemz:p95<300ms", "did you mean 'GET /api/v1/items/'"),
        ("logn:p99<1s", "did you mean 'login'"),
    ],
)
def test_a_bad_expression_is_a_usage_error_that_says_what_is_wrong(text, says):
    with pytest.raises(UsageError) as caught:
        parse_slo(text, ENDPOINTS)
    assert says in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_percentile_is_computed_as_locust_computes_it():
    login = RUN.find("POST /api/v1/auth/login")
    assert login is not None
    assert login.percentile(0.50) == 100
    assert login.percentile(0.95) == 800
    assert login.percentile(0.98) == 800
    # Locust counts the 99th of 100 from the top, so one slow request in 100 is the p99.
    assert login.percentile(0.99) == 2000
    assert login.percentile(1.0) == 2000


def test_cleanup_requests_are_kept_out_of_the_rows_and_the_aggregate():
    assert [row.key for row in RUN.endpoints] == ["POST /api/v1/auth/login", "GET /api/v1/users/me"]
    assert RUN.total.requests == 200
    assert RUN.total.max_response_time == 2000
    assert [row.requests for row in RUN.cleanup] == [10]


def test_a_failed_slo_says_which_and_by_how_much():
    slos = [
        parse_slo(text, ENDPOINTS)
        for text in ("login:p95<300ms", "p50<200ms", "errors<0.5%", "rps>=50")
    ]
    latency, aggregate, errors, rate = evaluate(slos, RUN)
    assert not latency.passed
    assert latency.observed == 800
    assert "p95 of POST /api/v1/auth/login was 800 ms, 500 ms (167%) over the limit" in (
        latency.message
    )
    assert aggregate.passed
    assert not errors.passed
    assert "1% of all endpoints" not in errors.message
    assert "errors of all endpoints was 1%, 0.5 points over the limit of 0.5%" in errors.message
    assert not rate.passed
    assert "was 20 req/s, 30 req/s (60%) under the limit of 50 req/s" in rate.message


def test_an_slo_on_an_endpoint_the_run_never_called_fails():
    (result,) = evaluate([parse_slo("DELETE /api/v1/items/{item_id}:p95<1s", ENDPOINTS)], RUN)
    assert not result.passed
    assert "no request to DELETE /api/v1/items/{item_id} was made" in result.message
