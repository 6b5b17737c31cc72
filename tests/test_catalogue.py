"""Task arrivals: counts per interval against the rates, clock times, call bells.

* Rate tasks (``when``): the expected count per clock hour and day type is worked out here
  minute by minute from the scenario's numbers (an interval's count spread evenly over its
  minutes, ``22-07`` as the two pieces 00:00-07:00 and 22:00-24:00 of the *same* calendar
  day, ``weekday_daytime`` on weekdays only, a per-day-type value falling back weekend ->
  weekday and holiday -> weekend, times the patients present that day), and compared with
  the counts from :func:`sim.catalogue.open_arrivals` over many days by a Pearson
  chi-square test; the day-to-day counts in one cell must be Poisson (dispersion test).
* Clock-time tasks (``at``): exactly at their times, once per patient present (or once per
  ward), only on their day types; with ``jitter`` in ``[t, t + jitter)`` and uniform there.
* Call bells (``repeat: after_done``), from the engine's log: a bed never has two open
  requests, rings only while occupied, and the hazard accrued between one request being
  done and the next arriving is Exp(1) (time-rescaling theorem), so the time-varying
  per-patient rate is honoured.

Seeds are fixed; the statistical tests also pass with five other seeds each.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.calendar import MINUTES_PER_DAY
from sim.catalogue import clock_times, open_arrivals, poisson_times, rate_windows
from sim.engine import simulate
from sim.engine.eventlog import MISSED, WAITING, EventLog
from sim.inputs import draw_inputs
from sim.io.scenario import from_dict
from sim.model import WardModel, build_model
from sim.rng import Streams

GROUP = "sykepleier"
#: Rates per patient and interval occurrence; one value per day type where it differs.
WHEN: dict[str, Any] = {
    "22-07": 0.3,
    "anytime": 0.5,
    "weekday_daytime": 0.4,  # calendar default 08:00-15:00, weekdays only
    "07-09": {"weekday": 2.0, "weekend": 0.5},  # holiday falls back to weekend
    "15-18": {"weekday": 0.2, "weekend": 0.6, "holiday": 1.0},
}
#: Clock pieces (minutes of the day) of each `when` key, written out by hand.
PIECES: dict[str, list[tuple[int, int]]] = {
    "22-07": [(0, 420), (1320, 1440)],
    "anytime": [(0, 1440)],
    "weekday_daytime": [(480, 900)],
    "07-09": [(420, 540)],
    "15-18": [(900, 1080)],
}
INTERVAL_OF_HOUR = (
    ["22-07"] * 7
    + ["07-09"] * 2
    + ["09-12"] * 3
    + ["12-15"] * 3
    + ["15-18"] * 3
    + ["18-22"] * 4
    + ["22-07"] * 2
)
HOLIDAYS = list(range(2, 364, 18))  # 21 holidays, some on weekends
OCCUPANCY = {"weekday": 0.9, "weekend": 0.6}  # 9 and 6 of 10 beds; holiday as weekend


def ward(
    tasks: list[dict[str, Any]],
    days: int,
    roster: int = 2,
    beds: int = 10,
    occupancy: Any = None,
    holidays: list[int] | None = None,
) -> WardModel:
    """Build a one-group ward that starts on a Monday, staffed around the clock."""
    raw: dict[str, Any] = {
        "name": "catalogue",
        "ward": {"beds": beds, "occupancy": OCCUPANCY if occupancy is None else occupancy},
        "calendar": {"days": days, "start": "monday", "holidays": holidays or []},
        "groups": [{"id": GROUP}],
        "roster": {GROUP: roster},
        "durations": {"distribution": "exponential"},
        "tasks": tasks,
    }
    return build_model(from_dict(raw))


def task(tid: str = "oppgave", **spec: Any) -> dict[str, Any]:
    """Return a per-patient task of the one group."""
    return {
        "id": tid,
        "category": "pasientbehandling",
        "group": GROUP,
        "per": "patient",
        "minutes": 10,
        **spec,
    }


def rate_of(value: Any, day_type: str) -> float:
    """Return a `when` value on a day type, with the documented fallbacks."""
    if not isinstance(value, dict):
        return float(value)
    weekend = value.get("weekend", value["weekday"])
    return float(
        {"weekday": value["weekday"], "weekend": weekend, "holiday": value.get("holiday", weekend)}[
            day_type
        ]
    )


def expected_per_minute(day_type: str, patients: int) -> np.ndarray:
    """Return expected arrivals per minute of a ``day_type`` day with ``patients`` present."""
    rate = np.zeros(MINUTES_PER_DAY)
    for key, value in WHEN.items():
        if key == "weekday_daytime" and day_type != "weekday":
            continue
        pieces = PIECES[key]
        length = sum(b - a for a, b in pieces)
        for a, b in pieces:
            rate[a:b] += rate_of(value, day_type) / length
    return rate * patients


def day_type_of(day: int, holidays: list[int] = HOLIDAYS) -> str:
    """Return the day type of a day of a calendar that starts on a Monday."""
    return "holiday" if day in holidays else ("weekend" if day % 7 >= 5 else "weekday")


# -- rate tasks -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rate_arrivals() -> tuple[WardModel, np.ndarray]:
    """364 days of arrivals of the :data:`WHEN` task."""
    model = ward([task(when=WHEN)], days=364, holidays=HOLIDAYS)
    times, durations = open_arrivals(
        model.tasks[0], model.calendar, list(model.patients), Streams(20240, 0)
    )
    assert times.size == durations.size
    return model, times


def observed_and_expected(model: WardModel, times: np.ndarray) -> pd.DataFrame:
    """Observed and expected arrivals per (day type, clock hour) over the whole horizon."""
    day = (times // MINUTES_PER_DAY).astype(int)
    hour = ((times % MINUTES_PER_DAY) // 60).astype(int)
    observed = pd.DataFrame({"day_type": [day_type_of(d) for d in day], "hour": hour})
    observed = observed.value_counts().rename("observed")
    rows = []
    for d in range(model.calendar.days):
        per_hour = (
            expected_per_minute(day_type_of(d), model.patients[d]).reshape(24, 60).sum(axis=1)
        )
        rows += [(day_type_of(d), h, per_hour[h]) for h in range(24)]
    expected = pd.DataFrame(rows, columns=["day_type", "hour", "expected"])
    expected = expected.groupby(["day_type", "hour"])["expected"].sum()
    table = pd.concat([expected, observed], axis=1).fillna(0.0).reset_index()
    table["interval"] = [INTERVAL_OF_HOUR[h] for h in table["hour"]]
    return table


def pearson(observed: np.ndarray, expected: np.ndarray) -> float:
    """Return the p-value of Pearson's statistic for independent Poisson cells (df = cells)."""
    statistic = float(((observed - expected) ** 2 / expected).sum())
    return float(stats.chi2.sf(statistic, df=observed.size))


