"""Kit bins: floor pick-faces of kit-issued items, kept between min and max.

A bin's level is the stock in its KITBIN location; the ledger rows at that location are its whole history (which
TrackID and lot went in, when, and what each job drew), so nothing here keeps a second record of it. A bin that
falls below min gets one replenishment task (never a second while one is open); confirming the task is a
transfer from a store container into the bin. Cycle counts set the level by a count or by weight.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, SQL, fn

from core import clock
from core.allocator import rules
from core.clock import utcnow
from core.data.db import db, is_postgres, locked, placeholder, retrying, write_txn
from core.data.models import Item, KitTask, Location, Lot, StockUnit
from core.data.serials import new_track_id
from core.data.setting_store import setting
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.qty import fmt_qty, fmt_short
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from core.stock import ledger

COVER_DAYS = 7  # consumption window behind "days of cover": a week smooths out the shift pattern


# --- levels ----------------------------------------------------------------------------------------------------

def bins() -> list[Location]:
    return list(Location.select().where(Location.zone == "KITBIN").order_by(Location.code))


def levels() -> dict[str, int]:
    """Every kit bin's level: the on-hand of all units in its location."""
    rows = db.execute_sql("SELECT l.code, SUM(u.on_hand) FROM location l LEFT JOIN stock_unit u "
                          "ON u.location = l.code WHERE l.zone = 'KITBIN' GROUP BY l.code").fetchall()
    return {code: int(total or 0) for code, total in rows}


def level(location: str) -> int:
    total = StockUnit.select(fn.SUM(StockUnit.on_hand)).where(StockUnit.location == location).scalar()
    return int(total or 0)


def kitbins() -> list[dict]:
    """`jobfloor kitbins --json`: each bin against its min and max, and what would fill it."""
    now = levels()
    out = []
    for b in bins():
        lvl, low, high = now[b.code], b.min_qty or 0, b.max_qty or 0
        below = lvl < low
        refill = max(0, high - lvl) if below else 0
        out.append({"location": b.code, "item": b.kit_item_id, "level": fmt_qty(lvl), "min": fmt_qty(low),
                    "max": fmt_qty(high), "below_min": below, "replenish_qty": fmt_qty(refill)})
    return out


def _kit_bin(code: str) -> Location:
    loc = Location.get_or_none(Location.code == (code or "").strip())
    if loc is None:
        raise NotFound(f"location {code} is not known: scan the bin's label")
    if loc.zone != "KITBIN":
        raise BusinessRefusal(f"{loc.code} is a {loc.zone} location, not a kit bin: scan the bin's label")
    return loc


# --- replenishment tasks ---------------------------------------------------------------------------------------

def ensure_task(actor: Actor, location: str, why: str) -> KitTask | None:
    """Inside the caller's write transaction: a task to fill the bin to max, if it is below min and has none open.

    The bin's location row is locked first, so two terminals emptying the same bin at once still make one task.
    """
    loc = locked(Location.select().where(Location.code == location)).first()
    if loc is None or loc.zone != "KITBIN":
        return None
    lvl = level(location)
    if lvl >= (loc.min_qty or 0):
        return None
    if KitTask.select().where((KitTask.location == location) & (KitTask.state == "OPEN")).exists():
        return None
    now = utcnow()
    hours = float(setting("kit_task_due_hours") or 0)
    task = KitTask.create(location=location, item=loc.kit_item_id, qty=max(0, (loc.max_qty or 0) - lvl),
                          state="OPEN", created_at=now, due_at=now + dt.timedelta(hours=hours))
    record(actor, "kit.task", location, task=task.id, item=loc.kit_item_id, level=lvl, min=loc.min_qty,
           qty=task.qty, why=why)
    return task


def _low_without_task() -> list[str]:
    lv = levels()
    covered = {loc for (loc,) in KitTask.select(KitTask.location).where(KitTask.state == "OPEN").tuples()}
    return [b.code for b in bins() if lv.get(b.code, 0) < (b.min_qty or 0) and b.code not in covered]


def raise_tasks(actor: Actor, why: str) -> list[int]:
    """Inside the caller's write transaction: a task for every bin below min without one. An import that loads a
    bin low (or raises its min) calls this, so the board and the task list agree from the moment it commits."""
    made = [ensure_task(actor, code, why) for code in _low_without_task()]
    return [t.id for t in made if t is not None]


