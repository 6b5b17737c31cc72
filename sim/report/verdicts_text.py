"""Terminal text of ``wardsim assess``: the verdict, where it fails and why, the training need.

Returns text; never prints (cli prints). Reads the frames of :mod:`sim.decide.assess`:

- ``verdicts``: ``scenario, verdict, stopping`` (list of ``(group, shift, day_type)``);
- ``cells``: ``scenario, group, shift, day_type, verdict, reasons``;
- ``feasibility``: one row per check, ``scenario, group, shift, day_type, verdict, check, …,
  reason_key, reason_args`` (and ``reason``, already rendered);
- ``training``: ``scenario, certification, group, shift, day_type, certified_now,
  certified_needed, persons_to_train``.

The order is the one a ward manager reads in: one line per scenario saying whether the whole
split is feasible and which cells stop it; then per scenario a compact matrix (group ×
shift × day type, a short verdict word per cell) and the reason of every check that is not
met, worst first; then the training need.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

import pandas as pd

from sim.calendar import DAY_TYPES
from sim.i18n import ENGLISH, MISSING, Messages
from sim.report.reasons import render

VERDICTS: tuple[str, ...] = ("feasible", "at_risk", "not_feasible")
#: At most this many reasons are printed per scenario (the files hold every one).
MAX_REASONS = 15
#: At most this many stopping cells are named in a scenario's line (then "and N more").
MAX_NAMED_CELLS = 6
WIDTH = 100


def _order(values: Iterable[str], first: Sequence[str] = ()) -> list[str]:
    """``first`` (those present) then the rest in order of appearance."""
    seen = list(dict.fromkeys(values))
    return [v for v in first if v in seen] + [v for v in seen if v not in first]


def cell_name(group: str, shift: str, day_type: str, msg: Messages = ENGLISH) -> str:
    """``helsefagarbeider (night, weekend)`` in the chosen language."""
    return msg("assess.cell", group=group, shift=msg.label("shift", shift),
               day_type=msg.label("day_type", day_type))


def scenario_line(scenario: str, verdict: str, stopping: Sequence[Sequence[str]],
                  msg: Messages = ENGLISH) -> str:
    """Whether the whole split is feasible, and which cells stop it."""
    if verdict == "feasible":
        return msg("assess.scenario_feasible", scenario=scenario)
    names = [cell_name(*c, msg=msg) for c in stopping]
    if len(names) > MAX_NAMED_CELLS:
        names = names[:MAX_NAMED_CELLS] + [msg("common.more", count=len(names) - MAX_NAMED_CELLS)]
    return msg(f"assess.scenario_{verdict}", scenario=scenario, cells=msg.join(names))


def _stopping(row: pd.Series, cells: pd.DataFrame) -> list[tuple[str, str, str]]:
    """List the cells that give the scenario its verdict (not milder ones that also fail).

    A not feasible split is *stopped* by its not feasible cells; its cells at risk are named
    in the matrix and the reasons. ``stopping`` as given keeps its order.
    """
    mine = cells[(cells["scenario"] == row["scenario"]) & (cells["verdict"] == row["verdict"])]
    worst = list(zip(mine["group"], mine["shift"], mine["day_type"], strict=True))
    given = row.get("stopping")
    if given is not None and not isinstance(given, (str, float)) and len(given):
        listed = [tuple(c) for c in given]
        return [c for c in listed if c in set(worst)] or listed
    return worst


def verdict_matrix(cells: pd.DataFrame, scenario: str, msg: Messages = ENGLISH,
                   shifts: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows staff group, columns (shift, day type), each a short verdict word; "–" if unjudged."""
    mine = cells[cells["scenario"] == scenario]
    shifts = list(shifts) if shifts is not None else _order(cells["shift"])
    day_types = _order(cells["day_type"], DAY_TYPES)
    groups = _order(mine["group"])
    columns = [(s, d) for s in shifts for d in day_types
               if ((cells["shift"] == s) & (cells["day_type"] == d)).any()]
    found = {(g, s, d): v for g, s, d, v in zip(mine["group"], mine["shift"], mine["day_type"],
                                                 mine["verdict"], strict=True)}
    data = [[msg.label("verdict_short", found[(g, s, d)]) if (g, s, d) in found else MISSING
             for s, d in columns] for g in groups]
    index = pd.MultiIndex.from_tuples(
        [(msg.label("shift", s), msg.label("day_type", d)) for s, d in columns])
    return pd.DataFrame(data, index=groups, columns=index)


def legend(msg: Messages = ENGLISH) -> str:
    """``ok = feasible, risk = at risk, NO = not feasible, – = not assessed …``."""
    items = [msg("assess.legend_item", short=msg.label("verdict_short", v),
                 long=msg.label("verdict", v)) for v in VERDICTS]
    return ", ".join([*items, msg("assess.legend_none")])


