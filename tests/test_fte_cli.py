"""The scenario's FTE settings reach run and optimise; optimise writes report.html.

The ward is the optimiser's M/M/c queue (tests/test_optimise.py): one group round the clock,
for which Erlang C gives 5 heads; with a 40-hour week, no holidays and posts of 50 %, 5 heads
x 168 h = 840 h a week = 21 FTE = 21 persons = 42 posts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_optimise import FLAGS, LAMBDA, queue_ward, write
from test_report_html import parse

from sim.cli import main

SETTINGS = {"weekly_hours": 40, "holiday_weeks": 0, "public_holidays": 0, "post_size": 0.5}


@pytest.fixture(scope="module")
def optimised(tmp_path_factory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("fte_cli")
    raw = queue_ward({"sykepleier": (LAMBDA, 3)})
    raw["fte"] = SETTINGS
    source = write(tmp, raw)
    return tmp, source


def test_optimise_prints_posts_and_writes_its_report(optimised, capsys) -> None:
    tmp, source = optimised
    out = tmp / "out"
    assert main(["optimise", source, "--vary", "roster.sykepleier=1:9", *FLAGS,
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "sykepleier: 840.0 hours a week = 21.00 FTE; 21.0 persons, 42 posts of 50%" in printed
    assert "report.html" in printed
    tables = parse((out / "report.html").read_text(encoding="utf-8")).tables
    assert tables["table-roster"][0] == ["Staff group", "round the clock"]
    assert tables["table-roster"][1] == ["sykepleier", "5"]
    assert ["sykepleier", "840.0", "21.00", "21.00", "50%", "42", "336,000", "17,472,000"] \
        in tables["optimise-fte-0"]


def test_run_prints_persons_and_posts_at_the_scenarios_settings(optimised, capsys) -> None:
    tmp, source = optimised
    assert main(["run", source, "--replications", "2", "--days", "3", "--warmup-days", "1",
                 "--workers", "1", "--no-detail", "--report", "--out", str(tmp / "run")]) == 0
    printed = capsys.readouterr().out
    # 3 heads x 168 h = 504 h = 12.6 FTE = 12.6 persons; / 0.5 = 25.2 -> 26 posts
    assert "sykepleier: 504.0 hours a week = 12.60 FTE; 12.6 persons, 26 posts of 50%" in printed
    table = parse((tmp / "run" / "report.html").read_text(encoding="utf-8")).tables["staff-fte-0"]
    assert ["sykepleier", "504.0", "12.60", "12.60", "50%", "26", "201,600", "10,483,200"] in table
