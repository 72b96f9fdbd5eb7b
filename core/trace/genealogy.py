"""Lot genealogy, read from the ledger: no second copy of the facts is kept anywhere.

What a job consumed of a lot is what was issued to it less what came back: ISSUE rows with a positive quantity
(into WIP) minus RETURN rows with a positive quantity (back to store), both carrying the job. A job's output lot
is fixed at release (Job.output_lot, Lot.made_by_job). Forward follows a lot into the jobs that consumed it and on
through their output lots; backward follows the job that made a lot back to its component lots.

Kit-issued items are drawn from a floor bin, not from a lot, so for them the answer is a window: from the first
ledger row that put the lot into a bin until the lot's balance in that bin reached zero (or still open), every
job that drew from the bin in that window *may* contain the lot.

Each level of a trace is one query over a batch of lots or jobs, so a deep trace costs a few index lookups per
level, not one per lot.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core.clock import utcnow
from core.data.db import db, is_postgres, locked, placeholder, retrying, write_txn
from core.data.models import Item, Job, LabelJob, Lot, StockUnit
from core.errors import NotFound, UserInputError
from core.gs1.scan import sscc_of
from core.qty import fmt_qty, fmt_short
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require

MAX_DEPTH = 50  # a genealogy deeper than this is a loop in the data, not a bill of materials
# SQLite (3.40 here) stops driving the index from a VALUES list of 200 rows or more and gets ~50x slower, so a
# batch of lots is cut below that; PostgreSQL's arrays have no such edge.
_CHUNK = 150

LotKey = tuple[str, str]  # (item, lot code)


def _when(value) -> dt.datetime | None:
    """Movement.at as the database returned it (text from SQLite, a datetime from PostgreSQL)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _iso(value: dt.datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() if value is not None else None


def _chunks(seq: list, size: int | None = None):
    size = size or (5000 if is_postgres() else _CHUNK)
    for k in range(0, len(seq), size):
        yield seq[k:k + size]


# --- what was typed or scanned -> a lot -------------------------------------------------------------------------

def resolve(text: str, item: str | None = None) -> LotKey:
    """A lot code (with its item when the code is not unique), a TrackID or a pallet SSCC, as (item, lot).

    An SSCC is found in every form a person sees or scans (core.gs1.scan.sscc_of): 18 digits, `00` and 18
    digits, the bracketed form under the barcode with its spaces, a `]C1` scan, a Digital Link with `/00/`.
    """
    t = (text or "").strip()
    if not t:
        raise UserInputError("give a lot, a TrackID or an SSCC to trace")
    item = (item or "").strip() or None
    if item is not None and Item.get_or_none(Item.code == item) is None:
        raise NotFound(f"item {item} is not known: check the item code")
    for candidate in dict.fromkeys((t, t.upper())):
        query = Lot.select(Lot.item, Lot.code).where(Lot.code == candidate)
        if item is not None:
            query = query.where(Lot.item == item)
        found = sorted((r.item_id, r.code) for r in query)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            items = ", ".join(i for i, _ in found)
            raise UserInputError(f"lot {candidate} exists for several items ({items}): give the item as well "
                                 "(--item ITEM)")
        unit = StockUnit.get_or_none(StockUnit.track_id == candidate)
        if unit is not None:
            if not unit.lot_id:
                raise UserInputError(f"TrackID {candidate} holds {unit.item_id}, which has no lot: nothing to trace")
            return unit.item_id, unit.lot.code
    sscc = sscc_of(t) or (t.zfill(18) if t.isdigit() and len(t) == 17 else None)  # a 0 extension digit dropped
    label = LabelJob.get_or_none(LabelJob.sscc == (sscc or t))
    if label is not None and label.job:
        job = Job.get_or_none(Job.job == label.job)
        if job is not None and job.output_lot:
            return job.item_id, job.output_lot
        raise NotFound(f"the pallet {label.sscc} is of job {label.job}, which has no output lot yet")
    if sscc is not None:
        raise NotFound(f"no pallet label of this site has the SSCC {sscc}: check the number, or scan the label "
                       "again")
    raise NotFound(f"'{t}' is not a known lot, TrackID or SSCC" + (f" of {item}" if item else "")
                   + ": check the code, or scan the label again")


def item_for_gtin(gtin: str | None) -> str | None:
    if not gtin:
        return None
    row = Item.get_or_none(Item.gtin == gtin.zfill(14))
    return row.code if row else None


# --- the result -------------------------------------------------------------------------------------------------

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


# --- the ledger queries ------------------------------------------------------------------------------------------

def _lots_cte(pairs: list[LotKey]) -> tuple[str, list]:
    """`lots(item, lot)` as a CTE, to join the ledger to a batch of lots in one index-driven query.

    PostgreSQL takes the batch as two arrays (one small plan whatever the batch size); SQLite as VALUES rows.
    """
    if is_postgres():
        return ("lots(item, lot) AS (SELECT * FROM unnest(%s::text[], %s::text[]))",
                [[i for i, _ in pairs], [c for _, c in pairs]])
    return (f"lots(item, lot) AS (VALUES {','.join(['(?, ?)'] * len(pairs))})", [v for pair in pairs for v in pair])


def _consumers(lots: list[LotKey]) -> dict[LotKey, dict[str, tuple[int, str, str | None]]]:
    """For each lot: the jobs that consumed it, net of returns, with the item and lot each job makes."""
    out: dict[LotKey, dict[str, tuple[int, str, str | None]]] = defaultdict(dict)
    for part in _chunks(lots):
        cte, params = _lots_cte(part)
        sql = (f"WITH {cte} SELECT m.item, m.lot, m.job, "
               "SUM(CASE WHEN m.kind = 'ISSUE' THEN m.qty ELSE -m.qty END), j.stock_code, j.output_lot "
               "FROM lots JOIN movement m ON m.item = lots.item AND m.lot = lots.lot "
               "LEFT JOIN job j ON j.job = m.job "
               "WHERE m.kind IN ('ISSUE', 'RETURN') AND m.qty > 0 AND m.job IS NOT NULL "
               "GROUP BY m.item, m.lot, m.job, j.stock_code, j.output_lot")
        for item, lot, job, net, out_item, out_lot in db.execute_sql(sql, params).fetchall():
            if int(net) > 0:
                out[(item, lot)][job] = (int(net), out_item or "", out_lot)
    return out


def _components(jobs: list[str]) -> dict[str, list[tuple[str, str, int, str | None]]]:
    """For each job: the component lots it consumed, net of returns, and the job that made each (if any)."""
    out: dict[str, list[tuple[str, str, int, str | None]]] = defaultdict(list)
    ph = placeholder()
    for part in _chunks(jobs):
        sql = ("SELECT m.job, m.item, m.lot, SUM(CASE WHEN m.kind = 'ISSUE' THEN m.qty ELSE -m.qty END), "
               "lt.made_by_job FROM movement m LEFT JOIN lot lt ON lt.item = m.item AND lt.code = m.lot "
               f"WHERE m.job IN ({','.join([ph] * len(part))}) AND m.kind IN ('ISSUE', 'RETURN') AND m.qty > 0 "
               "AND m.lot IS NOT NULL GROUP BY m.job, m.item, m.lot, lt.made_by_job")
        for job, item, lot, net, maker in db.execute_sql(sql, part).fetchall():
            if int(net) > 0:
                out[job].append((item, lot, int(net), maker))
    return out


def _makers(lots: list[LotKey]) -> dict[LotKey, str]:
    out = {}
    for part in _chunks(lots):
        cte, params = _lots_cte(part)
        sql = (f"WITH {cte} SELECT lt.item, lt.code, lt.made_by_job FROM lots "
               "JOIN lot lt ON lt.item = lots.item AND lt.code = lots.lot WHERE lt.made_by_job IS NOT NULL")
        for item, code, job in db.execute_sql(sql, params).fetchall():
            out[(item, code)] = job
    return out


def _job_info(jobs) -> dict[str, JobInfo]:
    out = {}
    ph = placeholder()
    for part in _chunks(sorted(set(jobs))):
        sql = ("SELECT job, description, stock_code, output_lot, state, start_date, completed_at FROM job "
               f"WHERE job IN ({','.join([ph] * len(part))})")
        for job, desc, item, lot, state, start, done in db.execute_sql(sql, part).fetchall():
            out[job] = JobInfo(job, desc, item, lot, state, _day(start), _when(done))
    return out


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _forward(root: LotKey) -> list[Link]:
    links = []
    seen = {root}
    level = [root]
    depth = 1
    while level and depth <= MAX_DEPTH:
        used = _consumers(level)
        nxt = []
        for lot in level:
            for job, (qty, out_item, out_lot) in sorted(used.get(lot, {}).items()):
                links.append(Link(depth, job, out_item, out_lot, qty, lot))
                if out_lot is not None and (out_item, out_lot) not in seen:
                    seen.add((out_item, out_lot))
                    nxt.append((out_item, out_lot))
        level, depth = nxt, depth + 1
    return links


def _backward(root: LotKey, maker: str | None) -> tuple[list[Link], list[tuple[int, str]]]:
    links = []
    made_here: list[tuple[int, str]] = []  # (depth, job) of every job in the backward tree
    seen = {root}
    level: list[tuple[LotKey, str]] = [(root, maker)] if maker else []
    depth = 1
    while level and depth <= MAX_DEPTH:
        made_here += [(depth, job) for _, job in level]
        parts = _components([job for _, job in level])
        nxt = []
        for lot, job in level:
            for item, code, qty, made_by in sorted(parts.get(job, []), key=lambda p: p[:3]):
                links.append(Link(depth, job, item, code, qty, lot))
                if (item, code) not in seen:
                    seen.add((item, code))
                    if made_by:
                        nxt.append(((item, code), made_by))
        level = nxt
        depth += 1
    return links, made_here


def _kit_windows(root: LotKey) -> list[tuple[str, dt.datetime, dt.datetime | None, object, object]]:
    """The spans the lot spent in kit bins: (bin, from, to, raw from, raw to)."""
    ph = placeholder()
    sql = ("SELECT m.location, m.at, m.qty FROM movement m JOIN location l ON l.code = m.location "
           f"WHERE m.item = {ph} AND m.lot = {ph} AND l.zone = 'KITBIN' ORDER BY m.location, m.at, m.id")
    spans = []
    balance: dict[str, int] = {}
    opened: dict[str, object] = {}
    for loc, at, qty in db.execute_sql(sql, list(root)).fetchall():
        before = balance.get(loc, 0)
        balance[loc] = before + int(qty)
        if before <= 0 < balance[loc]:
            opened[loc] = at
        elif before > 0 >= balance[loc] and loc in opened:
            start = opened.pop(loc)
            spans.append((loc, _when(start), _when(at), start, at))
    for loc, start in opened.items():
        spans.append((loc, _when(start), None, start, None))
    return sorted(spans, key=lambda s: (s[0], s[1]))


def _kit_bins(root: LotKey) -> list[KitWindow]:
    ph = placeholder()
    out = []
    for loc, start, end, raw_start, raw_end in _kit_windows(root):
        sql = (f"SELECT DISTINCT job FROM movement WHERE location = {ph} AND kind = 'CONSUME' AND at >= {ph} "
               "AND job IS NOT NULL")
        params = [loc, raw_start]
        if raw_end is not None:
            sql += f" AND at <= {ph}"
            params.append(raw_end)
        for (job,) in sorted(db.execute_sql(sql, params).fetchall()):
            out.append(KitWindow(job, loc, start, end))
    return out


def _kit_lots(jobs: list[tuple[int, str]]) -> list[KitLot]:
    """For each job of the backward tree that drew from a kit bin: the lots in that bin at the time."""
    if not jobs:
        return []
    ph = placeholder()
    depth_of = {}
    for depth, job in jobs:
        depth_of.setdefault(job, depth)
    out = set()
    for part in _chunks(list(depth_of)):
        sql = ("SELECT m.job, m.location, m.item, m.lot, MIN(m.at) FROM movement m "
               "JOIN location l ON l.code = m.location "
               f"WHERE m.job IN ({','.join([ph] * len(part))}) AND m.kind = 'CONSUME' AND l.zone = 'KITBIN' "
               "GROUP BY m.job, m.location, m.item, m.lot")
        draws = db.execute_sql(sql, part).fetchall()
        firsts: dict[tuple[str, str, str], object] = {}
        for job, loc, item, lot, at in draws:
            key = (job, loc, item)
            if key not in firsts or _when(at) < _when(firsts[key]):
                firsts[key] = at
            if lot is not None:  # the units drawn carried this lot: it was certainly in the bin
                out.add(KitLot(depth_of[job], job, loc, item, lot))
        for (job, loc, item), at in firsts.items():
            sql = (f"SELECT lot FROM movement WHERE location = {ph} AND item = {ph} AND at < {ph} "
                   "AND lot IS NOT NULL GROUP BY lot HAVING SUM(qty) > 0")
            for (lot,) in db.execute_sql(sql, [loc, item, at]).fetchall():
                out.add(KitLot(depth_of[job], job, loc, item, lot))
    return sorted(out, key=lambda k: (k.depth, k.job, k.location, k.item, k.lot))


def whereabouts(lots: list[LotKey]) -> dict[LotKey, Where]:
    """Where each lot is now: on hand by zone (held stock apart) and what jobs consumed."""
    out = {lot: Where() for lot in lots}
    for part in _chunks(lots):
        cte, params = _lots_cte(part)
        sql = (f"WITH {cte} SELECT lt.item, lt.code, u.location, l.zone, u.status, SUM(u.on_hand) FROM lots "
               "JOIN lot lt ON lt.item = lots.item AND lt.code = lots.lot "
               "JOIN stock_unit u ON u.lot = lt.id JOIN location l ON l.code = u.location "
               "WHERE u.on_hand > 0 GROUP BY lt.item, lt.code, u.location, l.zone, u.status "
               "ORDER BY u.location")
        for item, code, loc, zone, status, qty in db.execute_sql(sql, params).fetchall():
            w, q = out[(item, code)], int(qty)
            w.places.append((loc, zone, status, q))
            if status != "AVAILABLE" or zone == "QUARANTINE":
                w.held += q
            elif zone == "STORE":
                w.store += q
            elif zone == "WIP":
                w.wip += q
            elif zone == "KITBIN":
                w.kitbin += q
            else:
                w.dispatch += q
        # Used up = issued to jobs net of returns, less what is still in WIP, plus what jobs drew from kit bins.
        # (A return takes the whole container out of WIP and puts back only what was left, so the job's use is
        # not a CONSUME row of its own.)
        cte, params = _lots_cte(part)
        sql = (f"WITH {cte} SELECT m.item, m.lot, SUM(CASE WHEN m.kind = 'ISSUE' AND m.qty > 0 THEN m.qty "
               "WHEN m.kind = 'RETURN' AND m.qty > 0 THEN -m.qty "
               "WHEN m.kind = 'CONSUME' AND l.zone = 'KITBIN' THEN -m.qty ELSE 0 END) "
               "FROM lots JOIN movement m ON m.item = lots.item AND m.lot = lots.lot "
               "JOIN location l ON l.code = m.location "
               "WHERE m.kind IN ('ISSUE', 'RETURN', 'CONSUME') GROUP BY m.item, m.lot")
        for item, code, qty in db.execute_sql(sql, params).fetchall():
            w = out[(item, code)]
            w.consumed = max(0, int(qty or 0) - w.wip - sum(q for _l, z, s, q in w.places
                                                             if z == "WIP" and s != "AVAILABLE"))
    return out


def trace(lot: str, item: str | None = None, *, where: bool = True) -> TraceResult:
    """Forward and backward genealogy of a lot (or of the lot of a TrackID or SSCC), with kit-bin windows.

    With where=False only the genealogy is read (what `jobfloor trace --json` prints); with it, also the jobs'
    dates and where every lot reached is now, for the screen and the recall report.
    """
    root = resolve(lot, item)
    maker = _makers([root]).get(root)
    forward = _forward(root)
    backward, made = _backward(root, maker)
    result = TraceResult(root[0], root[1], maker, forward, backward, _kit_bins(root), _kit_lots(made))
    if not where:
        return result
    result.jobs = _job_info([x.job for x in forward + backward] + [k.job for k in result.kit_bins]
                            + [k.job for k in result.kit_lots] + ([maker] if maker else []))
    lots = result.lots()
    result.where = whereabouts(lots)
    result.uoms = {i.code: i.uom for i in Item.select(Item.code, Item.uom)
                   .where(Item.code.in_({i for i, _ in lots}))}
    return result


# --- reading it ---------------------------------------------------------------------------------------------------

def _lot_line(result: TraceResult, key: LotKey) -> str:
    w = result.where.get(key)
    now = f"  [{w.text(result.uoms.get(key[0], ''))}]" if w is not None else ""
    return f"{key[0]} lot {key[1]}{now}"


def tree_lines(result: TraceResult) -> list[str]:
    """The trace as an indented tree for a terminal or a printout."""
    root = (result.item, result.lot)
    made = f", made by job {result.made_by}" if result.made_by else ""
    out = [f"Trace of {_lot_line(result, root)}{made}"]

    def job_text(link: Link) -> str:
        info = result.jobs.get(link.job)
        return f"job {link.job}" + (f" ({info.when})" if info else "")

    def walk(direction: str, parent: LotKey, indent: str, seen: set) -> None:
        for link in result.children(direction, parent):
            uom = result.uoms.get(parent[0] if direction == "forward" else link.item, "")
            qty = f"{fmt_short(link.qty)} {uom}".strip()
            if direction == "forward":
                out.append(f"{indent}- {job_text(link)} used {qty} -> "
                           + (_lot_line(result, (link.item, link.lot)) if link.lot else f"{link.item} (no lot)"))
            else:
                out.append(f"{indent}- {qty} of {_lot_line(result, (link.item, link.lot))} into {job_text(link)}")
            key = (link.item, link.lot)
            if link.lot is not None and key not in seen:
                walk(direction, key, indent + "    ", seen | {key})

    out.append("Forward (where it went):")
    if result.forward:
        walk("forward", root, "  ", {root})
    else:
        out.append("  no job has consumed this lot")
    out.append("Backward (what went into it):")
    if result.backward:
        walk("backward", root, "  ", {root})
    else:
        out.append("  not made by a job here (bought in)" if not result.made_by else "  nothing issued to the job")
    if result.kit_bins:
        out.append("Kit bins (jobs that may contain it):")
        for k in result.kit_bins:
            end = f"{k.end:%Y-%m-%d %H:%M}" if k.end else "still in the bin"
            info = result.jobs.get(k.job)
            makes = f" -> {info.item} lot {info.lot}" if info and info.lot else ""
            out.append(f"  - job {k.job} drew from {k.location} ({k.start:%Y-%m-%d %H:%M} to {end}){makes}")
    if result.kit_lots:
        out.append("Kit-bin lots the jobs may have drawn:")
        for k in result.kit_lots:
            out.append(f"  - job {k.job} from {k.location}: {k.item} lot {k.lot}")
    return out


def recall_rows(result: TraceResult) -> list[dict]:
    """One row per lot reached, with how it was reached and where its stock is now."""
    rows = []

    def add(relation, depth, job, key, qty, via):
        w = result.where.get(key, Where())
        info = result.jobs.get(job) if job else None
        rows.append({
            "relation": relation, "depth": depth, "job": job or "", "job_start": info.start.isoformat()
            if info and info.start else "", "job_completed": info.completed.date().isoformat()
            if info and info.completed else "", "item": key[0], "lot": key[1], "qty": fmt_qty(qty) if qty else "",
            "via": via, "in_store": fmt_qty(w.store), "in_wip": fmt_qty(w.wip), "in_kit_bins": fmt_qty(w.kitbin),
            "at_dispatch": fmt_qty(w.dispatch), "held": fmt_qty(w.held), "consumed": fmt_qty(w.consumed),
            "locations": " ".join(f"{loc}:{fmt_qty(q)}" for loc, _z, _s, q in w.places)})

    add("traced", 0, result.made_by, (result.item, result.lot), 0, "")
    for x in result.forward:
        if x.lot is not None:
            add("forward", x.depth, x.job, (x.item, x.lot), x.qty, f"{x.parent[0]} lot {x.parent[1]}")
    for x in result.backward:
        add("backward", x.depth, x.job, (x.item, x.lot), x.qty, f"{x.parent[0]} lot {x.parent[1]}")
    for k in result.kit_bins:
        info = result.jobs.get(k.job)
        if info and info.lot:
            add("kit bin (may contain)", 1, k.job, (info.item, info.lot), 0, k.location)
    for k in result.kit_lots:
        add("kit lot (may contain)", k.depth, k.job, (k.item, k.lot), 0, k.location)
    return rows


RECALL_COLUMNS = ("relation", "depth", "job", "job_start", "job_completed", "item", "lot", "qty", "via",
                  "in_store", "in_wip", "in_kit_bins", "at_dispatch", "held", "consumed", "locations")


def export_recall(result: TraceResult | str, directory: str | Path, item: str | None = None) -> tuple[Path, Path]:
    """The recall report: a CSV for spreadsheets and a plain-text summary to print. Returns both paths.

    `result` is a trace already made (what the screen shows) or a lot, TrackID or SSCC to trace now.
    """
    if not isinstance(result, TraceResult):
        result = trace(result, item)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"{result.item}-{result.lot}")
    csv_path, txt_path = out / f"recall-{safe}-{stamp}.csv", out / f"recall-{safe}-{stamp}.txt"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=RECALL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(recall_rows(result))
    csv_path.write_text(buf.getvalue(), encoding="utf-8")
    txt_path.write_text("\n".join(summary_lines(result)) + "\n", encoding="utf-8")
    return csv_path, txt_path


