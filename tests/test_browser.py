"""report.html in a real browser: Debian's headless Chromium driven by playwright, offline.

Every request other than the report file itself is aborted (and recorded), as on a ward
computer with no network. Without the browser or playwright the tests skip locally with the
reason, and fail under CI (``CI=true``), where .ci/run installs chromium.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from report_case import (
    ASSESS_FIGURES,
    DESCRIPTION,
    GROUP,
    GROUP_ID,
    TASK,
    TASK_ID,
    build,
    optimise_case,
)

from sim.i18n import Messages
from sim.report.html import render_report
from sim.report.optimise_html import render_optimise_report

CHROMIUM = os.environ.get("WARDSIM_CHROMIUM", "/usr/bin/chromium")
#: The figures of the optimise report.
OPTIMISE_FIGURES = ("fig-optimise-cost-0", "fig-optimise-agency", "fig-search")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must have it (.ci/run installs chromium, "
                    "make install playwright)")
    pytest.skip(reason)


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    return sync_playwright


class Visit:
    """What the browser saw while loading the report."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (playwright's sync API runs once per thread)."""
    sync_playwright = _sync_playwright()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _visit(browser, report: Path, figures: int):
    """Open ``report`` in a new page with the network cut off; return (page, visit)."""
    url = report.as_uri()
    visit = Visit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda err: visit.console_errors.append(str(err)))
    page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))

    def route(r):
        if r.request.url == url:
            r.continue_()
        else:
            visit.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "n => [...document.querySelectorAll('.plotly-graph-div')]"
        ".filter(d => d.querySelector('svg.main-svg')).length >= n",
        arg=figures, timeout=20_000)
    return page, visit


@pytest.fixture(scope="module")
def browser_page(browser, tmp_path_factory):
    """Open the assess report once, with the network cut off."""
    folder = tmp_path_factory.mktemp("browser")
    report = folder / "report.html"
    report.write_text(render_report(build(folder), Messages("en")), encoding="utf-8")
    page, visit = _visit(browser, report, len(ASSESS_FIGURES))
    yield page, visit, folder
    page.close()


@pytest.fixture(scope="module")
def optimise_page(browser, tmp_path_factory):
    """Open the optimise report (in bokmål) once, with the network cut off."""
    folder = tmp_path_factory.mktemp("browser_optimise")
    report = folder / "report.html"
    report.write_text(render_optimise_report(optimise_case(folder), Messages("nb")),
                      encoding="utf-8")
    page, visit = _visit(browser, report, len(OPTIMISE_FIGURES))
    yield page, visit, folder
    page.close()


def test_no_console_errors_and_no_request_leaves_the_file(browser_page):
    page, visit, _ = browser_page
    assert visit.console_errors == []
    assert visit.blocked == []


def test_plotly_is_defined(browser_page):
    page, _, _ = browser_page
    assert page.evaluate("typeof window.Plotly") == "object"
    assert page.evaluate("typeof window.Plotly.newPlot") == "function"


def test_every_expected_figure_is_drawn(browser_page):
    page, _, _ = browser_page
    drawn = page.evaluate("[...document.querySelectorAll('.plotly-graph-div')]"
                          ".filter(d => d.querySelector('svg.main-svg')).map(d => d.id)")
    assert sorted(drawn) == sorted(ASSESS_FIGURES)


def test_verdict_matrix_is_drawn_with_its_cells_and_hover(browser_page):
    page, _, _ = browser_page
    matrix = page.locator("#fig-verdict-1")
    assert matrix.is_visible()
    cells = page.evaluate("document.querySelectorAll('#fig-verdict-1 .hm image, "
                          "#fig-verdict-1 .heatmaplayer image').length")
    assert cells >= 1
    text = matrix.locator("svg.main-svg").first.text_content()
    assert "NO" in text and "ok" in text and "helsefagarbeider" in text
    # point the mouse at the not-feasible cell: its reason names the task, as plain text
    matrix.scroll_into_view_if_needed()
    x, y = page.evaluate("""() => {
        const gd = document.getElementById('fig-verdict-1'), L = gd._fullLayout;
        const row = gd.data[0].y.indexOf('helsefagarbeider');
        const col = gd.data[0].x.indexOf('night<br>weekend');
        const box = gd.getBoundingClientRect();
        return [box.left + L._size.l + L.xaxis.l2p(col), box.top + L._size.t + L.yaxis.l2p(row)];
    }""")
    page.mouse.move(x, y)
    page.wait_for_selector("#fig-verdict-1 .hoverlayer .hovertext")
    hover = page.locator("#fig-verdict-1 .hoverlayer").text_content()
    assert f"{TASK} can arrive" in hover


