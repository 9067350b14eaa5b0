"""The HTML report, read as a file: valid HTML5, self-contained, and in the order a reviewer needs.

The browser test (`tests/conformance/test_html_report_browser.py`) clicks through a page
made by a real run; these tests read the page's markup from made-up results, including
bodies that try to break out of their element.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest

from conformance.engine.events import RunFinished, RunResult
from conformance.engine.reporters.files import HtmlReport
from conformance.engine.reporters.findings import redacted_headers, shorten_tokens
from conformance.engine.results import (
    FailureRecord,
    Outcome,
    RequestRecord,
    ResponseRecord,
    Status,
)

TARGET = "http://127.0.0.1:8000"
TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxOSIsInR5cGUiOiJhY2Nlc3MifQ"
    ".x4XoBdoECf-wfANxeT-KbcchErwAIcXG5JPCT56U3fw"
)


def _failure(check_id: str, operation: str, title: str, *, path: str = "/") -> FailureRecord:
    url = f"{TARGET}/api/v1{path}"
    return FailureRecord(
        check_id=check_id,
        operation=operation,
        title=title,
        expected="404",
        seen='200 {"title": "</script><b>bold</b>"}',
        request=RequestRecord(
            "GET", url, {"authorization": f"Bearer {TOKEN}", "cookie": f"session={TOKEN}"}, None
        ),
        response=ResponseRecord(
            200,
            {"content-type": "application/json", "set-cookie": f"session={TOKEN}; HttpOnly"},
            '{"title": "</script><script>alert(1)</script>", "access_token": "' + TOKEN + '"}',
        ),
        curl=f"curl -i -X GET -H 'authorization: Bearer {TOKEN}' {url}",
    )


def _result() -> RunResult:
    read = _failure("authz.read-cross-user", "readItem", "another user's item", path="/items/5")
    leak = _failure("properties.no-secrets", "readCurrentUser", "a password hash was served")
    crash = _failure("generic.not-a-server-error", "createItem", "a 500 & a <traceback>")
    alg = _failure("authn.alg-none", "readCurrentUser", "an alg: none token was not refused")
    waived = FailureRecord(
        "config.cors", None, "a foreign origin is allowed", "none", "*", waiver="the gateway's job"
    )
    return RunResult(
        url=TARGET,
        spec="spec/openapi.yaml (bundled)",
        seed=42,
        run_tag="abcd1234",
        profile="quick",
        started_at="2026-11-27T12:00:00+00:00",
        duration=12.5,
        outcomes=[
            Outcome("generic.not-a-server-error", "readItem", Status.PASSED),
            Outcome("generic.not-a-server-error", "createItem", Status.FAILED, 0, (crash, crash)),
            Outcome("authn.alg-none", "readCurrentUser", Status.FAILED, 0.1, (alg,)),
            Outcome("authz.read-cross-user", "readItem", Status.FAILED, 0.2, (read,)),
            Outcome("properties.no-secrets", "readCurrentUser", Status.FAILED, 0.1, (leak,)),
            Outcome("config.cors", None, Status.WAIVED, 0, (waived,), reason="the gateway's job"),
            Outcome("authz.superuser-reads-all", None, Status.SKIPPED, reason="needs admin"),
            Outcome("concurrency.parallel-creates", None, Status.ERROR, reason="target hung up"),
        ],
        targets={"authz.superuser-reads-all": ("readItem", "readUser", "listUsers")},
    )


def _page(tmp_path: Path, result: RunResult) -> str:
    path = tmp_path / "report.html"
    HtmlReport(path).handle(RunFinished(result))
    return path.read_text(encoding="utf-8")


class _Markup(HTMLParser):
    """Every element with its attributes, the text of `<style>`, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._tag = tag

    def handle_data(self, data: str) -> None:
        if self._tag == "style":
            self.styles.append(data)
        elif self._tag != "script":
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._tag = ""

    def ids(self) -> list[str]:
        return [attrs["id"] for _, attrs in self.elements if "id" in attrs]

    def with_class(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.elements if name in a.get("class", "").split()]


def _markup(page: str) -> _Markup:
    parser = _Markup()
    parser.feed(page)
    parser.close()
    return parser


@pytest.mark.parametrize("passing", [False, True], ids=["failing run", "passing run"])
def test_the_page_is_valid_html5(tmp_path: Path, passing: bool) -> None:
    result = _result()
    if passing:
        result.outcomes = [Outcome("generic.not-a-server-error", "readItem", Status.PASSED)]
    page = _page(tmp_path, result)
    # Strict: any parse error (a stray end tag, a bad attribute, a misplaced element) raises.
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    markup = _markup(page)
    ids = markup.ids()
    assert len(ids) == len(set(ids)), "duplicate ids"
    # Every in-page reference names an element of the page.
    for _, attrs in markup.elements:
        for name in ("href", "data-open", "data-cell", "aria-controls", "aria-labelledby"):
            if name in attrs:
                assert attrs[name].removeprefix("#") in ids, (name, attrs[name])


def test_the_page_loads_nothing_and_links_nowhere(tmp_path: Path) -> None:
    page = _page(tmp_path, _result())
    markup = _markup(page)
    for tag, attrs in markup.elements:
        assert tag not in ("link", "iframe", "img", "object", "embed", "base"), tag
        assert not {"src", "srcset", "action", "formaction", "poster"} & set(attrs), (tag, attrs)
        assert attrs.get("href", "#").startswith("#"), attrs
    css = "".join(markup.styles)
    assert "url(" not in css and "@import" not in css
    script = page.split("<script>", 1)[1].split("</script>", 1)[0]
    for call in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "sendBeacon", ".src"):
        assert call not in script, call
    # The only addresses are the target's, shown as text (and in the curl line to copy).
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert addresses and all(address.startswith(TARGET) for address in addresses), addresses