def test_model_matches_the_written_out_calendar(
    rate_arrivals: tuple[WardModel, np.ndarray],
) -> None:
    """The test's own day types and census are the model's (so the expectations are sound)."""
    model, _ = rate_arrivals
    assert model.calendar.day_types() == [day_type_of(d) for d in range(model.calendar.days)]
    assert list(model.patients) == [
        9 if day_type_of(d) == "weekday" else 6 for d in range(model.calendar.days)
    ]


def test_counts_per_hour_and_day_type_match_the_rates(
    rate_arrivals: tuple[WardModel, np.ndarray],
) -> None:
    """48 cells (weekday and weekend x 24 clock hours): chi-square of observed vs expected counts.

    (Holidays are too few for hourly cells; they are checked per interval below.)
    """
    model, times = rate_arrivals
    table = observed_and_expected(model, times)
    assert len(table) == 72 and table["observed"].sum() == times.size
    table = table[table["day_type"] != "holiday"]
    assert (table["expected"] > 5).all()
    p = pearson(table["observed"].to_numpy(), table["expected"].to_numpy())
    assert p > 0.01, table.assign(
        z=(table["observed"] - table["expected"]) / np.sqrt(table["expected"])
    )


def test_counts_per_interval_and_day_type_match_the_rates(
    rate_arrivals: tuple[WardModel, np.ndarray],
) -> None:
    """Per (interval, day type): each count within its 99.9% Poisson range; chi-square overall."""
    model, times = rate_arrivals
    table = (
        observed_and_expected(model, times)
        .groupby(["interval", "day_type"])[["observed", "expected"]]
        .sum()
    )
    low, high = stats.poisson.interval(0.999, table["expected"])
    inside = (table["observed"] >= low) & (table["observed"] <= high)
    assert inside.all(), table[~inside]
    assert pearson(table["observed"].to_numpy(), table["expected"].to_numpy()) > 0.01
    # the wrapped interval gets its 0.3 per patient-night plus the anytime share, on every day type
    night = table.loc[("22-07", "weekend")]
    weekend_patient_days = sum(
        model.patients[d] for d in range(model.calendar.days) if day_type_of(d) == "weekend"
    )
    assert night["expected"] == pytest.approx(weekend_patient_days * (0.3 + 0.5 * 9 / 24))


