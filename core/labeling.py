"""Job Labeling: a job's pallet, carton and product labels, stored in the print queue before they are sent.

Every call to `print_job_labels` stores a new set: all its labels in one transaction, each pallet with an SSCC
from the never-reused counter taken in that same transaction, so a set is either wholly queued or not at all and
two terminals never get one SSCC. Sending is the sender's business (core.print_sender): a printer that is off
leaves the set queued, not lost. A reprint repeats one stored label exactly, SSCC included, and is counted as a
reprint; a void takes a label out of circulation. `ledger` counts all of it per kind so a job reconciles.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from peewee import chunked

from core.gs1 import keys as gs1
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from core.data.db import locked, retrying, write_txn
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.labels import (
    DEFAULT_SIZES,
    KINDS,
    JobLabelInfo,
    LabelContentError,
    LabelPlanError,
    carton_label,
    job_labels,
    label_plan,
    pallet_label,
    product_label,
    trackid_label,
)
from core.data.models import Counter, Job, LabelJob, Station
from core.data.schema import setting
from core.data.serials import next_value
from drivers.printer.errors import LabelError
from drivers.printer.facts import SERIAL_SCHEMES
from drivers.printer.model import Label, LabelSize
from drivers.printer.model import label_size as size_named
from drivers.printer.printing import PrinterConfig, check_label, printer_config
from drivers.printer.ql import check_model
from drivers.printer.ql import models as ql_models

PRINTABLE_JOB_STATES = ("RELEASED", "COMPLETED")
LANGUAGES = ("ql", "zpl")
#: The model the driver assumes when none is named, so a stored row and the sender agree on it.
DEFAULT_QL_MODEL = next(f.default for f in dataclasses.fields(PrinterConfig) if f.name == "model")
#: Rows still owed to a printer, as the queue view shows them.
OPEN_STATES = ("QUEUED", "SENDING", "FAILED")


# --- where labels go ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PrintTarget:
    url: str
    language: str = "ql"
    model: str | None = None
    #: The roll loaded: every kind goes on it. None: each kind on its own stock (DEFAULT_SIZES).
    label_size: str | None = None

    def config(self, **options) -> PrinterConfig:
        return printer_config(self.url, self.language, self.model, **options)

    def size_for(self, kind: str) -> LabelSize:
        return size_named(self.label_size) if self.label_size else DEFAULT_SIZES[kind]

    def describe(self) -> str:
        what = self.model or ("Zebra" if self.language == "zpl" else DEFAULT_QL_MODEL)
        return f"{self.url} ({what}, {self.label_size + ' mm labels' if self.label_size else 'default label sizes'})"


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    usable = (
        (scheme == "tcp" and bool(parts.hostname))
        or (scheme == "file" and parts.netloc in ("", "localhost") and parts.path not in ("", "/"))
        or scheme in SERIAL_SCHEMES
        or (not scheme and url.startswith("/dev/"))
    )
    if scheme == "tcp" and usable:
        try:
            parts.port  # noqa: B018  (raises on a port that is not a number)
        except ValueError:
            usable = False
    if not usable:
        raise UserInputError(
            f"printer address '{url}' is not one this app can use: give tcp://host:9100, file:///path, a serial "
            "port such as /dev/ttyUSB0, or socket://host:port for a serial device server")


def make_target(url: str | None, language: str | None = "ql", model: str | None = None,
                label_size: str | None = None) -> PrintTarget:
    """A checked print target: everything that can be refused without the printer is refused here."""
    url = (url or "").strip()
    if not url:
        raise UserInputError("give the printer's address: tcp://host:9100, file:///path or a serial port")
    _check_url(url)
    language = (language or "ql").strip().lower()
    if language not in LANGUAGES:
        raise UserInputError(f"printer language '{language}' is not known: use ql (Brother QL) or zpl (Zebra)")
    model = (model or "").strip() or None
    if language == "ql":
        model = model or DEFAULT_QL_MODEL
        if model not in ql_models():
            raise UserInputError(f"printer model '{model}' is not a Brother QL this app knows: "
                                 f"{', '.join(ql_models())}")
    elif model and len(model) > 20:
        raise UserInputError("a printer model name is at most 20 characters")
    size = None
    if label_size:
        try:
            size = size_named(label_size)
            if language == "ql":
                check_model(model, size)
        except LabelError as exc:
            raise UserInputError(exc.message) from None
    return PrintTarget(url, language, model, size.name if size else None)


def target_for_station(station: Station | None) -> PrintTarget:
    if station is None:
        raise UserInputError("this terminal is not at a station, so there is no printer here: log in at a station "
                             "or ask a supervisor to set this one up")
    if not station.printer_url:
        raise UserInputError(f"station {station.code} has no printer set up: ask a supervisor to add one")
    try:
        return make_target(station.printer_url, station.printer_language, station.printer_model, station.label_size)
    except UserInputError as exc:
        raise UserInputError(f"station {station.code}'s printer setting: {exc}") from None


# --- the job's facts ----------------------------------------------------------------------------------------------

def _info(job: Job) -> JobLabelInfo:
    if job.state not in PRINTABLE_JOB_STATES:
        raise BusinessRefusal(f"job {job.job} is not released yet: its labels carry the output lot, which is fixed "
                              "when the job is released")
    if not job.output_lot:
        raise BusinessRefusal(f"job {job.job} has no output lot: release it again to fix one")
    item = job.item
    return JobLabelInfo(
        job=job.job, item=item.code, description=item.description or job.description, uom=item.uom,
        lot=job.output_lot, gtin=item.gtin, qty_to_make=job.qty_to_make, start_date=job.start_date,
        units_per_carton=job.units_per_carton, cartons_per_pallet=job.cartons_per_pallet,
        shelf_life_days=item.shelf_life_days,
    )


def job_info(code: str) -> JobLabelInfo:
    code = (code or "").strip()
    job = Job.get_or_none(Job.job == code)
    if job is None:
        raise NotFound(f"job {code or '(none)'} is not known: import it from the ERP first")
    return _info(job)


def _kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    wanted = [str(k).strip().lower() for k in (kinds or ())]
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        raise UserInputError(f"label kind '{unknown[0]}' is not known: use pallet, carton or product")
    if not wanted:
        raise UserInputError("choose at least one kind of label: pallet, carton or product")
    # Pallets first: they are what a line needs first, and a set always comes out in one order.
    return tuple(k for k in KINDS if k in wanted)


def _check_plan(info: JobLabelInfo, kinds: tuple[str, ...]) -> None:
    try:
        label_plan(info.qty_to_make, info.units_per_carton, info.cartons_per_pallet, kinds, job=info.job)
        info.gtin14(kinds[0])
    except (LabelPlanError, LabelContentError) as exc:
        raise BusinessRefusal(str(exc)) from None


def counts_for(info: JobLabelInfo) -> dict[str, int | None]:
    """Labels of each kind in one set; None where the job lacks what that kind needs."""
    out: dict[str, int | None] = {}
    for kind in KINDS:
        try:
            plan = label_plan(info.qty_to_make, info.units_per_carton, info.cartons_per_pallet, (kind,),
                              job=info.job)
            out[kind] = next(iter(plan)).of
        except (LabelPlanError, StopIteration):
            out[kind] = None
    return out


def problems_for(info: JobLabelInfo) -> list[str]:
    """What stops some kinds from printing, in words, for a screen to show before anyone presses print."""
    found = []
    for kind in KINDS:
        try:
            _check_plan(info, (kind,))
        except BusinessRefusal as exc:
            if str(exc) not in found:
                found.append(str(exc))
    return found


def _sscc_settings() -> tuple[int, str]:
    ext = (setting("sscc_extension_digit") or "").strip()
    prefix = (setting("gs1_company_prefix") or "").strip()
    try:
        if len(ext) != 1 or not ext.isdigit():
            raise gs1.GS1Error(f"the SSCC extension digit is '{ext}', not one digit 0-9")
        gs1.sscc(int(ext), prefix, 0)
    except gs1.GS1Error as exc:
        raise BusinessRefusal(f"the site's GS1 settings cannot make SSCCs ({exc}): an administrator sets "
                              "gs1_company_prefix and sscc_extension_digit") from None
    return int(ext), prefix


def sample_sscc() -> str:
    """A stand-in for previews: serial 0 of the site's prefix. Real SSCCs are taken only when a set is stored."""
    ext, prefix = _sscc_settings()
    return gs1.sscc(ext, prefix, 0)


