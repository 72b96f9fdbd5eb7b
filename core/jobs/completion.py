"""Job completion: the output lot is received, what the job holds in WIP is used up, kit lines are drawn.

One transaction: the finished stock arrives as a new TrackID of the job's output lot; the job's units still in
WIP are consumed; each kit-issue line is drawn from the floor bin of its item (oldest units first) with a
PostMaterial per unit drawn; a bin left below min gets its replenishment task; what the job still had reserved
goes back to stock. The ledger rows written here are what trace and the kit-bin board read later.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core import clock
from core.clock import utcnow
from core.data.db import locked, retrying, write_txn
from core.data.models import Item, Job, JobLine, Location, Movement, PickTask, StockUnit
from core.data.setting_store import setting
from core.data.serials import new_track_id
from core.erp.postings import add_posting
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.jobs import reservations
from core.kitbins.bins import bin_units, ensure_task
from core.labels.kinds import TRACKID
from core.labels.plan import is_bulk
from core.labels.queue import enqueue, trackid_label_content
from core.qty import fmt_short
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from core.stock import ledger
from core.stock.lots import lot_for


@dataclass
class KitDraw:
    line: int
    item: str
    required: int
    consumed: int
    bins: list[str]
    postings: list[str] = field(default_factory=list)

    @property
    def short(self) -> int:
        return self.required - self.consumed


@dataclass
class CompletionResult:
    job: str
    item: str
    lot: str
    qty: int
    track_id: str
    location: str
    expiry: dt.date | None
    wip_consumed: list[tuple[str, int]]  # (TrackID, quantity used up)
    kit: list[KitDraw]
    reservations_returned: int
    tasks: list[int]

    @property
    def shortfalls(self) -> list[KitDraw]:
        return [k for k in self.kit if k.short > 0]

    def lines(self) -> list[str]:
        out = [f"Job {self.job} completed: {fmt_short(self.qty)} {self.item} lot {self.lot} received as "
               f"{self.track_id} at {self.location}"]
        if self.wip_consumed:
            out.append(f"  {len(self.wip_consumed)} WIP unit(s) used up")
        for k in self.kit:
            where = ", ".join(k.bins) or "no bin"
            out.append(f"  kit line {k.line} {k.item}: {fmt_short(k.consumed)} of {fmt_short(k.required)} "
                       f"from {where}" + (f"  SHORT {fmt_short(k.short)}" if k.short > 0 else ""))
        if self.reservations_returned:
            out.append(f"  {self.reservations_returned} reservation(s) given back to stock")
        if self.tasks:
            out.append(f"  replenishment task(s) raised: {', '.join(str(t) for t in self.tasks)}")
        return out


def receipt_location(job: Job) -> str:
    """Where a job's output arrives: the warehouse's setting, else the first dispatch, else the first store."""
    code = setting(f"receipt_location.{job.warehouse}")
    if code:
        if Location.get_or_none(Location.code == code) is None:
            raise BusinessRefusal(f"the receipt location {code} set for warehouse {job.warehouse} does not exist: "
                                  "ask a supervisor to fix the setting or import the location")
        return code
    for zone in ("DISPATCH", "STORE"):
        loc = Location.select().where(Location.zone == zone).order_by(Location.pick_seq, Location.code).first()
        if loc is not None:
            return loc.code
    raise BusinessRefusal("there is no dispatch or store location to receive into: import one first")


def complete_job(actor: Actor, job: str, qty: int | None = None) -> CompletionResult:
    """Complete a released job, receiving `qty` of its output (default: its QtyToMake)."""
    require(actor, "complete")
    if qty is not None and qty <= 0:
        raise UserInputError("the quantity made must be above zero")
    return retrying(_complete, actor, (job or "").strip(), qty)


def _complete(actor: Actor, number: str, qty: int | None) -> CompletionResult:
    with write_txn():
        job = locked(Job.select().where(Job.job == number)).first()
        if job is None:
            raise NotFound(f"job {number} is not imported: check the number")
        if job.state == "COMPLETED":
            raise BusinessRefusal(f"job {number} was already completed on {job.completed_at:%Y-%m-%d %H:%M}")
        if job.state != "RELEASED":
            raise BusinessRefusal(f"job {number} is not released yet: release it before completing it")
        if not job.output_lot:
            raise BusinessRefusal(f"job {number} has no output lot: release it again to fix its lot")
        qty = job.qty_to_make if qty is None else qty
        item = Item.get(Item.code == job.item_id)
        where = receipt_location(job)

        lot_id = lot_for(item.code, job.output_lot, made_by_job=job.job)
        expiry = job.start_date + dt.timedelta(days=item.shelf_life_days) if item.shelf_life_days else None
        track_id = new_track_id()
        unit = StockUnit.create(track_id=track_id, item=item.code, lot=lot_id, location=where, on_hand=0,
                                status="AVAILABLE", state="ACTIVE", expiry=expiry, received=clock.today())
        ledger.post(unit, qty, "RECEIPT", actor, job=job.job, ref=f"job {job.job}")
        if is_bulk(item.uom, item.weighed):
            # A bulk output has no product labels; its container gets one, as a picked portion does.
            enqueue(TRACKID, trackid_label_content(StockUnit.get(StockUnit.track_id == track_id)),
                    station=actor.station, job=job.job, track_id=track_id, user=actor.user)

        wip = _consume_wip(actor, job)
        kit, touched = [], []
        for line in JobLine.select().where((JobLine.job == job.job) & JobLine.kit_issue).order_by(JobLine.line):
            draw = _draw_kit(actor, job, line)
            kit.append(draw)
            touched += [b for b in draw.bins if b not in touched]
        tasks = []
        for draw in kit:
            if draw.short > 0:
                record(actor, "kit.shortfall", f"{job.job}/{draw.line}", item=draw.item, required=draw.required,
                       consumed=draw.consumed, short=draw.short, bins=draw.bins)
        for code in touched + _bins_of([d.item for d in kit if d.short > 0 and not d.bins]):
            task = ensure_task(actor, code, f"job {job.job} drew from it")
            if task is not None:
                tasks.append(task.id)
        returned = _give_back(job)
        now = utcnow()
        Job.update(state="COMPLETED", completed_at=now).where(Job.job == job.job).execute()
        record(actor, "job.complete", job.job, qty=qty, track_id=track_id, lot=job.output_lot, location=where,
               wip=[t for t, _ in wip], kit={str(k.line): k.consumed for k in kit},
               short={str(k.line): k.short for k in kit if k.short > 0}, returned=returned, tasks=tasks)
    return CompletionResult(job.job, item.code, job.output_lot, qty, track_id, where, expiry, wip, kit, returned,
                            tasks)


def _consume_wip(actor: Actor, job: Job) -> list[tuple[str, int]]:
    units = list(locked(StockUnit.select().where((StockUnit.job == job.job) & (StockUnit.state == "ISSUED"))
                        .order_by(StockUnit.track_id)))
    if not units:
        return []
    lines = {tid: ln for tid, ln in Movement.select(Movement.unit, Movement.line)
             .where((Movement.job == job.job) & (Movement.kind == "ISSUE") & (Movement.qty > 0))
             .order_by(Movement.id).tuples()}
    used = []
    for u in units:
        held = u.on_hand
        if held:
            ledger.post(u, -held, "CONSUME", actor, job=job.job, line=lines.get(u.track_id), ref="job completed")
        used.append((u.track_id, int(held)))
    StockUnit.update(state="EMPTY").where(StockUnit.track_id.in_([u.track_id for u in units])).execute()
    return used


def _bins_of(items: list[str]) -> list[str]:
    if not items:
        return []
    return [b.code for b in Location.select().where((Location.zone == "KITBIN") & Location.kit_item.in_(items))]


def _draw_kit(actor: Actor, job: Job, line: JobLine) -> KitDraw:
    """Draw a kit line from the bins of its item, in walk order, each bin's oldest units first.

    Stock on hold in a bin stays there: a held lot must not go into a product, even from the floor.
    """
    bins = list(Location.select().where((Location.zone == "KITBIN") & (Location.kit_item == line.item_id))
                .order_by(Location.pick_seq, Location.code))
    draw = KitDraw(line.line, line.item_id, line.qty_reqd, 0, [])
    need = line.qty_reqd
    for b in bins:
        if need <= 0:
            break
        draw.bins.append(b.code)
        for u in bin_units(b.code, line.item_id):
            if need <= 0:
                break
            take = min(u.on_hand - u.reserved, need)
            if take <= 0 or u.status != "AVAILABLE":
                continue
            lot = u.lot.code if u.lot_id else None
            move = ledger.post(u, -take, "CONSUME", actor, job=job.job, line=line.line, ref=b.code)
            if u.on_hand == 0:
                StockUnit.update(state="EMPTY").where(StockUnit.track_id == u.track_id).execute()
            posting = add_posting(move, job=job.job, line=line.line, warehouse=line.warehouse, qty=take, lot=lot,
                                  reference="", kind="KIT")
            draw.postings.append(posting.key)
            draw.consumed += take
            need -= take
    JobLine.update(issued=JobLine.issued + draw.consumed).where(JobLine.id == line.id).execute()
    return draw


def _give_back(job: Job) -> int:
    """Reservations the job never picked go back to stock; its open pick tasks are void."""
    line_ids = [ln.id for ln in JobLine.select(JobLine.id).where(JobLine.job == job.job)]
    if not line_ids:
        return 0
    given = reservations.give_back(line_ids)
    PickTask.update(state="VOID", reason="job completed").where(
        PickTask.job_line.in_(line_ids) & (PickTask.state == "OPEN")).execute()
    return len(given)
