"""The HTML report of a real run, opened in headless Chromium and read as a reviewer would.

The run is `conformance run --report-html` against the reference with two faults at once:
any user reads, patches and deletes any user's items (authorization) and unsigned tokens
are accepted (authentication). The test uses Debian's `chromium` and `chromium-driver`
(which `.ci/run` installs) through an explicit driver path, so that nothing is downloaded;
without them it is skipped with the reason. A screenshot of the page is kept under the
test's tmp dir and, when CONFORMANCE_ARTIFACTS_DIR is set, copied there.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reference_impl.app import create_app

from .targets.faulty import VARIANTS, prepare_reference
from .targets.runner import run_conformance
from .targets.serving import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FAULTS = ("item-ownership-skipped", "alg-none-accepted")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
        reason="needs Debian's chromium and chromium-driver "
        "(apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML report of a run against the reference with an authz and an authn fault."""
    folder = tmp_path_factory.mktemp("faulty-run")
    setup = prepare_reference(folder)
    app: Any = create_app(setup.settings)
    variants = {variant.name: variant for variant in VARIANTS}
    # Both faults act inside the FastAPI app (a dependency override, a runtime swap), so
    # they stack: each build step takes the app and returns it.
    for name in FAULTS:
        app = variants[name].breaks(app)
    page = folder / "report.html"
    with serve(app) as url:
        run = run_conformance(
            url,
            checks=("authz", "authn"),
            generic=False,
            extra_args=("--report-html", str(page)),
        )
    assert run.exit_code == 1, run.explain()
    assert {"authz.read-cross-user", "authn.alg-none"} <= run.failed_checks, run.explain()
    return page


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _viewport(driver: Any, width: int, height: int = 900) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def _screenshot(driver: Any, path: Path, width: int) -> None:
    """The whole page at `width` pixels, as a PNG."""
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    _viewport(driver, width, height)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    path.write_bytes(base64.b64decode(shot["data"]))
    _viewport(driver, width)
    artefacts = os.environ.get("CONFORMANCE_ARTIFACTS_DIR")
    if artefacts:
        Path(artefacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(artefacts) / path.name)


def _shown(driver: Any, selector: str) -> list[Any]:
    return [item for item in driver.find_elements("css selector", selector) if item.is_displayed()]


def test_a_reviewer_finds_the_worst_failure_and_narrows_the_list(
    report: Path, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import Select

    _viewport(browser, 1280)
    browser.get(report.as_uri())
    css = browser.find_element
    assert css("css selector", "#verdict").text == "FAILED"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0

    # The first group is object level authorization, its first line a plain sentence.
    group = css("css selector", "#risks .group")
    assert group.get_attribute("data-owasp") == "API1:2023"
    assert "Broken Object Level Authorization" in group.find_element("css selector", "h3").text
    first = group.find_element("css selector", "a.risk")
    assert "belong to another user" in first.text
    # ... and its link opens that failure.
    target = css("css selector", first.get_attribute("hash"))
    assert target.get_attribute("open") is None
    first.click()
    assert target.get_attribute("open") is not None
    assert "authz." in target.find_element("css selector", ".f-meta").text

    # A failed matrix cell lists its outcomes on a click, the skipped ones with their reason.
    panel = css("css selector", "#cell-panel")
    assert not panel.is_displayed()
    cell = css(
        "css selector", "tr[data-operation='readItem'] td.s-failed[data-family='authz'] button.cell"
    )
    cell.click()
    assert panel.is_displayed() and cell.get_attribute("aria-expanded") == "true"
    listed = panel.find_element("css selector", f"#{cell.get_attribute('data-cell')}").text
    assert "authz.read-cross-user" in listed
    assert "Skipped: needs admin credentials" in listed
    _screenshot(browser, tmp_path / "report-wide.png", 1280)
    cell.click()
    assert not panel.is_displayed()

    # The filter narrows the failures to one family, and says so.
    everything = _shown(browser, ".finding")
    assert len(everything) >= 4
    Select(css("css selector", "#filter-family")).select_by_value("authz")
    narrowed = _shown(browser, ".finding")
    assert 0 < len(narrowed) < len(everything)
    assert {item.get_attribute("data-family") for item in narrowed} == {"authz"}
    shown = css("css selector", "#shown").text
    # "of" counts every failure, those behind a block's "Show N more" too.
    total = len(browser.find_elements("css selector", ".finding"))
    assert shown == f"Showing {len(narrowed)} of {total}."
    # The matrix keeps only that family's column.
    assert not _shown(browser, "thead th[data-family='authn']")
    css("css selector", "form.filters button[type='reset']").click()
    assert len(_shown(browser, ".finding")) == len(everything)


def test_the_page_fits_a_narrow_window_and_prints_every_failure_open(
    report: Path, browser: Any, tmp_path: Path
) -> None:
    _viewport(browser, 400)
    browser.get(report.as_uri())
    browser.find_element("css selector", "#expand-all").click()
    # No sideways scrolling of the page, every failure open (the matrix scrolls in its box).
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    _screenshot(browser, tmp_path / "report-narrow.png", 400)

    _viewport(browser, 1280)
    browser.refresh()
    closed = "document.querySelector('.finding:not([open]) .f-body').checkVisibility()"
    assert browser.execute_script(f"return {closed}") is False
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.execute_script(f"return {closed}") is True
        assert not _shown(browser, "form.filters")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
