"""Job Picking: the directed flow. Go to the location, scan the container, tare, pour to the gauge, Enter.

Counted items take a count; a container that holds exactly what is wanted is taken whole. Every confirmation is
one core transaction; a dropped session resumes at the task, with nothing half-recorded.

Weighing goes through the station's ScaleLink: the tare (on the scale, or kept by jobfloor where the scale cannot
tare on command), the pour step once the net reads zero, and a confirm from the net of a stable reading taken
after the Enter, never from what the gauge showed before it.

Messages describe the present: one tied to the job list goes when the list no longer bears it out, and a job
assigned away while it is open is left at once, with the reason in words.
"""
from __future__ import annotations

import time
import uuid
from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from core.jobs.assignment import still_yours, take
from core.jobs.pick_list import jobs_to_pick, open_tasks, short_lines, task_by_id, unit_for_scan
from core.jobs.picking import REASONS, confirm_pick, substitute
from core.qty import QtyError, fmt_short, parse_qty
from drivers.scale import NetReading, ScaleError, ScaleUnstable, Tare
from drivers.scale.reading import milli_kg
from tui.scale_link import ScaleUpdate
from tui.screens.base import FloorScreen, sentence
from tui.screens.choose import ChooseScreen
from tui.screens.pick_short import ShortPick
from tui.widgets.gauge import WeightGauge, band_verdict
from tui.widgets.scan_input import ScanInput
from tui.widgets.tables import Col, FitTable, current_key, job_cell


