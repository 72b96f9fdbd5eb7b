"""The ledger: every change of a quantity is a Movement written with the balance it changes.

Callers must already be inside `write_txn()`; these helpers never open their own transaction, so that a
service's movements, balances, posting and audit row commit together or not at all.
"""
from __future__ import annotations

from collections.abc import Callable

from peewee import JOIN, fn

from core import clock
from core.clock import utcnow
from core.data.copy import insert_rows
from core.data.db import run_sql
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


#: Every column of stock_unit and movement, in the order open_units writes them (a test keeps these in step with
#: the models: a column added there must be given a value here).
UNIT_COLUMNS = ("track_id", "item", "lot", "location", "on_hand", "reserved", "status", "state", "expiry", "received",
                "tare_milli_kg", "opened", "parent", "job", "created_at")
MOVEMENT_COLUMNS = ("at", "kind", "track_id", "item", "lot", "location", "qty", "job", "line", '"user"', "station",
                    "ref")


def open_units(units: list[dict], actor: Actor, *, ref: str | None = None) -> None:
    """New units with their opening balances, many at once (an import of opening stock).

    Each dict has track_id, item, lot (the lot's id), lot_code, location, on_hand (the opening quantity),
    status, expiry, received, tare_milli_kg and opened. Each unit is written with its balance and one OPENING
    movement, in the caller's transaction, as `post` would: two bulk writes instead of three round trips a unit.
    """
    if not units:
        return
    now = clock.utcnow()
    insert_rows(f"INSERT INTO stock_unit ({', '.join(UNIT_COLUMNS)}) VALUES ({', '.join('?' * len(UNIT_COLUMNS))})",
                [(u["track_id"], u["item"], u["lot"], u["location"], u["on_hand"], 0, u["status"], "ACTIVE",
                  u["expiry"], u["received"], u["tare_milli_kg"], u["opened"], None, None, now) for u in units])
    insert_rows(f"INSERT INTO movement ({', '.join(MOVEMENT_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(MOVEMENT_COLUMNS))})",
                [(now, "OPENING", u["track_id"], u["item"], u["lot_code"], u["location"], u["on_hand"], None, None,
                  actor.user, actor.station, ref) for u in units])


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


# The two movements of one change, in one statement (the hot paths: a pick is one of each).
_MOVES = ('INSERT INTO movement (at, kind, track_id, item, lot, location, qty, job, line, "user", station, ref) '
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, qty")


def _move_pair(actor: Actor, kind_out: str, kind_in: str, unit: StockUnit, into: str, to: str, qty: int, *,
               job, line, ref_out, ref_in) -> Movement:
    """`qty` out of `unit` at its location and into container `into` at `to`; returns the movement in."""
    at = utcnow()
    lot = _lot_code(unit)
    ids = dict((q > 0, i) for i, q in run_sql(_MOVES, (
        at, kind_out, unit.track_id, unit.item_id, lot, unit.location_id, -qty, job, line, actor.user, actor.station,
        ref_out, at, kind_in, into, unit.item_id, lot, to, qty, job, line, actor.user, actor.station, ref_in,
    )).fetchall())
    return Movement(id=ids[True], at=at, kind=kind_in, unit=into, item=unit.item_id, lot=lot, location=to, qty=qty,
                    job=job, line=line, user=actor.user, station=actor.station, ref=ref_in)


def issue_whole(unit: StockUnit, to: str, actor: Actor, *, job: str, line: int, reserved: int = 0) -> Movement:
    """All of a container goes to a job's WIP location `to` and keeps its TrackID: out of its location and into
    `to` (two movements), and in one UPDATE its location, state ISSUED, the job, and `reserved` less held for it.
    Returns the movement into `to`."""
    into = _move_pair(actor, "ISSUE", "ISSUE", unit, unit.track_id, to, unit.on_hand, job=job, line=line,
                      ref_out=unit.track_id, ref_in=unit.track_id)
    run_sql("UPDATE stock_unit SET location = ?, state = 'ISSUED', job = ?, reserved = reserved - ? "
            "WHERE track_id = ?", (to, job, reserved, unit.track_id))
    unit.location, unit.state, unit.job, unit.reserved = to, "ISSUED", job, unit.reserved - reserved
    return into


def dispense(unit: StockUnit, qty: int, to: str, actor: Actor, *, new_id: Callable[[], str], job: str, line: int,
             reserved: int = 0) -> tuple[str, Movement]:
    """Part of a container goes to a job: a new container (TrackID from `new_id`, one an import already uses is
    skipped) in the job's WIP location `to`, same item, lot and expiry, received today, holds `qty`; `unit` keeps
    the rest, opened, with `reserved` less held for the job. A PICK movement out and an ISSUE movement in.
    Returns the new TrackID and the movement in."""
    run_sql("UPDATE stock_unit SET on_hand = on_hand - ?, reserved = reserved - ?, opened = ? WHERE track_id = ?",
            (qty, reserved, True, unit.track_id))
    while True:
        portion = new_id()
        made = run_sql(
            "INSERT INTO stock_unit (track_id, item, lot, location, on_hand, reserved, status, state, expiry, "
            "received, tare_milli_kg, opened, parent, job, created_at) VALUES (?, ?, ?, ?, ?, 0, 'AVAILABLE', "
            "'ISSUED', ?, ?, 0, ?, ?, ?, ?) ON CONFLICT (track_id) DO NOTHING",
            (portion, unit.item_id, unit.lot_id, to, qty, unit.expiry, clock.today(), True, unit.track_id, job,
             utcnow())).rowcount
        if made:
            break
    unit.on_hand, unit.reserved, unit.opened = unit.on_hand - qty, unit.reserved - reserved, True
    return portion, _move_pair(actor, "PICK", "ISSUE", unit, portion, to, qty, job=job, line=line, ref_out=portion,
                               ref_in=unit.track_id)


def ledger_mismatches() -> list[tuple[str, int, int]]:
    """Units whose cached on_hand differs from the sum of their movements: (track_id, on_hand, ledger)."""
    sums = (Movement.select(Movement.unit, fn.SUM(Movement.qty).alias("total"))
            .group_by(Movement.unit).alias("m"))
    rows = (StockUnit.select(StockUnit.track_id, StockUnit.on_hand, fn.COALESCE(sums.c.total, 0).alias("ledger"))
            .join(sums, on=(StockUnit.track_id == sums.c.track_id), join_type=JOIN.LEFT_OUTER)
            .tuples())
    return [(t, o, int(s)) for t, o, s in rows if int(o) != int(s)]
