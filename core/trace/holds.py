"""Holding a lot: every unit of it, wherever it is, stops being picked or shipped; audited."""
from __future__ import annotations

from dataclasses import dataclass

from core.data.db import locked, retrying, write_txn
from core.data.models import Lot, StockUnit
from core.qty import fmt_short
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from core.trace.lookup import resolve
from core.trace.result import LotKey


@dataclass
class HoldResult:
    item: str
    lot: str
    units: list[str]
    qty: int
    reserved_units: list[str]

    def text(self) -> str:
        if not self.units:
            return f"Lot {self.lot} of {self.item}: nothing left on hand to hold (already on hold or used up)"
        warn = (f"; {len(self.reserved_units)} of them reserved for jobs, which cannot pick them now"
                if self.reserved_units else "")
        return f"Lot {self.lot} of {self.item}: {len(self.units)} unit(s), {fmt_short(self.qty)} on hold{warn}"


def hold_lot(actor: Actor, lot: str, item: str | None = None) -> HoldResult:
    """Every unit of the lot with stock goes on HOLD, in one audited transaction."""
    require(actor, "hold")
    key = resolve(lot, item)
    return retrying(_hold, actor, key)


def _hold(actor: Actor, key: LotKey) -> HoldResult:
    with write_txn():
        row = Lot.get((Lot.item == key[0]) & (Lot.code == key[1]))
        units = list(locked(StockUnit.select().where((StockUnit.lot == row.id) & (StockUnit.on_hand > 0)
                                                      & (StockUnit.status != "HOLD")).order_by(StockUnit.track_id)))
        ids = [u.track_id for u in units]
        if ids:
            StockUnit.update(status="HOLD").where(StockUnit.track_id.in_(ids)).execute()
        result = HoldResult(key[0], key[1], ids, sum(u.on_hand for u in units),
                            [u.track_id for u in units if u.reserved])
        record(actor, "lot.hold", f"{key[0]}/{key[1]}", item=key[0], lot=key[1], units=ids, qty=result.qty,
               was={u.track_id: u.status for u in units}, reserved=result.reserved_units)
    return result
