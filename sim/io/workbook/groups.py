"""Naming staff groups in a workbook: by id or by name, any case."""

from __future__ import annotations

from dataclasses import dataclass

from sim.io.workbook.vocab import norm


@dataclass(frozen=True)
class GroupNames:
    """The staff groups of a workbook, in hierarchy order, and how cells may name them."""

    ids: tuple[str, ...]
    names: tuple[str | None, ...]

    def resolve(self, text: object) -> str | None:
        """Return the id of the group ``text`` names (its id, else its name), or None."""
        if text is None:
            return None
        raw = str(text).strip()
        if raw in self.ids:
            return raw
        wanted = norm(raw)
        for gid, name in zip(self.ids, self.names, strict=True):
            if name is not None and norm(name) == wanted:
                return gid
        for gid in self.ids:
            if norm(gid) == wanted:
                return gid
        return None

    def label(self, gid: str) -> str:
        """Return what the writer puts in a cell for a group: its name if that names it alone."""
        name = self.names[self.ids.index(gid)]
        if name is not None and self.resolve(name) == gid:
            return name
        return gid

    @property
    def shown(self) -> list[str]:
        """Every group as the writer shows it."""
        return [self.label(g) for g in self.ids]
