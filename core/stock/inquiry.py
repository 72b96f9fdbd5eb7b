"""Stock inquiry: units, lots, locations, on hand and reserved."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import JOIN

from core.data.models import Item, Location, Lot, StockUnit
from core.qty import fmt_qty


@dataclass(frozen=True)
class UnitRow:
    track_id: str
    item: str
    description: str
    uom: str
    lot: str | None
    location: str
    zone: str
    on_hand: int
    reserved: int
    status: str
    expiry: date | None
    opened: bool
    job: str | None

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def as_json(self) -> dict:
        return {"track_id": self.track_id, "item": self.item, "lot": self.lot, "location": self.location,
                "on_hand": fmt_qty(self.on_hand), "reserved": fmt_qty(self.reserved), "status": self.status,
                "expiry": self.expiry.isoformat() if self.expiry else None, "uom": self.uom, "zone": self.zone,
                "opened": self.opened, "job": self.job}


def _query():
    return (StockUnit.select(StockUnit, Item.description, Item.uom, Lot.code, Location.zone)
            .join(Item, on=(StockUnit.item == Item.code))
            .switch(StockUnit).join(Lot, join_type=JOIN.LEFT_OUTER, on=(StockUnit.lot == Lot.id))
            .switch(StockUnit).join(Location, on=(StockUnit.location == Location.code))
            .where((StockUnit.on_hand > 0) | (StockUnit.reserved > 0)))


def _rows(query) -> list[UnitRow]:
    out = []
    for u in query.order_by(StockUnit.item, StockUnit.expiry, StockUnit.track_id).objects():
        out.append(UnitRow(u.track_id, u.item_id, u.description, u.uom, u.code, u.location_id, u.zone, u.on_hand,
                           u.reserved, u.status, u.expiry, u.opened, u.job))
    return out


def list_units(item: str | None = None, track_id: str | None = None, limit: int | None = None) -> list[UnitRow]:
    q = _query()
    if item:
        q = q.where(StockUnit.item == item)
    if track_id:
        q = q.where(StockUnit.track_id == track_id)
    if limit:
        q = q.limit(limit)
    return _rows(q)


def search(text: str, limit: int = 500) -> tuple[str, list[UnitRow]]:
    """What a person typed or scanned: a TrackID, an item, a lot or a location. Says what it matched."""
    t = (text or "").strip()
    if not t:
        return "nothing", []
    for what, cond in (("TrackID", StockUnit.track_id == t), ("item", StockUnit.item == t),
                       ("lot", Lot.code == t), ("location", StockUnit.location == t)):
        rows = _rows(_query().where(cond).limit(limit))
        if rows:
            return what, rows
    up = t.upper()
    if up != t:
        return search(up, limit)
    return "nothing", []