def sweep_tasks(actor: Actor) -> list[int]:
    """Tasks for every bin below min without one (a safety net: every write that lowers a bin raises its own)."""
    require(actor, "kit.replenish")
    # Read first: a sweep must not take the write lock (or lock 2,000 bins) when no bin needs a task.
    if not _low_without_task():
        return []

    def run():
        with write_txn():
            return raise_tasks(actor, "below min")

    return retrying(run)


@dataclass
class Source:
    track_id: str
    location: str
    lot: str | None
    available: int
    expiry: dt.date | None


def suggest_sources(item: str, qty: int, today: dt.date | None = None) -> list[Source]:
    """Store containers for a bin fill, by the allocation rules, as many as it takes to cover `qty`.

    Rules 3 and 4 with today standing for the job start date: a bin is used from now on.
    """
    today = today or clock.today()
    it = Item.get_or_none(Item.code == item)
    if it is None:
        return []
    cut = rules.cutoff(today, it.min_remaining_days)
    u = StockUnit.alias(rules.UNIT)
    rows = (u.select(u.track_id, u.location, u.on_hand, u.reserved, u.expiry, u.opened, u.received,
                     Location.pick_seq, Lot.code)
            .join(Location, on=(u.location == Location.code))
            .switch(u).join(Lot, join_type=JOIN.LEFT_OUTER, on=(u.lot == Lot.id))
            .where((u.item == item) & (Location.zone == rules.ALLOCATABLE_ZONE) & SQL(rules.unit_sql())
                   & (u.expiry.is_null() | (u.expiry >= cut)))
            .tuples())

    def rank(r):
        expiry = _as_date(r[4])
        return rules.rank_key(rules.day_number(expiry) if expiry else None, r[5],
                              rules.day_number(_as_date(r[6])), r[7], r[0])

    ranked = sorted(rows, key=rank)
    out, covered = [], 0
    for tid, loc, on_hand, reserved, expiry, _opened, _received, _seq, lot in ranked:
        out.append(Source(tid, loc, lot, on_hand - reserved, _as_date(expiry)))
        covered += on_hand - reserved
        if covered >= qty:
            break
    return out


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass
class TaskRow:
    id: int
    location: str
    item: str
    qty: int  # what would fill the bin to max now
    level: int
    min: int
    max: int
    created_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool
    uom: str
    sources: list[Source] = field(default_factory=list)

    @property
    def suggestion(self) -> str:
        if not self.sources:
            return "no eligible store stock"
        s = self.sources[0]
        more = f" +{len(self.sources) - 1}" if len(self.sources) > 1 else ""
        return f"{s.track_id} @ {s.location}" + (f" lot {s.lot}" if s.lot else "") + more


def open_tasks(now: dt.datetime | None = None) -> list[TaskRow]:
    """Open tasks, most urgent first, each with the store stock the rules suggest."""
    now = now or utcnow()
    tasks = list(KitTask.select(KitTask, Location).join(Location).where(KitTask.state == "OPEN")
                 .order_by(KitTask.due_at, KitTask.id))
    lv = levels()
    uoms = {i.code: i.uom for i in Item.select(Item.code, Item.uom).where(Item.code.in_({t.item for t in tasks}))}
    out = []
    for t in tasks:
        loc = t.location
        cur = lv.get(loc.code, 0)
        fill = max(0, (loc.max_qty or 0) - cur)
        out.append(TaskRow(t.id, loc.code, t.item, fill, cur, loc.min_qty or 0, loc.max_qty or 0, t.created_at,
                           t.due_at, bool(t.due_at and t.due_at < now), uoms.get(t.item, ""),
                           suggest_sources(t.item, fill)))
    return out


@dataclass
class Replenished:
    task: int
    location: str
    item: str
    source: str
    unit: str  # the TrackID now in the bin: the source itself when all of it moved
    lot: str | None
    qty: int
    whole: bool
    level: int
    next_task: int | None

    def text(self) -> str:
        into = "moved whole" if self.whole else f"as {self.unit}"
        return (f"Bin {self.location} filled with {fmt_short(self.qty)} {self.item} from {self.source} ({into}); "
                f"level now {fmt_short(self.level)}")


