"""The metrics step: an event log in, tidy frames and KPIs out.

:mod:`~sim.measure.log_columns` reads a log into arrays once; from them
:mod:`~sim.measure.tidy` makes the per-task frame and the summaries,
:mod:`~sim.measure.staff_minutes` the staff minutes, :mod:`~sim.measure.hourly` the
hourly utilisation, :mod:`~sim.measure.kpis` a replication's KPIs,
:mod:`~sim.measure.shifts` the single-shift tallies the verdicts read and
:mod:`~sim.measure.cover` the absence-cover hours and costs; :mod:`~sim.measure.grouping`
groups arrays as pandas would, without its cost, and :mod:`~sim.measure.text` makes the
frames' string columns as pandas would.
"""
