"""Calibration from a time study: ``wardsim calibrate durations|arrivals`` (issue 9, part 1).

- durations drawn from known families, with right-censoring, are fitted back: the family is
  recovered and the true mean and cv lie inside their bootstrap 95 % CIs at about that rate
  (a handful of seeds, not hundreds);
- times written in whole minutes are interval-censored, which gives a better mean than
  reading them as exact; AIC prefers gamma over lognormal on gamma data; a Weibull win
  writes the best family the scenario format has, and says so;
- arrivals: Poisson counts give back the rate inside Garwood's exact interval, and
  overdispersed counts are flagged;
- the command writes one folder (a loadable variant that extends the scenario with only the
  fitted values, the CSV with exactly its columns, the HTML, the sweep ranges), and every bad
  file is one line on stderr with exit code 2 and no folder.

The bootstrap and goodness-of-fit sample counts are lowered for speed (the fits are not).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import base_dict
from scipy import stats

import calibration.durations as durations
from calibration.arrivals import dispersion, garwood, mapped_rate, observed_rates
from calibration.durations import fit_family, fit_sample, sample_of
from calibration.likelihood import from_moments, moments
from calibration.report import durations_sections, render
from sim.cli import main
from sim.decide.sweep import check, parse_vary
from sim.i18n import Messages
from sim.io.scenario import from_dict, load, load_raw
from sim.model import build_model

CSV_COLUMNS = ["task_id", "group", "n", "n_censored", "family", "mean", "mean_ci_low",
               "mean_ci_high", "cv", "cv_ci_low", "cv_ci_high", "aic_lognormal", "aic_gamma",
               "aic_weibull", "aic_exponential", "gof_pvalue", "action"]
TASKS = [
    {"id": "blodprove", "category": "blodprover", "group": "sykepleier", "per": "patient",
     "when": {"07-09": 0.5}, "minutes": 6},
    {"id": "bestilling", "category": "bestillinger", "group": "helsefagarbeider", "per": "ward",
     "when": {"weekday_daytime": 2.0}, "minutes": 5},
]


@pytest.fixture(autouse=True)
def _fewer_resamples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(durations, "N_RESAMPLES", 199)
    monkeypatch.setattr(durations, "N_MC_SAMPLES", 99)


@pytest.fixture
def ward(tmp_path: Path) -> Path:
    path = tmp_path / "ward.yaml"
    path.write_text(yaml.safe_dump(base_dict(tasks=TASKS), sort_keys=False), encoding="utf-8")
    return path


def _dist(family: str, mean: float, cv: float) -> stats.rv_continuous:
    theta = from_moments(family, mean, cv)
    if family == "lognormal":
        return stats.lognorm(theta[0], scale=theta[1])
    if family == "gamma":
        return stats.gamma(theta[0], scale=theta[1])
    return stats.weibull_min(theta[0], scale=theta[1])


def _censored(dist: stats.rv_continuous, n: int, seed: int, censor_mean: float
              ) -> tuple[np.ndarray, np.ndarray]:
    """Return times of ``dist``, cut short by independent exponential interruptions."""
    rng = np.random.default_rng(seed)
    times = dist.rvs(size=n, random_state=rng)
    cut = rng.exponential(censor_mean, n)
    return np.minimum(times, cut), cut < times


# --- the fits -------------------------------------------------------------------------------


def test_censored_fits_recover_the_family_and_cover_mean_and_cv_at_the_stated_rate() -> None:
    mean, cv = 10.0, 0.8
    dist = _dist("lognormal", mean, cv)
    family = covered_mean = covered_cv = censored = 0
    seeds = range(8)
    for seed in seeds:
        minutes, interrupted = _censored(dist, 300, seed, censor_mean=60)
        censored += interrupted.sum()
        fit = fit_sample("t", "", sample_of(minutes, interrupted, False), 6.0, 10, seed)
        family += fit.best == fit.family == "lognormal"
        covered_mean += fit.mean_ci[0] <= mean <= fit.mean_ci[1]
        covered_cv += fit.cv_ci[0] <= cv <= fit.cv_ci[1]
    assert censored / (300 * len(seeds)) > 0.1  # the censoring is real
    # 95 % intervals: at least 6 of 8 covers fails by chance with probability 0.006
    assert covered_mean >= 6 and covered_cv >= 6, (covered_mean, covered_cv)
    assert family >= 6, family


def test_ignoring_interruptions_would_bias_the_mean_low() -> None:
    dist = _dist("gamma", 8.0, 0.5)
    minutes, interrupted = _censored(dist, 400, 3, censor_mean=25)
    right = fit_sample("t", "", sample_of(minutes, interrupted, False), 6.0, 10, 3)
    naive = fit_sample("t", "", sample_of(minutes, np.zeros_like(interrupted), False), 6.0, 10, 3)
    assert right.mean_ci[0] <= 8.0 <= right.mean_ci[1]
    assert naive.mean_ci[1] < 8.0


def test_whole_minutes_are_interval_censored_and_give_a_better_mean_than_exact() -> None:
    """A task of under a minute written in whole minutes.

    Read as exact (the zeros, impossible as exact times, dropped) the mean is far off;
    interval-censored it is close, on every seed.
    """
    mean = 0.8
    dist = _dist("lognormal", mean, 0.6)
    for seed in range(4):
        rounded = np.round(dist.rvs(size=200, random_state=np.random.default_rng(seed)))
        theta, _ = fit_family("lognormal", sample_of(rounded, np.zeros(200, bool), True))
        exact = rounded[rounded > 0]
        as_exact = sample_of(exact, np.zeros(exact.size, bool), False)
        theta_exact, _ = fit_family("lognormal", as_exact)
        error = abs(float(moments("lognormal", theta)[0]) - mean)
        error_exact = abs(float(moments("lognormal", theta_exact)[0]) - mean)
        assert error < 0.1 and error_exact > 0.2, (seed, error, error_exact)


def test_aic_prefers_gamma_over_lognormal_on_gamma_data() -> None:
    minutes = _dist("gamma", 12.0, 0.6).rvs(size=600, random_state=np.random.default_rng(11))
    fit = fit_sample("t", "", sample_of(minutes, np.zeros(600, bool), False), 10.0, 10, 11)
    assert fit.aic["gamma"] < fit.aic["lognormal"] - 10
    assert fit.family == "gamma"
    assert fit.gof_pvalue > 0.01


def test_a_weibull_win_writes_the_best_family_the_format_has_and_says_so() -> None:
    minutes = _dist("weibull", 10.0, 0.3).rvs(size=500, random_state=np.random.default_rng(2))
    fit = fit_sample("t", "", sample_of(minutes, np.zeros(500, bool), False), 10.0, 10, 2)
    assert fit.best == "weibull" and fit.family in ("gamma", "lognormal")
    assert fit.action == "fitted_instead"
    assert fit.aic["weibull"] == min(fit.aic.values())
    assert fit.family == min(("lognormal", "gamma", "exponential"), key=fit.aic.__getitem__)


def test_too_few_observations_keep_the_estimate() -> None:
    fit = fit_sample("t", "", sample_of(np.arange(1.0, 6.0), np.zeros(5, bool), False), 6.0, 10, 1)
    assert fit.action == "too_few" and not fit.params and np.isnan(fit.mean)


# --- arrivals -------------------------------------------------------------------------------


def test_garwood_interval_known_values() -> None:
    assert garwood(0, 1.0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert garwood(5, 1.0) == pytest.approx((1.6235, 11.6683), abs=1e-4)
    assert garwood(10, 20.0) == pytest.approx((0.23977, 0.91946), rel=1e-3)


def test_mapped_rates_spread_anytime_and_weekday_daytime_over_the_intervals() -> None:
    scenario = from_dict(base_dict(tasks=TASKS))
    calendar = build_model(scenario).calendar
    stell, bestilling = scenario.tasks[0], scenario.tasks[3]
    assert mapped_rate(stell, calendar, "07-09", "weekday") == pytest.approx(1.0 * 120 / 1440)
    assert mapped_rate(stell, calendar, "22-07", "weekend") == pytest.approx(1.0 * 540 / 1440)
    # weekday daytime 08:00-15:00 = 420 minutes, of which 60 in 07-09 and 180 in 09-12
    assert mapped_rate(bestilling, calendar, "07-09", "weekday") == pytest.approx(2.0 * 60 / 420)
    assert mapped_rate(bestilling, calendar, "09-12", "weekday") == pytest.approx(2.0 * 180 / 420)
    assert mapped_rate(bestilling, calendar, "09-12", "weekend") == 0


def _events(rate_of, days: int, patients, seed: int, overdispersed: float = 0.0) -> pd.DataFrame:
    """Events of blodprove in 07-09 (per patient), Poisson or gamma-mixed Poisson per day."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(days):
        mean = rate_of(day) * patients[day]
        if overdispersed:
            mean = rng.gamma(1 / overdispersed, mean * overdispersed)
        for minute in rng.integers(7 * 60, 9 * 60, rng.poisson(mean)):
            rows.append(("blodprove", day, int(minute)))
    return pd.DataFrame(rows, columns=["task_id", "day", "minute"]).assign(row=0)