def _item_said(code: str) -> str:
    item = Item.get_or_none(Item.code == code)
    return f"{code} ({item.description})" if item is not None and item.description else code


def _check_source(unit: StockUnit | None, source_id: str, item: str) -> None:
    """The container an operator took for a bin: the bin's item, in store stock, free to use. Said in the
    floor's words, since it is said at the first scan, standing at the shelf."""
    if unit is None:
        raise NotFound(f"TrackID {source_id} is not known: scan the container's label again")
    if unit.item_id != item:
        raise BusinessRefusal(f"Wrong item: TrackID {source_id} holds {_item_said(unit.item_id)}, this bin takes "
                              f"{_item_said(item)}. Put it back and take a container of {item}.")
    zone = Location.get(Location.code == unit.location_id).zone
    if unit.state != "ACTIVE" or zone != "STORE":
        raise BusinessRefusal(f"TrackID {source_id} is not in store stock (it is in {unit.location_id}): "
                              "take a container from the store")
    if unit.status != "AVAILABLE":
        raise BusinessRefusal(f"TrackID {source_id} is on {unit.status.lower()}: it may not go to the floor")
    if unit.on_hand - unit.reserved <= 0:
        raise BusinessRefusal(f"TrackID {source_id} is all reserved for jobs: take another container")


def check_source(task_id: int, source_track_id: str) -> str:
    """The first scan of a fill task: refuse a container that may not fill this task's bin, before anyone carries
    it there. Returns the TrackID as scanned, trimmed. The confirmation checks it all again."""
    task = KitTask.get_or_none(KitTask.id == task_id)
    if task is None or task.state != "OPEN":
        raise BusinessRefusal(f"task {task_id} is no longer open: refresh the task list (F5)")
    source_id = (source_track_id or "").strip()
    _check_source(StockUnit.get_or_none(StockUnit.track_id == source_id), source_id, task.item)
    return source_id


def confirm_replenishment(actor: Actor, task_id: int, source_track_id: str, bin_location: str,
                          qty: int | None = None) -> Replenished:
    """The operator scanned the store container and the bin: move the stock and close the task.

    Without `qty`, what fills the bin to max moves (all of the container if it holds less). The rows written at
    the bin's location record which TrackID and lot went into which bin and when; trace reads them from there.
    """
    require(actor, "kit.replenish")
    return retrying(_replenish, actor, task_id, (source_track_id or "").strip(), (bin_location or "").strip(), qty)


def _replenish(actor, task_id, source_id, bin_code, qty) -> Replenished:
    with write_txn():
        task = locked(KitTask.select().where(KitTask.id == task_id)).first()
        if task is None:
            raise NotFound(f"task {task_id} is not known: refresh the task list")
        if task.state != "OPEN":
            raise BusinessRefusal(f"task {task_id} is already {task.state.lower()}: refresh the task list")
        if bin_code != task.location_id:
            raise BusinessRefusal(f"{bin_code or 'that'} is not the bin of this task: take the stock to "
                                  f"{task.location_id} and scan its label")
        loc = locked(Location.select().where(Location.code == task.location_id)).first()
        unit = locked(StockUnit.select().where(StockUnit.track_id == source_id)).first()
        _check_source(unit, source_id, task.item)
        free = unit.on_hand - unit.reserved
        before = level(loc.code)
        if qty is None:
            want = (loc.max_qty or 0) - before
            if want <= 0:
                raise BusinessRefusal(f"bin {loc.code} is already at max ({fmt_short(before)}): nothing to add")
            qty = min(want, free)
        if qty <= 0:
            raise UserInputError("the quantity must be above zero")
        if qty > free:
            raise BusinessRefusal(f"TrackID {source_id} has only {fmt_short(free)} free: move that much or less")
        lot = unit.lot.code if unit.lot_id else None
        whole = qty == unit.on_hand
        if whole:
            ledger.relocate(unit, loc.code, "TRANSFER", actor, ref=f"kit task {task.id}")
            moved_id = unit.track_id
        else:
            moved_id = new_track_id()
            ledger.post(unit, -qty, "TRANSFER", actor, ref=moved_id)
            StockUnit.update(opened=True).where(StockUnit.track_id == unit.track_id).execute()
            portion = StockUnit.create(track_id=moved_id, item=unit.item_id, lot=unit.lot_id, location=loc.code,
                                       on_hand=0, status="AVAILABLE", state="ACTIVE", expiry=unit.expiry,
                                       received=unit.received, parent=unit.track_id, opened=True)
            ledger.post(portion, qty, "TRANSFER", actor, ref=unit.track_id)
        now = utcnow()
        KitTask.update(state="DONE", done_at=now, done_by=actor.user).where(KitTask.id == task.id).execute()
        after = level(loc.code)
        record(actor, "kit.replenish", loc.code, task=task.id, source=source_id, unit=moved_id, lot=lot, qty=qty,
               whole=whole, before=before, after=after)
        nxt = ensure_task(actor, loc.code, "still below min after a fill")
    return Replenished(task.id, loc.code, task.item, source_id, moved_id, lot, qty, whole, after,
                       nxt.id if nxt else None)


