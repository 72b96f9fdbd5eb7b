"""Picking: confirm what was taken from a container for a job line, in one transaction.

A pick moves stock from its store location into the job's WIP location: the whole container when all of it is
taken, else a new dispensed portion with its own TrackID and the same lot. The reservation is consumed, the task
done, the ERP gets a PostMaterial and the audit trail an event. The Pick screen and `jobfloor pick` both call this.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from core.allocator import rules
from core.clock import utcnow
from core.data.db import locked, retrying, run_prepared, run_sql, write_txn
from core.data.models import (
    AuditEvent,
    Item,
    Job,
    JobLine,
    Location,
    Lot,
    PickTask,
    Reservation,
    Station,
    StockUnit,
    User,
)
from core.data.serials import next_track_id
from core.data.setting_store import setting
from core.erp.postings import add_posting
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.jobs import reservations, tolerance
from core.jobs.assignment import is_mine, not_yours
from core.labels.kinds import TRACKID
from core.labels.queue import enqueue, trackid_label_content
from core.qty import fmt_qty, fmt_short
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from core.stock import ledger

REASONS = {
    "DAMAGED": "suggested container damaged",
    "NOT_FOUND": "suggested container not at its location",
    "CLOSER": "another eligible container is closer",
    "OPENED": "use up an opened container first",
    "QUALITY": "quality concern with the suggested container",
}
SHORT_REASONS = {
    "NO_STOCK": "nothing left at the location",
    "DAMAGED": "stock damaged",
    "SCALE": "could not weigh the rest",
    "OTHER": "other",
}


@dataclass
class PickResult:
    job: str
    line: int
    item: str
    source: str
    portion: str  # the TrackID that now holds the picked stock in WIP (the source itself for a whole container)
    qty: int
    lot: str | None
    line_done: bool
    posting: str
    repeated: bool = False

    def text(self) -> str:
        return (f"Picked {fmt_short(self.qty)} {self.item} from {self.source}"
                + (f" into {self.portion}" if self.portion != self.source else "") + f" for job {self.job}")


def wip_location(job: Job) -> str:
    return setting(f"wip_location.{job.warehouse}") or _wip_fallback()


def _previous(request_id: str | None):
    if not request_id:
        return None
    return AuditEvent.get_or_none((AuditEvent.subject == request_id) & (AuditEvent.action == "pick"))


def _check_substitute(line: JobLine, job: Job, unit: StockUnit, item: Item, zone: str) -> None:
    """Another container than the suggested one: it must be one the allocation rules would allow."""
    why = rules.refusal(unit.status, zone, unit.state, unit.expiry, rules.cutoff(job.start_date,
                                                                                  item.min_remaining_days))
    if why:
        raise BusinessRefusal(f"TrackID {unit.track_id} cannot be used: {why}. Use the suggested one")
    if item.single_lot:
        held = {r.unit.lot_id for r in Reservation.select(Reservation, StockUnit).join(StockUnit)
                .where(Reservation.job_line == line.id)}
        held |= {u.lot_id for u in StockUnit.select().where((StockUnit.job == job.job) & (StockUnit.item == item.code))}
        other = rules.single_lot_refusal(True, held, unit.lot_id)
        if other is not None:
            lot = Lot.get_by_id(other).code
            raise BusinessRefusal(f"{item.code} must come from one lot for this line: use a container of lot {lot}")


def _move_to_substitute(actor: Actor, line: JobLine, job: Job, unit: StockUnit, item: Item, zone: str,
                        reason: str | None, qty: int, task: PickTask | None = None) -> tuple[PickTask, Reservation]:
    """Another container than the suggested one: allowed when the rules allow it, with a reason code; the open
    task (the line's first, unless named) and its reservation move to the container actually used."""
    job_no, line_no, track_id = job.job, line.line, unit.track_id
    if task is None:
        task = PickTask.select().where((PickTask.job_line == line.id) & (PickTask.state == "OPEN")).order_by(
            PickTask.seq).first()
    if task is None:
        raise BusinessRefusal(f"line {line_no} of job {job_no} has nothing left to pick")
    if not reason:
        raise UserInputError(f"TrackID {track_id} is not the suggested container: give a reason code "
                             f"({', '.join(REASONS)})")
    if reason not in REASONS:
        raise UserInputError(f"unknown reason '{reason}': use one of {', '.join(REASONS)}")
    _check_substitute(line, job, unit, item, zone)
    suggested = task.unit_id
    task, reservation = reservations.move(line, task, unit, qty, item.uom)
    PickTask.update(reason=reason).where(PickTask.id == task.id).execute()
    record(actor, "pick.substitute", f"{job_no}/{line_no}", suggested=suggested, used=track_id, reason=reason)
    return task, reservation


def _checked(job_no: str, line_no: int, track_id: str, qty: int) -> tuple[JobLine, Job, StockUnit, Item, str]:
    """The line and the container, locked, with every refusal that does not depend on the line's tasks."""
    line = locked(JobLine.select().where((JobLine.job == job_no) & (JobLine.line == line_no))).first()
    if line is None:
        raise NotFound(f"job {job_no} has no line {line_no}")
    job = Job.get(Job.job == job_no)
    if job.state != "RELEASED":
        raise BusinessRefusal(f"job {job_no} is {job.state.lower()}: only released jobs are picked")
    if line.kit_issue:
        raise BusinessRefusal(f"line {line_no} ({line.item_id}) is kit-issued from the floor bin: not picked")
    unit = locked(StockUnit.select().where(StockUnit.track_id == track_id)).first()
    if unit is None:
        raise NotFound(f"TrackID {track_id} is not known: scan the container's label again")
    item = Item.get(Item.code == line.item_id)
    if unit.item_id != item.code:
        raise BusinessRefusal(f"TrackID {track_id} holds {unit.item_id}, not {item.code}: take the right "
                              "container")
    if unit.status != rules.ELIGIBLE_STATUS:
        raise BusinessRefusal(f"TrackID {track_id} is on {unit.status.lower()}: take it back to quarantine "
                              "and scan another")
    zone = Location.get(Location.code == unit.location_id).zone
    if unit.state != rules.ACTIVE_STATE or zone != rules.ALLOCATABLE_ZONE:
        raise BusinessRefusal(f"TrackID {track_id} is not in store stock (it is in {unit.location_id}): "
                              "scan a container from the store")
    if qty <= 0:
        raise UserInputError("the quantity must be above zero")
    return line, job, unit, item, zone


# Everything a confirmation needs, read in one statement (a pick is a handful of round trips, not thirty): the
# line and the container, the job, the item, the container's zone and lot, the line's open task and its hold on the
# container, how many tasks the line has open, the settings a pick uses, the station's printer, and an earlier
# confirmation of the same request. On PostgreSQL the line and the container are locked by a statement of their
# own just before it, in the same round trip: a statement that locks reads every other table as it was before it
# waited for the lock, so a hold another pick had just consumed would be read as it was (_LOCK).
_FACTS = (
    "SELECT (SELECT detail FROM audit_event WHERE subject = ?1 AND action = 'pick' LIMIT 1), "
    "jl.id, jl.kit_issue, jl.warehouse, j.state, j.start_date, "
    "i.code, i.description, i.uom, i.weighed, i.tolerance_milli_pct, "
    "u.item, u.lot, lot.code, u.location, loc.zone, u.on_hand, u.reserved, u.status, u.state, u.expiry, "
    "t.id, t.qty, t.picked, r.id, r.qty, j.assignee_kind, j.assignee, "
    "(SELECT team FROM \"user\" WHERE code = ?6), "
    "(SELECT count(*) FROM pick_task o WHERE o.job_line = jl.id AND o.state = 'OPEN'), "
    "(SELECT value FROM setting WHERE key = 'wip_location.' || j.warehouse), "
    "(SELECT value FROM setting WHERE key = 'track_id_prefix'), "
    "st.code, st.printer_url, st.printer_language, st.printer_model, st.label_size "
    "FROM job_line jl JOIN job j ON j.job = jl.job JOIN item i ON i.code = jl.stock_code "
    "JOIN stock_unit u ON u.track_id = ?2 JOIN location loc ON loc.code = u.location "
    "LEFT JOIN lot ON lot.id = u.lot "
    "LEFT JOIN pick_task t ON t.job_line = jl.id AND t.track_id = u.track_id AND t.state = 'OPEN' "
    "LEFT JOIN reservation r ON r.job_line = jl.id AND r.track_id = u.track_id "
    "LEFT JOIN station st ON st.code = ?3 "
    "WHERE jl.job = ?4 AND jl.line = ?5 ORDER BY t.seq, t.id"
)
# The job row is share-locked too, so an assignment waits for a pick in progress, and a pick for an assignment
# in progress, which it then reads: an assignment binds from the moment it commits.
_LOCK = ("SELECT 1 FROM job_line jl JOIN job j ON j.job = jl.job JOIN stock_unit u ON u.track_id = ? "
         "WHERE jl.job = ? AND jl.line = ? FOR UPDATE OF jl, u FOR SHARE OF j")  # PostgreSQL; SQLite holds the write lock


def _date(value):
    """SQLite hands dates back as text."""
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _facts(actor: Actor, job_no: str, line_no: int, track_id: str, request_id: str | None):
    return run_prepared(_FACTS, (request_id, track_id, actor.station, job_no, line_no, actor.user),
                        pg=_LOCK, pg_params=(track_id, job_no, line_no)).fetchone()


def _confirm(actor: Actor, job_no: str, line_no: int, track_id: str, qty: int, reason: str | None,
             request_id: str | None, weighed: dict | None, label: bool, short: bool = False) -> PickResult:
    """`short`: what a short pick found in the job container, booked below the band; the task stays open for
    the short pick that follows in the same transaction."""
    with write_txn():
        row = _facts(actor, job_no, line_no, track_id, request_id)
        earlier = row[0] if row else getattr(_previous(request_id), "detail", None)
        if earlier is not None:
            d = json.loads(earlier)
            return PickResult(d["job"], d["line"], d["item"], d["source"], d["portion"], d["qty"], d["lot"],
                              d["line_done"], d["posting"], repeated=True)
        if row is None:
            _checked(job_no, line_no, track_id, qty)  # says which of the two is missing
            raise NotFound(f"TrackID {track_id} is not known: scan the container's label again")
        (_, line_id, kit_issue, warehouse, job_state, start, item_code, description, uom, is_weighed, tol,
         unit_item, lot_id, lot, location, zone, on_hand, reserved, status, state, expiry, task_id, task_qty,
         task_picked, res_id, res_qty, assignee_kind, assignee, team, open_tasks, wip, prefix, station,
         *printer) = row
        if job_state != "RELEASED":
            raise BusinessRefusal(f"job {job_no} is {job_state.lower()}: only released jobs are picked")
        if not is_mine(assignee_kind, assignee, actor.user, team, actor.station):
            raise BusinessRefusal(not_yours(job_no, assignee_kind, assignee))
        if kit_issue:
            raise BusinessRefusal(f"line {line_no} ({item_code}) is kit-issued from the floor bin: not picked")
        if unit_item != item_code:
            raise BusinessRefusal(f"TrackID {track_id} holds {unit_item}, not {item_code}: take the right "
                                  "container")
        if status != rules.ELIGIBLE_STATUS:
            raise BusinessRefusal(f"TrackID {track_id} is on {status.lower()}: take it back to quarantine "
                                  "and scan another")
        if state != rules.ACTIVE_STATE or zone != rules.ALLOCATABLE_ZONE:
            raise BusinessRefusal(f"TrackID {track_id} is not in store stock (it is in {location}): "
                                  "scan a container from the store")
        if qty <= 0:
            raise UserInputError("the quantity must be above zero")
        item = Item(code=item_code, description=description, uom=uom)
        unit = StockUnit(track_id=track_id, item=item, lot=Lot(id=lot_id, code=lot) if lot_id else None,
                         location=location, on_hand=on_hand, reserved=reserved, expiry=_date(expiry), job=None)
        reservation = Reservation(id=res_id, qty=res_qty) if res_id else None
        if task_id is None:
            task, reservation = _move_to_substitute(
                actor, JobLine.get_by_id(line_id), Job.get(Job.job == job_no),
                StockUnit.get(StockUnit.track_id == track_id), Item.get(Item.code == item_code), zone, reason, qty)
            task_id, task_qty, task_picked = task.id, task.qty, task.picked
            unit.reserved = StockUnit.get(StockUnit.track_id == track_id).reserved
        target = task_qty - task_picked
        reserved_here = reservation.qty if reservation else 0
        free_for_line = unit.on_hand - (unit.reserved - reserved_here)
        if short:
            if qty > target:
                raise BusinessRefusal(f"{fmt_short(qty)} {uom} is more than the {fmt_short(target)} {uom} left to "
                                      "pick here: confirm it with Enter, it is not short")
            tolerance.check_pick(qty, target, False, tol, uom, track_id, free_for_line)
        else:
            tolerance.check_pick(qty, target, is_weighed, tol, uom, track_id, free_for_line)
        # A weighed pick inside the band finishes the task; a count below the target leaves it open for the rest.
        done = not short and (bool(is_weighed) or qty >= target)
        consumed = min(reserved_here, target if done else qty)
        reservations.consume(line_id, reservation, consumed, issued=qty)
        wip = wip or _wip_fallback()
        if qty == unit.on_hand:
            # The whole container goes to the job: it keeps its TrackID.
            into = ledger.issue_whole(unit, wip, actor, job=job_no, line=line_no, reserved=consumed)
            portion = unit
        else:
            portion_id, into = ledger.dispense(unit, qty, wip, actor, new_id=lambda: next_track_id(prefix),
                                               job=job_no, line=line_no, reserved=consumed)
            portion = StockUnit(track_id=portion_id, item=item, lot=unit.lot, location=wip, on_hand=qty,
                                expiry=unit.expiry, job=job_no)
        run_sql("UPDATE pick_task SET state = ?, picked = ?, picked_by = ?, picked_at = ? WHERE id = ?",
                ("DONE" if done else "OPEN", task_picked + qty, actor.user, utcnow(), task_id))
        line_done = open_tasks - (1 if done else 0) == 0
        posting = add_posting(into, job=job_no, line=line_no, warehouse=warehouse, qty=qty, lot=lot,
                              reference=track_id, kind="PICK", bin=location)  # the bin it left, for the ERP
        if label:
            target_printer = Station(code=station, printer_url=printer[0], printer_language=printer[1],
                                     printer_model=printer[2], label_size=printer[3]) if station else None
            enqueue(TRACKID, trackid_label_content(portion), station=actor.station, job=job_no,
                    track_id=portion.track_id, user=actor.user, printer=target_printer)
        record(actor, "pick", request_id or f"{job_no}/{line_no}", job=job_no, line=line_no, item=item_code,
               source=track_id, portion=portion.track_id, qty=qty, lot=lot, line_done=line_done,
               posting=posting.key, weighed=weighed or {})
    return PickResult(job_no, line_no, item_code, track_id, portion.track_id, qty, lot, line_done, posting.key)


def _wip_fallback() -> str:
    loc = Location.select().where(Location.zone == "WIP").order_by(Location.pick_seq, Location.code).first()
    if loc is None:
        raise BusinessRefusal("there is no WIP location to issue to: ask a supervisor to import one")
    return loc.code


def confirm_pick(actor: Actor, job: str, line: int, track_id: str, qty: int, *, reason: str | None = None,
                 request_id: str | None = None, weighed: dict | None = None, label: bool = True) -> PickResult:
    """Confirm a pick. `request_id` makes a repeated confirmation (a double Enter, a retry) do nothing twice."""
    require(actor, "pick")
    return retrying(_confirm, actor, job, line, (track_id or "").strip(), qty, reason, request_id, weighed, label,
                    replay_safe=request_id is not None)


def _check_yours(actor: Actor, job: str) -> None:
    row = Job.get(Job.job == job)
    team = User.select(User.team).where(User.code == actor.user).scalar()
    if not is_mine(row.assignee_kind, row.assignee, actor.user, team, actor.station):
        raise BusinessRefusal(not_yours(job, row.assignee_kind, row.assignee))


def substitute(actor: Actor, job: str, line: int, suggested: str, track_id: str, reason: str) -> None:
    """The picker scanned another container than the suggested one: checked as allocation would check it (and a
    single-lot line stays on its lot), the line's hold and open task on `suggested` move to it now, before anything
    is poured from it. The confirmation then finds the task on the container used."""
    require(actor, "pick")
    retrying(_substitute, actor, job, line, suggested, (track_id or "").strip(), reason)


def _substitute(actor: Actor, job: str, line: int, suggested: str, track_id: str, reason: str) -> None:
    with write_txn():
        ln, job_row, unit, item, zone = _checked(job, line, track_id, 1)
        _check_yours(actor, job)
        task = PickTask.get_or_none((PickTask.job_line == ln.id) & (PickTask.unit == suggested)
                                    & (PickTask.state == "OPEN"))
        if task is None:
            raise BusinessRefusal(f"line {line} of job {job} has nothing left to pick from {suggested}")
        if track_id == suggested:
            return
        _move_to_substitute(actor, ln, job_row, unit, item, zone, reason, task.qty - task.picked, task)


def short_pick(actor: Actor, job: str, line: int, track_id: str, reason: str, *, partial: int = 0,
               request_id: str | None = None, weighed: dict | None = None) -> PickResult | None:
    """Nothing (more) can be taken from this container: record why, give back its reservation, keep the line open.

    `partial`: what is already in the job container from it (weighed after the short key), booked as a pick in the
    same transaction, so a weighed amount is never lost; the line stays short by the rest."""
    require(actor, "pick")
    if reason not in SHORT_REASONS:
        raise UserInputError(f"unknown reason '{reason}': use one of {', '.join(SHORT_REASONS)}")
    if partial < 0:
        raise UserInputError("the quantity must not be below zero")
    return retrying(_short, actor, job, line, (track_id or "").strip(), reason, partial, request_id, weighed)


def _short(actor: Actor, job: str, line: int, track_id: str, reason: str, partial: int = 0,
           request_id: str | None = None, weighed: dict | None = None) -> PickResult | None:
    with write_txn():
        result = None
        if partial:
            result = _confirm(actor, job, line, track_id, partial, None, request_id, weighed, True, short=True)
            if result.repeated:
                return result
        ln = locked(JobLine.select().where((JobLine.job == job) & (JobLine.line == line))).first()
        if ln is None:
            raise NotFound(f"job {job} has no line {line}")
        _check_yours(actor, job)
        task = PickTask.select().where((PickTask.job_line == ln.id) & (PickTask.unit == track_id)
                                       & (PickTask.state == "OPEN")).first()
        if task is None:
            raise NotFound(f"no open pick of {track_id} on line {line} of job {job}")
        given = sum(r.qty for r in reservations.give_back([ln.id], track_id))
        PickTask.update(state="SHORT", reason=reason, picked_by=actor.user, picked_at=utcnow()).where(
            PickTask.id == task.id).execute()
        missing = ln.qty_reqd - ln.issued - (ln.allocated - given)
        JobLine.update(short_reason=f"short pick: {SHORT_REASONS[reason]} ({fmt_qty(missing)} missing)").where(
            JobLine.id == ln.id).execute()
        record(actor, "pick.short", f"{job}/{line}", track_id=track_id, reason=reason, released=given,
               partial=partial, missing=missing)
    return result