def test_hostile_names_show_as_text_and_nothing_runs(browser_page):
    page, visit, _ = browser_page
    assert visit.dialogs == []
    assert TASK in page.locator("h1").inner_text()
    model = page.locator("#model")
    assert DESCRIPTION in model.inner_text()  # its line break kept, its tags shown
    # the staff groups: the name shows with its tag as text, the tag is not applied
    assert [GROUP_ID, GROUP, "no", "300"] in [
        row.locator("td").all_inner_texts() for row in page.locator("#model-groups-0 tr").all()]
    # the tasks are folded; unfolded, the task's name reads as written
    tasks = page.locator("#model-tasks-1")
    assert not tasks.is_visible()
    page.locator("#block-model-tasks-1 summary").click()
    assert tasks.is_visible()
    row = tasks.locator("tr", has_text=TASK_ID).locator("td").all_inner_texts()
    assert row[:2] == [TASK_ID, TASK] and row[3] == "helsefagarbeider"  # the variant moved it
    assert model.locator("script, b").count() == 0
    assert page.locator("main table script, main table b, h1 *").count() == 0
    # the figures name the group by its id, drawn as text
    ticks = page.locator("#fig-util-0 .ytick text").all_text_contents()
    assert GROUP_ID in ticks
    assert page.locator("#fig-util-0 .ytick text b").count() == 0


def test_screenshot_is_written(browser_page):
    page, _, folder = browser_page
    shot = folder / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_optimise_report_loads_offline_and_draws_every_figure(optimise_page):
    page, visit, _ = optimise_page
    assert visit.console_errors == [] and visit.blocked == [] and visit.dialogs == []
    drawn = page.evaluate("[...document.querySelectorAll('.plotly-graph-div')]"
                          ".filter(d => d.querySelector('svg.main-svg')).map(d => d.id)")
    assert sorted(drawn) == sorted(OPTIMISE_FIGURES)
    assert TASK in page.locator("h1").inner_text() and page.locator("h1 *").count() == 0


def test_optimise_report_shows_the_roster_table_shaded(optimise_page):
    page, _, _ = optimise_page
    roster = page.locator("#table-roster")
    assert roster.is_visible()
    rows = [r.locator("td").all_inner_texts() for r in roster.locator("tbody tr").all()]
    assert rows[0] == ["sykepleier", "2", "2", "1", "1", "1", "1"]
    darkest = page.evaluate("getComputedStyle(document.querySelector('#table-roster td.heat4'))"
                            ".backgroundColor")
    assert darkest == "rgb(8, 81, 156)"
    assert page.locator("#table-roster td.varied").count() == 2


def test_optimise_search_hover_names_the_roster(optimise_page):
    page, _, _ = optimise_page
    fig = page.locator("#fig-search")
    fig.scroll_into_view_if_needed()
    x, y = page.evaluate("""() => {
        const gd = document.getElementById('fig-search'), L = gd._fullLayout;
        const t = gd._fullData.find(d => d.name === 'bommer på et mål');
        const box = gd.getBoundingClientRect();
        return [box.left + L._size.l + L.xaxis.l2p(t.x[0]),
                box.top + L._size.t + L.yaxis.l2p(t.y[0])];
    }""")
    page.mouse.move(x, y)
    page.wait_for_selector("#fig-search .hoverlayer .hovertext")
    hover = page.locator("#fig-search .hoverlayer").text_content()
    assert "bommer på et mål" in hover and "helsefagarbeider.night.weekday: 0" in hover


def test_optimise_screenshot_is_written(optimise_page):
    page, _, folder = optimise_page
    shot = folder / "optimise.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
