"""The modules a menu may show: only what is built, and only to roles that may use it."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from core.site.auth import may


@dataclass(frozen=True)
class Module:
    key: str
    title: str
    action: str  # the permission (core.site.auth.PERMISSIONS) a role needs to see it
    screen: str  # "module:Class", imported only when opened so start-up stays light
    hint: str = ""

    def load(self):
        mod, cls = self.screen.split(":")
        return getattr(importlib.import_module(mod), cls)


MODULES: list[Module] = [
    Module("stock", "Stock inquiry", "stock.view", "tui.screens.stock:StockScreen",
           "Find a TrackID, item, lot or location"),
    Module("pick", "Job picking", "pick", "tui.screens.pick:PickScreen", "Weigh or count out released jobs"),
    Module("returns", "Job returns", "return", "tui.screens.returns:ReturnScreen",
           "Weigh back what the floor did not use"),
    Module("board", "Job board", "jobs.board", "tui.screens.board:BoardScreen",
           "Released jobs live: due, who, progress, late"),
    Module("release", "Job release", "release", "tui.screens.release:ReleaseScreen",
           "Plan and release jobs, picking slips"),
    Module("labels", "Labels", "labels.print", "tui.screens.labels:LabelsScreen",
           "Print a job's GS1 labels; the print queue"),
    Module("trace", "Lot trace", "trace", "tui.screens.trace:TraceScreen",
           "Where a lot went, what went into it; hold, recall report"),
    Module("kitbins", "Kit bins", "kit.view", "tui.screens.kitbins:KitBinsScreen",
           "Floor bin levels against min and max, trend, cover"),
    Module("kittasks", "Kit bin tasks", "kit.replenish", "tui.screens.kit_tasks:KitTasksScreen",
           "Fill kit bins from store; count a bin"),
    Module("stations", "Stations", "stations.edit", "tui.screens.stations:StationsScreen",
           "Each terminal's scale and printer; SSH address"),
    Module("locks", "Locks and holds", "users.unlock", "tui.screens.locks:LocksScreen",
           "Unlock a locked-out user; release a lot's hold"),
]


def modules_for(role: str) -> list[Module]:
    return [m for m in MODULES if may(role, m.action)]


def by_key(key: str) -> Module | None:
    return next((m for m in MODULES if m.key == key), None)
