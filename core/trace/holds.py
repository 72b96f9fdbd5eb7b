"""A lot's hold and its release: every unit of the lot stops (HOLD) or goes back to what it was, audited.

A hold stops a lot wherever it is (store, WIP, kit bins) while a recall is looked into; releasing it needs a
reason, because it lets the lot back into products. A unit goes back to the status it had before the hold (a unit
that was in quarantine stays in quarantine), read from the hold's own audit row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from peewee import fn

from core.data.db import locked, retrying, write_txn
from core.data.models import AuditEvent, Item, Lot, StockUnit
from core.errors import BusinessRefusal, UserInputError
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


@dataclass(frozen=True)
class HeldLot:
    item: str
    lot: str
    units: int
    qty: int
    uom: str


@dataclass
class ReleaseResult:
    item: str
    lot: str
    units: dict[str, str]  # TrackID -> the status it went back to
    qty: int

    def text(self) -> str:
        back = sorted(set(self.units.values()))
        return (f"Lot {self.lot} of {self.item}: hold released, {len(self.units)} unit(s), {fmt_short(self.qty)} "
                f"back to {' and '.join(s.lower() for s in back)}")


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


def held_lots() -> list[HeldLot]:
    """Lots with stock on hold, for the screen that releases them."""
    rows = (StockUnit.select(Lot.item, Lot.code, fn.COUNT(StockUnit.track_id), fn.SUM(StockUnit.on_hand), Item.uom)
            .join(Lot, on=(StockUnit.lot == Lot.id)).join(Item, on=(Lot.item == Item.code))
            .where((StockUnit.status == "HOLD") & (StockUnit.on_hand > 0))
            .group_by(Lot.item, Lot.code, Item.uom).order_by(Lot.item, Lot.code).tuples())
    return [HeldLot(item, code, int(n), int(qty or 0), uom) for item, code, n, qty, uom in rows]


def release_hold(actor: Actor, lot: str, item: str | None = None, reason: str = "") -> ReleaseResult:
    """The lot's units on HOLD go back to what they were before the hold (AVAILABLE when nothing says otherwise)."""
    require(actor, "hold.release")
    reason = " ".join((reason or "").split())
    if len(reason) < 3:
        raise UserInputError("say why the hold is released (the audit trail keeps the reason)")
    key = resolve(lot, item)
    return retrying(_release, actor, key, reason)


def _before_hold(subject: str) -> dict[str, str]:
    """Each unit's status before it was held, from the lot's hold rows (the latest hold of a unit wins)."""
    was: dict[str, str] = {}
    for (detail,) in (AuditEvent.select(AuditEvent.detail)
                      .where((AuditEvent.action == "lot.hold") & (AuditEvent.subject == subject))
                      .order_by(AuditEvent.id).tuples()):
        was.update(json.loads(detail or "{}").get("was", {}))
    return {tid: status for tid, status in was.items() if status != "HOLD"}


def _release(actor: Actor, key: LotKey, reason: str) -> ReleaseResult:
    subject = f"{key[0]}/{key[1]}"
    with write_txn():
        row = Lot.get((Lot.item == key[0]) & (Lot.code == key[1]))
        units = list(locked(StockUnit.select().where((StockUnit.lot == row.id) & (StockUnit.status == "HOLD"))
                            .order_by(StockUnit.track_id)))
        if not units:
            raise BusinessRefusal(f"lot {key[1]} of {key[0]} is not on hold: nothing to release")
        was = _before_hold(subject)
        back = {u.track_id: was.get(u.track_id, "AVAILABLE") for u in units}
        for status in set(back.values()):
            StockUnit.update(status=status).where(
                StockUnit.track_id.in_([t for t, s in back.items() if s == status])).execute()
        result = ReleaseResult(key[0], key[1], back, sum(u.on_hand for u in units))
        record(actor, "lot.release", subject, item=key[0], lot=key[1], units=back, qty=result.qty,
               reason=reason[:200])
    return result