# --- cycle counts ----------------------------------------------------------------------------------------------

@dataclass
class Counted:
    location: str
    before: int
    after: int
    method: str

    @property
    def delta(self) -> int:
        return self.after - self.before

    def text(self) -> str:
        sign = "+" if self.delta > 0 else ""
        return (f"Bin {self.location} counted: {fmt_short(self.after)} (was {fmt_short(self.before)}, "
                f"{sign}{fmt_short(self.delta)})")


def pieces_from_weight(weighed_kg: int, piece_weight_g: int, tare_kg: int = 0) -> int:
    """Mass (thousandths of kg) over a piece weight (thousandths of g) as whole pieces, in thousandths."""
    if piece_weight_g <= 0:
        raise UserInputError("the piece weight must be above zero: weigh a counted sample to find it")
    net = weighed_kg - tare_kg
    if net < 0:
        raise UserInputError("the weight is less than the tare: weigh the bin again")
    # grams (= thousandths of kg) over grams per piece; a scale's last digit is noise, so round to a whole piece
    pieces, rest = divmod(net * 1000, piece_weight_g)
    if rest * 2 >= piece_weight_g:
        pieces += 1
    return pieces * 1000


@dataclass
class WeightCount:
    location: str
    item: str
    uom: str
    pieces: int  # thousandths, as a level
    before: int

    def question(self, weighed_kg: int, piece_weight_g: int) -> str:
        return (f"Bin {self.location}: {fmt_short(weighed_kg)} kg at {fmt_short(piece_weight_g)} g a piece is "
                f"{fmt_short(self.pieces)} {self.uom or 'pieces'} of {self.item} (the bin says "
                f"{fmt_short(self.before)}). Post this count?")


def count_by_weight_preview(location: str, weighed_kg: int, piece_weight_g: int, tare_kg: int = 0) -> WeightCount:
    """What a count by weight would set the bin to, before it is posted: the person checks the figure first
    (a wrong piece weight or a hand on the pan turns 350 clips into 35)."""
    loc = _kit_bin(location)
    pieces = pieces_from_weight(weighed_kg, piece_weight_g, tare_kg)
    item = Item.get_or_none(Item.code == loc.kit_item_id)
    return WeightCount(loc.code, loc.kit_item_id or "", item.uom if item else "", pieces, level(loc.code))


def count_bin(actor: Actor, location: str, counted: int | None = None, weighed_kg: int | None = None,
              piece_weight_g: int | None = None, tare_kg: int = 0) -> Counted:
    """Set a bin's level from a count (thousandths of its unit) or from its weight and a piece weight.

    The difference is written as COUNT movements: down on the bin's units oldest first, up on the newest.
    """
    require(actor, "kit.count")
    if counted is not None and (weighed_kg is not None or piece_weight_g is not None):
        raise UserInputError("give a count or a weight with a piece weight, not both")
    if counted is None:
        if weighed_kg is None or piece_weight_g is None:
            raise UserInputError("give the counted quantity, or the weight and the piece weight")
        target = pieces_from_weight(weighed_kg, piece_weight_g, tare_kg)
        method = "weight"
    else:
        if counted < 0:
            raise UserInputError("a count cannot be negative")
        target, method = counted, "count"
    return retrying(_count, actor, (location or "").strip(), target, method,
                    {"weighed_kg": weighed_kg, "piece_weight_g": piece_weight_g, "tare_kg": tare_kg}
                    if method == "weight" else {})