def test_the_top_has_the_verdict_the_run_and_the_replay_command(tmp_path: Path) -> None:
    page = _page(tmp_path, _result())
    assert "<title>conformance run: FAILED" in page
    text = " ".join(_markup(page).text)
    assert "FAILED" in text and TARGET in text and "spec/openapi.yaml (bundled)" in text
    assert "conformance run --url http://127.0.0.1:8000 --profile quick --seed 42" in text


def test_failures_are_grouped_by_owasp_category_worst_first_with_their_risk(
    tmp_path: Path,
) -> None:
    markup = _markup(_page(tmp_path, _result()))
    groups = [attrs["data-owasp"] for attrs in markup.with_class("group") if "data-owasp" in attrs]
    # Object level authorization first, then authentication, properties, misconfiguration.
    assert groups == ["API1:2023", "API2:2023", "API3:2023", "API8:2023"]
    text = " ".join(markup.text)
    assert "Any signed-in user can read objects that belong to another user." in text
    assert text.index("objects that belong to another user") < text.index("unsigned token")
    # schemathesis's check states no risk of its own: its category's sentence stands in.
    assert "The deployment answers in ways the contract rules out" in text
    # The waived failure is not among what matters most; the error is, apart.
    assert "Waived failures (1," in text and "Could not finish" in text
    failures = [attrs["data-status"] for attrs in markup.with_class("finding")]
    # The error sits with its category (API6, integrity); accepted (waived) ones come last.
    assert failures == ["failed", "failed", "failed", "error", "failed", "failed", "waived"]


def test_the_matrix_colours_cells_and_says_why_a_check_was_skipped(tmp_path: Path) -> None:
    markup = _markup(_page(tmp_path, _result()))
    cells = {attrs["title"].split(":", 1)[0]: attrs for attrs in markup.with_class("cell")}
    assert "1 failed" in cells["readItem \u00d7 authz"]["title"]
    assert "skipped: needs admin" in cells["readItem \u00d7 authz"]["title"]
    # readItem's generic outcome passed; createItem's failed twice... in one outcome.
    assert cells["readItem \u00d7 generic"]["title"].endswith("1 passed")
    assert cells["createItem \u00d7 generic"]["title"].endswith("1 failed")
    assert markup.with_class("s-na"), "an operation a family does not test is not applicable"
    for attrs in markup.with_class("cell"):
        assert attrs["data-cell"] in markup.ids()
    text = " ".join(markup.text)
    assert "Not tested, and why" in text and "needs admin" in text


def test_tokens_and_cookies_are_shortened_but_the_curl_line_copies_whole(tmp_path: Path) -> None:
    page = _page(tmp_path, _result())
    markup = _markup(page)
    assert TOKEN not in " ".join(markup.text)
    copies = [attrs["data-copy"] for attrs in markup.with_class("copy")]
    assert any(TOKEN in copy and copy.startswith("curl ") for copy in copies)
    assert "eyJhbGciOi…U3fw" in page
    headers = dict(
        redacted_headers({"Authorization": f"Bearer {TOKEN}", "Set-Cookie": f"s={TOKEN}; Path=/"})
    )
    assert headers == {
        "Authorization": "Bearer eyJhbGciOi…U3fw",
        "Set-Cookie": "s=eyJhbGciOi…U3fw; Path=/",
    }
    assert (
        shorten_tokens('{"password": "correct horse battery"}') == '{"password": "correct ho…tery"}'
    )


def test_bodies_cannot_break_out_of_the_page(tmp_path: Path) -> None:
    page = _page(tmp_path, _result())
    # One script, the page's own; the response's `</script><script>` is text.
    assert page.count("<script>") == 1
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page


def test_the_filter_offers_what_the_failures_hold(tmp_path: Path) -> None:
    markup = _markup(_page(tmp_path, _result()))
    options: dict[str, list[str]] = {}
    current = ""
    for tag, attrs in markup.elements:
        if tag == "select":
            current = attrs["data-filter"]
        elif tag == "option" and attrs["value"]:
            options.setdefault(current, []).append(attrs["value"])
    assert options["family"] == ["authn", "authz", "concurrency", "config", "generic", "properties"]
    assert options["status"] == ["failed", "error", "waived"]
    assert options["owasp"] == ["API1:2023", "API2:2023", "API3:2023", "API6:2023", "API8:2023"]
    assert "readItem" in options["operation"] and "(whole API)" in options["operation"]


def test_a_check_that_failed_everywhere_shows_one_failure_per_operation_first(
    tmp_path: Path,
) -> None:
    result = _result()
    records = [
        _failure("generic.response-schema-conformance", operation, f"schema {operation} {n}")
        for operation in ("createItem", "readItem", "listItems")
        for n in range(3)
    ]
    result.outcomes.append(
        Outcome("generic.response-schema-conformance", None, Status.FAILED, 0, tuple(records))
    )
    markup = _markup(_page(tmp_path, result))
    block = [
        (attrs["data-operation"], "data-extra" in attrs)
        for attrs in markup.with_class("finding")
        if "schema" in attrs["data-search"]
    ]
    assert [operation for operation, _ in block[:3]] == ["createItem", "listItems", "readItem"]
    # Five show at first, the other four behind a button (and all of them under a filter).
    assert [extra for _, extra in block] == [False] * 5 + [True] * 4
    assert "Show 4 more" in " ".join(markup.text)
