"""After a set is printed: one damaged label again, exactly as stored (same SSCC, counted as a reprint), and
voiding labels that must never be used."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.clock import utcnow
from core.data.db import locked, retrying, write_txn
from core.data.models import LabelJob
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.labels.job import LabelContentError
from core.labels.kinds import JOB_KINDS, PRINTED, QUEUED, SENDING, UNCONFIRMED, VOID
from core.labels.sender import SendReport, send_pending
from core.labels.stored import content_of, describe, label_for, set_of
from core.labels.targets import PrintTarget
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from drivers.printer.errors import LabelError
from drivers.printer.printing import check_label


@dataclass
class ReprintResult:
    ids: list[int]
    originals: list[int]
    sent: SendReport | None = None

    def text(self) -> str:
        head = f"{len(self.ids)} reprint(s) queued."
        return head if self.sent is None else f"{head}\n{self.sent.text()}"


def reprint(actor: Actor, label_job_id: int, target: PrintTarget | None = None, *,
            send: bool = True) -> ReprintResult:
    """One damaged label again, exactly as stored: same SSCC, same lot, counted as a reprint."""
    require(actor, "labels.reprint")
    return _reprint_and_send(actor, [int(label_job_id)], target, send)


def reprint_range(actor: Actor, job: str, kind: str, first: int, last: int | None = None, *,
                  set_no: int | None = None, target: PrintTarget | None = None, send: bool = True) -> ReprintResult:
    """Labels `first`..`last` of one kind of the job's latest set (or of `set_no`)."""
    require(actor, "labels.reprint")
    rows = _originals_in_range(job, kind, first, last, set_no)
    return _reprint_and_send(actor, [r.id for r in rows], target, send)


def _reprint_and_send(actor, ids, target, send) -> ReprintResult:
    result = retrying(_reprint, actor, ids, target)
    if send:
        result.sent = send_pending(ids=result.ids, limit=len(result.ids), force=True)
    return result


def _locked_rows(ids: list[int]) -> list[LabelJob]:
    if not ids:
        raise UserInputError("choose at least one label")
    rows = list(locked(LabelJob.select().where(LabelJob.id.in_(ids)).order_by(LabelJob.id)))
    missing = sorted(set(ids) - {r.id for r in rows})
    if missing:
        raise NotFound(f"label {missing[0]} is not in the print queue")
    return rows


def _reprint(actor: Actor, ids: list[int], target: PrintTarget | None) -> ReprintResult:
    with write_txn():
        rows = _locked_rows(ids)
        new_ids, originals = [], []
        checked: set = set()
        for row in rows:
            if row.state in (QUEUED, SENDING):
                raise BusinessRefusal(f"{describe(row)} has not printed yet, it is still in the print queue: "
                                      "there is nothing to reprint")
            if row.state == VOID:
                raise BusinessRefusal(f"{describe(row)} was voided: a voided label is never printed again; "
                                      "print a new set for new labels")
            if row.state == UNCONFIRMED:
                raise BusinessRefusal(f"{describe(row)} is unconfirmed, not printed: check the printer, then print "
                                      "it again as the same label (not a reprint) or say it came out")
            to = target or PrintTarget(row.printer_url or "", row.language, row.model, None)
            if not to.url:
                raise UserInputError(f"{describe(row)} has no printer: reprint it at a station with a printer")
            size = to.label_size or row.label_size
            try:
                label = label_for(row.kind, content_of(row), size)
                key = (label, to.url, to.language, to.model)
                if key not in checked:
                    check_label(label, to.config())
                    checked.add(key)
            except LabelContentError as exc:
                raise BusinessRefusal(f"{describe(row)} cannot be printed again: {exc}") from None
            except LabelError as exc:
                raise UserInputError(f"{describe(row)}: {exc.message}") from None
            root = row.reprint_of or row.id
            # The SSCC column stays with the original (it is unique there); the reprint carries the same SSCC
            # in its content and points at the original, which is how the ledger counts it as a reprint.
            new = LabelJob.create(job=row.job, kind=row.kind, seq=row.seq, sscc=None, track_id=row.track_id,
                                  content=row.content, printer_url=to.url, language=to.language, model=to.model,
                                  label_size=size, state=QUEUED, reprint_of=root, station=actor.station,
                                  created_by=actor.user)
            new_ids.append(new.id)
            originals.append(root)
        subject = rows[0].job or rows[0].track_id or ""
        record(actor, "labels.reprint", subject, labels=[r.id for r in rows], reprints=new_ids,
               printer=target.url if target else None)
    return ReprintResult(new_ids, originals)


def void(actor: Actor, ids: Iterable[int], reason: str = "") -> list[int]:
    """Take the labels named out of circulation, each one only: a reprint and its original are two labels.

    All or nothing: one label that cannot be voided refuses the whole call."""
    require(actor, "labels.void")
    try:
        wanted = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        raise UserInputError("label numbers are whole numbers") from None
    return retrying(_void, actor, wanted, reason)


def void_range(actor: Actor, job: str, kind: str, first: int, last: int | None = None, *,
               set_no: int | None = None, reason: str = "") -> list[int]:
    """Labels `first`..`last` of one kind of the latest set (or `set_no`): for each number, its newest copy still
    in circulation (a reprint replaces a damaged original on the floor)."""
    require(actor, "labels.void")
    originals = _originals_in_range(job, kind, first, last, set_no)
    copies: dict[int, list[LabelJob]] = {r.id: [r] for r in originals}
    for reprint_row in LabelJob.select().where(LabelJob.reprint_of.in_(list(copies))):
        copies[reprint_row.reprint_of].append(reprint_row)
    live = [max((c for c in group if c.state != VOID), key=lambda c: c.id, default=None)
            for group in copies.values()]
    ids = [c.id for c in live if c is not None]
    if not ids:
        raise UserInputError(f"those {kind} labels are void already")
    return retrying(_void, actor, ids, reason)