# --- content stored with each label, and the label rebuilt from it ------------------------------------------

def _content(info: JobLabelInfo, kind: str, index: int, of: int, qty: int, set_no: int,
             sscc: str | None) -> dict:
    # Everything the label shows, as it was when stored: a reprint next year prints the same label even if the
    # item's description has changed since.
    return {"set": set_no, "kind": kind, "index": index, "of": of, "qty": qty, "sscc": sscc, "job": info.job,
            "item": info.item, "description": info.description, "uom": info.uom, "lot": info.lot,
            "gtin": info.gtin, "qty_to_make": info.qty_to_make, "start_date": info.start_date.isoformat(),
            "units_per_carton": info.units_per_carton, "cartons_per_pallet": info.cartons_per_pallet,
            "shelf_life_days": info.shelf_life_days}


def label_for(kind: str, content: dict, size_name: str | None = None) -> Label:
    """The label exactly as stored. Raises LabelContentError when the stored content cannot make one."""
    try:
        size = size_named(size_name) if size_name else DEFAULT_SIZES[kind]
        if kind == "trackid":
            expiry = dt.date.fromisoformat(content["expiry"]) if content.get("expiry") else None
            return trackid_label(track_id=str(content["track_id"]), item=str(content["item"]),
                                 description=str(content.get("description") or ""), lot=content.get("lot"),
                                 qty=int(content["qty"]), uom=str(content.get("uom") or ""), expiry=expiry,
                                 size=size)
        if kind not in KINDS:
            raise LabelContentError(f"label kind '{kind}' is not one this app prints")
        info = JobLabelInfo(
            job=content["job"], item=content["item"], description=content["description"], uom=content["uom"],
            lot=content["lot"], gtin=content["gtin"], qty_to_make=int(content["qty_to_make"]),
            start_date=dt.date.fromisoformat(content["start_date"]),
            units_per_carton=content["units_per_carton"], cartons_per_pallet=content["cartons_per_pallet"],
            shelf_life_days=content["shelf_life_days"],
        )
        if kind == "pallet":
            return pallet_label(info, sscc=content["sscc"], qty=int(content["qty"]), index=int(content["index"]),
                                of=int(content["of"]), size=size)
        if kind == "carton":
            return carton_label(info, qty=int(content["qty"]), index=int(content["index"]), of=int(content["of"]),
                                size=size)
        return product_label(info, qty=int(content["qty"]), size=size)
    except LabelContentError:
        raise
    except LabelError as exc:
        raise LabelContentError(exc.message) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise LabelContentError(f"the stored {kind} label is incomplete ({type(exc).__name__}: {exc})") from None


