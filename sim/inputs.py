"""A replication's random inputs, drawn in one step before the engine runs.

:func:`draw_inputs` takes ``Streams(seed, replication)`` and the model's calendar, census
and task catalogue, and draws everything random the engine will use:

* per open task (not ``repeat: after_done``), its arrival times and one duration uniform
  per instance (:func:`sim.catalogue.open_uniforms`), turned into the placed group's
  duration and those of the groups with a time of their own (``group_columns``);
* per group with an absence rate and per shift of the model, a table of absence uniforms,
  one row per day and at least 64 columns, and beside it a table of the same shape that
  picks who covers each absence (:func:`draw_absence`);
* per call-bell task and bed ever occupied, a :class:`~sim.catalogue.CallBell`: when a
  patient rings next depends on when the last call was done, so its exponentials and
  uniforms come from the bed's own generator in blocks, drawn on demand and kept – the
  same numbers for request k whatever the run.

Each source has its own named stream (:mod:`sim.rng`), so the numbers are those the engine
drew itself before this step existed. The roster is not needed, except for how wide the
absence tables are: one :class:`Inputs` serves every roster with head counts up to
``max_heads`` on the same task list, calendar and census (common random numbers for an
optimiser), and :func:`sim.engine.simulate` only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calendar import Calendar
from sim.catalogue import CallBell, Columns, TaskType, call_bells, group_columns, open_uniforms
from sim.distributions import from_uniform_many
from sim.model import WardModel
from sim.rng import Streams
from sim.staff import AbsenceDraws, Staffing

#: Absence uniforms drawn per day and shift; positions beyond this get more columns.
ABSENCE_BLOCK = 64


@dataclass(frozen=True, eq=False)
class TaskDraws:
    """One open task's instances: arrival times, duration uniforms and durations.

    ``durations`` are the placed group's; ``columns`` the durations of every group with a
    time of its own (:func:`~sim.catalogue.group_columns`, None if none has one).
    """

    task: int
    times: np.ndarray
    uniforms: np.ndarray
    durations: np.ndarray
    columns: Columns | None


@dataclass(frozen=True, eq=False)
class Arrivals:
    """Every open task's instances in arrival order (time, then task index).

    Plain tuples, as the engine lets them arrive, read without conversion on every run.

    ``draws[i]`` is instance i's index among its task's instances (into the task's
    ``columns``); None if no task has per-group times. ``columns`` maps a task index
    with per-group times to its columns.
    """

    times: tuple[float, ...]
    kinds: tuple[int, ...]
    durations: tuple[float, ...]
    draws: tuple[int, ...] | None
    columns: dict[int, Columns] | None


@dataclass(frozen=True, eq=False)
class Inputs:
    """A replication's random inputs (see the module docstring); never changed by a run.

    ``tasks``, ``calendar`` and ``patients`` are those of the model they were drawn for:
    :meth:`check` tells whether another model may use them. ``bells`` are (task index,
    bed, bell) in task, then bed order. Every array is read-only.
    """

    seed: int
    replication: int
    tasks: tuple[TaskType, ...]
    calendar: Calendar
    patients: tuple[int, ...]
    arrival_scale: float
    open_tasks: tuple[TaskDraws, ...]
    arrivals: Arrivals
    absence: AbsenceDraws
    bells: tuple[tuple[int, int, CallBell], ...]

    def check(self, model: WardModel) -> None:
        """Raise ValueError unless ``model`` has the task list, calendar and census of these.

        Its roster and dispatch policy may differ.
        """
        if (model.tasks != self.tasks or model.calendar != self.calendar
                or model.patients != self.patients or model.arrival_scale != self.arrival_scale):
            raise ValueError(f"these inputs were drawn for another task list, calendar or census "
                             f"than {model.name!r}'s: draw them for this model")


def draw_absence(staffing: Staffing, calendar: Calendar, streams: Streams,
                 max_heads: int | None = None) -> AbsenceDraws:
    """Absence and cover uniforms per (group index, shift name), for groups with absence.

    Every shift of the staffing gets a table, rostered or not, from the stream
    ``("absence", group id, shift)``: ``days + 1`` rows (day -1 first, for the night that
    ends on day 0) of ``max(64, heads)`` uniforms, ``heads`` being ``max_heads`` or else
    the roster's largest head count of that group on that shift. The block is drawn in
    one call, row by row, so a roster of up to 64 gets the same table whatever its heads.
    The cover table of the same shape comes from ``("absence_cover", group id, shift)``
    (:func:`sim.staff.cover_source`), drawn whatever the cover shares, so that one draw
    serves scenarios that differ in them; the absence tables are those drawn without it.
    """
    rostered = {(g, s): max(per_type) for g, s, per_type in staffing.counts}
    tables: dict[tuple[int, str], np.ndarray] = {}
    cover: dict[tuple[int, str], np.ndarray] = {}
    for group, group_id in enumerate(staffing.group_ids):
        if staffing.absence[group] <= 0:
            continue
        for shift in staffing.shifts:
            heads = rostered.get((group, shift.name), 0) if max_heads is None else max_heads
            shape = (calendar.days + 1, max(ABSENCE_BLOCK, heads))
            for name, into in (("absence", tables), ("absence_cover", cover)):
                table = streams.generator(name, group_id, shift.name).random(shape)
                table.flags.writeable = False
                into[(group, shift.name)] = table
    return AbsenceDraws(tables, cover)


def draw_inputs(model: WardModel, streams: Streams, max_heads: int | None = None) -> Inputs:
    """Draw one replication's random inputs for ``model``.

    ``max_heads`` widens the absence tables for rosters of more than 64 of a group on a
    shift (by default they fit the model's own roster).
    """
    patients = list(model.patients)
    drawn: list[tuple[TaskType, np.ndarray, np.ndarray]] = []  # open tasks: times, uniforms
    bells: list[tuple[int, int, CallBell]] = []
    for task in model.tasks:
        if task.after_done:
            for bed, bell in enumerate(call_bells(task, model.calendar, patients, streams,
                                                  model.arrival_scale)):
                bells.append((task.index, bed, bell))
            continue
        drawn.append((task, *open_uniforms(task, model.calendar, patients, streams,
                                           model.arrival_scale)))
    placed = from_uniform_many([task.duration for task, _, _ in drawn],
                               [uniforms for _, _, uniforms in drawn])
    open_tasks: list[TaskDraws] = []
    for (task, times, uniforms), durations in zip(drawn, placed, strict=True):
        columns = group_columns(task, uniforms)
        for array in (times, uniforms, durations, *(columns or ())):
            if array is not None:
                array.flags.writeable = False
        open_tasks.append(TaskDraws(task.index, times, uniforms, durations, columns))
    return Inputs(
        seed=streams.seed, replication=streams.replication, tasks=model.tasks,
        calendar=model.calendar, patients=model.patients, arrival_scale=model.arrival_scale,
        open_tasks=tuple(open_tasks), arrivals=_in_order(open_tasks),
        absence=draw_absence(model.staffing, model.calendar, streams, max_heads),
        bells=tuple(bells),
    )


def _in_order(open_tasks: list[TaskDraws]) -> Arrivals:
    """All instances sorted by time, then task index (a stable order for ties)."""
    if not open_tasks:
        return Arrivals((), (), (), None, None)
    times = [d.times for d in open_tasks]
    t = np.concatenate(times)
    k = np.concatenate([np.full(d.times.size, d.task) for d in open_tasks])
    order = np.lexsort((k, t))
    durations = np.concatenate([d.durations for d in open_tasks])[order]
    columns = {d.task: d.columns for d in open_tasks if d.columns is not None}
    draws = None  # each instance's index among its task's instances
    if columns:
        draws = tuple(np.concatenate([np.arange(x.size) for x in times])[order].tolist())
    return Arrivals(tuple(t[order].tolist()), tuple(k[order].tolist()),
                    tuple(durations.tolist()), draws, columns or None)