def test_daily_counts_are_poisson(rate_arrivals: tuple[WardModel, np.ndarray]) -> None:
    """Weekday 07-09 counts day by day: mean 9 x (2 + 0.5/12), variance equal to the mean."""
    model, times = rate_arrivals
    weekdays = [d for d in range(model.calendar.days) if day_type_of(d) == "weekday"]
    minute = times % MINUTES_PER_DAY
    in_cell = times[(minute >= 420) & (minute < 540)]
    counts = np.bincount((in_cell // MINUTES_PER_DAY).astype(int), minlength=model.calendar.days)[
        weekdays
    ]
    mean = 9 * (2.0 + 0.5 * 120 / 1440)
    assert stats.ttest_1samp(counts, mean).pvalue > 0.01
    dispersion = ((counts - counts.mean()) ** 2).sum() / counts.mean()
    p = stats.chi2.cdf(dispersion, counts.size - 1)
    assert 0.005 < p < 0.995, f"index of dispersion {dispersion / (counts.size - 1):.3f}"


def test_a_wrapping_interval_is_two_pieces_of_its_own_calendar_day() -> None:
    """``22-07`` with weekend-only rates: Saturday and Sunday 00-07 and 22-24, split 7 : 2.

    Friday 22-24 and Monday 00-07 get nothing: a minute belongs to its calendar day.
    """
    model = ward([task(per="ward", when={"22-07": {"weekday": 0.0, "weekend": 9.0}})], days=7 * 52)
    starts, ends, means = rate_windows(model.tasks[0], model.calendar, list(model.patients))
    first_week = starts < 7 * MINUTES_PER_DAY
    sat, sun = 5 * MINUTES_PER_DAY, 6 * MINUTES_PER_DAY
    np.testing.assert_array_equal(starts[first_week], [sat, sat + 1320, sun, sun + 1320])
    np.testing.assert_array_equal(ends[first_week], [sat + 420, sun, sun + 420, sun + 1440])
    np.testing.assert_allclose(means[first_week], [7.0, 2.0, 7.0, 2.0])
    times = poisson_times(
        model.tasks[0], model.calendar, list(model.patients), np.random.default_rng(12)
    )
    day, minute = times // MINUTES_PER_DAY % 7, times % MINUTES_PER_DAY
    assert np.isin(day, [5, 6]).all()
    early = minute < 420
    assert (early | (minute >= 1320)).all()
    assert stats.binomtest(int(early.sum()), times.size, 7 / 9).pvalue > 0.01
    low, high = stats.poisson.interval(0.999, 52 * 18)
    assert low <= times.size <= high


def test_arrival_scale_multiplies_every_rate() -> None:
    """``poisson_times(..., scale=2)`` doubles the expected count (per-ward task: no census)."""
    model = ward([task(per="ward", when={"07-09": 3.0, "anytime": 1.0})], days=364)
    times = poisson_times(
        model.tasks[0], model.calendar, list(model.patients), np.random.default_rng(4), scale=2.0
    )
    expected = 364 * 2.0 * 4.0
    low, high = stats.poisson.interval(0.999, expected)
    assert low <= times.size <= high
    assert np.all(np.diff(times) >= 0) and times.min() >= 0 and times.max() < model.calendar.horizon


# -- clock-time tasks -----------------------------------------------------------------------------
AT = ["00:00", "08:00", "14:30", "20:00"]
AT_MINUTES = [0, 480, 870, 1200]


def test_clock_times_are_exact_once_per_patient_on_their_day_types() -> None:
    """No jitter: every weekday (not holidays), each time once per patient present."""
    model = ward([task(at=AT, day_types=["weekday"])], days=21, holidays=[3])
    times, _ = open_arrivals(model.tasks[0], model.calendar, list(model.patients), Streams(1, 0))
    expected = [
        d * MINUTES_PER_DAY + m
        for d in range(21)
        if day_type_of(d, holidays=[3]) == "weekday"
        for m in AT_MINUTES
        for _ in range(model.patients[d])
    ]
    np.testing.assert_array_equal(times, np.array(sorted(expected), dtype=float))
    assert model.patients[0] == 9 and times.size == 14 * 4 * 9


def test_clock_times_per_ward_on_weekends_and_holidays() -> None:
    """A per-ward task on weekend and holiday days: once per day per time, not per patient."""
    model = ward(
        [task(per="ward", at=["09:00", "21:00"], day_types=["weekend", "holiday"])],
        days=14,
        holidays=[3],
    )
    times = clock_times(
        model.tasks[0], model.calendar, list(model.patients), np.random.default_rng(0)
    )
    days = [3, 5, 6, 12, 13]
    np.testing.assert_array_equal(
        times, [d * MINUTES_PER_DAY + m for d in days for m in (540, 1260)]
    )


def test_jitter_stays_within_its_window_and_is_uniform() -> None:
    """With ``jitter: 20`` each arrival lies in [t, t + 20) of its own time, uniformly."""
    model = ward([task(at=AT, jitter=20, day_types=["weekday", "weekend"])], days=60)
    times, _ = open_arrivals(model.tasks[0], model.calendar, list(model.patients), Streams(31, 2))
    minute = times % MINUTES_PER_DAY
    slot = np.searchsorted(AT_MINUTES, minute, side="right") - 1
    offset = minute - np.array(AT_MINUTES)[slot]
    assert ((offset >= 0) & (offset < 20)).all()
    # once per patient and time each day: the counts per (day, slot) are the census
    counts = (
        pd.Series(1, index=pd.MultiIndex.from_arrays([times // MINUTES_PER_DAY, slot]))
        .groupby(level=[0, 1])
        .sum()
    )
    census = [model.patients[int(d)] for d, _ in counts.index]
    assert len(counts) == 60 * len(AT) and (counts.to_numpy() == census).all()
    assert stats.kstest(offset / 20, "uniform").pvalue > 0.01
    assert offset.std() > 5  # not all at the start of the window


# -- call bells -----------------------------------------------------------------------------------
BELL_WHEN = {"anytime": 12.0, "07-09": 1.0, "22-07": {"weekday": 0.5, "weekend": 2.0}}


def bell_log(
    days: int, staff: int, seed: int, occupancy: Any, **extra: Any
) -> tuple[WardModel, EventLog]:
    """Six beds, one call bell per patient, ``staff`` nurses around the clock."""
    model = ward(
        [task("ringeklokke", repeat="after_done", when=BELL_WHEN, minutes=25, **extra)],
        days=days,
        roster=staff,
        beds=6,
        occupancy=occupancy,
    )
    return model, simulate(model, draw_inputs(model, Streams(seed, 0)))


def requests(log: EventLog) -> pd.DataFrame:
    """Every request (started or not) with its bed, arrival, and when it stopped being open."""
    rows = [(r[2], r[3], r[5], "done") for r in log.started]
    rows += [
        (r[2], r[3], r[5] if r[4] == MISSED else np.inf, "missed" if r[4] == MISSED else "waiting")
        for r in log.unstarted
    ]
    frame = pd.DataFrame(rows, columns=["bed", "arrival", "closed", "status"])
    return frame.sort_values(["bed", "arrival"], kind="stable").reset_index(drop=True)


def test_a_bed_never_has_two_open_requests_and_empty_beds_are_silent() -> None:
    """One nurse for six beds (long waits): the next request of a bed comes after the last ended."""
    model, log = bell_log(28, 1, 5, {"weekday": 1.0, "weekend": 0.5})
    frame = requests(log)
    waits = np.array([r[4] - r[3] for r in log.started])
    assert np.mean(waits > 25) > 0.3, "too little queueing for the test to mean anything"
    assert set(frame["bed"]) == set(range(6))
    for bed, g in frame.groupby("bed"):
        assert (g["arrival"].to_numpy()[1:] >= g["closed"].to_numpy()[:-1]).all(), (
            f"bed {bed} rang while open"
        )
        assert (g["status"].iloc[:-1] == "done").all()
    # beds 3-5 are empty on weekends (census 3): none of them rings on a weekend day
    day = (frame["arrival"] // MINUTES_PER_DAY).astype(int)
    weekend = day % 7 >= 5
    assert not ((frame["bed"] >= 3) & weekend).any()
    assert ((frame["bed"] < 3) & weekend).sum() > 50 and (
        (frame["bed"] >= 3) & ~weekend
    ).sum() > 200
    assert {r[4] for r in log.unstarted} <= {WAITING}


def test_call_bell_hazard_between_requests_is_exponential() -> None:
    """Time rescaling: the rate integrated from 'done' to the next request is Exp(1)."""
    model, log = bell_log(40, 6, 9, {"weekday": 1.0, "weekend": 0.5})
    per_minute = {dt: expected_per_minute_bell(dt) for dt in ("weekday", "weekend")}
    frame = requests(log)
    gaps = []
    for bed, g in frame.groupby("bed"):
        rate = np.concatenate(
            [
                per_minute[day_type_of(d, holidays=[])] * (bed < model.patients[d])
                for d in range(model.calendar.days)
            ]
        )
        cumulative = np.concatenate(([0.0], np.cumsum(rate)))
        hazard = np.interp(g["arrival"].to_numpy(), np.arange(cumulative.size), cumulative)
        after = np.interp(
            np.concatenate(([0.0], g["closed"].to_numpy()[:-1])),
            np.arange(cumulative.size),
            cumulative,
        )
        gaps.append(hazard - after)
    gaps = np.concatenate(gaps)
    assert gaps.size > 2000 and (gaps > 0).all()
    assert stats.kstest(gaps, "expon").pvalue > 0.01
    assert gaps.mean() == pytest.approx(1.0, abs=4 / np.sqrt(gaps.size))


def expected_per_minute_bell(day_type: str) -> np.ndarray:
    """Per-patient call-bell rate in each minute of a day of ``day_type`` (:data:`BELL_WHEN`)."""
    rate = np.full(MINUTES_PER_DAY, BELL_WHEN["anytime"] / MINUTES_PER_DAY)
    rate[420:540] += 1.0 / 120
    night = rate_of(BELL_WHEN["22-07"], day_type) / 540
    rate[:420] += night
    rate[1320:] += night
    return rate


def test_a_missed_call_bell_does_not_silence_the_patient() -> None:
    """With ``drop_after``, a request not reached in time is missed; the patient rings again later.

    The finite-source rule is "at most one *open* request per patient"; a missed request is
    closed, so the next one is drawn from the moment it was missed.
    """
    model, log = bell_log(7, 1, 1, 1.0, drop_after=15)
    frame = requests(log)
    missed = frame[frame["status"] == "missed"]
    assert len(missed) > 0
    horizon = model.calendar.horizon
    for bed, g in frame.groupby("bed"):
        assert (g["arrival"].to_numpy()[1:] >= g["closed"].to_numpy()[:-1]).all()
        first_miss = g.loc[g["status"] == "missed", "closed"].min()
        if first_miss < horizon - MINUTES_PER_DAY:
            assert (g["arrival"] > first_miss).any(), (
                f"bed {bed} never rang again after a miss at {first_miss:.0f}"
            )