def bin_units(code: str, item: str | None = None) -> list[StockUnit]:
    """A bin's units, locked, oldest first: what went into the bin first is what the floor uses first."""
    query = StockUnit.select().where(StockUnit.location == code)
    if item is not None:
        query = query.where(StockUnit.item == item)
    return list(locked(query.order_by(StockUnit.received, StockUnit.created_at, StockUnit.track_id)))


def _count(actor, code, target, method, weighed) -> Counted:
    with write_txn():
        loc = _kit_bin(code)
        units = bin_units(loc.code)
        before = sum(u.on_hand for u in units)
        delta = target - before
        if delta > 0:
            if not units:
                raise BusinessRefusal(f"bin {loc.code} has never held stock, so its lot is unknown: fill it from "
                                      "the store with a replenishment instead")
            newest = units[-1]
            ledger.post(newest, delta, "COUNT", actor, ref="cycle count")
            StockUnit.update(state="ACTIVE").where(StockUnit.track_id == newest.track_id).execute()
        elif delta < 0:
            left = -delta
            for u in units:
                if not left:
                    break
                take = min(u.on_hand - u.reserved, left)
                if take <= 0:
                    continue
                ledger.post(u, -take, "COUNT", actor, ref="cycle count")
                if u.on_hand == 0:
                    StockUnit.update(state="EMPTY").where(StockUnit.track_id == u.track_id).execute()
                left -= take
        record(actor, "kit.count", loc.code, method=method, before=before, after=target, **weighed)
        ensure_task(actor, loc.code, "below min after a count")
    return Counted(loc.code, before, target, method)


# --- history, cover and the board ------------------------------------------------------------------------------

def _day_expr() -> str:
    # Movement.at is text 'YYYY-MM-DD HH:MM:SS' in SQLite and a timestamp in PostgreSQL
    return "CAST(m.at AS date)" if is_postgres() else "substr(m.at, 1, 10)"


def _daily_sql(since: dt.datetime, until: dt.datetime | None, locations: list[str] | None) -> dict:
    ph = placeholder()
    day = _day_expr()

    def stamp(value: dt.datetime):
        return value if is_postgres() else value.isoformat(sep=" ")

    params: list = [stamp(since)]
    window = f"m.at >= {ph}"
    if until is not None:
        window += f" AND m.at < {ph}"
        params.append(stamp(until))
    where = "l.zone = 'KITBIN'"
    if locations is not None:
        where = f"l.code IN ({','.join([ph] * len(locations))})"
        params += list(locations)
    sql = (f"SELECT m.location, {day}, SUM(m.qty), SUM(CASE WHEN m.kind = 'CONSUME' THEN -m.qty ELSE 0 END) "
           f"FROM location l JOIN movement m ON m.location = l.code AND {window} "
           f"WHERE {where} GROUP BY m.location, {day}")
    out: dict[str, dict[dt.date, tuple[int, int]]] = {}
    days: dict = {}  # a handful of distinct days over thousands of rows: convert each once
    for loc, d, net, used in db.execute_sql(sql, params).fetchall():
        day_key = days.get(d)
        if day_key is None:
            day_key = days[d] = _as_date(d)
        bucket = out.get(loc)
        if bucket is None:
            bucket = out[loc] = {}
        bucket[day_key] = (int(net), int(used))
    return out


# Days that are over do not change (the ledger is only ever appended to, at the time of writing), so their sums
# are kept per process: the board refreshes on every commit of every terminal, and then only reads today's rows.
# The key carries a fingerprint of those days' rows (count and last id, from the index on `at`), so a database
# that is not the one the sums came from, or rows written with an earlier time, are never served stale.
_CLOSED: dict[tuple, tuple[tuple, dict]] = {}


def _closed_days(since: dt.datetime, until: dt.datetime) -> dict:
    ph = placeholder()
    stamps = [since, until] if is_postgres() else [since.isoformat(sep=" "), until.isoformat(sep=" ")]
    count, last = db.execute_sql(f"SELECT COUNT(*), MAX(id) FROM movement WHERE at >= {ph} AND at < {ph}",
                                 stamps).fetchone()
    key = (id(db.obj), since, until)
    fingerprint = (int(count), last)
    hit = _CLOSED.get(key)
    if hit is not None and hit[0] == fingerprint:
        return hit[1]
    sums = _daily_sql(since, until, None)
    _CLOSED.clear()
    _CLOSED[key] = (fingerprint, sums)
    return sums