def reason_lines(feasibility: pd.DataFrame, cells: pd.DataFrame, scenario: str,
                 msg: Messages = ENGLISH, limit: int | None = None) -> list[str]:
    """Return the checks of ``scenario`` that are not met, one wrapped line each, worst first.

    With ``limit``, at most that many are shown, then a line saying how many more the
    files hold (feasibility.csv and report.html list every one).
    """
    rows = feasibility[(feasibility["scenario"] == scenario)
                       & (feasibility["verdict"] != "feasible")].copy()
    if not len(rows):
        return []
    mine = cells[cells["scenario"] == scenario]
    place = {k: i for i, k in enumerate(zip(mine["group"], mine["shift"], mine["day_type"],
                                            strict=True))}
    rows["_place"] = [place.get(k, len(place)) for k in zip(
        rows["group"], rows["shift"], rows["day_type"], strict=True)]
    rows["_worst"] = [-VERDICTS.index(v) for v in rows["verdict"]]
    rows["_seq"] = range(len(rows))
    rows = rows.sort_values(["_worst", "_place", "_seq"])
    hidden = 0
    if limit is not None and len(rows) > limit:
        rows, hidden = rows.iloc[:limit], len(rows) - limit
    width = max(len(msg.label("verdict_short", v)) for v in VERDICTS)
    lines = []
    for _, row in rows.iterrows():
        if "reason_key" in row.index and isinstance(row["reason_args"], (dict, str)):
            text = render(row["reason_key"], row["reason_args"], msg)
        else:
            text = str(row["reason"])
        head = f"  {msg.label('verdict_short', row['verdict']):<{width}}  "
        lines.append(textwrap.fill(text, WIDTH, initial_indent=head,
                                   subsequent_indent=" " * len(head), break_long_words=False,
                                   break_on_hyphens=False))
    if hidden:
        lines.append("  " + msg("assess.more_reasons", count=hidden))
    return lines


def training_needed(training: pd.DataFrame) -> pd.DataFrame:
    """Return the rows that ask for something: more certified, targets not met, people to train."""
    cell = training["shift"] != "all"
    more = cell & (training["certified_needed"] > training["certified_now"])
    met = training["targets_met"].astype(bool) if "targets_met" in training else True
    unmet = cell & ~met
    total = ~cell & (training["persons_to_train"] > 0)
    return training[more | unmet | total]


def training_table(training: pd.DataFrame, msg: Messages = ENGLISH) -> pd.DataFrame:
    """Show the training need with localised headings, labels and numbers."""
    shown = {}
    if training["scenario"].nunique() > 1:
        shown[msg("table.scenario")] = training["scenario"].to_numpy()
    shown[msg("table.certification")] = training["certification"].to_numpy()
    shown[msg("table.group")] = training["group"].to_numpy()
    shown[msg("table.shift")] = [msg.label("shift", s) for s in training["shift"]]
    shown[msg("table.day_type")] = [msg.label("day_type", d) for d in training["day_type"]]
    for column in ("certified_now", "certified_needed", "persons_to_train"):
        shown[msg(f"assess.{column}")] = [msg.number(v, "num") for v in training[column]]
    if "targets_met" in training:
        shown[msg("assess.targets_met")] = [
            "" if s == "all" else msg.label("verdict_short", "feasible" if ok else "not_feasible")
            for s, ok in zip(training["shift"], training["targets_met"], strict=True)]
    return pd.DataFrame(shown)


def assess_report(verdicts: pd.DataFrame, cells: pd.DataFrame, feasibility: pd.DataFrame,
                  training: pd.DataFrame, msg: Messages = ENGLISH) -> str:
    """Build the text printed after ``wardsim assess``."""
    lines = [textwrap.fill(scenario_line(r["scenario"], r["verdict"], _stopping(r, cells), msg),
                           WIDTH, subsequent_indent="  ", break_long_words=False,
                           break_on_hyphens=False) for _, r in verdicts.iterrows()]
    parts = [msg("assess.verdict") + "\n" + "\n".join(lines)]
    shifts = _order(cells["shift"])
    for scenario in verdicts["scenario"]:
        if (cells["scenario"] == scenario).any():
            matrix = verdict_matrix(cells, scenario, msg, shifts)
            parts.append(f"{msg('assess.matrix', scenario=scenario)}\n{matrix.to_string()}\n"
                         f"{legend(msg)}")
        why = reason_lines(feasibility, cells, scenario, msg, limit=MAX_REASONS)
        parts.append(msg("assess.reasons", scenario=scenario) + "\n" + "\n".join(why) if why
                     else msg("assess.no_reasons", scenario=scenario))
    needed = training_needed(training) if len(training) else training
    if len(needed):
        parts.append(f"{msg('assess.training')}\n"
                     f"{training_table(needed, msg).to_string(index=False)}")
    else:
        parts.append(msg("assess.no_training"))
    return "\n\n".join(parts)
