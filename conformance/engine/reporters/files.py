"""The file reports: JSON (docs/report-schema.md), JUnit XML and a self-contained HTML page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from ...errors import UsageError
from ..events import Event, RunFinished, RunResult
from ..registry import Family
from ..results import Status
from .html import html_page
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
    """A single self-contained HTML page for a reviewer (`html.py`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            _write(self.path, html_page(event.result))
