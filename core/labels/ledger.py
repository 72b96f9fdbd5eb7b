"""A job's label ledger: every label of the job counted once, per kind, so the job reconciles."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from core.data.models import LabelJob
from core.errors import BusinessRefusal
from core.labels.job_facts import counts_for, find_job, info_for
from core.labels.kinds import FAILED, JOB_KINDS, PRINTED, QUEUED, SENDING, UNCONFIRMED, VOID


@dataclass
class KindLedger:
    """Every label of one kind counted once. Those that came out (`printed` originals, `reprinted` copies, proven
    by the printer or seen by a person) are either still `live` or `voided` since, so printed + reprinted =
    voided + live. The others are `unconfirmed` (sent without proof), `queued`, `failed`, or `cancelled` (voided
    before they ever printed)."""

    kind: str
    planned: int | None = None  # labels of this kind in one set
    sets: int = 0
    printed: int = 0
    reprinted: int = 0
    voided: int = 0
    live: int = 0
    unconfirmed: int = 0
    queued: int = 0  # waiting for the printer, being sent included
    retrying: int = 0  # of those queued, how many already failed at least once
    failed: int = 0  # cannot print as they are: a supervisor reprints or voids them
    cancelled: int = 0

    @property
    def open(self) -> int:
        """Labels a person or a printer still owes something to."""
        return self.queued + self.failed + self.unconfirmed

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Ledger:
    job: str
    lot: str | None
    kinds: dict[str, KindLedger] = field(default_factory=dict)

    @property
    def reconciled(self) -> bool:
        """Nothing is owed: every label is printed (on proof) or voided."""
        return all(k.open == 0 for k in self.kinds.values())

    def as_json(self) -> dict:
        return {"job": self.job, "lot": self.lot, "reconciled": self.reconciled,
                "kinds": {k: v.as_json() for k, v in self.kinds.items()}}

    COLUMNS = (("set", "planned"), ("sets", "sets"), ("printed", "printed"), ("reprint", "reprinted"),
               ("void", "voided"), ("live", "live"), ("unconf", "unconfirmed"), ("queued", "queued"),
               ("failed", "failed"), ("cancel", "cancelled"))

    def lines(self) -> list[str]:
        out = [f"{'kind':<8}" + "".join(f" {title:>7}" for title, _ in self.COLUMNS)]
        for k in self.kinds.values():
            values = ["-" if getattr(k, name) is None else str(getattr(k, name)) for _, name in self.COLUMNS]
            out.append(f"{k.kind:<8}" + "".join(f" {v:>7}" for v in values))
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
    rows = (LabelJob.select(LabelJob.kind, LabelJob.state, LabelJob.reprint_of, LabelJob.attempts, LabelJob.seq,
                            LabelJob.printed_at)
            .where(LabelJob.job == job.job).tuples())
    for kind, state, reprint_of, attempts, seq, printed_at in rows:
        k = result.kinds.setdefault(kind, KindLedger(kind))
        came_out = printed_at is not None
        if came_out:
            if reprint_of is None:
                k.printed += 1
            else:
                k.reprinted += 1
        if state == PRINTED:
            k.live += 1
        elif state == VOID:
            if came_out:
                k.voided += 1
            else:
                k.cancelled += 1
        elif state == UNCONFIRMED:
            k.unconfirmed += 1
        elif state in (QUEUED, SENDING):
            k.queued += 1
            k.retrying += 1 if attempts else 0
        elif state == FAILED:
            k.failed += 1
        if reprint_of is None and seq == 1 and kind in JOB_KINDS:
            k.sets += 1
    return result