def _census(days: int, patients, calendar) -> pd.DataFrame:
    return pd.DataFrame({"day": range(days), "patients": patients,
                         "day_type": [calendar.day_type(d) for d in range(days)]})


def test_poisson_counts_give_the_rate_inside_the_exact_interval() -> None:
    scenario = from_dict(base_dict(tasks=TASKS))
    calendar = build_model(scenario).calendar
    days, truth = 56, {"weekday": 0.6, "weekend": 0.3}
    covered = flagged = rows = 0
    for seed in range(6):
        patients = np.random.default_rng(100 + seed).integers(8, 14, days)
        census = _census(days, patients, calendar)
        events = _events(lambda d: truth[calendar.day_type(d)], days, patients, seed)
        for rate in observed_rates(events, census, scenario, calendar):
            if rate.interval == "07-09":
                rows += 1
                covered += rate.rate_ci_low <= truth[rate.day_type] <= rate.rate_ci_high
                flagged += rate.action == "overdispersed"
            else:
                assert rate.count == 0 and rate.action == "none"  # mapped only in 07-09
    assert rows == 12 and covered >= 11 and flagged <= 1, (covered, flagged)


def test_overdispersed_counts_are_flagged() -> None:
    scenario = from_dict(base_dict(tasks=TASKS))
    calendar = build_model(scenario).calendar
    days = 56
    patients = np.full(days, 10)
    events = _events(lambda d: 0.6, days, patients, 4, overdispersed=0.5)
    rates = [r for r in observed_rates(events, _census(days, patients, calendar), scenario,
                                       calendar) if r.interval == "07-09"]
    assert all(r.action == "overdispersed" and r.dispersion > 2 for r in rates)
    index, p = dispersion(np.array([6.0, 5, 7, 6]), np.ones(4))
    assert index < 1 and p > 0.5  # too even for Poisson is not flagged as overdispersed


