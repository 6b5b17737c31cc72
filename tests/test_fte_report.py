"""The report's staff, posts and cost section and the optimise report, by hand-computed numbers.

The report ward (tests/report_case.py): sykepleier 2 day, 1 evening, 1 night, 8 h shifts,
every day: 4 x 8 x 7 = 224 h a week at 500 an hour; the scenario's ``fte:`` is 37.5 h a
week and posts of 80 %; 10 % absence of sykepleier, half covered by extra shifts (no
premium) and a fifth by agency staff (premium 1.0).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from report_case import GROUP_ID, OPTIMISE_CELLS, TASK, build, optimise_case
from test_report_html import page_only, parse

from sim.decide.costs import cost_table
from sim.i18n import LANGUAGES, Messages
from sim.report import figures_cost, figures_search
from sim.report.html import render_report
from sim.report.optimise_html import read_optimise, render_optimise_report

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def run_data(tmp_path_factory):
    return build(tmp_path_factory.mktemp("run"), command="run")


@pytest.fixture(scope="module")
def optimise_data(tmp_path_factory):
    return optimise_case(tmp_path_factory.mktemp("optimise"))


@pytest.fixture(scope="module")
def optimise_pages(optimise_data):
    return {lang: render_optimise_report(optimise_data, Messages(lang)) for lang in LANGUAGES}


def test_the_fte_table_shows_hours_ftes_persons_posts_and_cost(run_data):
    html = render_report(run_data, Messages("en"))
    table = parse(html).tables["staff-fte-0"]
    assert table[0] == ["Staff group", "Hours a week", "FTE", "Persons, holidays covered",
                        "Post size", "Posts", "Cost a week", "Cost a year"]
    # 224 / 37.5 = 5.973 FTE; x 52 / (52 - 5 - 8.6/5) = 6.860 persons; / 0.8 = 8.6 -> 9 posts
    assert ["sykepleier", "224.0", "5.97", "6.86", "80%", "9", "112,000", "5,824,000"] in table
    # helsefagarbeider 3 x 8 x 7 = 168 h: 4.48 FTE, 5.145 persons, 6.43 -> 7 posts
    assert ["helsefagarbeider", "168.0", "4.48", "5.14", "80%", "7", "67,200", "3,494,400"] in table
    assert table[-1][0] == "All groups" and table[-1][4:6] == ["–", "19"]  # 9 + 7 + 3
    nb = parse(render_report(run_data, Messages("nb"))).tables["staff-fte-0"]
    assert ["sykepleier", "224,0", "5,97", "6,86", f"80{NBSP}%", "9", f"112{NBSP}000",
            f"5{NBSP}824{NBSP}000"] in nb


def test_a_night_week_adds_its_columns_and_says_so(run_data):
    from sim.io.schema_targets import FTE

    run_data.fte_settings = [FTE(weekly_hours=38.25, night_weekly_hours=34)]
    try:
        html = render_report(run_data, Messages("en"))
    finally:
        run_data.fte_settings = [FTE(weekly_hours=37.5, post_size=0.8)]
    table = parse(html).tables["staff-fte-0"]
    assert "Night hours a week" in table[0] and "FTE at the night week" in table[0]
    # night 23-07 is a night shift: 56 h; 168 / 38.25 + 56 / 34 = 4.392 + 1.647 = 6.04
    row = next(r for r in table if r[0] == "sykepleier")
    assert row[1:5] == ["224.0", "56.0", "5.86", "6.04"]
    assert "count at a full-time week of 34 hours" in html


def test_cost_by_source_is_stacked_per_group_with_the_cover_at_its_premium(run_data):
    costs = cost_table(run_data.models[0])
    fig = figures_cost.cost_by_source(costs, Messages("en"))
    bars = {t.name: dict(zip(t.y, t.x, strict=True)) for t in fig.data}
    assert list(bars) == ["Rostered", "Extra shifts", "Agency"]  # no overtime: left out
    # 10 % of 224 h absent = 22.4 h: half by extra shifts at 500, a fifth by agency at 1 000
    assert bars["Rostered"]["sykepleier"] == pytest.approx(112_000)
    assert bars["Extra shifts"]["sykepleier"] == pytest.approx(5_600)
    assert bars["Agency"]["sykepleier"] == pytest.approx(4_480)
    assert bars["Agency"][GROUP_ID] == 0


def test_agency_share_is_drawn_against_the_two_percent_indicator(run_data):
    costs = cost_table(run_data.models[0])
    fig = figures_cost.agency_share([costs], ["baseline"], Messages("en"))
    (bar,) = fig.data
    shares = dict(zip(bar.x, bar.y, strict=True))
    assert shares["sykepleier"] == pytest.approx(4_480 / 122_080)  # 3.7 %: over 2 %
    assert shares["All groups"] == pytest.approx(4_480 / 206_080)
    (line,) = fig.layout.shapes
    assert line.y0 == line.y1 == 0.02
    assert fig.layout.annotations[0].text == "Swedish indicator, 2%"
    # no agency anywhere: no figure
    assert figures_cost.agency_share([costs.assign(agency=0.0)], ["x"], Messages("en")) is None


def test_the_agency_share_puts_the_ward_after_every_group_of_every_scenario(run_data):
    costs = cost_table(run_data.models[0])
    fewer = costs[costs["group"] != GROUP_ID]  # a scenario without one of the groups
    fig = figures_cost.agency_share([fewer, costs], ["today", "proposal"], Messages("en"))
    order = list(fig.layout.xaxis.categoryarray)
    assert order[-1] == "All groups" and GROUP_ID in order
    assert set(order) == set(fig.data[0].x) | set(fig.data[1].x)


def test_the_optimise_report_shows_the_chosen_roster_as_a_heat_table(optimise_pages):
    html = optimise_pages["en"]
    table = parse(html).tables["table-roster"]
    assert table[0] == ["Staff group", "day, weekday", "day, weekend", "evening, weekday",
                        "evening, weekend", "night, weekday", "night, weekend"]
    assert table[1] == ["sykepleier", "2", "2", "1", "1", "1", "1"]
    assert table[3] == [GROUP_ID, "1", "1", "0", "0", "0", "0"]
    # darkest where the most heads are; the varied cells framed
    assert '<td class="num heat4">2</td>' in html
    framed = [a for t, a in parse(html).tags if t == "td" and "varied" in (a.get("class") or "")]
    assert framed == [{"class": "num heat2 varied"}] * len(OPTIMISE_CELLS)  # 1 of at most 2


def test_the_optimise_report_gives_cost_bound_certificate_and_targets(optimise_pages,
                                                                      optimise_data):
    tables = parse(optimise_pages["en"]).tables
    cost = dict((r[0], r[1]) for r in tables["table-optimise-cost"][1:])
    week = optimise_data.summary["cost_per_week"]
    assert week == 196_000  # 112 000 + 67 200 + 16 800, the rostered cost
    assert cost["Cost per week"] == "196,000" and cost["Cost per year"] == "10,192,000"
    assert cost["Lower bound per week"] == "189,600" and cost["Gap to the bound"] == \
        "6,400 (3.3%)"
    assert cost["Certificate"].startswith("Not certified at 95%")
    cert = tables["table-certificate"]
    assert cert[1][:3] == ["this roster", "meets the targets", "meets the targets"]
    assert cert[2][:4] == [OPTIMISE_CELLS[0], "misses a target", "misses a target",
                           "late normal-priority tasks"]
    assert cert[2][5:] == ["30.0%", "20.0%", "10.0%", "24"]
    assert cert[3][2] == "undecided" and cert[3][6] == "–"
    assert len(tables["table-targets"]) == 1 + len(optimise_data.targets)
    assert "staff-fte-0" not in tables and "optimise-fte-0" in tables


def test_the_search_is_drawn_in_order_by_outcome_with_the_bound(optimise_data):
    fig = figures_search.search_trace(optimise_data.search, list(OPTIMISE_CELLS),
                                      optimise_data.summary, Messages("en"))
    by_name = {t.name: list(t.x) for t in fig.data}
    assert by_name == {"meets the targets": [1, 3], "misses a target": [4],
                       "pruned: below the bound": [2],
                       "pruned: fewer heads than a failing roster": [5], "chosen roster": [3]}
    (bound,) = fig.layout.shapes
    assert bound.y0 == optimise_data.summary["lower_bound"]


def test_the_optimise_report_escapes_names_and_speaks_every_language(optimise_pages):
    words = {"en": "Cheapest roster", "nb": "Billigste turnus", "sv": "Billigaste schemat"}
    for lang, html in optimise_pages.items():
        page = page_only(html)
        assert TASK not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert words[lang] in page and f'<html lang="{lang}">' in page
        parsed = parse(html)
        graphs = {a["id"] for _, a in parsed.tags if "plotly-graph-div" in (a.get("class") or "")}
        assert graphs == {"fig-optimise-cost-0", "fig-optimise-agency", "fig-search"}
        assert [t for t, _ in parsed.tags].count("script") == 1 + len(graphs)
    assert re.search(r"196\u00a0000", optimise_pages["nb"])


def test_a_search_stopped_by_its_budget_reads_back_without_a_certificate(optimise_data,
                                                                         tmp_path):
    folder = tmp_path / "partial"
    folder.mkdir()
    optimise_data.search.to_csv(folder / "search.csv", index=False)
    optimise_data.targets.to_csv(folder / "targets.csv", index=False)
    pd.DataFrame().to_csv(folder / "certificate.csv", index=False)  # as optimise writes it
    (folder / "summary.json").write_text(json.dumps({**optimise_data.summary,
                                                     "certified": None}), encoding="utf-8")
    (folder / "spec.json").write_text(json.dumps(optimise_data.spec), encoding="utf-8")
    data = read_optimise(folder, optimise_data.model, optimise_data.fte)
    assert data.certificate.empty and len(data.search) == 5
    tables = parse(render_optimise_report(data, Messages("en"))).tables
    cost = dict((r[0], r[1]) for r in tables["table-optimise-cost"][1:])
    assert cost["Certificate"].startswith("Stopped by --budget-minutes")
    assert "table-certificate" not in tables and len(tables["table-targets"]) > 1