def label_for_row(row: LabelJob) -> Label:
    try:
        content = json.loads(row.content)
    except (TypeError, ValueError):
        raise LabelContentError(f"label {row.id}: its stored content is not readable") from None
    return label_for(row.kind, content, row.label_size)


# --- printing a set -----------------------------------------------------------------------------------------------

@dataclass
class PrintJobResult:
    job: str
    lot: str
    set_no: int
    counts: dict[str, int]
    ids: list[int]
    ssccs: list[str]
    target: PrintTarget
    sent: object | None = None  # core.print_sender.SendReport once handed to the sender

    @property
    def total(self) -> int:
        return len(self.ids)

    @property
    def all_printed(self) -> bool:
        return self.sent is not None and self.sent.printed == self.total

    def text(self) -> str:
        mix = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        lines = [f"Job {self.job} lot {self.lot}: label set {self.set_no}, {self.total} label(s) stored ({mix})."]
        if self.ssccs:
            span = self.ssccs[0] if len(self.ssccs) == 1 else f"{self.ssccs[0]} to {self.ssccs[-1]}"
            lines.append(f"SSCC {span}.")
        if self.sent is not None:
            lines.append(self.sent.text())
        return "\n".join(lines)


def print_job_labels(actor: Actor, job: str, printer_url: str, language: str = "ql", model: str | None = None,
                     label_size: str | None = None, kinds: Iterable[str] = KINDS, *,
                     send: bool = True) -> PrintJobResult:
    """Store a new set of the job's labels (one transaction), then hand them to the sender.

    A printer that cannot be reached leaves them queued: look at `result.sent`."""
    require(actor, "labels.print")
    target = make_target(printer_url, language, model, label_size)
    return print_to(actor, job, target, kinds, send=send)


