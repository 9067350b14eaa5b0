"""The HTML report: one self-contained page a reviewer opens from disk.

Top to bottom: the verdict with the target, the spec, the seed and the replay command;
the failures that matter most, grouped by OWASP category, each with one plain sentence
of its risk; the matrix of operations by check families (a click on a cell lists its
outcomes); every failure, collapsible, with its request, response and curl line, under a
filter; and what was not tested, with the reason. The style sheet and the script
(`assets/`) are inlined: the page loads nothing, from anywhere.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from importlib.resources import files
from itertools import groupby

from ... import __version__
from ..events import RunResult
from ..registry import Owasp
from ..results import Outcome, RequestRecord, ResponseRecord, Status
from .findings import (
    STATUS_ORDER,
    WHOLE_API,
    Cell,
    Finding,
    Matrix,
    RiskGroup,
    Untested,
    check_info,
    excerpt,
    family_title,
    findings,
    matrix,
    redacted_headers,
    replay_command,
    risk_groups,
    shorten_tokens,
    untested,
)

__all__ = ["html_page"]

_ASSETS = files(__package__).joinpath("assets")
_SYMBOL = {
    Status.FAILED: "✗",
    Status.ERROR: "!",
    Status.WAIVED: "≈",
    Status.PASSED: "✓",
    Status.SKIPPED: "\u2013",
}
# A check that failed many times (schemathesis's, on every operation) shows this many at first.
_SHOWN_PER_CHECK = 5
_LEGEND = (Status.PASSED, Status.FAILED, Status.ERROR, Status.WAIVED, Status.SKIPPED)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _pill(status: Status) -> str:
    return f'<span class="pill s-{status.value}">{status.value}</span>'


def _copy_button(text: str, label: str) -> str:
    return (
        f'<button type="button" class="copy" data-copy="{_e(text)}" '
        f'aria-label="{_e(label)}">Copy</button>'
    )


# -- the top: verdict, run, replay ---------------------------------------------------------


def _header(result: RunResult) -> str:
    verdict = "FAILED" if result.failed else "PASSED"
    counts = result.counts()
    chips = "".join(
        f'<li class="chip s-{status.value}"><b>{counts.get(status, 0)}</b> {status.value}</li>'
        for status in _LEGEND
    )
    seed = (
        f"<code>{_e(result.seed)}</code>" if result.seed is not None else "none (no schemathesis)"
    )
    started = result.started_at.replace("T", " ").replace("+00:00", " UTC")
    rows = (
        ("Target", f"<code>{_e(result.url)}</code>"),
        ("Spec", f"<code>{_e(result.spec)}</code>"),
        ("Seed", seed),
        ("Profile", _e(result.profile)),
        ("Started", _e(started)),
        ("Duration", f"{result.duration:.1f} s"),
        ("Requests", f"{result.requests_sent} by the contract checks"),
        ("Run tag", f"<code>{_e(result.run_tag)}</code>"),
    )
    meta = "".join(f"<div><dt>{name}</dt><dd>{value}</dd></div>" for name, value in rows)
    replay = replay_command(result)
    return (
        f'<header class="run v-{verdict.lower()}">'
        f'<div class="headline"><h1><span class="tool">conformance run:</span> '
        f'<span class="verdict" id="verdict">{verdict}</span></h1>'
        f'<ul class="chips" title="outcomes: one per check and operation">{chips}</ul></div>'
        f'<dl class="meta">{meta}</dl>'
        f'<div class="replay"><span class="label">Replay</span>'
        f'<code id="replay">{_e(replay)}</code>{_copy_button(replay, "copy the replay command")}'
        "</div></header>"
    )


# -- what matters most ---------------------------------------------------------------------


def _risks(groups: list[RiskGroup], items: list[Finding], skipped: list[Untested]) -> str:
    errors = [finding for finding in items if finding.status is Status.ERROR]
    waived = sum(finding.status is Status.WAIVED for finding in items)
    stopped = [entry for entry in skipped if entry.cause is not None]
    parts = [
        '<section id="risks" aria-labelledby="risks-h"><h2 id="risks-h">What matters most</h2>'
    ]
    if not groups and not errors:
        parts.append(
            '<p class="good">No failure: the deployment did what the contract says in every '
            "check that ran.</p>"
        )
    for index, group in enumerate(groups):
        tag = group.owasp.value if group.owasp is not None else "other"
        parts.append(
            f'<article class="group{" first" if index == 0 else ""}" data-owasp="{_e(tag)}">'
            f'<h3><span class="owasp">{_e(tag)}</span> <span class="gh">{_e(group.heading)}</span>'
            f' <span class="count">{_plural(group.count, "failure")}</span></h3><ol>'
        )
        for line in group.lines:
            first = line.findings[0]
            where = ", ".join(line.operations[:4]) + (" …" if len(line.operations) > 4 else "")
            parts.append(
                f'<li><a class="risk" href="#{first.key}" data-open="{first.key}">'
                f"{_e(line.check.risk)}</a>"
                f'<span class="where"><code>{_e(line.check.id)}</code> on {_e(where)}'
                f" · {_plural(len(line.findings), 'failure')} · {_e(first.title)}</span></li>"
            )
        parts.append("</ol></article>")
    if errors:
        parts.append(
            '<article class="group errors"><h3><span class="owasp">!</span> '
            f'<span class="gh">Could not finish</span> <span class="count">'
            f"{_plural(len(errors), 'check')}</span></h3><ol>"
        )
        parts += [
            f'<li><a class="risk" href="#{f.key}" data-open="{f.key}"><code>{_e(f.check.id)}</code>'
            f'</a><span class="where">{_e(f.reason or "no reason given")}</span></li>'
            for f in errors
        ]
        parts.append("</ol></article>")
    if waived:
        parts.append(
            f'<p class="note">Waived failures ({waived}, known and accepted in the configuration '
            "file) are listed with the failures below, not counted here.</p>"
        )
    if stopped:
        checks = len({check for entry in stopped for check in entry.checks})
        parts.append(
            f'<p class="note setup-note">{_plural(checks, "check")} skipped because a step '
            f"they needed did not work ({_plural(len(stopped), 'cause')}, each stated once "
            'under <a href="#untested">Not tested</a>): they were not judged, not failed.</p>'
        )
    parts.append("</section>")
    return "".join(parts)


# -- the matrix ----------------------------------------------------------------------------


def _cell_text(cell: Cell) -> str:
    counts, main = cell.counts, cell.status
    assert main is not None  # a cell exists because an outcome is in it
    rest = ", ".join(
        f"{counts[status]} {status.value}"
        for status in _LEGEND
        if status is not main and counts[status]
    )
    sub = f'<span class="sub">{rest}</span>' if rest else ""
    return f'<span class="main">{_SYMBOL[main]} {counts[main]}</span>{sub}'


def _cell_title(cell: Cell) -> str:
    counts = cell.counts
    text = ", ".join(f"{counts[s]} {s.value}" for s in _LEGEND if counts[s])
    reasons = sorted({o.reason for o in cell.outcomes if o.status is Status.SKIPPED and o.reason})
    if reasons:
        text += "; skipped: " + "; ".join(reasons)
    return f"{cell.operation} \u00d7 {cell.family}: {text}"


def _cell_outcome(outcome: Outcome, items: dict[int, Finding]) -> str:
    info = check_info(outcome.check_id)
    line = (
        f"<li>{_pill(outcome.status)} <code>{_e(outcome.check_id)}</code>"
        f'<span class="desc">{_e(info.description or "")}</span>'
    )
    if outcome.status is Status.SKIPPED:
        line += f'<span class="why">Skipped: {_e(outcome.reason or "no reason given")}</span>'
    elif outcome.status is Status.ERROR:
        line += f'<span class="why">Could not finish: {_e(outcome.reason)}</span>'
    for record in outcome.failures[:_SHOWN_PER_CHECK]:
        finding = items.get(id(record))
        target = f' href="#{finding.key}" data-open="{finding.key}"' if finding else ""
        line += f'<a class="why"{target}>{_e(record.title)} →</a>'
    if len(outcome.failures) > _SHOWN_PER_CHECK:
        more = len(outcome.failures) - _SHOWN_PER_CHECK
        line += f'<span class="why">and {more} more, in the failures below</span>'
    return line + "</li>"


def _matrix(grid: Matrix, items: list[Finding]) -> str:
    by_record = {id(f.record): f for f in items if f.record is not None}
    legend = (
        "".join(
            f'<li><span class="swatch s-{s.value}">{_SYMBOL[s]}</span>{s.value}</li>'
            for s in _LEGEND
        )
        + '<li><span class="swatch s-na">·</span>not applicable</li>'
    )
    head = "".join(
        f'<th scope="col" data-family="{_e(family)}" title="{_e(family_title(family))}">'
        f"{_e(family)}</th>"
        for family in grid.families
    )
    rows, details = [], []
    for operation in grid.operations:
        cells = []
        for family in grid.families:
            cell = grid.cell(operation, family)
            if cell is None or cell.status is None:
                cells.append(
                    f'<td class="s-na" data-family="{_e(family)}"><span aria-label="not '
                    f'applicable">·</span></td>'
                )
                continue
            cells.append(
                f'<td class="s-{cell.status.value}" data-family="{_e(family)}">'
                f'<button type="button" class="cell" data-cell="{cell.key}" '
                f'aria-controls="{cell.key}" aria-expanded="false" title="{_e(_cell_title(cell))}">'
                f"{_cell_text(cell)}</button></td>"
            )
            outcomes = sorted(
                cell.outcomes, key=lambda o: (STATUS_ORDER.index(o.status), o.check_id)
            )
            details.append(
                f'<div class="cell-detail" id="{cell.key}" hidden>'
                f"<h3><code>{_e(operation)}</code> &times; {_e(family_title(family))}"
                f' <span class="count">{_plural(len(outcomes), "outcome")}</span></h3>'
                f"<ul>{''.join(_cell_outcome(o, by_record) for o in outcomes)}</ul></div>"
            )
        label = "the whole API" if operation == WHOLE_API else operation
        rows.append(
            f'<tr data-operation="{_e(operation)}"><th scope="row"><code>{_e(label)}</code></th>'
            + "".join(cells)
            + "</tr>"
        )
    return (
        '<section id="matrix" aria-labelledby="matrix-h">'
        '<h2 id="matrix-h">Operations &times; check families</h2>'
        '<p class="hint">Each cell counts the outcomes of one family\'s checks on one operation; '
        "click it to see them. Skipped cells say what the run lacked.</p>"
        f'<ul class="legend">{legend}</ul>'
        '<div class="grid-scroll"><table class="grid">'
        f'<thead><tr><th scope="col">operation</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        '<div id="cell-panel" class="cell-panel" hidden>'
        '<button type="button" class="close" aria-label="close">&times;</button>'
        f"{''.join(details)}</div></section>"
    )


# -- every failure -------------------------------------------------------------------------


def _headers(headers: dict[str, str]) -> str:
    if not headers:
        return ""
    rows = "".join(
        f"<tr><th>{_e(name)}</th><td>{_e(value)}</td></tr>"
        for name, value in redacted_headers(headers)
    )
    return f'<table class="headers">{rows}</table>'


def _request(request: RequestRecord) -> str:
    body = excerpt(request.body)
    return (
        '<div class="message"><h4>Request</h4>'
        f'<pre class="start">{_e(request.method)} {_e(shorten_tokens(request.url))}</pre>'
        f"{_headers(request.headers)}"
        + (f'<pre class="body">{_e(body)}</pre>' if body else "")
        + "</div>"
    )


def _response(response: ResponseRecord) -> str:
    body = excerpt(response.body)
    return (
        '<div class="message"><h4>Response</h4>'
        f'<pre class="start">{response.status_code}</pre>{_headers(response.headers)}'
        + (f'<pre class="body">{_e(body)}</pre>' if body else '<p class="dim">(no body)</p>')
        + "</div>"
    )


def _finding(finding: Finding, *, extra: bool = False) -> str:
    info, record = finding.check, finding.record
    owasp = info.owasp.value if info.owasp is not None else "other"
    search = " ".join(
        (info.id, finding.title, finding.operation or "", info.risk, finding.reason or "")
    ).lower()
    body = [
        f'<p class="f-risk"><b>Risk</b> {_e(info.risk)}</p>',
        f'<p class="f-desc"><b>Check</b> {_e(info.description or "not in the catalogue")}'
        f' <span class="dim">({_e(info.family_title)}'
        + (f", {_e(owasp)} {_e(info.owasp.heading)}" if info.owasp is not None else "")
        + ")</span></p>",
    ]
    if record is not None:
        body.append(
            f'<dl class="f-exp"><dt>Expected</dt><dd>{_e(record.expected)}</dd>'
            f"<dt>Seen</dt><dd>{_e(shorten_tokens(record.seen))}</dd></dl>"
        )
    if finding.status is Status.WAIVED:
        body.append(f'<p class="waiver"><b>Waived</b> {_e(finding.reason)}</p>')
    elif finding.status is Status.ERROR:
        body.append(f'<p class="waiver"><b>Could not finish</b> {_e(finding.reason)}</p>')
    if record is not None and (record.request or record.response):
        body.append(
            '<div class="exchange">'
            + (_request(record.request) if record.request else "")
            + (_response(record.response) if record.response else "")
            + "</div>"
        )
    if record is not None and record.curl:
        body.append(
            f'<div class="curl"><h4>Reproduce</h4><pre><code>{_e(shorten_tokens(record.curl))}'
            f"</code></pre>{_copy_button(record.curl, 'copy the curl line')}</div>"
        )
    return (
        f'<details class="finding s-{finding.status.value}" id="{finding.key}" '
        f'data-family="{_e(info.family)}" data-operation="{_e(finding.operation or WHOLE_API)}" '
        f'data-status="{finding.status.value}" data-owasp="{_e(owasp)}" data-search="{_e(search)}"'
        + (" data-extra" if extra else "")
        + ">"
        f"<summary>{_pill(finding.status)}"
        f'<span class="f-title">{_e(finding.title)}</span>'
        f'<span class="f-meta"><code>{_e(info.id)}</code> · {_e(finding.where)} · {_e(owasp)}'
        "</span></summary>"
        f'<div class="f-body">{"".join(body)}</div></details>'
    )


def _blocks(items: list[Finding]) -> Iterator[str]:
    """The failures, one block per check and status; a long block shows its first few."""
    for (_, status), group in groupby(items, key=lambda f: (f.check.id, f.status)):
        block = list(group)
        info = block[0].check
        operations = sorted({f.operation or WHOLE_API for f in block})
        yield (
            f'<div class="check-block s-{status.value}"><h3 class="block-h">'
            f'<code>{_e(info.id)}</code> <span class="count">'
            f"{_plural(len(block), 'failure' if status is not Status.ERROR else 'error')}</span>"
            f' <span class="dim">on {_plural(len(operations), "operation")}</span></h3>'
        )
        for index, finding in enumerate(block):
            yield _finding(finding, extra=index >= _SHOWN_PER_CHECK)
        if len(block) > _SHOWN_PER_CHECK:
            yield (
                f'<button type="button" class="more">Show '
                f"{len(block) - _SHOWN_PER_CHECK} more</button>"
            )
        yield "</div>"


def _options(name: str, label: str, values: Iterable[tuple[str, str]]) -> str:
    options = "".join(f'<option value="{_e(v)}">{_e(text)}</option>' for v, text in values)
    return (
        f'<label>{label}<select id="filter-{name}" data-filter="{name}">'
        f'<option value="">all</option>{options}</select></label>'
    )


def _findings(items: list[Finding]) -> str:
    if not items:
        return (
            '<section id="failures" aria-labelledby="failures-h"><h2 id="failures-h">Failures</h2>'
            '<p class="good">None.</p></section>'
        )
    families = sorted({(f.check.family, f.check.family_title) for f in items})
    operations = sorted({(f.operation or WHOLE_API,) * 2 for f in items})
    statuses = [(s.value, s.value) for s in _LEGEND if any(f.status is s for f in items)]
    categories = sorted(
        {
            (f.check.owasp.value, f"{f.check.owasp.value} {f.check.owasp.heading}")
            for f in items
            if isinstance(f.check.owasp, Owasp)
        },
        key=lambda row: int(row[0][3:].split(":")[0]),
    )
    filters = (
        '<form class="filters" role="search" aria-label="filter the failures">'
        + _options("family", "Family", families)
        + _options("operation", "Operation", operations)
        + _options("status", "Status", statuses)
        + _options("owasp", "OWASP", categories)
        + '<label class="grow">Search<input type="search" id="filter-text" '
        'placeholder="check id, title, risk…"></label>'
        '<div class="actions"><button type="reset">Clear</button>'
        '<button type="button" id="expand-all">Expand all</button>'
        '<button type="button" id="collapse-all">Collapse all</button></div></form>'
    )
    return (
        '<section id="failures" aria-labelledby="failures-h">'
        f'<h2 id="failures-h">Failures <span class="count">{len(items)}</span></h2>{filters}'
        f'<p class="shown" id="shown" aria-live="polite">Showing {len(items)} of {len(items)}.</p>'
        f'<div class="findings" id="findings">{"".join(_blocks(items))}</div>'
        '<p class="empty" id="empty" hidden>No failure matches the filter.</p></section>'
    )


# -- what was not tested -------------------------------------------------------------------


def _untested_row(entry: Untested) -> str:
    cause = entry.cause
    extra, marked = "", ""
    if cause is not None:
        marked = ' class="setup"'
        if cause.seen:
            extra += f'<p class="dim">Answered: <code>{_e(cause.seen)}</code></p>'
        if cause.hint:
            extra += f'<p class="dim">{_e(cause.hint)}</p>'
    return (
        f'<li{marked}><p class="why">{_e(entry.reason)}</p><p class="dim">'
        f"{_plural(len(entry.checks), 'check')}: "
        + ", ".join(f"<code>{_e(c)}</code>" for c in entry.checks)
        + (" · on " + _e(", ".join(entry.operations)) if entry.operations else "")
        + f"</p>{extra}</li>"
    )


def _untested(entries: list[Untested]) -> str:
    if not entries:
        return ""
    causes = [entry for entry in entries if entry.cause is not None]
    others = [entry for entry in entries if entry.cause is None]
    parts = [
        '<section id="untested" aria-labelledby="untested-h">'
        '<h2 id="untested-h">Not tested, and why</h2>'
    ]
    if causes:
        parts.append(
            '<h3 id="setup-h">Set-up that did not work</h3>'
            '<p class="hint">A step these checks needed, but do not judge, did not work: each '
            "cause once, with the checks it skipped. The checks that assert that step judge "
            f'it themselves.</p><ul class="untested" aria-labelledby="setup-h">'
            f"{''.join(_untested_row(entry) for entry in causes)}</ul>"
        )
    if others:
        parts.append(
            '<p class="hint">What these checks needed and did not have: give it to the run (or '
            'to the spec) to be tested more deeply.</p><ul class="untested">'
            f"{''.join(_untested_row(entry) for entry in others)}</ul>"
        )
    parts.append("</section>")
    return "".join(parts)


def _footer(result: RunResult) -> str:
    notes = "".join(f"<li>{_e(note)}</li>" for note in result.notices)
    cleanup = (
        f"kept the run's data ({len(result.left)} accounts)"
        if result.kept_data
        else f"deleted the {result.deleted} accounts and {result.objects_deleted} objects "
        "the run made" + (f"; could not delete {_e(', '.join(result.left))}" if result.left else "")
    )
    return (
        '<footer><ul class="notices">'
        f"<li>Clean-up: {cleanup}.</li>{notes}</ul>"
        f"<p>conformance {_e(__version__)} · the JSON report (<code>--report-json</code>) "
        "holds the same data, untruncated.</p></footer>"
    )


def html_page(result: RunResult) -> str:
    """The whole report page of a finished run."""
    items, skipped = findings(result), untested(result)
    verdict = "FAILED" if result.failed else "PASSED"
    css = _ASSETS.joinpath("report.css").read_text(encoding="utf-8")
    script = _ASSETS.joinpath("report.js").read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>conformance run: {verdict} · {_e(result.url)}</title>"
        f"<style>{css}</style></head><body>"
        '<nav class="toc" aria-label="sections"><a href="#risks">Most important</a>'
        '<a href="#matrix">Matrix</a><a href="#failures">Failures</a>'
        + ('<a href="#untested">Not tested</a>' if skipped else "")
        + f"</nav><main>{_header(result)}{_risks(risk_groups(items), items, skipped)}"
        f"{_matrix(matrix(result), items)}{_findings(items)}{_untested(skipped)}</main>"
        f"{_footer(result)}<script>{script}</script></body></html>\n"
    )
