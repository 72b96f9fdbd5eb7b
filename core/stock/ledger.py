"""The ledger: every change of a quantity is a Movement written with the balance it changes.

Callers must already be inside `write_txn()`; these helpers never open their own transaction, so that a
service's movements, balances, posting and audit row commit together or not at all.
"""
from __future__ import annotations

from peewee import JOIN, fn

from core.data.models import Location, Movement, StockUnit
from core.site.actor import Actor


def _lot_code(unit: StockUnit) -> str | None:
    return unit.lot.code if unit.lot_id else None


def post(unit: StockUnit, qty: int, kind: str, actor: Actor, *, location: str | None = None, job=None,
         line=None, ref=None) -> Movement:
    """Change a unit's on_hand by `qty` (signed) at its location, with the movement that says why."""
    movement = Movement.create(
        kind=kind, unit=unit.track_id, item=unit.item_id, lot=_lot_code(unit),
        location=location or unit.location_id, qty=qty, job=job, line=line,
        user=actor.user, station=actor.station, ref=ref,
    )
    StockUnit.update(on_hand=StockUnit.on_hand + qty).where(StockUnit.track_id == unit.track_id).execute()
    unit.on_hand += qty
    return movement


def relocate(unit: StockUnit, to: Location | str, kind: str, actor: Actor, *, job=None, line=None,
             ref=None) -> tuple[Movement, Movement]:
    """Move a whole unit: out of its location and into another, so per-location sums stay true."""
    to_code = to if isinstance(to, str) else to.code
    qty = unit.on_hand
    out = post(unit, -qty, kind, actor, job=job, line=line, ref=ref)
    unit.location = to_code
    StockUnit.update(location=to_code).where(StockUnit.track_id == unit.track_id).execute()
    into = post(unit, qty, kind, actor, location=to_code, job=job, line=line, ref=ref)
    return out, into


def ledger_mismatches() -> list[tuple[str, int, int]]:
    """Units whose cached on_hand differs from the sum of their movements: (track_id, on_hand, ledger)."""
    sums = (Movement.select(Movement.unit, fn.SUM(Movement.qty).alias("total"))
            .group_by(Movement.unit).alias("m"))
    rows = (StockUnit.select(StockUnit.track_id, StockUnit.on_hand, fn.COALESCE(sums.c.total, 0).alias("ledger"))
            .join(sums, on=(StockUnit.track_id == sums.c.track_id), join_type=JOIN.LEFT_OUTER)
            .tuples())
    return [(t, o, int(s)) for t, o, s in rows if int(o) != int(s)]
