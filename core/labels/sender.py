"""Sending the print queue: every QUEUED label reaches its printer once, and is PRINTED only on proof.

Rows are claimed in a short transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so two senders share the queue
without waiting on each other; SQLite: the write lock) and marked SENDING, so no other sender can take them.
The driver asks the printer's state first: a printer that is off, refuses, or reports a fault (out of labels,
cover or head open, paused, jammed) gets nothing, and the labels go back to QUEUED with the attempt counted, the
next try pushed back exponentially and the floor message kept for the screen. Once bytes have gone out, a label
is PRINTED only when the printer proves it (a Brother's "printing completed" for its page, a Zebra's host status
with the batch done) or when it was written to a file; every other label sent is UNCONFIRMED, with the reason,
until a person reprints it or says it came out. A sender that dies mid-send leaves its rows SENDING; when their
lease runs out they become UNCONFIRMED too, since nobody can tell any more whether they printed.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field

from peewee import fn

from core.clock import utcnow
from core.crashlog import log_exception
from core.data.db import is_postgres, retrying, write_txn
from core.data.models import LabelJob
from core.labels.job import LabelContentError
from core.labels.kinds import FAILED, PRINTED, QUEUED, SENDING, UNCONFIRMED
from core.labels.stored import label_for_row
from drivers.printer.errors import LabelError, PrinterError, WrongMedia
from drivers.printer.printing import (
    check_label,
    print_labels,
    printer_config,
)

#: How long a claimed row may stay SENDING before it counts as interrupted. Renewed after every batch, so it
#: only has to cover one batch: a long job to a slow printer is never taken for a dead sender.
LEASE = dt.timedelta(minutes=15)
FIRST_RETRY_S = 15
MAX_RETRY_S = 600
#: Labels per job: a link that breaks mid-job leaves at most this many labels unconfirmed.
BATCH = 25
INTERRUPTED = ("The sending stopped half-way (the program or computer stopped): this label may or may not have "
               "printed. Check the printer's output, then print it again or say it came out.")
NO_PROOF = ("Sent, but this printer does not confirm printing on this connection: check the printer's output, then "
            "print it again or say it came out.")


def retry_delay(attempts: int) -> dt.timedelta:
    """15 s after the first failure, doubling, at most 10 min: a printer back on is found within minutes."""
    return dt.timedelta(seconds=min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** max(0, attempts - 1)))


@dataclass
class PrinterOutcome:
    url: str
    printed: int = 0
    queued: int = 0  # back in the queue for a later try
    failed: int = 0  # cannot print as stored
    unconfirmed: int = 0  # sent without the printer's proof
    bytes_sent: int = 0
    error: str | None = None  # the printer's fault, in floor language
    next_try_at: dt.datetime | None = None
    label_errors: list[str] = field(default_factory=list)

    def text(self) -> str:
        parts = []
        if self.printed:
            parts.append(f"{self.printed} label(s) printed")
        if self.error:
            parts.append(self.error)
        if self.unconfirmed:
            parts.append(f"{self.unconfirmed} label(s) UNCONFIRMED: sent, but not proven printed; check the "
                         "printer's output, then print them again or say they came out")
        if self.queued:
            when = f" (next try {self.next_try_at:%H:%M:%S} UTC)" if self.next_try_at else ""
            parts.append(f"{self.queued} label(s) stay in the print queue and go out when the printer is "
                         f"back{when}; nothing is lost")
        if self.failed:
            parts.append(f"{self.failed} label(s) cannot print as stored: {self.label_errors[0]}")
        return f"{self.url}: " + ". ".join(p.rstrip(".") for p in parts) + "."


@dataclass
class SendReport:
    outcomes: dict[str, PrinterOutcome] = field(default_factory=dict)
    interrupted: int = 0  # SENDING rows of a sender that stopped, now UNCONFIRMED
    elsewhere: int = 0  # asked-for rows another sender had already taken
    waiting: int = 0  # QUEUED rows left for a later round (their next try has not come, or over `limit`)
    next_try_at: dt.datetime | None = None  # the earliest of those

    @property
    def printed(self) -> int:
        return sum(o.printed for o in self.outcomes.values())

    @property
    def queued(self) -> int:
        return sum(o.queued for o in self.outcomes.values())

    @property
    def failed(self) -> int:
        return sum(o.failed for o in self.outcomes.values())

    @property
    def unconfirmed(self) -> int:
        return sum(o.unconfirmed for o in self.outcomes.values())

    @property
    def ok(self) -> bool:
        """Everything asked for printed, on proof: nothing put back, unconfirmed, failed or still waiting."""
        return not self.queued and not self.failed and not self.waiting and not self.unconfirmed

    @property
    def errors(self) -> list[str]:
        return [o.error for o in self.outcomes.values() if o.error]

    def text(self) -> str:
        lines = [o.text() for o in self.outcomes.values()]
        if self.waiting:
            when = f", the first at {self.next_try_at:%H:%M:%S} UTC" if self.next_try_at else ""
            lines.append(f"{self.waiting} label(s) wait in the print queue for their next try{when}.")
        if not lines and not self.interrupted and not self.elsewhere:
            return "Nothing to send."
        if self.elsewhere:
            lines.append(f"{self.elsewhere} label(s) were being sent by another terminal.")
        if self.interrupted:
            lines.append(f"{self.interrupted} label(s) were left half-sent by a sender that stopped: they are "
                         "UNCONFIRMED; check the printer's output.")
        return "\n".join(lines)


def send_pending(now: dt.datetime | None = None, limit: int = 1000, *, ids: Iterable[int] | None = None,
                 printer_url: str | None = None, force: bool = False,
                 options: dict | None = None) -> SendReport:
    """Send what is due (`force`: everything queued, backoff or not), oldest first, printer by printer.

    `ids` and `printer_url` narrow it; `options` go to drivers.printer.PrinterConfig (timeouts)."""
    now = now or utcnow()
    wanted = None if ids is None else sorted({int(i) for i in ids})
    report = SendReport()
    report.interrupted = retrying(_recover)
    if wanted is not None and not wanted:
        return report
    rows = retrying(_claim, now, limit, wanted, printer_url, force)
    if wanted is not None:
        ours = [r.id for r in rows]
        report.elsewhere = LabelJob.select().where(
            LabelJob.id.in_(wanted) & LabelJob.id.not_in(ours) & LabelJob.state.in_((SENDING, PRINTED))).count()
    groups: dict[tuple, list[LabelJob]] = defaultdict(list)
    for row in rows:
        groups[(row.printer_url, row.language, row.model, row.label_size)].append(row)
    down: dict[str, PrinterError] = {}
    try:
        _send_groups(groups, now, report, down, options or {})
    finally:
        _count_waiting(report, wanted, printer_url)
    return report


def _count_waiting(report: SendReport, wanted: list[int] | None, printer_url: str | None) -> None:
    q = LabelJob.select().where((LabelJob.state == QUEUED) & LabelJob.printer_url.is_null(False))
    if wanted is not None:
        q = q.where(LabelJob.id.in_(wanted))
    if printer_url:
        q = q.where(LabelJob.printer_url == printer_url)
    # Rows put back in this round are already told about per printer.
    told = {o.url for o in report.outcomes.values() if o.queued}
    if told:
        q = q.where(LabelJob.printer_url.not_in(list(told)))
    report.waiting = q.count()
    if report.waiting:
        report.next_try_at = q.select(fn.MIN(LabelJob.next_try_at)).scalar()


def _send_groups(groups: dict, now: dt.datetime, report: SendReport, down: dict, options: dict) -> None:
    for key, group in groups.items():
        url = key[0]
        outcome = report.outcomes.setdefault(url, PrinterOutcome(url))
        if url in down:  # one try per printer per round: the rest of its rows wait with the same message
            _requeue(group, down[url].message, now, outcome)
            continue
        try:
            fault = _send_group(key, group, now, outcome, options)
        except BaseException:
            # Whatever went wrong, no row of ours may stay SENDING until its lease runs out.
            _requeue([r for r in group if _still_sending(r.id)], "The print run stopped on an unexpected error; "
                     "it is tried again.", now, outcome)
            raise
        if fault is not None and not isinstance(fault, WrongMedia):
            down[url] = fault


def _still_sending(row_id: int) -> bool:
    return LabelJob.select().where((LabelJob.id == row_id) & (LabelJob.state == SENDING)).exists()


def _recover() -> int:
    # Real time, never a caller's `now`: a test or a catch-up run looking ahead must not take another
    # sender's rows for abandoned.
    stale = (LabelJob.state == SENDING) & (LabelJob.next_try_at < utcnow())
    if not LabelJob.select().where(stale).exists():
        return 0
    with write_txn():
        return LabelJob.update(state=UNCONFIRMED, last_error=INTERRUPTED, next_try_at=None).where(stale).execute()


def _due(now: dt.datetime, ids: list[int] | None, printer_url: str | None, force: bool):
    q = LabelJob.select().where((LabelJob.state == QUEUED) & LabelJob.printer_url.is_null(False))
    if not force:
        q = q.where(LabelJob.next_try_at.is_null() | (LabelJob.next_try_at <= now))
    if ids is not None:
        q = q.where(LabelJob.id.in_(ids))
    if printer_url:
        q = q.where(LabelJob.printer_url == printer_url)
    return q


def _claim(now: dt.datetime, limit: int, ids: list[int] | None, printer_url: str | None,
           force: bool) -> list[LabelJob]:
    # A plain read first: screens poll every few seconds, and on SQLite a claim takes the database's write lock.
    if not _due(now, ids, printer_url, force).exists():
        return []
    with write_txn():
        q = _due(now, ids, printer_url, force).order_by(LabelJob.id).limit(max(0, int(limit)))
        if is_postgres():
            q = q.for_update(skip_locked=True)
        rows = list(q)
        if rows:
            LabelJob.update(state=SENDING, next_try_at=_lease_end()).where(
                LabelJob.id.in_([r.id for r in rows])).execute()
    return rows


def _lease_end() -> dt.datetime:
    return utcnow() + LEASE


def _send_group(key: tuple, rows: list[LabelJob], now: dt.datetime, outcome: PrinterOutcome,
                options: dict) -> PrinterError | None:
    url, language, model, _size = key
    try:
        config = printer_config(url, language, model, **options)
    except PrinterError as exc:
        _fail(rows, exc.message, outcome)
        return None
    ready, checked = [], set()
    for row in rows:
        try:
            label = label_for_row(row)
            if label not in checked:
                check_label(label, config)
                checked.add(label)
        except LabelContentError as exc:
            _fail([row], str(exc), outcome)
            continue
        except LabelError as exc:
            _fail([row], exc.message, outcome)
            continue
        ready.append((row, label))
    for start in range(0, len(ready), BATCH):
        batch = ready[start:start + BATCH]
        try:
            result = print_labels([label for _, label in batch], config)
        except PrinterError as exc:  # refused before anything was sent: nothing of it can have printed
            _requeue([row for row, _ in ready[start:]], exc.message, now, outcome)
            outcome.error = exc.message
            return exc
        except LabelError as exc:  # checked above, so only a driver disagreeing with itself lands here
            _fail([row for row, _ in batch], exc.message, outcome)
            continue
        ids = [row.id for row, _ in batch]
        proven, unproven = ids[:result.proven], ids[result.proven:]
        why = result.fault.message if result.fault is not None else NO_PROOF
        later = [row.id for row, _ in ready[start + BATCH:]]
        retrying(_mark_printed, proven, unproven, why, later)
        outcome.printed += len(proven)
        outcome.unconfirmed += len(unproven)
        outcome.bytes_sent += result.bytes_sent
        if result.fault is not None:  # the rest waits for the printer to be seen to
            rest = [row for row, _ in ready[start + BATCH:]]
            _requeue(rest, result.fault.message, now, outcome)
            outcome.error = result.fault.message
            return result.fault
    return None


def _mark_printed(proven: list[int], unproven: list[int], why: str, later: list[int]) -> None:
    """The printer's word on a job: PRINTED for what it proved, UNCONFIRMED (with the reason) for the rest."""
    with write_txn():
        if proven:
            (LabelJob.update(state=PRINTED, printed_at=utcnow(), attempts=LabelJob.attempts + 1, last_error=None,
                             next_try_at=None)
             .where(LabelJob.id.in_(proven) & (LabelJob.state == SENDING)).execute())
        if unproven:
            (LabelJob.update(state=UNCONFIRMED, attempts=LabelJob.attempts + 1, last_error=why, next_try_at=None)
             .where(LabelJob.id.in_(unproven) & (LabelJob.state == SENDING)).execute())
        if later:
            LabelJob.update(next_try_at=_lease_end()).where(
                LabelJob.id.in_(later) & (LabelJob.state == SENDING)).execute()


