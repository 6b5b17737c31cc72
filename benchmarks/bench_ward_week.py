"""Engine speed: one replication of the example ward week against a bare SimPy model (issue 2).

Times one replication of ``scenarios/hnt_medisin_baseline.yaml`` over ``--days`` days
(default 7) in two ways and prints tasks per second for both and their ratio:

(a) wardsim: :func:`sim.inputs.draw_inputs` then :func:`sim.engine.simulate` (engine
    only: draws the absences, arrivals and call-bell streams, runs the SimPy model on
    them, returns the event log), shown also as its two parts – ``simulate`` alone on
    inputs drawn once is an optimiser's inner loop, one draw serving every roster – and,
    separately, the full :func:`sim.experiment.run_one` (the engine plus tidy task/staff
    frames and KPIs);
(b) bare SimPy: the same arrivals – the same arrival times, task groups and inherent
    durations, drawn from the same :class:`~sim.rng.Streams` by the code
    :func:`~sim.inputs.draw_inputs` uses (``open_uniforms``, ``from_uniform_many``) – fed
    to one ``simpy.Resource`` per staff group whose capacity is the group's mean head count
    on duty over the horizon (rounded, at least 1), one
    process per task (request, timeout(duration), release), no priorities, no shifts, no
    gliding, no two-person crews, no metrics. Its time includes drawing the arrivals
    (as wardsim's first row does); the SimPy run alone is shown as well.

Call bells (``repeat: after_done``, the finite-source ``ta_klokke``) cannot be drawn
up front; by default the bare model gets an open Poisson stream with the same mean rate
per interval (:func:`sim.catalogue.poisson_times`) while wardsim runs the real call bells;
``--no-call-bells`` leaves them out of both instead. Tasks per second counts every task
that arrived in the run (done, waiting at the end or missed).

Each way is run ``--repeat`` times (default 5); the ways take turns within each round. The
table gives the best wall and CPU time (``time.process_time``) of each, as ``timeit``
does, tasks per CPU second, the ratio to the bare model from the best times, and the
median over rounds of the ratio within a round (steadier on a busy machine). Before timing,
the modules and the model are frozen out of the garbage collector (``gc.freeze()``), as the
``wardsim`` command does (``--no-freeze``: not). No assertion
is made on timings. Issue 10's targets: the engine (the first row) at most 1.0x the bare
model, a whole replication with KPIs and no per-task rows at most 1.3x (the run_one row
is the nearest: it builds the per-task frame too); benchmarks/README.md gives the figures
reached and where the time goes. ``--profile`` prints ``cProfile``'s top 15 entries by
cumulative and by own time over one ``draw_inputs`` + ``simulate`` and one ``run_one``.

Usage::

    python benchmarks/bench_ward_week.py [--days 7] [--repeat 5] [--seed 1] [--no-call-bells]
                                         [--no-freeze] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy

from sim.catalogue import open_uniforms, poisson_times
from sim.distributions import from_uniform_many
from sim.engine import simulate
from sim.experiment import run_one
from sim.inputs import draw_absence, draw_inputs
from sim.io.scenario import load
from sim.io.schema import Scenario
from sim.model import WardModel, build_model
from sim.rng import Streams

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "hnt_medisin_baseline.yaml"


def without_call_bells(scenario: Scenario) -> Scenario:
    """Return the same scenario without its ``repeat: after_done`` tasks (a new object)."""
    tasks = tuple(t for t in scenario.tasks if t.repeat != "after_done")
    return scenario.model_copy(update={"tasks": tasks})


def draw_arrivals(model: WardModel, streams: Streams) -> tuple[list[float], list[int], list[float]]:
    """Arrival times, group indices and inherent durations of every task, sorted by time.

    Open tasks come from :func:`open_uniforms` with their durations made as
    :func:`~sim.inputs.draw_inputs` makes them (exactly what the engine draws, by the same
    code); call-bell tasks from an open Poisson process with the same mean rate, and
    durations from the task's own duration stream.
    """
    patients = list(model.patients)
    times, groups, uniforms = [], [], []
    for task in model.tasks:
        if task.after_done:
            t = poisson_times(task, model.calendar, patients,
                              streams.generator("bare_call_bell", task.id), model.arrival_scale)
            u = streams.generator("durations", task.id).random(t.size)
        else:
            t, u = open_uniforms(task, model.calendar, patients, streams, model.arrival_scale)
        times.append(t)
        uniforms.append(u)
        groups.append(np.full(t.size, task.group))
    # every task's durations in one scipy call per family, as draw_inputs makes them
    durations = from_uniform_many([task.duration for task in model.tasks], uniforms)
    t, g, d = np.concatenate(times), np.concatenate(groups), np.concatenate(durations)
    order = np.argsort(t, kind="stable")
    return t[order].tolist(), g[order].tolist(), d[order].tolist()


def capacities(model: WardModel, streams: Streams) -> list[int]:
    """Per group: mean head count on duty over the horizon (absences drawn), rounded, >= 1."""
    horizon = model.calendar.horizon
    minutes = [0.0] * len(model.group_ids)
    absence = draw_absence(model.staffing, model.calendar, streams)
    for duty in model.staffing.duties(model.calendar, absence):
        if not duty.absent:
            minutes[duty.group] += min(duty.end, horizon) - duty.start
    return [max(1, round(m / horizon)) for m in minutes]


def bare_simpy(times: list[float], groups: list[int], durations: list[float],
               capacity: list[int], horizon: float) -> int:
    """Run the bare model; return the number of tasks that arrived."""
    env = simpy.Environment()
    resources = [simpy.Resource(env, capacity=c) for c in capacity]

    def task(resource: simpy.Resource, duration: float):
        with resource.request() as request:
            yield request
            yield env.timeout(duration)

    def source():
        for t, g, d in zip(times, groups, durations, strict=True):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(task(resources[g], d))

    env.process(source())
    env.run(until=horizon)
    return len(times)


def timings(repeat: int,
            ways: list[Callable[[], int]]) -> list[tuple[list[float], list[float], int]]:
    """Wall and CPU seconds of each way in each of ``repeat`` rounds, and its task count.

    The ways take turns within each round, so load from other processes falls on all of
    them alike; CPU time (``time.process_time``) leaves out time spent waiting for a core.
    """
    out: list[tuple[list[float], list[float], int]] = [([], [], 0) for _ in ways]
    for _ in range(repeat):
        for i, fn in enumerate(ways):
            wall, cpu = time.perf_counter(), time.process_time()
            n = fn()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            out[i][0].append(wall)
            out[i][1].append(cpu)
            out[i] = (out[i][0], out[i][1], n)
    return out


def profile(model: WardModel, seed: int, top: int = 15) -> None:
    """Print the top entries of one simulate and one run_one, by cumulative and own time."""
    def engine() -> object:
        return simulate(model, draw_inputs(model, Streams(seed, 0)))

    for label, call in (("draw_inputs + sim.engine.simulate", engine),
                        ("sim.experiment.run_one", lambda: run_one(model, seed, 0))):
        profiler = cProfile.Profile()
        profiler.runcall(call)
        for order in ("cumulative", "tottime"):
            print(f"\ncProfile of one {label}: top {top} by {order} time")
            pstats.Stats(profiler).strip_dirs().sort_stats(order).print_stats(top)


def main(argv: list[str] | None = None) -> int:
    """Time both models and print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7, help="days simulated (default 7)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per way; best kept (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="default 1")
    parser.add_argument("--no-call-bells", action="store_true",
                        help="leave the call-bell tasks out of both models")
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave out gc.freeze(), which the wardsim command calls after its "
                             "imports (both models run under the same setting either way)")
    parser.add_argument("--profile", action="store_true",
                        help="also print cProfile's top 15 for simulate and run_one")
    parser.add_argument("--scenario", default=str(SCENARIO), help="default: the example baseline")
    args = parser.parse_args(argv)

    scenario = load(args.scenario)
    if args.no_call_bells:
        scenario = without_call_bells(scenario)
    model = build_model(scenario, source=args.scenario, days=args.days)
    horizon = model.calendar.horizon

    def streams() -> Streams:
        return Streams(args.seed, 0)

    def engine() -> int:
        log = simulate(model, draw_inputs(model, streams()))
        return len(log.started) + len(log.unstarted)

    inputs = draw_inputs(model, streams())
    first = simulate(model, inputs)  # the call bells' blocks are drawn once, on first use
    n_tasks = len(first.started) + len(first.unstarted)

    def engine_run() -> int:
        log = simulate(model, inputs)
        return len(log.started) + len(log.unstarted)

    def engine_draw() -> int:
        draw_inputs(model, streams())
        return n_tasks  # its share of the time per task of the whole run

    def full() -> int:
        return len(run_one(model, args.seed, 0).tasks)

    def no_detail() -> int:  # issue 10's target row: KPIs, no per-task rows
        run_one(model, args.seed, 0, detail=False)
        return n_tasks

    capacity = capacities(model, streams())
    drawn = draw_arrivals(model, streams())

    def bare() -> int:
        return bare_simpy(*draw_arrivals(model, streams()), capacity, horizon)

    def bare_run() -> int:
        return bare_simpy(*drawn, capacity, horizon)

    def draw_only() -> int:
        return len(draw_arrivals(model, streams())[0])

    if not args.no_freeze:  # as the wardsim command does once its modules are loaded
        gc.freeze()
    load_before = os.getloadavg()[0]
    labels = ["wardsim draw_inputs + simulate", "  of which simulate on drawn inputs",
              "  of which draw_inputs", "wardsim run_one (+ frames, KPIs)",
              "wardsim run_one, detail=False",
              "bare SimPy (draw + run)", "  of which SimPy run only", "  of which drawing arrivals"]
    rows = timings(args.repeat, [engine, engine_run, engine_draw, full, no_detail, bare, bare_run,
                                  draw_only])
    bells = "left out of both" if args.no_call_bells else \
        "wardsim: finite-source call bells; bare: Poisson with the same mean rate"
    print(f"{Path(args.scenario).name}: {args.days} days, seed {args.seed}, best of "
          f"{args.repeat} rounds; call bells {bells}")
    print(f"bare SimPy capacity per group (mean head count on duty): "
          f"{dict(zip(model.group_ids, capacity, strict=True))}")
    print(f"{os.cpu_count()} cores, 1-min load average before start {load_before:.2f}\n")
    bare_cpus, bare_n = rows[5][1], rows[5][2]
    bare_rate = bare_n / min(bare_cpus)
    print(f"{'':34} {'tasks':>6} {'wall s':>8} {'CPU s':>8} {'tasks/CPU s':>12} {'ratio':>6} "
          f"{'median':>7}")
    for label, (walls, cpus, n) in zip(labels, rows, strict=True):
        rate = n / min(cpus)
        per_round = [(c / n) / (b / bare_n) for c, b in zip(cpus, bare_cpus, strict=True)]
        print(f"{label:34} {n:>6} {min(walls):>8.4f} {min(cpus):>8.4f} {rate:>12.0f} "
              f"{bare_rate / rate:>6.2f} {statistics.median(per_round):>7.2f}")
    print("\nratio = bare tasks per CPU second / this row's, from the best times (time per task "
          "relative to\nthe bare model); median = the same ratio within each round, median over "
          "rounds")
    if args.profile:
        profile(model, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
