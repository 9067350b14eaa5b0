"""The file reports: JSON (docs/report-schema.md), JUnit XML and a self-contained HTML page."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ...errors import UsageError
from ..events import Event, RunFinished, RunResult
from ..registry import Family
from ..results import Status
from .serialize import report_document

__all__ = ["HtmlReport", "JsonReport", "JunitReport"]


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the report {path}: {exc.strerror or exc}") from exc


class JsonReport:
    """Writes the JSON report when the run finishes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            _write(self.path, json.dumps(report_document(event.result), indent=2) + "\n")


class JunitReport:
    """One test suite per family, one test case per check and operation."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            _write(self.path, junit_xml(event.result))


def junit_xml(result: RunResult) -> str:
    root = ET.Element("testsuites", name="conformance", time=f"{result.duration:.3f}")
    for family in Family:
        outcomes = [o for o in result.outcomes if o.check_id.split(".", 1)[0] == family.value]
        if not outcomes:
            continue
        suite = ET.SubElement(
            root,
            "testsuite",
            name=family.value,
            tests=str(len(outcomes)),
            failures=str(sum(o.status is Status.FAILED for o in outcomes)),
            errors=str(sum(o.status is Status.ERROR for o in outcomes)),
            skipped=str(sum(o.status in (Status.SKIPPED, Status.WAIVED) for o in outcomes)),
        )
        for outcome in outcomes:
            name = outcome.check_id + (f"[{outcome.operation}]" if outcome.operation else "")
            case = ET.SubElement(
                suite, "testcase", classname=family.value, name=name, time=f"{outcome.duration:.3f}"
            )
            if outcome.status is Status.FAILED:
                first = outcome.failures[0]
                element = ET.SubElement(case, "failure", message=first.title)
                element.text = "\n\n".join(
                    f"{f.title}\nexpected: {f.expected}\nseen: {f.seen}\n{f.curl or ''}"
                    for f in outcome.failures
                )
            elif outcome.status is Status.ERROR:
                ET.SubElement(case, "error", message=outcome.reason or "error")
            elif outcome.status is Status.SKIPPED:
                ET.SubElement(case, "skipped", message=outcome.reason or "skipped")
            elif outcome.status is Status.WAIVED:
                ET.SubElement(case, "skipped", message=f"waived: {outcome.reason}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class HtmlReport:
    """A single self-contained HTML page: the summaries and every failure."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            _write(self.path, html_page(report_document(event.result)))


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _table(rows: list[dict[str, Any]], key: str) -> str:
    head = f"<tr><th>{_e(key)}</th>" + "".join(f"<th>{s.value}</th>" for s in Status) + "</tr>"
    body = "".join(
        f"<tr><td>{_e(row[key])}</td>"
        + "".join(f"<td>{row[s.value]}</td>" for s in Status)
        + "</tr>"
        for row in rows
    )
    return f"<table>{head}{body}</table>"


def html_page(document: dict[str, Any]) -> str:
    run, summary = document["run"], document["summary"]
    verdict = "FAILED" if run["exit_code"] else "PASSED"
    problems = [
        (outcome, failure) for outcome in document["outcomes"] for failure in outcome["failures"]
    ]
    failures = "".join(
        f"<section class='{'waived' if failure['waiver'] else 'failed'}'>"
        f"<h3>{_e(failure['check_id'])} on {_e(failure['operation'] or 'the API')}: "
        f"{_e(failure['title'])}</h3>"
        f"<p><b>expected</b> {_e(failure['expected'])}<br><b>seen</b> {_e(failure['seen'])}</p>"
        + (f"<p><b>waived</b>: {_e(failure['waiver'])}</p>" if failure["waiver"] else "")
        + (f"<pre>{_e(failure['curl'])}</pre>" if failure["curl"] else "")
        + "</section>"
        for _, failure in problems
    )
    skipped = "".join(
        f"<li>{_e(o['check_id'])}: {_e(o['reason'])}</li>"
        for o in document["outcomes"]
        if o["status"] in ("skipped", "error")
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>conformance run: {verdict}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 72rem; }}
table {{ border-collapse: collapse; margin-bottom: 1.5rem; }}
td, th {{ border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; }}
pre {{ background: #f4f4f4; padding: .6rem; white-space: pre-wrap; word-break: break-all; }}
section.failed h3 {{ color: #b00020; }} section.waived h3 {{ color: #8a6d00; }}
</style></head><body>
<h1>conformance run: {verdict}</h1>
<p>{_e(run["url"])} against {_e(run["spec"])}; profile {_e(run["profile"])}, seed {_e(run["seed"])},
run tag {_e(run["run_tag"])}, {run["duration_seconds"]} s.</p>
<p>{" · ".join(f"{_e(k)}: {v}" for k, v in summary.items())}</p>
<h2>By family</h2>{_table(document["families"], "family")}
<h2>By operation</h2>{_table(document["operations"], "operation")}
<h2>Failures</h2>{failures or "<p>None.</p>"}
<h2>Skipped and errors</h2><ul>{skipped or "<li>None.</li>"}</ul>
</body></html>
"""
