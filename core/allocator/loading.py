"""From the database to the allocator's arrays, fast: plain SQL rows, no model objects on the hot path."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.allocator import rules
from core.allocator.arrays import NO_EXPIRY, LineArrays, UnitArrays
from core.allocator.rules import UNIT
from core.data.db import db, is_postgres, placeholder


def day_numbers(values) -> np.ndarray:
    """Dates (date objects from PostgreSQL, ISO text from SQLite, None) as int32 days since 1970, vectorised."""
    if not len(values):
        return np.empty(0, np.int32)
    days = np.array([None if v is None else str(v)[:10] for v in values], dtype="datetime64[D]")
    out = days.astype(np.int64)
    out[np.isnat(days)] = NO_EXPIRY
    return out.astype(np.int32)


@dataclass
class UnitTable:
    track_ids: list[str]
    arrays: UnitArrays
    lot_ids: list[int | None]
    pick_seqs: list[int]

    def lot_codes(self, unit_indexes) -> dict[int, str | None]:
        """Lot codes of just the units that were reserved (fetching them for every unit costs a join)."""
        wanted = {self.lot_ids[u] for u in unit_indexes} - {None}
        codes: dict[int, str] = {}
        ids = sorted(wanted)
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ",".join([placeholder()] * len(chunk))
            codes.update(db.execute_sql(f"SELECT id, code FROM lot WHERE id IN ({marks})", chunk).fetchall())
        return {u: codes.get(self.lot_ids[u]) for u in unit_indexes}


# Above this many items one scan of all available units and a filter in numpy beats a long IN (...) list.
ITEM_FILTER_MAX = 300


def _empty() -> UnitTable:
    return UnitTable([], UnitArrays(*(np.empty(0) for _ in range(9))), [], [])


def load_units(items: list[str], lock: bool = False) -> UnitTable:
    """The units rule 3 allows for any line (`rules.unit_sql`, in a STORE location) of the given items.

    With lock=True on PostgreSQL the rows are locked in track_id order, so concurrent releases queue instead of
    deadlocking; on SQLite the caller already holds the write lock. Locations are few: their zone and walk order
    are joined in Python rather than in SQL.
    """
    if not items:
        return _empty()
    # Day numbers come out of SQL as integers: parsing 200,000 date strings in Python costs more than the query.
    if is_postgres():
        days = "COALESCE(expiry - DATE '1970-01-01', {none}), received - DATE '1970-01-01'"
    else:
        days = ("COALESCE(CAST(julianday(expiry) - 2440587.5 AS INTEGER), {none}), "
                "CAST(julianday(received) - 2440587.5 AS INTEGER)")
    sql = (f"SELECT track_id, item, COALESCE(lot, -1), on_hand - reserved, {days.format(none=int(NO_EXPIRY))}, "
           f"opened, location FROM stock_unit {UNIT} WHERE {rules.unit_sql()}")
    params: list = []
    if len(items) <= ITEM_FILTER_MAX:
        sql += f" AND item IN ({','.join([placeholder()] * len(items))})"
        params = list(items)
    if lock and is_postgres():
        sql += " ORDER BY track_id FOR UPDATE"
    rows = db.execute_sql(sql, params).fetchall()
    places = {code: seq for code, zone, seq in
              db.execute_sql("SELECT code, zone, pick_seq FROM location").fetchall()
              if zone == rules.ALLOCATABLE_ZONE}
    item_index = {code: i for i, code in enumerate(items)}
    rows = [r for r in rows if r[7] in places and r[1] in item_index]
    n = len(rows)
    if not n:
        return _empty()
    track_ids, unit_items, lots, avail, expiry, received, opened, location = zip(*rows)
    lot_ids = np.array(lots, np.int64)
    _, lot_dense = np.unique(lot_ids, return_inverse=True)
    lot_dense = lot_dense.astype(np.int32) - (1 if (lot_ids == -1).any() else 0)
    lot_dense[lot_ids == -1] = -1
    # Rank track_ids by code point, the same on every database whatever its collation.
    order = np.argsort(np.array(track_ids, dtype=str), kind="stable")
    rank = np.empty(n, np.int32)
    rank[order] = np.arange(n, dtype=np.int32)
    seqs = [places[loc] for loc in location]
    arrays = UnitArrays(
        item=np.fromiter((item_index[i] for i in unit_items), np.int32, n),
        lot=lot_dense,
        avail=np.array(avail, np.int64),
        expiry=np.array(expiry, np.int64).astype(np.int32),
        opened=np.array(opened, dtype=bool).astype(np.uint8),
        received=np.array(received, np.int64).astype(np.int32),
        pick_seq=np.array(seqs, np.int32),
        track_rank=rank,
        eligible=np.ones(n, np.uint8),
    )
    return UnitTable(list(track_ids), arrays, [None if x == -1 else x for x in lots], seqs)


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
    ph = placeholder()
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
    out = [LineRow(r[0], r[1], r[2], r[3], r[4], r[5], rules.cutoff_day(int(starts[k]), r[7]), bool(r[8]), r[9],
                   int(starts[k])) for k, r in enumerate(rows)]
    # Rule 2: jobs in order, then lines by number.
    out.sort(key=lambda x: (*rules.job_key(x.priority, x.start, x.job), x.line))
    return out


def line_arrays(lines: list[LineRow], item_index: dict[str, int]) -> LineArrays:
    n = len(lines)
    return LineArrays(
        item=np.fromiter((item_index[x.item] for x in lines), np.int32, n),
        need=np.fromiter((max(0, x.qty_reqd - x.held) for x in lines), np.int64, n),
        min_expiry=np.fromiter((x.min_expiry for x in lines), np.int32, n),
        mode=np.fromiter((rules.line_mode(x.single_lot, x.held) for x in lines), np.uint8, n),
    )