def summary_lines(result: TraceResult) -> list[str]:
    from core.data.setting_store import setting

    finished = {(x.item, x.lot) for x in result.forward if x.lot is not None}
    on_hand = [(k, result.where[k]) for k in finished if k in result.where and result.where[k].on_hand]
    lines = [f"RECALL REPORT  {setting('site_name') or ''}".rstrip(),
             f"Lot {result.lot} of {result.item}, printed {utcnow():%Y-%m-%d %H:%M} UTC", "",
             f"Jobs that used it: {len({x.job for x in result.forward})}; lots made from it: {len(finished)}; "
             f"jobs that may contain it (kit bins): {len({k.job for k in result.kit_bins})}",
             f"Component lots in it: {len({(x.item, x.lot) for x in result.backward})}", ""]
    if on_hand:
        lines.append("Stock made from it still on hand (hold and recover):")
        for (item, lot), w in sorted(on_hand):
            lines.append(f"  {item} lot {lot}: " + ", ".join(f"{fmt_short(q)} at {loc}" + ("" if s == "AVAILABLE"
                                                              else f" ({s.lower()})") for loc, _z, s, q in w.places))
        lines.append("")
    lines += tree_lines(result)
    return lines


# --- hold ----------------------------------------------------------------------------------------------------------

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
