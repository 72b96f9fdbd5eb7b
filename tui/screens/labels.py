"""Labels: choose a released job, see how many labels of each kind it needs and what they look like, print them
to this station's printer; the print queue with what is waiting and why; supervisors reprint and void.

Printing goes through the print queue (core.labels): the set is stored first, so a printer that is off keeps
the labels queued. The app's one sender for the station's printer sends them; this screen asks it to send now.
"""
from __future__ import annotations

import datetime as dt
import re

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from core.data.models import Station
from core.labels.job_facts import job_info, label_jobs, problems_for
from core.labels.kinds import JOB_KINDS as KINDS
from core.labels.kinds import PALLET, PRINTED
from core.labels.ledger import ledger
from core.labels.queue import queue, states_of, still_waiting
from core.labels.reprints import confirm_printed, print_unconfirmed_again, reprint_range, unconfirmed, void, void_range
from core.labels.sets import preview_labels, print_to
from core.labels.targets import PREVIEW_ONLY, target_for_station
from core.qty import fmt_short
from core.site.auth import may
from tui.screens.base import FloorScreen
from tui.screens.confirm import ConfirmScreen
from tui.widgets.label_preview import LabelPreview
from tui.widgets.live_table import FloorTable
from tui.widgets.tables import Col, job_cell
from tui.widgets.tick_list import TickList

# The counts of each kind are what this list is for: they stay on a handheld; the lot, date and quantity give way.
JOB_COLUMNS = (Col("Job"), Col("Item", min=8), Col("Lot", give=3), Col("Qty", give=1), Col("Start", give=2),
               Col("Pal"), Col("Ctn"), Col("Prod"))
# The line under the queue tells the highlighted label's whole story, error included.
QUEUE_COLUMNS = (Col("Id"), Col("Job", give=2), Col("Label", min=8), Col("State"), Col("Tries", give=3),
                 Col("Next", give=1), Col("Error", give=4, min=8))
NARROW = 60  # below this many columns the job view stacks and the preview is seen with F2
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def _local(utc: dt.datetime) -> dt.datetime:
    """The database keeps UTC; the floor reads the clock on the wall."""
    return utc.replace(tzinfo=dt.timezone.utc).astimezone()


def parse_range(text: str) -> tuple[int, int] | None:
    """'7' or '3-7' -> (first, last); None when it is neither."""
    m = _RANGE.match(text or "")
    if not m:
        return None
    first = int(m.group(1))
    return first, int(m.group(2) or first)