def print_to(actor: Actor, job: str, target: PrintTarget, kinds: Iterable[str] = KINDS, *,
             send: bool = True) -> PrintJobResult:
    require(actor, "labels.print")
    kinds = _kinds(kinds)
    code = (job or "").strip()
    _check_plan(job_info(code), kinds)  # the common refusals, before taking any lock
    result = retrying(_store_set, actor, code, target, kinds)
    if send:
        from core.print_sender import send_pending

        result.sent = send_pending(ids=result.ids, limit=len(result.ids), force=True)
    return result


def _ensure_counter(name: str) -> None:
    # Two terminals taking the very first number would both try to create the row; this lets one do it and
    # the other wait for it, so core.serials.next_value only ever updates.
    Counter.insert(name=name, value=0).on_conflict_ignore().execute()


def _store_set(actor: Actor, code: str, target: PrintTarget, kinds: tuple[str, ...]) -> PrintJobResult:
    config = target.config()
    sizes = {kind: target.size_for(kind) for kind in kinds}
    with write_txn():
        job = locked(Job.select().where(Job.job == code)).first()
        if job is None:
            raise NotFound(f"job {code} is not known: import it from the ERP first")
        info = _info(job)
        _check_plan(info, kinds)
        extension, prefix = _sscc_settings()
        _ensure_counter("sscc")
        _ensure_counter("label_set")
        set_no = next_value("label_set")
        ssccs: list[str] = []

        def next_sscc() -> str:
            # Taken inside this transaction: if anything below refuses the set, the serials are not used up.
            ssccs.append(gs1.sscc(extension, prefix, next_value("sscc")))
            return ssccs[-1]

        checked: set[Label] = set()
        counts: Tally[str] = Tally()
        rows = []
        try:
            for entry, label in job_labels(info, next_sscc, kinds, sizes):
                if label not in checked:
                    check_label(label, config)
                    checked.add(label)
                counts[entry.kind] += 1
                sscc = ssccs[-1] if entry.kind == "pallet" else None
                rows.append({
                    "job": info.job, "kind": entry.kind, "seq": entry.index, "sscc": sscc,
                    "content": json.dumps(_content(info, entry.kind, entry.index, entry.of, entry.qty, set_no, sscc)),
                    "printer_url": target.url, "language": target.language, "model": target.model,
                    "label_size": sizes[entry.kind].name, "state": "QUEUED", "station": actor.station,
                    "created_by": actor.user,
                })
        except LabelError as exc:
            raise UserInputError(f"{exc.message}") from None
        except LabelContentError as exc:
            raise BusinessRefusal(str(exc)) from None
        except gs1.GS1Error as exc:
            raise BusinessRefusal(f"no SSCC can be made: {exc}") from None
        ids: list[int] = []
        for chunk in chunked(rows, 50):
            ids.extend(r[0] for r in LabelJob.insert_many(chunk).returning(LabelJob.id).tuples().execute())
        record(actor, "labels.print", info.job, set=set_no, counts=dict(counts), printer=target.url,
               language=target.language, model=target.model, label_size=target.label_size,
               sscc_first=ssccs[0] if ssccs else None, sscc_last=ssccs[-1] if ssccs else None)
    return PrintJobResult(info.job, info.lot, set_no, dict(counts), sorted(ids), ssccs, target)


# --- reprint and void ------------------------------------------------------------------------------------------

