"""``wardsim pilot check``: the model on a pilot's census and staffing, against what it measured.

:func:`read_pilot` reads one pilot (:mod:`sim.pilot.files`, :mod:`sim.pilot.days`,
:mod:`sim.pilot.measured`) into its trace model (:mod:`sim.pilot.trace`);
:func:`sim.pilot.check.check_pilot` simulates it and judges every measured row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.i18n import Messages
from sim.model import WardModel
from sim.pilot.days import Census, plan, read_census, read_staffing
from sim.pilot.files import PilotFiles, read_tables
from sim.pilot.measured import STAFF_KPIS, Measure, read_measured
from sim.pilot.trace import trace_model


@dataclass(frozen=True)
class Pilot:
    """One pilot section: its files, census, the trace model and the measured rows.

    ``kept`` are the groups the staffing does not name (their roster and absence are kept);
    ``planned`` is true without a census (the scenario's calendar and occupancy).
    """

    files: PilotFiles
    census: Census
    model: WardModel
    measures: tuple[Measure, ...]
    kept: tuple[str, ...]
    planned: bool = False

    @property
    def label(self) -> str:
        """The section's name (its file or folder name)."""
        return self.files.label


def read_pilot(files: PilotFiles, model: WardModel, msg: Messages) -> Pilot:
    """Read and check a pilot against the scenario's model; build its trace model.

    Raises
    ------
    ScenarioError
        One line naming the file, the sheet or row and the column, and what is allowed.
    """
    tables = read_tables(files, msg)
    census = read_census(tables["census"], model) if "census" in tables else plan(model)
    on_duty = read_staffing(tables["staffing"], census, model) if "staffing" in tables else {}
    measures = read_measured(tables["measured"], model)
    trace = trace_model(model, census.calendar, census.patients, on_duty)
    _check_on_duty(trace, measures, msg)
    named = {g for g, _ in on_duty}
    kept = tuple(g for i, g in enumerate(model.group_ids) if i not in named)
    return Pilot(files, census, trace, tuple(measures), kept, "census" not in tables)


def _check_on_duty(model: WardModel, measures: list[Measure], msg: Messages) -> None:
    """Refuse a staff-time row whose cells nobody worked in the pilot: nothing to compare."""
    calendar = model.calendar
    worked = {(model.group_ids[d.group], d.shift, calendar.day_type(d.day))
              for d in model.staffing.duties(calendar, None)}
    worked |= {(g, s, calendar.day_type(day)) for g, s, _ in worked if s == "continuous"
               for day in range(calendar.days)}
    nurses = {model.group_ids[g] for g in model.nurse_groups}
    for m in (m for m in measures if m.kpi in STAFF_KPIS):
        groups = set(model.group_ids) if m.group == "all" else nurses if m.group == "nurses" \
            else {m.group}
        if not any(g in groups and m.shift in ("all", s) and m.day_type in ("all", t)
                   for g, s, t in worked):
            raise m.error(msg("pilot.error.nobody", group=m.group,
                              shift=msg.label("shift", m.shift),
                              day_type=msg.label("day_type", m.day_type)))