def daily_movement(since: dt.date, locations: list[str] | None = None,
                   today: dt.date | None = None) -> dict[str, dict[dt.date, tuple[int, int]]]:
    """Per bin and UTC day since `since`: (net change, quantity consumed by jobs)."""
    start = dt.datetime.combine(since, dt.time())
    if locations is not None:
        return _daily_sql(start, None, locations) if locations else {}
    midnight = dt.datetime.combine(today or utcnow().date(), dt.time())
    if start >= midnight:
        return _daily_sql(start, None, None)
    # The cached sums are shared: only the bins with rows today get a copy to add today to.
    out = dict(_closed_days(start, midnight))
    for loc, days in _daily_sql(midnight, None, None).items():
        out[loc] = {**out.get(loc, {}), **days}
    return out


def history_from(current: int, days: list[dt.date], moves: dict[dt.date, tuple[int, int]]) -> list[int]:
    """Closing level of each day, oldest first: today's is the level now, each earlier one undoes a day."""
    out, lvl = [], current
    for d in reversed(days):
        out.append(lvl)
        lvl -= moves.get(d, (0, 0))[0]
    return out[::-1]


def level_history(location: str, days: int = 14, today: dt.date | None = None) -> list[int]:
    today = today or utcnow().date()
    span = [today - dt.timedelta(days=k) for k in range(days - 1, -1, -1)]
    moves = daily_movement(span[0] + dt.timedelta(days=1), [location]).get(location, {})
    return history_from(level(location), span, moves)


def cover_days(current: int, used_in_window: int, window: int = COVER_DAYS) -> float | None:
    """Days the level lasts at the recent rate; None when nothing was used lately."""
    if used_in_window <= 0:
        return None
    return current / (used_in_window / window)


@dataclass
class BinRow:
    location: str
    item: str
    description: str
    uom: str
    level: int
    min: int
    max: int
    history: list[int]
    cover: float | None
    task: int | None
    task_due: dt.datetime | None
    task_overdue: bool

    @property
    def state(self) -> str:
        if self.level <= 0:
            return "EMPTY"
        if self.level < self.min:
            return "LOW"
        if self.max and self.level > self.max:
            return "OVER"
        return "OK"

    @property
    def fill(self) -> float:
        return self.level / self.max if self.max else 0.0


def board(days: int = 14, today: dt.date | None = None, now: dt.datetime | None = None) -> list[BinRow]:
    """Everything the Kit bins board shows, in a handful of queries whatever the number of bins.

    Plain SQL rows rather than model objects: with thousands of bins the objects would cost more than the queries.
    """
    now = now or utcnow()
    today = today or now.date()
    span = [today - dt.timedelta(days=k) for k in range(days - 1, -1, -1)]
    cover_from = today - dt.timedelta(days=COVER_DAYS - 1)
    moves = daily_movement(min(span[0] + dt.timedelta(days=1), cover_from), today=today)
    lv = levels()
    tasks = {}
    for loc, task_id, due in db.execute_sql("SELECT location, id, due_at FROM kit_task WHERE state = 'OPEN' "
                                            "ORDER BY id").fetchall():
        tasks.setdefault(loc, (task_id, _as_datetime(due)))
    out = []
    for code, item, low, high, description, uom in db.execute_sql(
            "SELECT l.code, l.kit_item, l.min_qty, l.max_qty, i.description, i.uom FROM location l "
            "LEFT JOIN item i ON i.code = l.kit_item WHERE l.zone = 'KITBIN' ORDER BY l.code").fetchall():
        mv = moves.get(code, {})
        used = sum(u for d, (_n, u) in mv.items() if d >= cover_from)
        task_id, due = tasks.get(code, (None, None))
        current = lv.get(code, 0)
        out.append(BinRow(code, item or "", description or "", uom or "", current, int(low or 0), int(high or 0),
                          history_from(current, span, mv), cover_days(current, used), task_id, due,
                          bool(due and due < now)))
    return out


def _as_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))