def _describe(row: LabelJob) -> str:
    what = f"TrackID label {row.track_id}" if row.kind == "trackid" else f"{row.kind} label {row.seq}"
    return f"label {row.id} ({what})"


@dataclass
class ReprintResult:
    ids: list[int]
    originals: list[int]
    sent: object | None = None

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
        from core.print_sender import send_pending

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
        roots = {r.reprint_of for r in rows if r.reprint_of}
        root_state = {r.id: r.state for r in LabelJob.select(LabelJob.id, LabelJob.state)
                      .where(LabelJob.id.in_(list(roots)))} if roots else {}
        new_ids, originals = [], []
        checked: set = set()
        for row in rows:
            if row.state in ("QUEUED", "SENDING"):
                raise BusinessRefusal(f"{_describe(row)} has not printed yet, it is still in the print queue: "
                                      "there is nothing to reprint")
            if row.state == "VOID" or root_state.get(row.reprint_of) == "VOID":
                raise BusinessRefusal(f"{_describe(row)} was voided: a voided label is never printed again; "
                                      "print a new set for new labels")
            to = target or PrintTarget(row.printer_url or "", row.language, row.model, None)
            if not to.url:
                raise UserInputError(f"{_describe(row)} has no printer: reprint it at a station with a printer")
            size = to.label_size or row.label_size
            try:
                label = label_for(row.kind, json.loads(row.content), size)
                key = (label, to.url, to.language, to.model)
                if key not in checked:
                    check_label(label, to.config())
                    checked.add(key)
            except LabelContentError as exc:
                raise BusinessRefusal(f"{_describe(row)} cannot be printed again: {exc}") from None
            except LabelError as exc:
                raise UserInputError(f"{_describe(row)}: {exc.message}") from None
            root = row.reprint_of or row.id
            # The SSCC column stays with the original (it is unique there); the reprint carries the same SSCC
            # in its content and points at the original, which is how the ledger counts it as a reprint.
            new = LabelJob.create(job=row.job, kind=row.kind, seq=row.seq, sscc=None, track_id=row.track_id,
                                  content=row.content, printer_url=to.url, language=to.language, model=to.model,
                                  label_size=size, state="QUEUED", reprint_of=root, station=actor.station,
                                  created_by=actor.user)
            new_ids.append(new.id)
            originals.append(root)
        subject = rows[0].job or rows[0].track_id or ""
        record(actor, "labels.reprint", subject, labels=[r.id for r in rows], reprints=new_ids,
               printer=target.url if target else None)
    return ReprintResult(new_ids, originals)


def void(actor: Actor, ids: Iterable[int], reason: str = "") -> list[int]:
    """Take labels out of circulation; an original takes its reprints with it (they are the same label).

    All or nothing: one label that cannot be voided refuses the whole call."""
    require(actor, "labels.void")
    try:
        wanted = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        raise UserInputError("label numbers are whole numbers") from None
    return retrying(_void, actor, wanted, reason)


def void_range(actor: Actor, job: str, kind: str, first: int, last: int | None = None, *,
               set_no: int | None = None, reason: str = "") -> list[int]:
    require(actor, "labels.void")
    rows = [r for r in _originals_in_range(job, kind, first, last, set_no) if r.state != "VOID"]
    if not rows:
        raise UserInputError(f"those {kind} labels are void already")
    return retrying(_void, actor, [r.id for r in rows], reason)


def _void(actor: Actor, ids: list[int], reason: str) -> list[int]:
    with write_txn():
        rows = _locked_rows(ids)
        copies = list(locked(LabelJob.select().where(LabelJob.reprint_of.in_(ids) & (LabelJob.state != "VOID"))))
        for row in rows:
            if row.state == "VOID":
                raise UserInputError(f"{_describe(row)} is void already")
        for row in rows + copies:
            if row.state == "SENDING":
                raise BusinessRefusal(f"{_describe(row)} is being sent to the printer right now: void it once it "
                                      "has printed")
        all_ids = sorted({r.id for r in rows} | {r.id for r in copies})
        LabelJob.update(state="VOID", next_try_at=None).where(LabelJob.id.in_(all_ids)).execute()
        subject = rows[0].job or rows[0].track_id or ""
        record(actor, "labels.void", subject, labels=all_ids, reason=reason,
               ssccs=[r.sscc for r in rows if r.sscc])
    return all_ids


