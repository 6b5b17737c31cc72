"""Terminal text of ``wardsim optimise``: the roster, its cost and FTEs, targets, certificate."""

from __future__ import annotations

import pandas as pd

from sim.decide.evaluate import is_mean_check
from sim.decide.fte import working_weeks
from sim.i18n import Messages
from sim.io.schema_targets import FTE

#: At most this many targets are printed (targets.csv holds every one).
MAX_TARGETS = 12


def fte_lines(fte: pd.DataFrame, settings: FTE | float, msg: Messages) -> list[str]:
    """Return the staff lines of a roster: a heading, one line per rostered group, the total.

    ``fte`` is :func:`sim.decide.fte.fte_table`; ``settings`` the scenario's ``fte:`` (a
    number is taken as its ``weekly_hours``).
    """
    fs = settings if isinstance(settings, FTE) else FTE(weekly_hours=settings)
    night = fs.night_weekly_hours is not None
    lines = [msg("fte.header_night" if night else "fte.header", weekly=fs.weekly_hours,
                 night=fs.night_weekly_hours, weeks=working_weeks(fs))]
    for r in fte.itertuples():
        if r.group == "total":
            lines.append(msg("fte.total", hours=r.hours_per_week, fte=r.fte, persons=r.persons,
                             posts=r.posts))
        elif r.hours_per_week > 0:
            lines.append(msg("fte.row_night" if night else "fte.row", group=r.group,
                             hours=r.hours_per_week, night=r.night_hours_per_week, fte=r.fte,
                             fte_night=r.fte_night, persons=r.persons, posts=r.posts,
                             size=r.post_size))
    return lines


def optimise_report(cells, chosen, search, certificate, fte: pd.DataFrame, bound,
                    confidence: float, weekly_hours: FTE | float, msg: Messages) -> str:
    """Return the text printed after ``wardsim optimise``."""
    cost = bound.cost_of(chosen.roster)
    evaluated = len({r[0] for r in search.trace.rows if r[4] is not None})
    lines = [msg("optimise.header", cells=len(cells), evaluated=evaluated)]
    lines += [msg("optimise.cell", cell=c.key, heads=v) for c, v in zip(cells, chosen.roster,
                                                                         strict=True)]
    gap = cost - bound.cost
    key = "optimise.cost" if fte["cost_per_week"].iloc[-1] > 0 else "optimise.cost_hours"
    lines.append(msg(key, cost=cost, year=cost * 52, bound=bound.cost, gap=gap,
                     gap_share=gap / cost if cost else 0.0))
    lines += fte_lines(fte, weekly_hours, msg)
    shown = certificate.verdict if certificate is not None else chosen
    f = shown.feasibility
    means = f[f["check"].map(is_mean_check)].copy()
    means["room"] = means["ci_high"].fillna(means["value"]) - means["target"]
    lines.append(msg("optimise.targets", replications=shown.replications))
    for r in means.sort_values("room", ascending=False).head(MAX_TARGETS).itertuples():
        lines.append(msg("optimise.target_row", check=msg.label("check", r.check), group=r.group,
                         shift=msg.label("shift", r.shift),
                         day_type=msg.label("day_type", r.day_type), value=r.value, low=r.ci_low,
                         high=r.ci_high, target=r.target))
    if certificate is None:
        lines.append(msg("optimise.budget"))
        return "\n".join(lines)
    rows = certificate.rows
    if certificate.certified:
        lines.append(msg("optimise.certified", confidence=confidence,
                         neighbours=int((rows["claim"] == "misses").sum())))
    else:
        lines.append(msg("optimise.not_certified", confidence=confidence))
    for r in rows.itertuples():
        lines.append(msg("optimise.evidence", who=r.changed_cell or msg("optimise.chosen"),
                         status=msg(f"optimise.status_{r.status}"),
                         check=msg.label("check", r.check) if r.check else "–", group=r.group,
                         shift=msg.label("shift", r.shift) if r.shift else "",
                         day_type=msg.label("day_type", r.day_type) if r.day_type else "",
                         mean=r.mean, bound=r.bound,
                         target=r.target, replications=r.replications))
    return "\n".join(lines)
