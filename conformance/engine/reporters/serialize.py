"""The run as plain data: the JSON report's document, which the HTML report renders too.

The shape is documented in docs/report-schema.md; `SCHEMA_VERSION` changes only when a
field is removed or changes meaning (adding fields does not change it).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import schemathesis

from ... import __version__
from ..catalogue import load_checks
from ..events import CauseGroup, RunResult
from ..results import FailureRecord, Outcome, SetupCause, Status

__all__ = ["SCHEMA_VERSION", "report_document"]

SCHEMA_VERSION = 1


def _counts(counter: Counter[Status]) -> dict[str, int]:
    return {status.value: counter.get(status, 0) for status in Status}


def _failure(record: FailureRecord) -> dict[str, Any]:
    return {
        "check_id": record.check_id,
        "operation": record.operation,
        "title": record.title,
        "expected": record.expected,
        "seen": record.seen,
        "curl": record.curl,
        "waiver": record.waiver,
        "request": None
        if record.request is None
        else {
            "method": record.request.method,
            "url": record.request.url,
            "headers": record.request.headers,
            "body": record.request.body,
        },
        "response": None
        if record.response is None
        else {
            "status_code": record.response.status_code,
            "headers": record.response.headers,
            "body": record.response.body,
        },
    }


def _cause(cause: SetupCause) -> dict[str, Any]:
    return {
        "text": cause.text,
        "kind": cause.kind.value,
        "need": cause.need,
        "step": cause.step,
        "identity": cause.identity,
        "operation": cause.operation,
        "request": cause.request,
        "status_code": cause.status,
        "detail": cause.detail,
        "seen": cause.seen,
        "hint": cause.hint,
    }


def _group(group: CauseGroup) -> dict[str, Any]:
    return {
        **_cause(group.cause),
        "checks": list(group.checks),
        "operations": list(group.operations),
        "outcomes": len(group.outcomes),
    }


def _outcome(outcome: Outcome) -> dict[str, Any]:
    registry = load_checks()
    registered = registry.get(outcome.check_id) if outcome.check_id in registry else None
    return {
        "check_id": outcome.check_id,
        "family": outcome.check_id.split(".", 1)[0],
        "description": registered.description if registered else None,
        "owasp": registered.owasp.value if registered else None,
        "operation": outcome.operation,
        "status": outcome.status.value,
        "duration_seconds": round(outcome.duration, 3),
        "reason": outcome.reason,
        "cause": _cause(outcome.cause) if outcome.cause is not None else None,
        "failures": [_failure(record) for record in outcome.failures],
    }


def report_document(result: RunResult) -> dict[str, Any]:
    """The JSON report of a finished run."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {
            "name": "conformance",
            "version": __version__,
            "schemathesis": schemathesis.__version__,
        },
        "run": {
            "url": result.url,
            "spec": result.spec,
            "profile": result.profile,
            "seed": result.seed,
            "run_tag": result.run_tag,
            "started_at": result.started_at,
            "duration_seconds": round(result.duration, 3),
            "requests_sent": result.requests_sent,
            "exit_code": result.exit_code,
        },
        "summary": _counts(result.counts()),
        "families": [
            {"family": family.value, "title": family.heading, **_counts(counter)}
            for family, counter in result.by_family().items()
        ],
        "operations": [
            {"operation": operation, **_counts(counter)}
            for operation, counter in result.by_operation().items()
        ],
        "outcomes": [_outcome(outcome) for outcome in result.outcomes],
        "causes": [_group(group) for group in result.causes()],
        "cleanup": {
            "deleted": result.deleted,
            "objects_deleted": result.objects_deleted,
            "left": list(result.left),
            "kept": result.kept_data,
        },
        "notices": list(result.notices),
    }