class RangeScreen(ModalScreen[str | None]):
    """Which labels: a number or a range, typed; Enter takes it, Esc cancels."""

    DEFAULT_CSS = """
    RangeScreen { align: center middle; }
    #range-box { width: 60; max-width: 100%; height: auto; border: thick $primary; background: $surface;
                 padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, placeholder: str = "e.g. 3-7"):
        super().__init__()
        self._question = question
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="range-box"):
            yield Static(self._question)
            yield Input(placeholder=self._placeholder, id="range", restrict=r"[0-9 \-]*")
            yield Static("Enter = go    Esc = cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#range", Input).focus()

    @on(Input.Submitted, "#range")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ZoomScreen(ModalScreen[None]):
    """One label as large as the terminal allows: small type and barcode gaps become visible."""

    DEFAULT_CSS = """
    ZoomScreen { align: center middle; }
    ZoomScreen > LabelPreview { width: 100%; height: 100%; }
    ZoomScreen #paper { padding: 0; }  /* every column for the bars: at 80 a pallet's SSCC is shown bar for bar */
    """
    BINDINGS = [Binding("escape,f2,enter", "close", "Close")]

    def __init__(self, label, config):
        super().__init__()
        self._label, self._config = label, config

    def compose(self) -> ComposeResult:
        yield LabelPreview(id="zoom")

    def on_mount(self) -> None:
        self.query_one("#zoom", LabelPreview).show(self._label, self._config)

    def action_close(self) -> None:
        self.dismiss(None)


class UnconfirmedScreen(ModalScreen[str | None]):
    """Labels sent without the printer's proof: the person at the printer says what happened. Enter prints exactly
    those again, S says they came out, Esc leaves them as they are."""

    DEFAULT_CSS = """
    UnconfirmedScreen { align: center middle; }
    #unconfirmed-box { width: 70; max-width: 100%; height: auto; border: thick $warning; background: $surface;
                       padding: 0 1; }
    """
    BINDINGS = [Binding("enter", "choose('again')", "Print again"), Binding("s", "choose('seen')", "They came out"),
                Binding("escape", "choose(None)", "Cancel")]

    def __init__(self, question: str):
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="unconfirmed-box"):
            yield Static(self._question, id="unconfirmed-question")
            yield Static("Enter = print them again (same labels, same SSCCs)   S = they came out   Esc = cancel",
                         classes="hint")

    def action_choose(self, what: str | None) -> None:
        self.dismiss(what)


def _queue_cells(r) -> tuple:
    when = _local(r.next_try_at).strftime("%H:%M:%S") if r.next_try_at and r.state == "QUEUED" else ""
    return (str(r.id), (r.job or "")[-8:], r.name[:14] + (" R" if r.reprint else ""), r.state, str(r.attempts), when,
            (r.last_error or "")[:24])


class LabelsScreen(FloorScreen):
    RESUME_KEY = "labels"
    HELP = ("Labels\n\n"
            "Choose a released job (arrows, Enter). Its kinds of label are listed with how many one set has; the "
            "highlighted kind is drawn on the right as this station's printer will print it.\n\n"
            "Space  tick / untick a kind          F5  print a new set of the ticked kinds\n"
            "F2     the highlighted label full screen\n"
            "F6     the print queue: labels waiting for a printer or failed, with the reason and next try\n"
            "       (in the queue: F5 sends now, F8 voids the highlighted label)\n"
            "F7     reprint labels of the highlighted kind (supervisor): the same SSCC, counted as reprints\n"
            "F8     void labels of the highlighted kind (supervisor)\n"
            "F9     labels sent but not proven printed (UNCONFIRMED): look at the printer, then Enter prints\n"
            "       exactly those again (same SSCCs), S says they came out\n"
            "Esc    back (queue -> job -> job list -> menu)\n\n"
            "A printer that is off keeps its labels in the queue: they go out by themselves when it is back. A label\n"
            "counts as printed only when the printer says so (or you saw it come out).")
    BINDINGS = [
        Binding("f2", "zoom", "Zoom"),
        Binding("f5", "print_or_send", "Print"),
        Binding("f6", "queue", "Queue"),
        Binding("f7", "reprint", "Reprint"),
        Binding("f8", "void", "Void"),
        Binding("f9", "unconfirmed", "Unconfirmed"),
    ]

    def __init__(self):
        super().__init__()
        self.step = "jobs"
        self.came_from = "jobs"
        self.jobs = []
        self.job: str | None = None
        self.summary = None
        self.previews: dict = {}
        self.target = None
        self.target_problem: str | None = None
        self.queue_rows = []
        self.busy = False
        self._preview_target = None
        self._open_after_load: str | None = None
        # The labels the message says wait in the print queue: once none does, the message goes (issue 22.8).
        self.waiting_ids: set[int] = set()

    # --- layout --------------------------------------------------------------------------------------------------
    def body(self) -> ComposeResult:
        yield Static("Labels: choose a job", classes="title", id="title")
        yield FloorTable(id="jobs", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="job-view"):
            with VerticalScroll(id="job-left"):
                yield Static("", id="job-info")
                yield TickList(id="kinds")
                yield Static("", id="ledger")
            yield LabelPreview(id="preview")
        yield FloorTable(id="queue", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="message-box"):
            yield Static("", id="message", classes="hint")

    DEFAULT_CSS = """
    LabelsScreen #job-view { height: 1fr; }
    LabelsScreen #job-left { width: 38; height: 1fr; }
    LabelsScreen #job-info { height: auto; padding: 0 1; }
    LabelsScreen #kinds { height: 3; border: none; }
    LabelsScreen #ledger { height: auto; padding: 0 1; color: $text-muted; }
    LabelsScreen #message-box { height: auto; max-height: 5; }
    LabelsScreen #message { height: auto; }
    LabelsScreen.-narrow #job-left { width: 1fr; }
    LabelsScreen.-narrow #preview { display: none; }
    """

    def on_resize(self) -> None:
        # A handheld has no room beside the list for a label: the left side takes the width, F2 shows the label.
        self.set_class(self.app.size.width < NARROW, "-narrow")

    def on_mount(self) -> None:
        watch = getattr(self.app, "watch_changes", None)
        if watch is not None:
            watch()  # to hear the printer's sender print what this screen said waits in the queue
        self.query_one("#jobs", DataTable).add_columns(*JOB_COLUMNS)
        self.query_one("#queue", DataTable).add_columns(*QUEUE_COLUMNS)
        self._show_step("jobs")
        self._load_jobs()

    def _show_step(self, step: str) -> None:
        self.step = step
        self.query_one("#jobs").display = step == "jobs"
        self.query_one("#job-view").display = step == "job"
        self.query_one("#queue").display = step == "queue"
        focus = {"jobs": "#jobs", "job": "#kinds", "queue": "#queue"}[step]
        self.query_one(focus).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Keys show only where they do something, and reprint/void only to those who may (core checks again)."""
        role = self.app.actor.role if self.app.actor else ""
        if action == "reprint":
            return self.step == "job" and may(role, "labels.reprint")
        if action == "void":
            return self.step in ("job", "queue") and may(role, "labels.void")
        if action == "print_or_send":
            return self.step in ("job", "queue")
        if action == "unconfirmed":
            return self.step == "job" and may(role, "labels.print")
        if action == "zoom":
            return self.step == "job"
        return True

    def _tell(self, text: str, kind: str, toast: bool = False, signal: bool = True) -> None:
        self.waiting_ids = set()  # a new message replaces the one about labels waiting in the queue
        super()._tell(text, kind, toast, signal)

    def _waiting(self, ids) -> None:
        """The message just said says `ids` wait in the print queue: it is replaced once they are out."""
        self.waiting_ids = set(ids)

    def on_data_changed(self, _) -> None:
        if self.waiting_ids:
            self._check_waiting(frozenset(self.waiting_ids))

    @work(thread=True, exclusive=True, group="labels-waiting")
    def _check_waiting(self, ids: frozenset) -> None:
        if still_waiting(ids):
            return
        states = states_of(ids)
        printed, other = states.get(PRINTED, 0), len(ids) - states.get(PRINTED, 0)
        text = f"The {len(ids)} label(s) that waited in the print queue went out: {printed} printed."
        if other:
            text += f" {other} not proven printed or failed: F9 (unconfirmed) or F6 (the queue)."
        self.app.call_from_thread(self._waiting_done, ids, text, "ok" if not other else "error")
        self._after_send(None)

    def _waiting_done(self, ids: frozenset, text: str, kind: str) -> None:
        if self.waiting_ids == set(ids):  # still the message about them: another may have replaced it meanwhile
            self._tell(text, kind, signal=False)

    # --- the job list --------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="labels-load")
    def _load_jobs(self) -> None:
        jobs = label_jobs()
        self.app.call_from_thread(self._jobs_loaded, jobs)

    def _jobs_loaded(self, jobs) -> None:
        self.jobs = jobs
        self.query_one("#jobs", FloorTable).refill(
            (j.job, (job_cell(j.job), j.item[:14], j.lot[:14], f"{fmt_short(j.qty)} {j.uom}", j.start.strftime("%d %b"),
                     *("-" if j.counts[k] is None else str(j.counts[k]) for k in KINDS))) for j in jobs)
        if self.step == "jobs":
            self.say(f"{len(jobs)} released job(s). Enter opens a job's labels; F6 shows the print queue."
                      if jobs else "No released jobs: labels are printed for jobs once they are released.")
        pending = self._open_after_load
        if pending:
            self._open_after_load = None
            self.open_job(pending)

    @on(DataTable.RowSelected, "#jobs")
    def _job_chosen(self, event: DataTable.RowSelected) -> None:
        self.open_job(event.row_key.value)

    # --- one job: kinds, preview, ledger -------------------------------------------------------------------------
    def open_job(self, code: str) -> None:
        self.job = code
        self.summary = next((j for j in self.jobs if j.job == code), None)
        if self.summary is None:
            self.fail(f"Job {code} is not released (or no longer): choose another.")
            return
        s = self.summary
        self.query_one("#title", Static).update(f"Labels: job {code}")
        self.query_one("#job-info", Static).update(
            f"{s.item}  {s.description[:30]}\nlot {s.lot}   {fmt_short(s.qty)} {s.uom}")
        kinds = self.query_one("#kinds", SelectionList)
        kinds.clear_options()
        for kind in KINDS:
            count = s.counts[kind]
            prompt = f"{kind.capitalize():<8}{'-' if count is None else count:>6} label(s)"
            kinds.add_option(Selection(prompt, kind, count is not None, disabled=count is None))
        kinds.highlighted = 0
        self.previews = {}
        self.query_one("#preview", LabelPreview).show_message("Drawing the labels...")
        self._show_step("job")
        self._load_job(code)

    @work(thread=True, exclusive=True, group="labels-job")
    def _load_job(self, code: str) -> None:
        station = Station.get_or_none(Station.code == self.app.station_code) if self.app.station_code else None
        target, problem = PREVIEW_ONLY, None
        with self.refusals(show=False) as refused:
            target = target_for_station(station)
        if refused:
            # Without a printer the labels are still worth seeing, on the stock each kind normally goes on.
            problem = str(refused.error)
        with self.refusals() as refused:
            problems = problems_for(job_info(code))
            previews = preview_labels(code, target)
            book = ledger(code)
        if refused:
            return
        self.app.call_from_thread(self._job_loaded, code, target, problem, problems, previews, book)

    def _job_loaded(self, code, target, problem, problems, previews, book) -> None:
        if code != self.job:
            return
        self.target = None if problem else target
        self.target_problem = problem
        self.previews = previews
        self._preview_target = target
        self._show_ledger(book)
        where = (f"Prints to {target.describe()}." if not problem
                 else f"{problem}. The preview shows each kind on the label it usually goes on.")
        lines = [where] + problems[:1]
        (self.fail if problem or problems else self.say)("\n".join(lines))
        self._show_preview()

    def _show_ledger(self, book) -> None:
        rows = [f"{'':<8}{'done':>5}{'re':>4}{'void':>5}{'unc':>4}{'wait':>5}{'fail':>5}"]
        for kind in KINDS:
            k = book.kinds[kind]
            rows.append(f"{kind:<8}{k.printed:>5}{k.reprinted:>4}{k.voided:>5}{k.unconfirmed:>4}{k.queued:>5}"
                        f"{k.failed:>5}")
        waiting = sum(k.unconfirmed for k in book.kinds.values())
        if waiting:
            rows.append(f"{waiting} UNCONFIRMED: sent, not proven printed (F9)")
        self.query_one("#ledger", Static).update("\n".join(rows))

    def _highlighted_kind(self) -> str | None:
        kinds = self.query_one("#kinds", SelectionList)
        if kinds.highlighted is None:
            return None
        return kinds.get_option_at_index(kinds.highlighted).value

    @on(SelectionList.SelectionHighlighted, "#kinds")
    def _kind_highlighted(self) -> None:
        self._show_preview()

    def _show_preview(self) -> None:
        kind = self._highlighted_kind() or PALLET
        preview = self.query_one("#preview", LabelPreview)
        shown = self.previews.get(kind)
        if shown is None:
            return
        if isinstance(shown, str):
            preview.show_message(f"{kind.capitalize()} labels cannot print here:\n{shown}")
        else:
            preview.show(shown, self._preview_target.config())

    def action_zoom(self) -> None:
        shown = self.previews.get(self._highlighted_kind() or "")
        if self.step == "job" and shown is not None and not isinstance(shown, str):
            self.app.push_screen(ZoomScreen(shown, self._preview_target.config()))

    # --- printing ------------------------------------------------------------------------------------------------
    def action_print_or_send(self) -> None:
        if self.step == "queue":
            self._send_now()
            return
        if self.step != "job" or self.summary is None:
            return
        if self.busy:
            self.fail("Still printing the last set: wait for it to finish.", toast=True)
            return
        if self.target is None:
            self.fail(self.target_problem or "There is no printer here.", toast=True)
            return
        kinds = [k for k in KINDS if k in self.query_one("#kinds", SelectionList).selected]
        if not kinds:
            self.fail("Tick at least one kind of label (Space) before printing.", toast=True)
            return
        total = sum(self.summary.counts[k] or 0 for k in kinds)
        mix = ", ".join(f"{self.summary.counts[k]} {k}" for k in kinds)

        self.app.push_screen(ConfirmScreen(f"Print a new set of {total} label(s) for job {self.job} ({mix})?"),
                             lambda yes: yes and self._start_print(self.job, kinds))

    def _start_print(self, code: str, kinds: list[str]) -> None:
        self.busy = True
        self._print(code, kinds)

    @work(thread=True, exclusive=True, group="labels-print")
    def _print(self, code: str, kinds: list[str]) -> None:
        self.say("Storing and sending the labels...")
        try:
            with self.refusals(toast=True) as refused:
                result = print_to(self.app.actor, code, self.target, kinds, send=False)
                result.sent = self._send_ids(result.ids)
        finally:
            self.busy = False
        if refused:
            return

        waiting = still_waiting(result.ids)
        if result.all_printed:
            self.ok(result.text())
            self.app.call_from_thread(self.app.notify, f"{result.total} label(s) printed for job {code}.", timeout=3)
        elif result.sent is None:
            self.say(f"{result.text()}\nThey wait in the print queue for this station's printer.")
            self.app.call_from_thread(self._waiting, waiting)
        else:
            # What went wrong first: the message area is short, and the stored set is already in the ledger.
            self.fail(f"{result.sent.text()}\n{result.text()}")
            self.app.call_from_thread(self._waiting, waiting)
            self.app.call_from_thread(self.app.notify, "The printer did not take all the labels: they wait in the "
                                                       "print queue (F6).", severity="error", timeout=8)
        self._after_send(result.sent)

    def _after_send(self, report) -> None:
        """Called on a worker thread: the ledger and queue as they are now, and the printer's state."""
        book = ledger(self.job) if self.job else None
        rows = queue()
        self.app.call_from_thread(self._refreshed, book, rows, report)

    def _refreshed(self, book, rows, report) -> None:
        if book is not None and self.step == "job" and book.job == self.job:
            self._show_ledger(book)
        self._fill_queue(rows)
        setter = getattr(self.app, "set_device_state", None)
        if setter is None or report is None or self.target is None:
            return
        outcome = report.outcomes.get(self.target.url)
        if outcome is not None:
            setter(printer="offline" if outcome.error else "ok")

    # --- the queue -----------------------------------------------------------------------------------------------
    def action_queue(self) -> None:
        if self.step == "queue":
            return
        self.came_from = self.step
        self.query_one("#title", Static).update("Labels: print queue (waiting or failed)")
        self._show_step("queue")
        self._load_queue()

    @work(thread=True, exclusive=True, group="labels-queue")
    def _load_queue(self) -> None:
        rows = queue()
        self.app.call_from_thread(self._fill_queue, rows)

    def _fill_queue(self, rows) -> None:
        self.queue_rows = rows
        self.query_one("#queue", FloorTable).refill((str(r.id), _queue_cells(r)) for r in rows)
        if self.step == "queue":
            failed = sum(1 for r in rows if r.state == "FAILED")
            self.query_one("#title", Static).update(
                f"Labels: print queue, {len(rows)} label(s) waiting or failed ({failed} failed)")
            if rows:
                self._queue_detail()
            else:
                self.say("The print queue is empty: every label is out.")

    @on(DataTable.RowHighlighted, "#queue")
    def _queue_highlighted(self) -> None:
        self._queue_detail()

    def _queue_row(self):
        table = self.query_one("#queue", DataTable)
        if not self.queue_rows or table.cursor_row >= len(self.queue_rows):
            return None
        return self.queue_rows[table.cursor_row]

    def _queue_detail(self) -> None:
        row = self._queue_row()
        if row is None or self.step != "queue":
            return
        error = row.last_error or "waiting for its turn (F5 sends now)"
        # The highlighted row's story, red for a failed one, without a bell: moving the cursor refuses nothing.
        self._tell(f"{row.id} {row.name} {row.sscc or ''} -> {row.printer_url or 'no printer'}\n{error}",
                   "error" if row.state == "FAILED" else "hint", signal=False)

    # --- sending: the app's one sender for this station's printer does it ----------------------------------------
    def _sender(self):
        return getattr(self.app, "printer_sender", None)

    def _send_ids(self, ids):
        """On a worker thread: ask the station's sender to send these labels now and wait for its report; None
        where this terminal has no sender (the labels stay queued for their printer's own)."""
        sender = self._sender()
        if sender is None or not ids:
            return None
        return sender.send_now(ids).result()

    def _send_now(self) -> None:
        if self._sender() is None:
            self.fail("This terminal has no printer: labels for other printers are sent from their own station or "
                      "by `jobfloor labels send`.", toast=True)
            return
        self._send_all()

    @work(thread=True, exclusive=True, group="labels-send")
    def _send_all(self) -> None:
        report = self._sender().send_now().result()
        (self.ok if report.ok else self.fail)(report.text(), toast=True)
        self._after_send(report)

    # --- labels sent without proof -------------------------------------------------------------------------------
    def action_unconfirmed(self) -> None:
        if self.step != "job" or self.job is None:
            return
        self._ask_unconfirmed(self.job)

    @work(thread=True, exclusive=True, group="labels-unconfirmed")
    def _ask_unconfirmed(self, code: str) -> None:
        rows = unconfirmed(code)
        if not rows:
            self.ok(f"Job {code} has no unconfirmed labels: every label sent was proven printed.", toast=True)
            return
        names = ", ".join(f"{r.kind} {r.seq}" for r in rows[:6]) + (" ..." if len(rows) > 6 else "")
        why = rows[0].last_error or ""
        question = (f"{len(rows)} label(s) of job {code} were sent but not proven printed: {names}.\n{why}\n"
                    "Look at the printer: are they there?")
        self.app.call_from_thread(self.app.push_screen, UnconfirmedScreen(question),
                                  lambda what: what and self._settle_unconfirmed(code, what))

    @work(thread=True, exclusive=True, group="labels-print")
    def _settle_unconfirmed(self, code: str, what: str) -> None:
        with self.refusals(toast=True) as refused:
            if what == "seen":
                ids = confirm_printed(self.app.actor, code)
            else:
                result = print_unconfirmed_again(self.app.actor, code, send=False)
                result.sent = self._send_ids(result.ids)
        if refused:
            return
        if what == "seen":
            self.ok(f"{len(ids)} label(s) counted printed: you saw them come out.", toast=True)
            self._after_send(None)
            return
        if result.sent is None:
            text, ok = f"{len(result.ids)} label(s) back in the print queue.", True
        elif result.sent.ok:
            text, ok = f"{len(result.ids)} label(s) printed again, same SSCCs.", True
        else:
            text, ok = result.sent.text(), False
        (self.ok if ok else self.fail)(text, toast=True)
        self._after_send(result.sent)

    # --- supervisor: reprint and void ----------------------------------------------------------------------------
    def action_reprint(self) -> None:
        kind = self._highlighted_kind()
        if self.step != "job" or kind is None:
            return
        self.app.push_screen(RangeScreen(f"Reprint which {kind} labels of job {self.job}'s latest set? "
                                         "(same SSCC, counted as reprints)"),
                             lambda text: text is not None and self._reprint(kind, text))

    def _reprint(self, kind: str, text: str) -> None:
        span = parse_range(text)
        if span is None:
            self.fail(f"'{text}' is not a label number or range: type e.g. 4 or 3-7.", toast=True)
            return
        self._do_reprint(self.job, kind, span)

    @work(thread=True, exclusive=True, group="labels-print")
    def _do_reprint(self, code: str, kind: str, span: tuple[int, int]) -> None:
        with self.refusals(toast=True) as refused:
            result = reprint_range(self.app.actor, code, kind, span[0], span[1], target=self.target, send=False)
            result.sent = self._send_ids(result.ids)
        if refused:
            return
        (self.ok if result.sent is None or result.sent.ok else self.fail)(result.text(), toast=True)
        self._after_send(result.sent)

    def action_void(self) -> None:
        if self.step == "queue":
            row = self._queue_row()
            if row is None:
                return

            self.app.push_screen(ConfirmScreen(f"Void label {row.id} ({row.name})? It will never print."),
                                 lambda yes: yes and self._do_void_ids([row.id]))
            return
        kind = self._highlighted_kind()
        if self.step != "job" or kind is None:
            return
        self.app.push_screen(RangeScreen(f"Void which {kind} labels of job {self.job}'s latest set? "
                                         "(they never print again)"),
                             lambda text: text is not None and self._void_range(kind, text))

    def _void_range(self, kind: str, text: str) -> None:
        span = parse_range(text)
        if span is None:
            self.fail(f"'{text}' is not a label number or range: type e.g. 4 or 3-7.", toast=True)
            return
        self._do_void_range(self.job, kind, span)

    @work(thread=True, exclusive=True, group="labels-void")
    def _do_void_range(self, code: str, kind: str, span: tuple[int, int]) -> None:
        with self.refusals(toast=True) as refused:
            ids = void_range(self.app.actor, code, kind, span[0], span[1])
        if refused:
            return
        self.ok(f"{len(ids)} label(s) voided.", toast=True)
        self._after_send(None)

    @work(thread=True, exclusive=True, group="labels-void")
    def _do_void_ids(self, ids: list[int]) -> None:
        with self.refusals(toast=True) as refused:
            done = void(self.app.actor, ids)
        if refused:
            return
        self.ok(f"{len(done)} label(s) voided.", toast=True)
        self._after_send(None)

    # --- going back, resuming ------------------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.step == "queue":
            self._show_step(self.came_from)
            if self.came_from == "job":
                self.query_one("#title", Static).update(f"Labels: job {self.job}")
                self.say("")
                self._load_job(self.job)
            else:
                self.query_one("#title", Static).update("Labels: choose a job")
            return
        if self.step == "job":
            self.job = None
            self.query_one("#title", Static).update("Labels: choose a job")
            self._show_step("jobs")
            self._load_jobs()
            return
        super().action_back()

    def resume_state(self) -> dict | None:
        return {"job": self.job} if self.job else None

    def restore(self, state: dict) -> None:
        if state.get("job"):
            if self.jobs:
                self.open_job(state["job"])
            else:
                self._open_after_load = state["job"]
