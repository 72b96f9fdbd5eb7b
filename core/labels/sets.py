"""Printing a job's labels: a new set stored in one transaction, each pallet with an SSCC from the never-reused
counter taken in that same transaction, so a set is either wholly queued or not at all and two terminals never
get one SSCC. Sending is the sender's business: a printer that is off leaves the set queued, not lost."""
from __future__ import annotations

import json
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass

from peewee import chunked

from core.data.db import locked, retrying, write_txn
from core.data.models import Counter, Job, LabelJob
from core.data.serials import next_value
from core.errors import BusinessRefusal, NotFound, UserInputError
from core.gs1 import keys as gs1
from core.labels.job import LabelContentError
from core.labels.job_facts import check_plan, chosen_kinds, info_for, job_info, sample_sscc, sscc_settings
from core.labels.job_set import job_labels
from core.labels.kinds import JOB_KINDS, PALLET, QUEUED
from core.labels.sender import SendReport, send_pending
from core.labels.stored import job_content
from core.labels.targets import PrintTarget, make_target
from core.site.actor import Actor
from core.site.audit import record
from core.site.auth import require
from drivers.printer.errors import LabelError
from drivers.printer.facts import QL
from drivers.printer.model import Label
from drivers.printer.printing import check_label


@dataclass
class PrintJobResult:
    job: str
    lot: str
    set_no: int
    counts: dict[str, int]
    ids: list[int]
    ssccs: list[str]
    target: PrintTarget
    sent: SendReport | None = None  # once handed to the sender

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


def print_job_labels(actor: Actor, job: str, printer_url: str, language: str = QL, model: str | None = None,
                     label_size: str | None = None, kinds: Iterable[str] = JOB_KINDS, *,
                     send: bool = True) -> PrintJobResult:
    """Store a new set of the job's labels (one transaction), then send them.

    A printer that cannot be reached leaves them queued: look at `result.sent`."""
    require(actor, "labels.print")
    target = make_target(printer_url, language, model, label_size)
    return print_to(actor, job, target, kinds, send=send)


def print_to(actor: Actor, job: str, target: PrintTarget, kinds: Iterable[str] = JOB_KINDS, *,
             send: bool = True) -> PrintJobResult:
    """`send` False: stored only, for the caller's sender (a terminal's) to send."""
    require(actor, "labels.print")
    kinds = chosen_kinds(kinds)
    code = (job or "").strip()
    check_plan(job_info(code), kinds)  # the common refusals, before taking any lock
    result = retrying(_store_set, actor, code, target, kinds)
    if send:
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
        info = info_for(job)
        check_plan(info, kinds)
        extension, prefix = sscc_settings()
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
                sscc = ssccs[-1] if entry.kind == PALLET else None
                rows.append({
                    "job": info.job, "kind": entry.kind, "seq": entry.index, "sscc": sscc,
                    "content": json.dumps(job_content(info, entry.kind, entry.index, entry.of, entry.qty, set_no,
                                                      sscc)),
                    "printer_url": target.url, "language": target.language, "model": target.model,
                    "label_size": sizes[entry.kind].name, "state": QUEUED, "station": actor.station,
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


def preview_labels(code: str, target: PrintTarget, kinds: Iterable[str] = JOB_KINDS) -> dict[str, Label | str]:
    """The first label of each kind as the target would print it, or why it cannot print there.

    Nothing is stored and no SSCC is taken: the pallet label shows a stand-in SSCC."""
    info = job_info(code)
    config = target.config()
    out: dict[str, Label | str] = {}
    for kind in kinds:
        try:
            check_plan(info, (kind,))
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
