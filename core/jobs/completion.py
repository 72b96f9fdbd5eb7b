"""Job completion: the output lot is received, what the job holds in WIP is used up, kit lines are drawn.

A job whose picked lines are not all picked (within the item's tolerance) is refused: the floor would make it
without part of its material and nobody would know. A supervisor may close it short with a reason instead; the
reason stays on each short line (the board shows it), in the audit trail, and in the <Notation> of the postings
the completion writes (docs/interchange.md).

One transaction: the finished stock arrives as a new TrackID of the job's output lot; the job's units still in
WIP are consumed; each kit-issue line is drawn from the floor bin of its item (oldest units first) with a
PostMaterial per unit drawn; a bin left below min gets its replenishment task; what the job still had reserved
goes back to stock. The ledger rows written here are what trace and the kit-bin board read later.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import fn

from core import clock
from core.clock import utcnow
from core.data.db import locked, retrying, write_txn
from core.data.models import Item, Job, JobLine, Location, Movement, PickTask, StockUnit
from core.data.serials import new_track_id
from core.data.setting_store import setting
from core.erp.postings import add_posting
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.jobs import reservations
from core.jobs.tolerance import band
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


@dataclass(frozen=True)
class ShortLine:
    """A picked line not picked in full: what it needed, what was picked (gross, before any return)."""

    line: int
    item: str
    required: int
    picked: int
    uom: str

    def text(self) -> str:
        return f"line {self.line} {self.item} {fmt_short(self.picked)} of {fmt_short(self.required)} {self.uom}"


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
    tasks: list[int]  # the replenishment tasks this completion raised (not those already open)
    task_bins: list[str] = field(default_factory=list)  # their bins, in the same order
    closed_short: list[ShortLine] = field(default_factory=list)
    short_reason: str | None = None

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
        if self.closed_short:
            out.append(f"  closed short ({self.short_reason}): " + "; ".join(s.text() for s in self.closed_short))
        if self.tasks:
            raised = ", ".join(f"{b} (task {t})" for t, b in zip(self.tasks, self.task_bins))
            out.append(f"  {len(self.tasks)} replenishment task(s) raised: {raised}")
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


def complete_job(actor: Actor, job: str, qty: int | None = None, *,
                 close_short: str | None = None) -> CompletionResult:
    """Complete a released job, receiving `qty` of its output (default: its QtyToMake).

    `close_short` is a supervisor's reason to complete a job whose lines are not all picked; without it such a job
    is refused."""
    require(actor, "complete")
    if qty is not None and qty <= 0:
        raise UserInputError("the quantity made must be above zero")
    reason = " ".join((close_short or "").split()) or None
    if close_short is not None:
        require(actor, "complete.short")
        if reason is None or len(reason) < 3:
            raise UserInputError("say why the job is closed short (the board, the postings and the audit trail "
                                 "keep the reason)")
    return retrying(_complete, actor, (job or "").strip(), qty, reason)


def short_lines(job: str) -> list[ShortLine]:
    """The job's picked (not kit-issued) lines picked less than their tolerance allows: gross picks, so material
    that came back after production does not make a line short."""
    picked = dict(Movement.select(Movement.line, fn.SUM(Movement.qty))
                  .where((Movement.job == job) & (Movement.kind == "ISSUE") & (Movement.qty > 0))
                  .group_by(Movement.line).tuples())
    out = []
    lines = (JobLine.select(JobLine.line, JobLine.item, JobLine.qty_reqd, JobLine.uom, Item.weighed,
                            Item.tolerance_milli_pct)
             .join(Item, on=(JobLine.item == Item.code))
             .where((JobLine.job == job) & (JobLine.kit_issue == False)).order_by(JobLine.line).tuples())  # noqa: E712
    for line, item, required, uom, weighed, tolerance in lines:
        got = int(picked.get(line) or 0)
        if got < band(required, weighed, tolerance)[0]:
            out.append(ShortLine(line, item, required, got, uom))
    return out


def _complete(actor: Actor, number: str, qty: int | None, reason: str | None) -> CompletionResult:
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
        short = short_lines(job.job)
        if short and reason is None:
            raise BusinessRefusal(
                f"job {number} has {len(short)} line(s) not picked in full ({'; '.join(s.text() for s in short)}): "
                f"pick them, or a supervisor closes the job short with a reason (--close-short REASON)")
        if not short:
            reason = None  # nothing is short: there is nothing to close short
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
        notation = f"closed short: {reason}" if reason else None
        if short:
            for s in short:
                JobLine.update(short_reason=notation[:200]).where(
                    (JobLine.job == job.job) & (JobLine.line == s.line)).execute()
            record(actor, "job.close_short", job.job, reason=reason,
                   lines={str(s.line): {"item": s.item, "required": s.required, "picked": s.picked} for s in short})
        kit, touched = [], []
        for line in JobLine.select().where((JobLine.job == job.job) & JobLine.kit_issue).order_by(JobLine.line):
            draw = _draw_kit(actor, job, line, notation)
            kit.append(draw)
            touched += [b for b in draw.bins if b not in touched]
        tasks, task_bins = [], []
        for draw in kit:
            if draw.short > 0:
                record(actor, "kit.shortfall", f"{job.job}/{draw.line}", item=draw.item, required=draw.required,
                       consumed=draw.consumed, short=draw.short, bins=draw.bins)
        for code in touched + _bins_of([d.item for d in kit if d.short > 0 and not d.bins]):
            task = ensure_task(actor, code, f"job {job.job} drew from it")
            if task is not None:
                tasks.append(task.id)
                task_bins.append(code)
        returned = _give_back(job)
        now = utcnow()
        Job.update(state="COMPLETED", completed_at=now, closed_short=reason).where(Job.job == job.job).execute()
        record(actor, "job.complete", job.job, qty=qty, track_id=track_id, lot=job.output_lot, location=where,
               wip=[t for t, _ in wip], kit={str(k.line): k.consumed for k in kit},
               short={str(k.line): k.short for k in kit if k.short > 0}, returned=returned, tasks=tasks,
               closed_short=reason)
    return CompletionResult(job.job, item.code, job.output_lot, qty, track_id, where, expiry, wip, kit, returned,
                            tasks, task_bins, short, reason)


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


def _draw_kit(actor: Actor, job: Job, line: JobLine, notation: str | None = None) -> KitDraw:
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
                                  reference="", kind="KIT", notation=notation)
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