def _requeue(rows: list[LabelJob], message: str, now: dt.datetime, outcome: PrinterOutcome) -> None:
    if not rows:
        return
    base = max(now, utcnow())
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_attempts[row.attempts + 1].append(row.id)

    def write():
        with write_txn():
            for attempts, ids in by_attempts.items():
                (LabelJob.update(state=QUEUED, attempts=attempts, next_try_at=base + retry_delay(attempts),
                                 last_error=message)
                 .where(LabelJob.id.in_(ids) & (LabelJob.state == SENDING)).execute())

    retrying(write)
    outcome.queued += len(rows)
    soonest = base + retry_delay(min(by_attempts))
    outcome.next_try_at = soonest if outcome.next_try_at is None else min(outcome.next_try_at, soonest)
    outcome.error = outcome.error or message


def _fail(rows: list[LabelJob], message: str, outcome: PrinterOutcome) -> None:
    def write():
        with write_txn():
            (LabelJob.update(state=FAILED, attempts=LabelJob.attempts + 1, last_error=message, next_try_at=None)
             .where(LabelJob.id.in_([r.id for r in rows]) & (LabelJob.state == SENDING)).execute())

    retrying(write)
    outcome.failed += len(rows)
    outcome.label_errors.append(message)


def run(stop: threading.Event, interval: float = 5.0, on_report=None, **kwargs) -> None:
    """Send what is due every `interval` seconds until `stop` is set (a service, or a screen's thread)."""
    while not stop.is_set():
        report = send_pending(**kwargs)
        if on_report is not None and (report.outcomes or report.interrupted):
            on_report(report)
        stop.wait(interval)


