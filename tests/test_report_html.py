"""Static checks of report.html, built from a tiny real simulation (see report_case.py)."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from plotly.offline import get_plotlyjs
from report_case import (
    ASSESS_FIGURES,
    ASSESS_TABLES,
    DESCRIPTION,
    GROUP,
    GROUP_ID,
    TASK,
    TASK_ID,
    build,
)

from sim.i18n import LANGUAGES, Messages
from sim.report import figures, figures_tasks
from sim.report.html import render_report

PLOTLYJS = get_plotlyjs()


@pytest.fixture(scope="module")
def assess_data(tmp_path_factory):
    return build(tmp_path_factory.mktemp("assess"))


@pytest.fixture(scope="module")
def pages(assess_data):
    """Render the assess report in every language."""
    return {lang: render_report(assess_data, Messages(lang)) for lang in LANGUAGES}


def page_only(html: str) -> str:
    """Drop the embedded plotly.js bundle (whose code mentions URLs and tags) from a page."""
    assert html.count(PLOTLYJS) == 1
    return html.replace(PLOTLYJS, "")


class Collect(HTMLParser):
    """Every tag with its attributes, the text of each script, the cells of each table by id.

    Text is collected as the browser reads it (character references decoded), so a name
    shown as text holds its ``<`` and ``>`` here; one applied as markup would be a tag.
    """

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.text: list[str] = []
        self._in_script = self._in_cell = False
        self._table: list[list[str]] | None = None

    def handle_starttag(self, tag, attrs):  # noqa: D102 - HTMLParser's hooks
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        elif tag == "table" and dict(attrs).get("id"):
            self._table = self.tables.setdefault(dict(attrs)["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._table[-1].append("")
            self._in_cell = True

    def handle_endtag(self, tag):  # noqa: D102
        if tag == "script":
            self._in_script = False
        elif tag == "table":
            self._table = None
        elif tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):  # noqa: D102
        if self._in_script:
            self.scripts[-1] += data
            return
        self.text.append(data)
        if self._in_cell and self._table and self._table[-1]:
            self._table[-1][-1] += data


def parse(html: str) -> Collect:
    parser = Collect()
    parser.feed(html)
    return parser


def test_plotly_is_embedded_once_inline(pages):
    for html in pages.values():
        parsed = parse(html)
        holding = [s for s in parsed.scripts if "plotly.js v" in s]
        assert len(holding) == 1 and PLOTLYJS in holding[0]
        assert html.count(PLOTLYJS[:2000]) == 1
        assert all("src" not in attrs for tag, attrs in parsed.tags if tag == "script")


def test_nothing_is_loaded_from_outside(pages):
    for html in pages.values():
        page = page_only(html)
        for tag, attrs in parse(page).tags:
            for name in ("src", "href", "data", "action", "poster", "srcset"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("http:", "https:", "//")), (tag, name, value)
        assert "<link" not in page and "@import" not in page and "url(" not in page
        assert "mathjax" not in page.lower() and "cdn." not in page


def test_hostile_names_are_text_never_markup(pages):
    for html in pages.values():
        page = page_only(html)
        assert TASK not in page and GROUP not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # page and figure hover
        assert "&lt;b&gt;assistent&lt;/b&gt;" in page
        # plotly's JSON writes "<" as \u003c and "/" as \u002f: an unescaped name would
        # reach a label as markup (the hover's own <b> around the plain id is no name)
        assert "\\u003cscript" not in page
        assert not re.search(r"\\u003cb\\u003eassistent\\u003c(\\u002f|/)b", page)
        parsed = parse(html)
        # no tag came from a name: plotly.js once, one script per figure, never a <b>
        assert [t for t, _ in parsed.tags].count("script") == 1 + len(ASSESS_FIGURES)
        assert all(t != "b" for t, _ in parsed.tags)
        # ... and the names read as text: in the title, the description, the comments
        text = "".join(parsed.text)
        assert f"Report test – {TASK}" in text
        assert DESCRIPTION in text and f"Hostile comment: {TASK} {GROUP}" in text
        # the task name in the verdict matrix's hover, escaped in the figure's own script
        (verdict,) = [s for s in parsed.scripts if '"fig-verdict-1"' in s]
        assert "&lt;script&gt;alert(1)&lt;/script&gt; can arrive" in verdict.replace("\\u002f", "/")


def test_every_expected_figure_and_table_is_on_the_page(pages):
    for html in pages.values():
        ids = [attrs.get("id") for _, attrs in parse(html).tags]
        graphs = {attrs["id"] for _, attrs in parse(html).tags
                  if "plotly-graph-div" in (attrs.get("class") or "")}
        assert graphs == set(ASSESS_FIGURES)
        for div in ASSESS_FIGURES:
            assert len(re.findall(rf'Plotly\.newPlot\(\s*"{div}"', html)) == 1, div
        for table in ASSESS_TABLES:
            assert table in ids, table


def test_each_language_speaks_its_own_words_and_numbers(pages):
    words = {"en": ("Verdict matrix", "Training need"),
             "nb": ("Vurderingsmatrise", "Opplæringsbehov"),
             "sv": ("Bedömningsmatris", "Utbildningsbehov")}
    for lang, html in pages.items():
        msg = Messages(lang)
        assert f'<html lang="{lang}">' in html
        for word in words[lang]:
            assert word in html
        # captions in the language, for every figure
        assert msg("report.caption.fan") in page_only(html).replace("&#34;", '"')
        assert msg.label("verdict", "not_feasible") in html
    # a share in the hover texts: decimal point in English, decimal comma in nb and sv
    assert re.search(r"\d\.\d%", page_only(pages["en"]))
    for lang in ("nb", "sv"):
        assert re.search(r"\d,\d\u00a0%", page_only(pages[lang]))
    # people to train, in the training table
    assert '<td class="num">4.6</td>' in pages["en"]
    assert all('<td class="num">4,6</td>' in pages[lang] for lang in ("nb", "sv"))


def test_a_group_with_nobody_rostered_shows_a_dash_not_zero(assess_data):
    msg = Messages("nb")
    fig = figures.utilisation_heatmap(assess_data.results[0], assess_data.models[0], msg)
    trace = fig.data[0]
    row = list(trace.y).index(figures.esc(GROUP_ID))
    night = [int(h) for h in figures.HOURS if not 7 <= int(h) < 15]
    assert all(trace.text[row][h] == "–" and trace.z[row][h] is None for h in night)
    day = [trace.z[row][h] for h in range(7, 15)]
    assert all(z is not None and np.isfinite(z) for z in day)


def test_verdict_matrix_colours_cells_and_lists_reasons(assess_data):
    msg = Messages("en")
    model = assess_data.models[1]
    fig = figures.verdict_matrix(assess_data.cells, "variant", model, msg)
    trace = fig.data[0]
    groups = list(trace.y)
    hfa, night_weekend = groups.index("helsefagarbeider"), list(trace.x).index("night<br>weekend")
    assert trace.z[hfa][night_weekend] == figures.VERDICTS.index("not_feasible")
    reasons = trace.customdata[hfa][night_weekend]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; can arrive" in reasons
    assistant = groups.index(figures.esc(GROUP_ID))
    evening = list(trace.x).index("evening<br>weekday")
    assert trace.z[assistant][evening] is None and trace.text[assistant][evening] == "–"


def test_sections_without_data_are_left_out(tmp_path):
    html = render_report(build(tmp_path, command="run"), Messages("en"))
    graphs = {attrs["id"] for _, attrs in parse(html).tags
              if "plotly-graph-div" in (attrs.get("class") or "")}
    assert graphs == {"fig-util-0", "fig-util-fan", "fig-nurse-time", "fig-nurse-time-use",
                      "fig-wait-priority", "fig-wait-category", "fig-late-missed",
                      "fig-staff-cost-0", "fig-staff-agency"}
    assert 'id="verdict"' not in html and 'id="training"' not in html
    assert "model-description" in html


def test_model_description_names_files_hashes_changes_and_assumptions(assess_data, pages):
    base, variant = assess_data.scenarios
    assert [f.sha256 for f in variant.files] == [
        hashlib.sha256(open(f.path, "rb").read()).hexdigest() for f in variant.files]
    assert variant.files[1].sha256 == base.files[0].sha256  # the file it extends
    assert variant.changes == ((f"tasks.{TASK_ID}.group", "sykepleier", "helsefagarbeider"),)
    assumptions = ("Report test ward.\nAssumption: every number here is made up.\n"
                   f"Hostile comment: {TASK} {GROUP}")
    assert base.files[0].assumptions == assumptions
    assert base.name == variant.name == "report test ward"
    assert base.description == variant.description == DESCRIPTION  # the variant extends it
    page = pages["en"]
    assert base.files[0].sha256 in page and "Assumption: every number here is made up." in page
    assert "wardsim 0.1.0" in page and "2025-01-01 12:00" in page
    settings = parse(page).text
    assert "Name in the file" in settings and "Description" in settings


def test_model_description_lists_the_staff_groups_and_tasks_simulated(pages):
    en, nb = parse(pages["en"]).tables, parse(pages["nb"]).tables
    groups = [["Id", "Name", "Nurse", "Cost per hour"],
              ["sykepleier", "sykepleier", "yes", "500"],
              ["helsefagarbeider", "helsefagarbeider", "no", "400"],
              [GROUP_ID, GROUP, "no", "300"]]
    assert en["model-groups-0"] == en["model-groups-1"] == groups
    assert nb["model-groups-0"][0] == ["Id", "Navn", "Sykepleier", "Kostnad per time"]
    assert nb["model-groups-0"][1][2] == "ja" and nb["model-groups-0"][3][1:3] == [GROUP, "nei"]
    head = ["Id", "Name", "Category", "Placed on", "Minutes", "Priority"]
    for i, placed in enumerate(("sykepleier", "helsefagarbeider")):  # the variant moves it
        table = en[f"model-tasks-{i}"]
        assert table[0] == head and [r[0] for r in table[1:]] == [
            "stell", TASK_ID, "medisin", "rydding"]
        assert table[2] == [TASK_ID, TASK, "Blood and other samples", placed, "6.0", "high"]
        assert table[4] == ["rydding", "rydding", "Cleaning/tidying", GROUP_ID, "10.0", "low"]
    assert nb["model-tasks-0"][2][2:] == ["Blodprøver", "sykepleier", "6,0", "høy"]
    # the task tables are folded, the group tables are not
    page = pages["en"]
    for i in (0, 1):
        folded = page.index("<details><summary>Show all 4 tasks</summary>",
                            page.index(f'id="block-model-tasks-{i}"'))
        assert folded < page.index(f'<table id="model-tasks-{i}">')
        block = page[page.index(f'id="block-model-groups-{i}"'):
                     page.index(f'<table id="model-groups-{i}">')]
        assert "<details>" not in block


def test_freed_hours_has_one_bar_per_cell_and_they_add_up_to_the_total(assess_data):
    fig = figures_tasks.freed_hours(assess_data.freed, assess_data.models, Messages("en"))
    (bars,) = [t for t in fig.data if t.type == "bar"]
    assert len(set(bars.x)) == len(bars.x) == 3  # day, evening, night on the weekend
    freed = assess_data.freed
    total = freed[(freed["shift"] == "all") & (freed["day_type"] == "all")]
    assert np.sum(bars.y) == pytest.approx(total["freed_hours_per_week"].iloc[0])
    assert "in all per week" in bars.name


def test_verdict_table_names_the_cells_that_stop_a_split(pages):
    assert "Not feasible: helsefagarbeider (night weekend)." in pages["en"]
    assert "Ikke gjennomførbart: helsefagarbeider (natt helg)." in pages["nb"]
