"""From the database to the allocator's arrays, fast: plain SQL rows, no model objects on the hot path."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from core.allocator.arrays import MODE_SINGLE_LOT, MODE_TAKE, NO_EXPIRY, LineArrays, UnitArrays
from core.db import db, is_postgres

_EPOCH = dt.date(1970, 1, 1).toordinal()


def day_numbers(values) -> np.ndarray:
    """Dates (date objects from PostgreSQL, ISO text from SQLite, None) as int32 days since 1970."""
    out = np.empty(len(values), np.int32)
    for i, v in enumerate(values):
        if v is None:
            out[i] = NO_EXPIRY
        elif isinstance(v, str):
            out[i] = dt.date.fromisoformat(v[:10]).toordinal() - _EPOCH
        else:
            out[i] = v.toordinal() - _EPOCH
    return out


def day_number(d: dt.date) -> int:
    return d.toordinal() - _EPOCH


@dataclass
class UnitTable:
    track_ids: list[str]
    arrays: UnitArrays


def load_units(items: list[str], lock: bool = False) -> UnitTable:
    """Eligible units (AVAILABLE, in a STORE location, something available) of the given items.

    With lock=True on PostgreSQL the rows are locked in track_id order, so concurrent releases queue instead of
    deadlocking; on SQLite the caller already holds the write lock.
    """
    if not items:
        return UnitTable([], UnitArrays(*(np.empty(0) for _ in range(9))))
    marks = ",".join(["%s" if is_postgres() else "?"] * len(items))
    sql = ("SELECT u.track_id, u.item, u.lot, u.on_hand - u.reserved, u.expiry, u.opened, u.received, l.pick_seq "
           "FROM stock_unit u JOIN location l ON l.code = u.location "
           f"WHERE u.item IN ({marks}) AND u.status = 'AVAILABLE' AND l.zone = 'STORE' "
           "AND u.on_hand - u.reserved > 0 ORDER BY u.track_id")
    if lock and is_postgres():
        sql += " FOR UPDATE OF u"
    rows = db.execute_sql(sql, list(items)).fetchall()
    n = len(rows)
    if not n:
        return UnitTable([], UnitArrays(*(np.empty(0) for _ in range(9))))
    track_ids, unit_items, lots, avail, expiry, opened, received, seq = zip(*rows)
    item_index = {code: i for i, code in enumerate(items)}
    lot_ids = np.array([-1 if x is None else x for x in lots], np.int64)
    _, lot_dense = np.unique(lot_ids, return_inverse=True)
    lot_dense = lot_dense.astype(np.int32) - (1 if (lot_ids == -1).any() else 0)
    lot_dense[lot_ids == -1] = -1
    # Rank track_ids by code point, the same on every database whatever its collation.
    order = np.argsort(np.array(track_ids, dtype=str), kind="stable")
    rank = np.empty(n, np.int32)
    rank[order] = np.arange(n, dtype=np.int32)
    arrays = UnitArrays(
        item=np.fromiter((item_index[i] for i in unit_items), np.int32, n),
        lot=lot_dense,
        avail=np.array(avail, np.int64),
        expiry=day_numbers(expiry),
        opened=np.array([bool(x) for x in opened], np.uint8),
        received=day_numbers(received),
        pick_seq=np.array(seq, np.int32),
        track_rank=rank,
        eligible=np.ones(n, np.uint8),
    )
    return UnitTable(list(track_ids), arrays)


@dataclass
class LineRow:
    """A material line of a job as the allocator needs it, with what it already holds."""

    line_id: int
    job: str
    line: int
    item: str
    qty_reqd: int
    held: int  # reserved + net issued
    min_expiry: int
    single_lot: bool
    priority: int
    start: int


def load_lines(jobs: list[str] | None = None, states=("IMPORTED",)) -> list[LineRow]:
    """Non-kit lines of the named jobs (or of every job in `states`), with item rules joined in."""
    ph = "%s" if is_postgres() else "?"
    sql = ("SELECT jl.id, j.job, jl.line, jl.stock_code, jl.qty_reqd, jl.allocated + jl.issued, j.start_date, "
           "i.min_remaining_days, i.single_lot, j.priority "
           "FROM job_line jl JOIN job j ON j.job = jl.job JOIN item i ON i.code = jl.stock_code "
           "WHERE jl.kit_issue = " + ("false" if is_postgres() else "0"))
    params: list = []
    if jobs is not None:
        if not jobs:
            return []
        sql += f" AND j.job IN ({','.join([ph] * len(jobs))})"
        params += list(jobs)
    else:
        sql += f" AND j.state IN ({','.join([ph] * len(states))})"
        params += list(states)
    rows = db.execute_sql(sql, params).fetchall()
    starts = day_numbers([r[6] for r in rows])
    out = [LineRow(r[0], r[1], r[2], r[3], r[4], r[5], int(starts[k]) + (r[7] or 0), bool(r[8]), r[9],
                   int(starts[k])) for k, r in enumerate(rows)]
    # Rule 2: (priority, start date, job as text), then lines by number.
    out.sort(key=lambda x: (x.priority, x.start, x.job, x.line))
    return out


def line_arrays(lines: list[LineRow], item_index: dict[str, int]) -> LineArrays:
    n = len(lines)
    return LineArrays(
        item=np.fromiter((item_index[x.item] for x in lines), np.int32, n),
        need=np.fromiter((max(0, x.qty_reqd - x.held) for x in lines), np.int64, n),
        min_expiry=np.fromiter((x.min_expiry for x in lines), np.int32, n),
        mode=np.fromiter((MODE_SINGLE_LOT if x.single_lot and x.held == 0 else MODE_TAKE for x in lines),
                         np.uint8, n),
    )