def _set_of(row: LabelJob) -> int | None:
    try:
        return int(json.loads(row.content).get("set"))
    except (TypeError, ValueError, AttributeError):
        return None


def latest_set(job: str, kind: str) -> int | None:
    firsts = LabelJob.select(LabelJob.id, LabelJob.content).where(
        (LabelJob.job == job) & (LabelJob.kind == kind) & LabelJob.reprint_of.is_null() & (LabelJob.seq == 1))
    sets = [s for s in (_set_of(r) for r in firsts) if s is not None]
    return max(sets) if sets else None


def _originals_in_range(job: str, kind: str, first: int, last: int | None, set_no: int | None) -> list[LabelJob]:
    code = (job or "").strip()
    kind = (kind or "").strip().lower()
    if kind not in KINDS:
        raise UserInputError(f"label kind '{kind}' is not known: use pallet, carton or product")
    last = first if last is None else last
    if not isinstance(first, int) or not isinstance(last, int) or first < 1 or last < first:
        raise UserInputError(f"'{first}-{last}' is not a range of label numbers: give e.g. 3-7, from 1 up")
    chosen = set_no if set_no is not None else latest_set(code, kind)
    if chosen is None:
        raise NotFound(f"job {code} has no {kind} labels yet: print them first")
    rows = [r for r in LabelJob.select().where(
        (LabelJob.job == code) & (LabelJob.kind == kind) & LabelJob.reprint_of.is_null()
        & LabelJob.seq.between(first, last)).order_by(LabelJob.seq) if _set_of(r) == chosen]
    if len(rows) != last - first + 1:
        of = max((json.loads(r.content).get("of", 0) for r in rows), default=None)
        size = f"has {kind} labels 1 to {of}" if of else f"has no {kind} labels numbered {first} to {last}"
        raise UserInputError(f"label set {chosen} of job {code} {size}: {first}-{last} is outside it")
    return rows


# --- what the screen and the ledger show ----------------------------------------------------------------------

@dataclass
class KindLedger:
    kind: str
    planned: int | None = None  # labels of this kind in one set
    sets: int = 0
    printed: int = 0  # originals printed
    reprinted: int = 0  # reprints printed
    voided: int = 0
    queued: int = 0  # waiting for the printer, being sent included
    retrying: int = 0  # of those queued, how many already failed at least once
    failed: int = 0  # cannot print as they are: a supervisor reprints or voids them

    @property
    def open(self) -> int:
        return self.queued + self.failed

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Ledger:
    job: str
    lot: str | None
    kinds: dict[str, KindLedger] = field(default_factory=dict)

    @property
    def reconciled(self) -> bool:
        """Nothing is owed to a printer: every label is printed or voided."""
        return all(k.open == 0 for k in self.kinds.values())

    def as_json(self) -> dict:
        return {"job": self.job, "lot": self.lot, "reconciled": self.reconciled,
                "kinds": {k: v.as_json() for k, v in self.kinds.items()}}

    def lines(self) -> list[str]:
        out = [f"{'kind':<8} {'set':>5} {'sets':>4} {'printed':>7} {'reprint':>7} {'void':>5} {'queued':>6} "
               f"{'failed':>6}"]
        for k in self.kinds.values():
            planned = "-" if k.planned is None else str(k.planned)
            out.append(f"{k.kind:<8} {planned:>5} {k.sets:>4} {k.printed:>7} {k.reprinted:>7} {k.voided:>5} "
                       f"{k.queued:>6} {k.failed:>6}")
        return out


