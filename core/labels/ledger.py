"""A job's label ledger: every label of the job counted once, per kind, so the job reconciles."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from core.data.models import LabelJob
from core.errors import BusinessRefusal
from core.labels.job_facts import counts_for, find_job, info_for
from core.labels.kinds import FAILED, JOB_KINDS, PRINTED, QUEUED, SENDING, VOID


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
    job = find_job(code)
    result = Ledger(job.job, job.output_lot)
    planned: dict[str, int | None] = {}
    try:
        planned = counts_for(info_for(job))
    except BusinessRefusal:
        pass  # not released: nothing planned yet, but any labels it has are still counted
    for kind in JOB_KINDS:
        result.kinds[kind] = KindLedger(kind, planned.get(kind))
    rows = (LabelJob.select(LabelJob.kind, LabelJob.state, LabelJob.reprint_of, LabelJob.attempts, LabelJob.seq)
            .where(LabelJob.job == job.job).tuples())
    for kind, state, reprint_of, attempts, seq in rows:
        k = result.kinds.setdefault(kind, KindLedger(kind))
        if state == PRINTED:
            if reprint_of is None:
                k.printed += 1
            else:
                k.reprinted += 1
        elif state == VOID:
            k.voided += 1
        elif state in (QUEUED, SENDING):
            k.queued += 1
            k.retrying += 1 if attempts else 0
        elif state == FAILED:
            k.failed += 1
        if reprint_of is None and seq == 1 and kind in JOB_KINDS:
            k.sets += 1
    return result
