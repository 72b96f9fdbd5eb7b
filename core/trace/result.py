"""What a trace finds: the links forward and backward, kit-bin windows, jobs, and where each lot is now."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.qty import fmt_qty, fmt_short

LotKey = tuple[str, str]  # (item, lot code)


def as_datetime(value) -> dt.datetime | None:
    """Movement.at as the database returned it (text from SQLite, a datetime from PostgreSQL)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _iso(value: dt.datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() if value is not None else None


@dataclass(frozen=True)
class Link:
    """One edge of the genealogy.

    Forward: `job` consumed `qty` of the lot `parent`, and makes `item`/`lot`.
    Backward: `job` made the lot `parent` and consumed `qty` of the component `item`/`lot`.
    """
    depth: int
    job: str
    item: str
    lot: str | None
    qty: int
    parent: LotKey

    def as_json(self) -> dict:
        return {"depth": self.depth, "job": self.job, "item": self.item, "lot": self.lot, "qty": fmt_qty(self.qty)}


@dataclass(frozen=True)
class KitWindow:
    job: str
    location: str
    start: dt.datetime
    end: dt.datetime | None

    def as_json(self) -> dict:
        return {"job": self.job, "location": self.location, "from": _iso(self.start), "to": _iso(self.end)}


@dataclass(frozen=True)
class KitLot:
    """A lot that was in a kit bin when a job of the backward tree drew from it: it may be in the product."""
    depth: int
    job: str
    location: str
    item: str
    lot: str

    def as_json(self) -> dict:
        return {"depth": self.depth, "job": self.job, "location": self.location, "item": self.item, "lot": self.lot}


@dataclass
class JobInfo:
    job: str
    description: str
    item: str
    lot: str | None
    state: str
    start: dt.date | None
    completed: dt.datetime | None

    @property
    def when(self) -> str:
        start = f"start {self.start:%Y-%m-%d}" if self.start else ""
        if self.completed:
            return f"{start}, completed {self.completed:%Y-%m-%d}"
        return f"{start}, {self.state.lower()}"


@dataclass
class Where:
    """Where a lot's stock is now, from the cached balances, and what jobs have used up."""
    store: int = 0
    wip: int = 0
    kitbin: int = 0
    dispatch: int = 0
    held: int = 0  # on hold or in quarantine, wherever it is
    consumed: int = 0
    places: list[tuple[str, str, str, int]] = field(default_factory=list)  # (location, zone, status, qty)

    @property
    def on_hand(self) -> int:
        return self.store + self.wip + self.kitbin + self.dispatch + self.held

    def text(self, uom: str = "") -> str:
        parts = []
        for name, q in (("in store", self.store), ("in WIP", self.wip), ("in kit bins", self.kitbin),
                        ("at dispatch", self.dispatch), ("held", self.held), ("consumed", self.consumed)):
            if q:
                parts.append(f"{fmt_short(q)}{(' ' + uom) if uom else ''} {name}")
        return ", ".join(parts) or "no stock left"


CONTRACT_KEYS = ("item", "lot", "forward", "backward", "kit_bins")


@dataclass(eq=False)
class TraceResult(Mapping):
    """The trace, with the screen's extras (jobs' dates, where each lot is).

    Read as a mapping it is exactly the `trace` object of docs/interchange.md, so `trace(lot)["forward"]` is the JSON list
    and comparing it with that object compares the contract; `as_json()` adds this project's `kit_lots`.
    """
    item: str
    lot: str
    made_by: str | None
    forward: list[Link]
    backward: list[Link]
    kit_bins: list[KitWindow]
    kit_lots: list[KitLot]
    jobs: dict[str, JobInfo] = field(default_factory=dict)
    where: dict[LotKey, Where] = field(default_factory=dict)
    uoms: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"item": self.item, "lot": self.lot, "forward": [x.as_json() for x in self.forward],
                "backward": [x.as_json() for x in self.backward], "kit_bins": [x.as_json() for x in self.kit_bins],
                "kit_lots": [x.as_json() for x in self.kit_lots]}

    def __getitem__(self, key: str):
        if key not in CONTRACT_KEYS:
            raise KeyError(key)
        return self.as_json()[key]

    def __iter__(self):
        return iter(CONTRACT_KEYS)

    def __len__(self) -> int:
        return len(CONTRACT_KEYS)

    def lots(self) -> list[LotKey]:
        """Every lot the trace reaches, the traced one first."""
        seen = {(self.item, self.lot): None}
        for x in self.forward + self.backward:
            if x.lot is not None:
                seen.setdefault((x.item, x.lot), None)
        for k in self.kit_lots:
            seen.setdefault((k.item, k.lot), None)
        return list(seen)

    def children(self, direction: str, parent: LotKey) -> list[Link]:
        links = self.forward if direction == "forward" else self.backward
        return [x for x in links if x.parent == parent]