def ledger(code: str) -> Ledger:
    code = (code or "").strip()
    job = Job.get_or_none(Job.job == code)
    if job is None:
        raise NotFound(f"job {code or '(none)'} is not known: import it from the ERP first")
    result = Ledger(job.job, job.output_lot)
    planned: dict[str, int | None] = {}
    try:
        planned = counts_for(_info(job))
    except BusinessRefusal:
        pass  # not released: nothing planned yet, but any labels it has are still counted
    for kind in KINDS:
        result.kinds[kind] = KindLedger(kind, planned.get(kind))
    rows = (LabelJob.select(LabelJob.kind, LabelJob.state, LabelJob.reprint_of, LabelJob.attempts, LabelJob.seq)
            .where(LabelJob.job == job.job).tuples())
    for kind, state, reprint_of, attempts, seq in rows:
        k = result.kinds.setdefault(kind, KindLedger(kind))
        if state == "PRINTED":
            if reprint_of is None:
                k.printed += 1
            else:
                k.reprinted += 1
        elif state == "VOID":
            k.voided += 1
        elif state in ("QUEUED", "SENDING"):
            k.queued += 1
            k.retrying += 1 if attempts else 0
        elif state == "FAILED":
            k.failed += 1
        if reprint_of is None and seq == 1 and kind in KINDS:
            k.sets += 1
    return result


@dataclass(frozen=True)
class JobSummary:
    job: str
    description: str
    item: str
    lot: str
    qty: int
    uom: str
    start: dt.date
    counts: dict[str, int | None]


def label_jobs() -> list[JobSummary]:
    """Released jobs, the ones whose labels are printed ahead of production, soonest first."""
    out = []
    for job in Job.select().where(Job.state == "RELEASED").order_by(Job.start_date, Job.priority, Job.job):
        try:
            info = _info(job)
        except BusinessRefusal:
            continue
        out.append(JobSummary(job.job, info.description, info.item, info.lot, info.qty_to_make, info.uom,
                              info.start_date, counts_for(info)))
    return out


@dataclass(frozen=True)
class QueueRow:
    id: int
    job: str | None
    kind: str
    seq: int
    of: int | None
    state: str
    attempts: int
    next_try_at: dt.datetime | None
    last_error: str | None
    printer_url: str | None
    track_id: str | None
    reprint: bool
    sscc: str | None

    @property
    def name(self) -> str:
        if self.kind == "trackid":
            return f"TrackID {self.track_id}"
        return f"{self.kind} {self.seq}" + (f"/{self.of}" if self.of else "")


def queue(printer_url: str | None = None, job: str | None = None, states: Iterable[str] | None = OPEN_STATES,
          limit: int = 200) -> list[QueueRow]:
    """Labels owed to printers (or, with `states` None, every label), oldest first."""
    q = LabelJob.select()
    if states is not None:
        q = q.where(LabelJob.state.in_(list(states)))
    if printer_url:
        q = q.where(LabelJob.printer_url == printer_url)
    if job:
        q = q.where(LabelJob.job == job)
    out = []
    for r in q.order_by(LabelJob.id).limit(limit):
        try:
            content = json.loads(r.content)
        except (TypeError, ValueError):
            content = {}
        error = r.last_error
        if r.state == "QUEUED" and not r.printer_url:
            error = "no printer: this label was queued at a station without one"
        out.append(QueueRow(r.id, r.job, r.kind, r.seq, content.get("of"), r.state, r.attempts, r.next_try_at,
                            error, r.printer_url, r.track_id, r.reprint_of is not None,
                            r.sscc or content.get("sscc")))
    return out


def preview_labels(code: str, target: PrintTarget, kinds: Iterable[str] = KINDS) -> dict[str, Label | str]:
    """The first label of each kind as the target would print it, or why it cannot print there.

    Nothing is stored and no SSCC is taken: the pallet label shows a stand-in SSCC."""
    info = job_info(code)
    config = target.config()
    out: dict[str, Label | str] = {}
    for kind in kinds:
        try:
            _check_plan(info, (kind,))
            _, label = next(iter(job_labels(info, sample_sscc, (kind,), {kind: target.size_for(kind)})))
            check_label(label, config)
            out[kind] = label
        except BusinessRefusal as exc:
            out[kind] = str(exc)
        except LabelError as exc:
            out[kind] = exc.message
        except LabelContentError as exc:
            out[kind] = str(exc)
    return out