class StationSender:
    """The one sender of a terminal's printer: a thread that sends what is due every `interval` seconds and, when
    a screen asks (`send_now`), at once, so that no screen runs a sender of its own beside it.

    `on_report` is called on the sender's thread with every report that did something."""

    def __init__(self, printer_url: str, interval: float = 5.0, on_report=None, options: dict | None = None):
        self.printer_url = printer_url
        self.interval = interval
        self.on_report = on_report
        self.options = options
        self._asked: list[tuple[list[int] | None, Future]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> StationSender:
        self._thread = threading.Thread(target=self._run, name="jobfloor-printer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        with self._lock:
            asked, self._asked = self._asked, []
        for _, future in asked:
            future.cancel()

    def send_now(self, ids: Iterable[int] | None = None) -> Future:
        """Send the printer's queued labels now (only `ids`, if given), backoff or not; the future gives the
        report. Called from a screen's worker, which waits on it."""
        future: Future = Future()
        with self._lock:
            self._asked.append((None if ids is None else sorted({int(i) for i in ids}), future))
        self._wake.set()
        return future

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            with self._lock:
                asked, self._asked = self._asked, []
            try:
                if not asked:
                    self._report(send_pending(printer_url=self.printer_url, options=self.options))
                for ids, future in asked:
                    if future.set_running_or_notify_cancel():
                        try:
                            report = send_pending(ids=ids, printer_url=self.printer_url, force=True,
                                                  options=self.options)
                        except BaseException as exc:  # the screen waiting on it hears of it
                            future.set_exception(exc)
                            continue
                        future.set_result(report)
                        self._report(report)
            except Exception as exc:  # noqa: BLE001  a database hiccup: the next round tries again
                log_exception(exc)

    def _report(self, report: SendReport) -> None:
        if self.on_report is not None and (report.outcomes or report.interrupted):
            self.on_report(report)