class PickScreen(ShortPick, FloorScreen):
    RESUME_KEY = "pick"
    HELP = ("Job picking\n\n"
            "Choose a job (arrows, Enter). For each line: go to the location, scan the container's TrackID.\n"
            "Weighed items: put the job container on the scale, Enter tares (on the scale, or kept by jobfloor "
            "where the scale cannot tare), pour until the gauge says IN TOLERANCE, Enter confirms the next steady "
            "weight.\n"
            "Counted items: type the count, Enter.  A container that holds exactly what is wanted: Enter.\n\n"
            "F4  short pick (nothing more here), with a reason; what is already in the job container can be "
            "booked as a partial pick\n"
            "F5  tare again\n"
            "F6/F7/F8  (demo scale only) pour 10% / pour 1% / take off 1%\n"
            "Esc  back to the job list, then to the menu")
    BINDINGS = [
        Binding("f4", "short", "Short"),
        Binding("f5", "tare", "Tare"),
        Binding("f6", "pour(10)", "Pour", show=False),
        Binding("f7", "pour(1)", "Pour 1%", show=False),
        Binding("f8", "pour(-1)", "Less", show=False),
    ]

    def __init__(self):
        super().__init__()
        self.step = "jobs"
        self.job: str | None = None
        self.tasks = []
        self.current = None
        self.track_id: str | None = None
        self.reason: str | None = None
        self.busy = False
        self.taring = False
        self.weighing = False
        self.tare_text = ""
        self.last_result: str | None = None
        self.opening: str | None = None  # the job being opened: one Enter, one open
        self.carry: tuple[str, bool] | None = None  # a message for the step the screen goes to next
        self.message = ""
        self._note_gone = None  # when the message is about the job list: true once the list no longer bears it out

    def body(self) -> ComposeResult:
        yield Static("Job picking", classes="title", id="title")
        yield Static("", id="info")
        yield FitTable(id="jobs", cursor_type="row")
        yield ScanInput(placeholder="scan the container's TrackID", id="scan")
        yield Input(placeholder="count", id="count", restrict=r"[0-9.]*")
        yield WeightGauge(id="gauge")
        yield Static("", id="message")

    @property
    def link(self):
        return self.app.scale_link()

    def on_mount(self) -> None:
        table = self.query_one("#jobs", DataTable)
        table.add_columns(Col("Job"), Col("Open"), Col("Start", give=1), Col("Description", give=2, min=10))
        self._show_step("jobs")
        self._load_jobs()
        self.app.watch_changes()
        if self.link is not None:
            self.link.start(self)

    def on_data_changed(self, _) -> None:
        """Another terminal released, took, assigned or finished a job: the list follows, the cursor stays on its
        job; an open job assigned away is left at once. Not while a job opens: the open loads what it shows."""
        if self.opening:
            return
        if self.step == "jobs":
            self._load_jobs()
        elif self.job:
            self._check_still_yours(self.job)

    def on_screen_resume(self) -> None:
        # Back from a question (a reason, yes or no): the keys go where this step wants them, not to a hidden list.
        self._focus_step()

    def on_unmount(self) -> None:
        if self.link is not None and self.link.target is self:
            self.link.target = None

    # --- steps ---------------------------------------------------------------------------------------------
    def _show_step(self, step: str) -> None:
        self.step = step
        self.query_one("#jobs").display = step == "jobs"
        self.query_one("#scan").display = step == "scan"
        self.query_one("#count").display = step == "count"
        self.query_one("#gauge").display = step in ("tare", "weigh")
        self._focus_step()
        self._say("")
        if self.carry:
            self._say(*self.carry)
            self.carry = None
        self._info()
        if step in ("jobs", "scan"):
            self.remember()

    def _focus_step(self) -> None:
        focus = {"jobs": "#jobs", "scan": "#scan", "count": "#count"}.get(self.step)
        if focus:
            self.query_one(focus).focus()
        else:
            self.set_focus(None)

    def _say(self, text: str, error: bool = False, gone=None, signal: bool = False) -> None:
        """Show a message on the screen's feedback line (FloorScreen's); `signal` adds the error's bell and flash
        (FloorScreen.fail). `gone(jobs)`, for a message about the job list, says when a reloaded list no longer
        bears it out, and it goes."""
        text = sentence(text) if error else text
        self.message = text
        self._note_gone = gone
        self._tell(text, "error" if error else "hint", signal=signal)

    def _info(self) -> None:
        info = self.query_one("#info", Static)
        t = self.current
        if self.step == "jobs" or t is None:
            info.update("Choose a job: arrows and Enter.")
            return
        lot = f" lot {t.lot}" if t.lot else ""
        head = f"Job {t.job} line {t.line}: {t.item} {t.description}"
        if self.step == "scan":
            info.update(f"{head}\nGo to {t.location}. Scan {t.track_id}{lot}.\n"
                        f"Take {fmt_short(t.target)} {t.uom}.")
        elif self.step == "tare":
            info.update(f"{head}\nPut the job container on the scale and press Enter to tare.")
        elif self.step == "weigh":
            info.update(f"{head}\nPour {fmt_short(t.target)} kg from {self.track_id}.\n{self.tare_text}")
        elif self.step == "count":
            info.update(f"{head}\nCount {fmt_short(t.target)} {t.uom} from {self.track_id}: type the count, Enter.")
        elif self.step == "whole":
            info.update(f"{head}\nTake the whole container {t.track_id} ({fmt_short(t.target)} {t.uom}) to the "
                        "job. Enter confirms.")

    # --- job list ------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="pick-load")
    def _load_jobs(self) -> None:
        area = self.app.station.area if self.app.station is not None else None
        jobs = jobs_to_pick(self.app.actor.user if self.app.actor else None, area or None, self.app.station_code)
        self.app.call_from_thread(self._jobs_loaded, jobs)

    def _jobs_loaded(self, jobs) -> None:
        table = self.query_one("#jobs", DataTable)
        keep, row = current_key(table), table.cursor_row
        table.clear()
        for j in jobs:
            marks = ("(yours) " if j.assignee else "") + (f"({j.short_lines} short) " if j.short_lines else "")
            table.add_row(job_cell(j.job), str(j.open_tasks), j.start.strftime("%d %b"), marks + j.description,
                          key=j.job)
        if jobs:
            # The cursor stays on the job it was on, wherever the list put it (issue 22.5).
            keys = [j.job for j in jobs]
            table.move_cursor(row=keys.index(keep) if keep in keys else min(row, len(jobs) - 1), animate=False)
        if self._note_gone is not None and self._note_gone(jobs):
            self._say("")
        if not jobs and self.step == "jobs" and not self.opening and not self.message:
            self._say("Nothing to pick: no released job has open picks.", gone=bool)

    @on(DataTable.RowSelected, "#jobs")
    def _job_chosen(self, event: DataTable.RowSelected) -> None:
        if self.step == "jobs":
            self.open_job(event.row_key.value)

    def open_job(self, job: str, task_id: int | None = None) -> None:
        if self.opening:
            return  # one Enter, one open: a second key while the first opens adds nothing
        self.opening = job
        self._open(job, task_id)

    @work(thread=True, group="pick-open")
    def _open(self, job: str, task_id: int | None) -> None:
        """Opening a job takes it, so no other picker works the same slip, and loads its tasks in the same worker:
        nothing (a live refresh of the list) can cancel the one without the other (issue 22.9)."""

        def take_and_load():
            take(self.app.actor, job)
            tasks = open_tasks(job)
            return tasks, [] if tasks else short_lines(job)

        self.answer(take_and_load, lambda found: self._opened(job, *found, task_id),
                    refused=lambda message: self._open_failed(job, message))

    def _opened(self, job: str, tasks, shorts, task_id) -> None:
        self.opening = None
        self.job = job
        self._tasks_loaded(tasks, shorts, task_id)

    def _open_failed(self, job: str, message: str) -> None:
        self.opening = None
        # "already PK1's" goes once the list shows the job as yours (assigned to you meanwhile).
        self._say(message, error=True, signal=True,
                  gone=lambda jobs: any(j.job == job and j.assignee for j in jobs))
        self._load_jobs()

    @work(thread=True, exclusive=True, group="pick-tasks")
    def _load_tasks(self, job: str, task_id: int | None = None) -> None:
        tasks = open_tasks(job)
        shorts = [] if tasks else short_lines(job)
        self.app.call_from_thread(self._tasks_loaded, tasks, shorts, task_id)

    def _tasks_loaded(self, tasks, shorts, task_id) -> None:
        self.tasks = tasks
        if self.job is None:
            return  # the job was left meanwhile (assigned away)
        if not tasks:
            self.current = None
            done = f" {self.last_result}." if self.last_result else ""
            if shorts:
                note = (f"Job {self.job}: nothing more to pick here.{done} Short: " + "; ".join(shorts)
                        + ". A supervisor tops it up.")
            else:
                note = f"Job {self.job}: every line is picked.{done}"
            self.carry = (note, False)
            self.last_result = None
            self.job = None
            self._show_step("jobs")
            self._load_jobs()
            return
        self.current = next((t for t in tasks if t.id == task_id), tasks[0])
        self.track_id, self.reason = None, None
        if self.last_result and not self.carry:
            self.carry = (f"Done: {self.last_result}", False)
        self.last_result = None
        self._show_step("scan")

    # --- an open job assigned away --------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="pick-check")
    def _check_still_yours(self, job: str) -> None:
        """After another terminal's change: is the job still this picker's, and the task still there?"""
        task = self.current
        why = still_yours(self.app.actor, job)
        if why:
            self.app.call_from_thread(self._leave_job, job, why)
        elif task is not None:
            now = task_by_id(task.id)
            if now is None or now.track_id != task.track_id:
                self.app.call_from_thread(self._rechecked, task, now, None,
                                          f"line {task.line} of job {job} was picked on another terminal")

    def _leave_job(self, job: str, why: str) -> None:
        """The job is not this picker's any more: back to the list at once, saying why (issue 22.2)."""
        if self.job != job or self.step == "jobs":
            return
        if self.link is not None and self.step in ("tare", "weigh"):
            self.link.end_weighing()
        self.current, self.job, self.busy = None, None, False
        self.carry = (why, True)
        self._show_step("jobs")
        self._note_gone = lambda jobs: any(j.job == job and j.assignee for j in jobs)
        self.app.signal_error(why, toast=False)
        self._load_jobs()

    # --- scanning the container ---------------------------------------------------------------------------
    @on(ScanInput.Scanned, "#scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        scan = event.scan
        self._resolve_scan(scan.track_id or (scan.text if scan.kind == "text" else None), scan.gtin, scan.lot)

    @on(ScanInput.ScanFailed, "#scan")
    def _scan_failed(self, event: ScanInput.ScanFailed) -> None:
        self._say(event.message, error=True, signal=True)

    @work(thread=True, exclusive=True, group="pick-scan")
    def _resolve_scan(self, track_id, gtin, lot) -> None:
        resolved = unit_for_scan(track_id, gtin, lot, self.current)
        self.app.call_from_thread(self._scan_resolved, resolved)

    def _scan_resolved(self, track_id: str | None) -> None:
        t = self.current
        if not track_id:
            self._say(f"That is not a container of {t.item}: scan {t.track_id}.", error=True, signal=True)
            return
        if track_id != t.track_id:
            self.app.push_screen(ChooseScreen(f"{track_id} is not the suggested {t.track_id}. Why?", REASONS),
                                 lambda reason: self._substitute(track_id, reason))
            return
        self._container_ok(track_id, None)

    def _substitute(self, track_id: str, reason: str | None) -> None:
        if reason is None:
            self._say(f"Scan {self.current.track_id}, or scan another container and give a reason.")
            return
        self.busy = True  # a change notice meanwhile is this substitution's own
        self._do_substitute(self.current, track_id, reason)

    @work(thread=True, exclusive=True, group="pick-scan")
    def _do_substitute(self, task, track_id: str, reason: str) -> None:
        """Another container than the suggested one (issue 15.1): checked and taken over before the pour, so the
        pour and its confirmation go on from the container in the picker's hands."""

        def take_over():
            substitute(self.app.actor, task.job, task.line, task.track_id, track_id, reason)
            return task_by_id(task.id)

        self.answer(take_over, lambda moved: self._substituted(task, moved, reason),
                    refused=lambda message: self._substitute_refused(task, message))

    def _substitute_refused(self, task, message: str) -> None:
        self.busy = False
        if task is self.current and self.step == "scan":
            self._say(message, error=True, signal=True)

    def _substituted(self, task, moved, reason: str) -> None:
        self.busy = False
        if task is not self.current or self.step != "scan":
            return
        if moved is None:
            self._load_tasks(task.job)
            return
        self.current = moved
        self.tasks = [moved if t.id == moved.id else t for t in self.tasks]
        self._container_ok(moved.track_id, reason)
        self._say(f"{moved.track_id} is used instead of {task.track_id}.")

    def _container_ok(self, track_id: str, reason: str | None) -> None:
        t = self.current
        self.track_id, self.reason = track_id, reason
        if t.whole_container and track_id == t.track_id:
            self._show_step("whole")
        elif t.weighed:
            if self.link is None:
                self._show_step("scan")
                self._say("This station has no scale: pick weighed items at a pick station with a scale.",
                          error=True)
                return
            gauge = self.query_one("#gauge", WeightGauge)
            gauge.set_band(t.target, t.low, t.high)
            self.link.use_tare(self._no_tare())
            if self.link.simulated:
                self.link.place_container()
            self._show_step("tare")
        else:
            self._show_step("count")
            self.query_one("#count", Input).value = fmt_short(t.target)

    # --- weighing ------------------------------------------------------------------------------------------
    @staticmethod
    def _no_tare():
        return Tare.none()

    def on_scale_update(self, message: ScaleUpdate) -> None:
        gauge = self.query_one("#gauge", WeightGauge)
        item = message.item
        if isinstance(item, NetReading):
            gauge.value = item.milli_kg
            gauge.stable = item.stable
            gauge.message = gauge.status = ""
            self.app.set_device_state(scale="stable" if item.stable else "moving")
        elif isinstance(item, ScaleError):
            gauge.value = None  # else Enter would seem to confirm the last good weight, which is no longer true
            gauge.status = f"scale {item.state}"
            gauge.message = f"{item} Picking waits until the scale is back."
            self.app.set_device_state(scale=item.state)

    def action_tare(self) -> None:
        # Not while a confirm waits for its weight: that weight is judged against the tare it was keyed under.
        if self.step in ("tare", "weigh") and self.link is not None and not (self.taring or self.weighing
                                                                               or self.busy):
            self.taring = True
            self._say("Taring: keep the container still.")
            self._do_tare()

    @work(thread=True, exclusive=True, group="pick-tare")
    def _do_tare(self) -> None:
        try:
            zero = self.link.take_tare()
        except ScaleError as exc:
            self.app.call_from_thread(self._tare_failed, str(exc))
            return
        self.app.call_from_thread(self._tared, zero)

    def _tare_failed(self, message: str) -> None:
        self.taring = False
        self._say(message, error=True, signal=True)

    def _tared(self, zero) -> None:
        # The net reads zero on a steady reading taken after the tare: only now may the pour start.
        self.taring = False
        if self.step in ("tare", "weigh"):
            self.on_scale_update(ScaleUpdate(zero))  # the gauge shows the zero now, not the gross before the tare
            self.tare_text = zero.tare.describe()
            self._show_step("weigh")

    def action_pour(self, percent: int) -> None:
        if self.link is not None and self.link.simulated and self.current is not None and self.step == "weigh":
            self.link.pour(Decimal(self.current.target * percent) / Decimal(100_000))

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "pour":
            return bool(self.link is not None and self.link.simulated and self.step == "weigh") or None
        return True

    # --- confirming ----------------------------------------------------------------------------------------
    def key_enter(self) -> None:
        if self.current is None:
            return  # between a booking and the next task
        if self.step == "tare":
            self.action_tare()
        elif self.step == "weigh":
            self._take_weight(time.monotonic())
        elif self.step == "whole":
            self._confirm(self.current.target, None)

    def _take_weight(self, pressed: float) -> None:
        """Enter on the pour step: book the net of the next steady weight, taken after this key."""
        if self.busy or self.weighing or self.taring:
            return  # one Enter, one weighing: a burst of keys adds nothing
        self.weighing = True
        self._say("waiting for a steady weight")
        self._weigh(self.current, pressed)

    @work(thread=True, exclusive=True, group="pick-weigh")
    def _weigh(self, task, pressed: float) -> None:
        try:
            net = self.link.weigh(pressed)
        except ScaleUnstable:
            self.app.call_from_thread(self._weigh_refused, "The scale is still moving: nothing was booked. Wait "
                                      "until the weight is steady, then Enter.")
            return
        except ScaleError as exc:
            self.app.call_from_thread(self._weigh_refused, f"{exc} Nothing was booked.")
            return
        self.app.call_from_thread(self._weighed, task, net)

    @staticmethod
    def _weighed_detail(net) -> dict:
        tare = net.tare
        return {"net": net.milli_kg, "stable": True, "tare_by": tare.kind,
                "tare": None if tare.kg is None else milli_kg(tare.kg)}

    def _weigh_refused(self, message: str) -> None:
        self.weighing = False
        if self.step == "weigh":
            self._say(message, error=True, signal=True)

    def _weighed(self, task, net) -> None:
        self.weighing = False
        if task is not self.current or self.step != "weigh":
            return  # the picker left this task while the scale settled
        qty = net.milli_kg
        if not task.low <= qty <= task.high:
            self._say(f"The steady weight is {fmt_short(qty)} kg: {band_verdict(qty, task.low, task.high, True)}. "
                      "Nothing was booked.", error=True, signal=True)
            return
        self._confirm(qty, self._weighed_detail(net))

    @on(Input.Submitted, "#count")
    def _counted(self, event: Input.Submitted) -> None:
        try:
            qty = parse_qty(event.value)
        except QtyError as exc:
            self._say(str(exc), error=True)
            return
        self._confirm(qty, None)

    def _confirm(self, qty: int, weighed: dict | None) -> None:
        if self.busy:
            return
        self.busy = True
        self._do_confirm(self.current, self.track_id, qty, self.reason, weighed, uuid.uuid4().hex)

    @work(thread=True, exclusive=True, group="pick-confirm")
    def _do_confirm(self, task, track_id, qty, reason, weighed, request_id) -> None:
        self.answer(lambda: confirm_pick(self.app.actor, task.job, task.line, track_id, qty, reason=reason,
                                         request_id=request_id, weighed=weighed),
                    self._confirmed, refused=self._confirm_failed)

    def _confirm_failed(self, message: str) -> None:
        self.busy = False
        self._say(message, error=True, signal=True)
        if self.current is not None:
            self._recheck(self.current, message)

    @work(thread=True, exclusive=True, group="pick-check")
    def _recheck(self, task, message: str) -> None:
        """A refused confirmation: is the task still there to pick, and the job still this picker's? Another
        terminal may have won the race for it."""

        why = still_yours(self.app.actor, task.job)
        now = task_by_id(task.id)
        self.app.call_from_thread(self._rechecked, task, now, why, message)

    def _rechecked(self, task, now, why: str | None, message: str) -> None:
        if task is not self.current or self.step == "jobs" or self.busy:
            return  # moved on, or a confirmation of this very task is in flight: its own answer decides
        if why:
            self._leave_job(task.job, why)
        elif now is None or now.track_id != task.track_id:
            # Lost the race: the line was picked or shorted elsewhere. The pour step (and its "IN TOLERANCE:
            # Enter to confirm") goes; the next task comes up with the reason.
            if self.link is not None and self.step in ("tare", "weigh"):
                self.link.end_weighing()
            note = f"Not booked here: {message}. Put back anything poured for it."
            self.carry = (note, True)
            self._load_tasks(task.job)

    def _confirmed(self, result) -> None:
        self.busy = False
        self._weighing_done()
        self.app.signal_ok(toast=False)
        self.last_result = result.text()
        self.current = None  # done here: a change notice about it is this terminal's own
        self._load_tasks(result.job)

    def _weighing_done(self) -> None:
        if self.link is not None and self.step in ("tare", "weigh"):
            self.link.end_weighing()
            if self.link.simulated:
                self.link.clear_pan()

    def action_back(self) -> None:
        if self.step != "jobs":
            self.current = None
            self._show_step("jobs")
            self._load_jobs()
        else:
            super().action_back()

    # --- resume --------------------------------------------------------------------------------------------
    def resume_state(self) -> dict | None:
        if self.current is not None and self.step != "jobs":
            return {"job": self.current.job, "task": self.current.id}
        return None

    def restore(self, state: dict) -> None:
        if state.get("job"):
            self.open_job(state["job"], state.get("task"))
