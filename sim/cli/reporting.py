"""Writing ``report.html`` for a command: what it computed, described and drawn."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment import Results
from sim.i18n import Messages
from sim.io.schema_targets import FTE
from sim.model import WardModel
from sim.report.describe import describe_scenarios
from sim.report.html import ReportData, render_report


def write_report(path: Path, command: str, paths: Sequence[str], models: Sequence[WardModel],
                 results: Sequence[Results], msg: Messages, meta: dict[str, Any],
                 fte_settings: Sequence[FTE] | None = None,
                 **frames: pd.DataFrame | None) -> None:
    """Render the report of ``command`` and write it to ``path`` (inside a partial folder).

    ``frames`` are the optional parts of :class:`~sim.report.html.ReportData`: comparison,
    freed, feasibility, cells, verdicts, training; ``fte_settings`` each scenario's ``fte:``
    (the staff section's FTE tables need them).
    """
    labels = [m.name for m in models]
    data = ReportData(title=models[0].name if len(models) == 1 else " · ".join(labels),
                      command=command, scenarios=describe_scenarios(paths, labels),
                      models=models, results=results, meta=meta,
                      fte_settings=fte_settings, **frames)
    path.write_text(render_report(data, msg), encoding="utf-8")