def _void(actor: Actor, ids: list[int], reason: str) -> list[int]:
    with write_txn():
        rows = _locked_rows(ids)
        for row in rows:
            if row.state == VOID:
                raise UserInputError(f"{describe(row)} is void already")
            if row.state == SENDING:
                raise BusinessRefusal(f"{describe(row)} is being sent to the printer right now: void it once it "
                                      "has printed")
        LabelJob.update(state=VOID, next_try_at=None).where(LabelJob.id.in_(ids)).execute()
        subject = rows[0].job or rows[0].track_id or ""
        record(actor, "labels.void", subject, labels=ids, reason=reason,
               ssccs=sorted({r.sscc or content_of(r).get("sscc") for r in rows} - {None}))
    return ids


# --- labels sent without proof --------------------------------------------------------------------------------------

def unconfirmed(job: str | None = None, ids: Iterable[int] | None = None) -> list[LabelJob]:
    q = LabelJob.select().where(LabelJob.state == UNCONFIRMED)
    if job:
        q = q.where(LabelJob.job == job.strip())
    if ids is not None:
        q = q.where(LabelJob.id.in_(sorted({int(i) for i in ids})))
    return list(q.order_by(LabelJob.id))


def print_unconfirmed_again(actor: Actor, job: str | None = None, ids: Iterable[int] | None = None, *,
                            send: bool = True) -> ReprintResult:
    """Exactly the unconfirmed labels (of the job, or those named) back to the queue as they are: the same rows,
    the same SSCCs; not reprints, since they were never proven printed. For when a person has looked at the
    printer and they are not there."""
    require(actor, "labels.print")
    ids = retrying(_settle_unconfirmed, actor, job, ids, QUEUED)
    result = ReprintResult(ids, ids)
    if send and ids:
        result.sent = send_pending(ids=ids, limit=len(ids), force=True)
    return result


def confirm_printed(actor: Actor, job: str | None = None, ids: Iterable[int] | None = None) -> list[int]:
    """A person saw the unconfirmed labels come out of the printer: they count as printed, on that person's word."""
    require(actor, "labels.print")
    return retrying(_settle_unconfirmed, actor, job, ids, PRINTED)


def _settle_unconfirmed(actor: Actor, job: str | None, ids: Iterable[int] | None, to: str) -> list[int]:
    with write_txn():
        rows = list(locked(LabelJob.select().where(LabelJob.id.in_([r.id for r in unconfirmed(job, ids)]))))
        rows = [r for r in rows if r.state == UNCONFIRMED]
        if not rows:
            where = f"job {job}" if job else "those labels"
            raise UserInputError(f"{where} {'has' if job else 'have'} no unconfirmed labels: every label sent "
                                 "was proven printed")
        found = [r.id for r in rows]
        if to == PRINTED:
            LabelJob.update(state=PRINTED, printed_at=utcnow(), last_error=None).where(
                LabelJob.id.in_(found)).execute()
        else:
            LabelJob.update(state=QUEUED, next_try_at=None, last_error=None).where(LabelJob.id.in_(found)).execute()
        action = "labels.seen_printed" if to == PRINTED else "labels.print_again"
        record(actor, action, rows[0].job or rows[0].track_id or "", labels=found,
               ssccs=sorted({r.sscc or content_of(r).get("sscc") for r in rows} - {None}))
    return found


def latest_set(job: str, kind: str) -> int | None:
    firsts = LabelJob.select(LabelJob.id, LabelJob.content).where(
        (LabelJob.job == job) & (LabelJob.kind == kind) & LabelJob.reprint_of.is_null() & (LabelJob.seq == 1))
    sets = [s for s in (set_of(r) for r in firsts) if s is not None]
    return max(sets) if sets else None


def _originals_in_range(job: str, kind: str, first: int, last: int | None, set_no: int | None) -> list[LabelJob]:
    code = (job or "").strip()
    kind = (kind or "").strip().lower()
    if kind not in JOB_KINDS:
        raise UserInputError(f"label kind '{kind}' is not known: use {', '.join(JOB_KINDS)}")
    last = first if last is None else last
    if not isinstance(first, int) or not isinstance(last, int) or first < 1 or last < first:
        raise UserInputError(f"'{first}-{last}' is not a range of label numbers: give e.g. 3-7, from 1 up")
    chosen = set_no if set_no is not None else latest_set(code, kind)
    if chosen is None:
        raise NotFound(f"job {code} has no {kind} labels yet: print them first")
    rows = [r for r in LabelJob.select().where(
        (LabelJob.job == code) & (LabelJob.kind == kind) & LabelJob.reprint_of.is_null()
        & LabelJob.seq.between(first, last)).order_by(LabelJob.seq) if set_of(r) == chosen]
    if len(rows) != last - first + 1:
        of = max((content_of(r).get("of", 0) for r in rows), default=None)
        size = f"has {kind} labels 1 to {of}" if of else f"has no {kind} labels numbered {first} to {last}"
        raise UserInputError(f"label set {chosen} of job {code} {size}: {first}-{last} is outside it")
    return rows