# --- the command ----------------------------------------------------------------------------


def _observations(path: Path, whole: bool = False, groups: bool = False) -> Path:
    rng = np.random.default_rng(5)
    frames = []
    for task, dist, n, group in [("stell", _dist("gamma", 12, 0.5), 60, "helsefagarbeider"),
                                 ("blodprove", _dist("lognormal", 6, 0.6), 40, "sykepleier"),
                                 ("bestilling", _dist("gamma", 5, 0.5), 4, "helsefagarbeider")]:
        minutes, interrupted = _censored(dist, n, int(rng.integers(1000)), censor_mean=60)
        frame = pd.DataFrame({"task_id": task, "minutes": np.round(minutes, 0 if whole else 2),
                              "interrupted": np.where(interrupted, "yes", "")})
        if groups:
            frame["group"] = group
            if task == "stell":  # nurses take it too, and take longer
                extra = _dist("gamma", 16, 0.5).rvs(size=40, random_state=rng)
                extra = extra.round(0 if whole else 2)
                frame = pd.concat([frame, pd.DataFrame({"task_id": task, "minutes": extra,
                                                        "interrupted": "", "group": "sykepleier"})])
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    data["minutes"] = data["minutes"].clip(lower=1)
    data.to_csv(path, index=False)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_calibrate_durations_writes_the_variant_csv_html_and_sweep(
        ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    obs = _observations(tmp_path / "obs.csv")
    before = _sha(ward)
    out = tmp_path / "out" / "cal"
    assert main(["calibrate", "durations", str(obs), "--scenario", str(ward), "--out", str(out),
                 "--emit-sweep"]) == 0
    printed = capsys.readouterr().out
    assert "read as exact" in printed and "too few observations (4 < 10)" in printed
    assert _sha(ward) == before
    assert sorted(p.name for p in out.iterdir()) == [
        "calibrated.yaml", "calibration.csv", "calibration.html", "sweep.json", "sweep.txt"]
    table = pd.read_csv(out / "calibration.csv", keep_default_na=False)
    assert list(table.columns) == CSV_COLUMNS
    assert list(table["task_id"]) == ["stell", "blodprove", "bestilling"]
    assert table.set_index("task_id").loc["bestilling", "action"].startswith("too few")
    variant = yaml.safe_load((out / "calibrated.yaml").read_text(encoding="utf-8"))
    assert not Path(variant["extends"]).is_absolute()
    assert (out / variant["extends"]).resolve() == ward.resolve()
    assert set(variant) == {"extends", "tasks"}
    assert [t["id"] for t in variant["tasks"]] == ["stell", "blodprove"]
    stell = variant["tasks"][0]
    row = table.set_index("task_id").loc["stell"]
    assert stell["minutes"] == pytest.approx(float(row["mean"]), rel=1e-3)
    assert stell["duration"] == {"distribution": row["family"],
                                 "cv": pytest.approx(float(row["cv"]), rel=1e-3)}
    scenario = load(out / "calibrated.yaml")
    assert {t.id: t.minutes for t in scenario.tasks}["bestilling"] == 5  # the estimate is kept
    page = (out / "calibration.html").read_text(encoding="utf-8")
    assert page.count("plotly.js v") == 1 and page.count('class="plotly-graph-div"') == 2
    spec = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert (out / "sweep.txt").read_text(encoding="utf-8").count("--vary") == len(spec["vary"]) == 4
    raw = load_raw(out / "calibrated.yaml")
    factors = check(raw, [parse_vary(v) for v in spec["vary"]], str(out / "calibrated.yaml"))
    for factor in factors:
        assert factor.low < factor.base < factor.high


def test_whole_minutes_are_said_and_groups_get_their_own_times(
        ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    obs = _observations(tmp_path / "obs.csv", whole=True, groups=True)
    out = tmp_path / "cal"
    assert main(["calibrate", "durations", str(obs), "--scenario", str(ward), "--out", str(out),
                 "--lang", "nb"]) == 0
    assert "hele minutter" in capsys.readouterr().out
    table = pd.read_csv(out / "calibration.csv", keep_default_na=False)
    stell = table[table["task_id"] == "stell"]
    assert list(stell["group"]) == ["", "sykepleier", "helsefagarbeider"]
    assert stell["action"].iloc[0].startswith("samlet")
    variant = yaml.safe_load((out / "calibrated.yaml").read_text(encoding="utf-8"))
    change = variant["tasks"][0]
    assert set(change["minutes"]) == {"helsefagarbeider", "sykepleier"}
    assert change["minutes"]["sykepleier"] > change["minutes"]["helsefagarbeider"]
    assert set(change["duration_by_group"]) == {"sykepleier"}
    task = next(t for t in load(out / "calibrated.yaml").tasks if t.id == "stell")
    assert task.minutes_of("sykepleier") == change["minutes"]["sykepleier"]


def test_xlsx_and_a_semicolon_csv_with_decimal_commas_are_read(ward: Path, tmp_path: Path) -> None:
    from calibration.timestudy import read_observations

    scenario = load(ward)
    frame = pd.DataFrame({"Task ID": ["blodprove"] * 12, "Minutes": np.linspace(3.5, 9.5, 12),
                          "Interrupted": [True] + [False] * 11})
    frame.to_excel(tmp_path / "obs.xlsx", index=False)
    obs, whole = read_observations(tmp_path / "obs.xlsx", scenario, Messages())
    assert not whole and obs["interrupted"].sum() == 1
    assert obs["minutes"].tolist() == pytest.approx(frame["Minutes"].tolist())
    (tmp_path / "obs.csv").write_text("task_id;minutes;interrupted\nblodprove;6,5;nei\n"
                                      "stell;12;ja\n", encoding="utf-8")
    obs, whole = read_observations(tmp_path / "obs.csv", scenario, Messages())
    assert obs["minutes"].tolist() == [6.5, 12.0] and obs["interrupted"].tolist() == [False, True]


def test_calibrate_arrivals_writes_rates_per_interval_and_day_type(
        ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(8)
    days, patients = 14, rng.integers(8, 11, 14)
    events = [("stell", d, f"{m // 60:02d}:{m % 60:02d}") for d in range(days)
              for m in rng.integers(0, 1440, rng.poisson(1.0 * patients[d]))]
    events += [("blodprove", d, "07:30") for d in range(days) for _ in range(rng.poisson(4))]
    pd.DataFrame(events, columns=["task_id", "day", "clock"]).to_csv(tmp_path / "ev.csv",
                                                                     index=False)
    pd.DataFrame({"day": range(days), "patients": patients}).to_csv(tmp_path / "census.csv",
                                                                   index=False)
    out = tmp_path / "cal"
    assert main(["calibrate", "arrivals", str(tmp_path / "ev.csv"), "--census",
                 str(tmp_path / "census.csv"), "--scenario", str(ward), "--out", str(out),
                 "--emit-sweep"]) == 0
    assert "stell (per patient" in capsys.readouterr().out
    table = pd.read_csv(out / "calibration.csv")
    assert {"task_id", "interval", "day_type", "rate", "rate_ci_low", "rate_ci_high",
            "dispersion"} <= set(table.columns)
    assert len(table) == 2 * 6 * 2  # tasks × intervals × the two day types of the census
    variant = yaml.safe_load((out / "calibrated.yaml").read_text(encoding="utf-8"))
    stell, blodprove = variant["tasks"]
    assert stell["when"]["anytime"] is None and len(stell["when"]) == 7
    assert list(blodprove["when"]) == ["07-09"]  # no event and no mapped rate elsewhere
    assert blodprove["when"]["07-09"]["holiday"] == 0.5  # a day type not observed: the estimate
    scenario = load(out / "calibrated.yaml")
    rates = {t.id: t.when for t in scenario.tasks}
    assert "anytime" not in rates["stell"]
    spec = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    check(load_raw(out / "calibrated.yaml"), [parse_vary(v) for v in spec["vary"]], "cal")


def test_the_html_escapes_user_text() -> None:
    hostile = '<img src=x onerror="alert(1)">'
    minutes = _dist("gamma", 8, 0.5).rvs(size=30, random_state=np.random.default_rng(1))
    fit = fit_sample(hostile, "", sample_of(minutes, np.zeros(30, bool), False), 8.0, 10, 1)
    msg = Messages()
    page = render(hostile, hostile, durations_sections([fit], [hostile], False, "", msg), msg)
    assert hostile not in page and "&lt;img src=x" in page


# --- bad files ------------------------------------------------------------------------------

BAD_OBSERVATIONS = [
    ("obs.csv", "task_id,min\nstell,5\n", "column minutes: is missing"),
    ("obs.csv", "task_id,minutes,interupted\nstell,5,\n", "column interupted: is not a column"),
    ("obs.csv", "task_id,minutes\nstell,5\nstell,-2\n", "row 3, minutes: -2 is below 0"),
    ("obs.csv", "task_id,minutes\nblodprve,5\n",
     "row 2, task_id: unknown task id 'blodprve'; did you mean 'blodprove'?"),
    ("obs.csv", "task_id,minutes\nstell,fem\n", "row 2, minutes: 'fem' is not a number"),
    ("obs.csv", "task_id,minutes,interrupted\nstell,5,maybe\n", "row 2, interrupted:"),
    ("obs.csv", "task_id,minutes,group\nstell,5,lege\n", "row 2, group: 'lege' is not a staff"),
    ("obs.csv", "task_id,minutes\n", "holds no rows"),
    ("obs.csv", "", "holds no rows"),
    ("obs.csv", "task_id,minutes\nstell,5,7\n", "cannot be read as csv: Error tokenizing"),
    ("obs.xlsx", "not a workbook", "not an Excel workbook (.xlsx): a text file"),
    ("obs.txt", "task_id,minutes\nstell,5\n", "must be a .csv or .xlsx file"),
]


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("wardsim: error:"), err
    return lines[0]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_OBSERVATIONS)
def test_a_bad_observation_file_is_one_line_exit_2_and_no_folder(
        ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str,
        expected: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "cal"
    assert main(["calibrate", "durations", str(path), "--scenario", str(ward),
                 "--out", str(out)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert f"{path}: " in line and expected in line, line
    assert not out.exists() and not (tmp_path / ".cal.partial").exists()


BAD_EVENTS = [
    ("task_id,day,clock\nstell,0,07:30\nstell,5,08:00\n", "day,patients\n0,10\n1,10\n",
     "ev.csv: row 3, day: 5 is not in the census"),
    ("task_id,day,clock\nstell,0,25:00\n", "day,patients\n0,10\n", "ev.csv: row 2, clock:"),
    ("task_id,when\nstell,0\n", "day,patients\n0,10\n", "ev.csv: has no time of the events"),
    ("task_id,day,clock\nstell,0,07:30\n", "day,beds\n0,10\n", "census.csv: column patients"),
    ("task_id,day,clock\nstell,0,07:30\n", "day,patients\n0,10\n0,9\n",
     "census.csv: row 3, day: 0 is given twice"),
    ("task_id,time\nstell,2024-03-04T07:30\n", "day,patients\n0,10\n", "as dates and the census"),
]


@pytest.mark.parametrize(("events", "census", "expected"), BAD_EVENTS)
def test_bad_event_or_census_files_are_one_line_exit_2_and_no_folder(
        ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], events: str, census: str,
        expected: str) -> None:
    (tmp_path / "ev.csv").write_text(events, encoding="utf-8")
    (tmp_path / "census.csv").write_text(census, encoding="utf-8")
    out = tmp_path / "cal"
    assert main(["calibrate", "arrivals", str(tmp_path / "ev.csv"), "--census",
                 str(tmp_path / "census.csv"), "--scenario", str(ward), "--out", str(out)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert expected in line, line
    assert not out.exists() and not (tmp_path / ".cal.partial").exists()


def test_a_missing_file_and_an_existing_folder_are_refused(
        ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calibrate", "durations", str(tmp_path / "none.csv"), "--scenario", str(ward),
                 "--out", str(tmp_path / "a")]) == 2
    assert "none.csv: file not found" in _one_error_line(capsys.readouterr().err)
    (tmp_path / "b").mkdir()
    obs = tmp_path / "obs.csv"
    obs.write_text("task_id,minutes\nstell,5\n", encoding="utf-8")
    assert main(["calibrate", "durations", str(obs), "--scenario", str(ward),
                 "--out", str(tmp_path / "b")]) == 2
    assert "already exists" in _one_error_line(capsys.readouterr().err)
