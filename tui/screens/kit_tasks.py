"""Kit bin tasks for operators: the bins to fill, most urgent first, with the store stock to take.

Confirming a task is two scans: the source container's TrackID, then the bin's label. What fills the bin to max
moves (all of the container when it holds less). F6 counts a bin: scan it, then type the count, or the weight and
the piece weight as `KG/G` (e.g. 1.25/6.2) to let the weight count for you.
"""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from core.kitbins.bins import (
    check_source,
    confirm_replenishment,
    count_bin,
    count_by_weight_preview,
    open_tasks,
    sweep_tasks,
)
from core.qty import QtyError, fmt_short, parse_qty
from tui.screens.base import FloorScreen
from tui.screens.confirm import ConfirmScreen
from tui.widgets.live_table import FloorTable
from tui.widgets.scan_input import ScanInput
from tui.widgets.tables import Col


def parse_count(text: str) -> dict:
    """'350' is a count; '1.25/6.2' is a weight in kg over a piece weight in g."""
    t = (text or "").strip()
    if "/" in t:
        kg, g = (p.strip() for p in t.split("/", 1))
        return {"weighed_kg": parse_qty(kg), "piece_weight_g": parse_qty(g)}
    return {"counted": parse_qty(t)}


def _cells(t) -> tuple:
    style = "bold white on red" if t.overdue else ""
    due = t.due_at.strftime("%d %H:%M") if t.due_at else "-"
    return (Text(("LATE " if t.overdue else "") + due, style=style), Text(t.location, style=style), t.item[:14],
            f"{fmt_short(t.qty)} {t.uom}".strip(), t.suggestion[:34])


class KitTasksScreen(FloorScreen):
    HELP = ("Kit bin tasks\n\nBins below their min, to fill to max. Red: overdue. 'Take' is the store container "
            "the allocation rules suggest (first to expire, opened first).\n\n"
            "Enter  start the highlighted task: scan the container's TrackID, then the bin's label\n"
            "F6     count a bin: scan it, then type the count, or KG/G (weight / piece weight)\n"
            "F5     refresh\n"
            "Home/End  first / last task\n"
            "Esc    stop the task or count; then back to the menu")
    BINDINGS = [
        Binding("f5", "reload", "Refresh"),
        Binding("f6", "count", "Count bin"),
    ]

    def __init__(self):
        super().__init__()
        self.tasks = []
        self.step = "list"  # list, source, bin, count-bin, count
        self.current = None
        self.source: str | None = None
        self.count_bin: str | None = None
        self.busy = False

    def body(self) -> ComposeResult:
        yield Static("Kit bin tasks", classes="title")
        yield Static("Loading the tasks...", id="summary", classes="hint")
        yield FloorTable(id="tasks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="info")
        yield ScanInput(placeholder="scan", id="scan")
        yield Input(placeholder="count, or KG/G", id="count")
        yield Static("", id="message", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#tasks", DataTable)
        # The bin names its item; where to take the stock from is the task itself.
        table.add_columns(Col("Due"), Col("Bin"), Col("Item", give=1), Col("Fill"), Col("Take", min=10))
        watch = getattr(self.app, "watch_changes", None)
        if watch is not None:
            watch()
        self._show("list")
        # The writes that lower a bin (a job's consumption, a count, an import) raise its task themselves:
        # opening this list creates nothing. F5 still sweeps, as a safety net.
        self._load(sweep=False)

    # --- the list -------------------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self._load(sweep=True)

    def on_data_changed(self, _message) -> None:
        # Also mid-task: a task done on another terminal meanwhile is said at once, not at the bin.
        if self.step in ("list", "source", "bin"):
            self._load(sweep=False)

    @work(thread=True, exclusive=True, group="kit-tasks")
    def _load(self, sweep: bool) -> None:
        def tasks():
            if sweep:
                sweep_tasks(self.app.actor)  # bins left low by an import or a count get their task too
            return open_tasks()

        self.answer(tasks, self._loaded)

    def _loaded(self, tasks) -> None:
        self.tasks = tasks
        mine = self.current
        if mine is not None and self.step in ("source", "bin") and not self.busy and all(t.id != mine.id
                                                                                           for t in tasks):
            self.current, self.source = None, None
            self._show("list")
            self.fail(f"Task {mine.id} ({mine.location}) was done on another terminal: nothing to fill there now. "
                       "Put back what you took, then choose another task.")
        self.query_one("#tasks", FloorTable).refill((str(t.id), _cells(t)) for t in tasks)
        late = sum(1 for t in tasks if t.overdue)
        self.query_one("#summary", Static).update(
            f"{len(tasks)} open task(s), {late} overdue. Enter starts the highlighted one." if tasks
            else "No bin needs filling. F6 counts a bin.")

    def _selected_task(self):
        table = self.query_one("#tasks", DataTable)
        if not self.tasks or table.cursor_row >= len(self.tasks):
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((t for t in self.tasks if str(t.id) == key), None)

    @on(DataTable.RowSelected, "#tasks")
    def _start(self, _event) -> None:
        task = self._selected_task()
        if task is None:
            return
        self.current, self.source = task, None
        self._show("source")

    # --- steps ----------------------------------------------------------------------------------------------
    def _show(self, step: str) -> None:
        self.step = step
        scan, count = self.query_one("#scan", ScanInput), self.query_one("#count", Input)
        scan.display = step in ("source", "bin", "count-bin")
        count.display = step == "count"
        info = self.query_one("#info", Static)
        t = self.current
        if step == "list":
            info.update("")
            self.query_one("#tasks", DataTable).focus()
            return
        if step == "source":
            info.update(f"Task {t.id}: fill {t.location} with {fmt_short(t.qty)} {t.uom} {t.item}.\n"
                        f"Take {t.suggestion}. Scan the container's TrackID.")
            scan.placeholder = "scan the store container's TrackID"
        elif step == "bin":
            info.update(f"From {self.source} into {t.location}: up to {fmt_short(t.qty)} {t.uom}.\n"
                        f"Put it in the bin and scan the bin's label ({t.location}).")
            scan.placeholder = f"scan the bin label ({t.location})"
        elif step == "count-bin":
            info.update("Cycle count: scan the bin's label.")
            scan.placeholder = "scan the bin label"
        elif step == "count":
            info.update(f"Count of {self.count_bin}: type the pieces, or the weight and piece weight as KG/G "
                        "(e.g. 1.25/6.2), then Enter.")
            count.value = ""
            count.focus()
            return
        scan.focus()

    @on(ScanInput.ScanFailed, "#scan")
    def _scan_failed(self, event: ScanInput.ScanFailed) -> None:
        self.fail(event.message)

    @on(ScanInput.Scanned, "#scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        s = event.scan
        value = s.track_id or s.location or s.text or s.raw
        if self.step == "source" and not self.busy:
            self.busy = True
            self._check_source(self.current.id, value)
        elif self.step == "bin" and not self.busy:
            self.busy = True
            self._confirm(self.current.id, self.source, value)
        elif self.step == "count-bin":
            self.count_bin = value
            self._show("count")

    @work(thread=True, exclusive=True, group="kit-check")
    def _check_source(self, task_id: int, scanned: str) -> None:
        self.answer(lambda: check_source(task_id, scanned), lambda source: self._source_ok(task_id, source),
                    refused=self._write_failed)

    def _source_ok(self, task_id: int, source: str) -> None:
        self.busy = False
        if self.step != "source" or self.current is None or self.current.id != task_id:
            return
        self.source = source
        self.say("")
        self._show("bin")

    @work(thread=True, exclusive=True, group="kit-write")
    def _confirm(self, task_id: int, source: str, bin_code: str) -> None:
        self.answer(lambda: confirm_replenishment(self.app.actor, task_id, source, bin_code).text(), self._done,
                    refused=self._write_failed)

    def _write_failed(self, message: str) -> None:
        self.busy = False
        self.fail(message)
        if self.step == "bin" and "TrackID" in message:
            self._show("source")  # the container was wrong: scan another one

    def _done(self, message: str) -> None:
        self.busy = False
        self.current, self.source, self.count_bin = None, None, None
        self._show("list")
        self.say(message)
        self.app.signal_ok(message, toast=False)
        self._load(sweep=False)

    # --- cycle count ----------------------------------------------------------------------------------------
    def action_count(self) -> None:
        self.current, self.source = None, None
        self._show("count-bin")

    @on(Input.Submitted, "#count")
    def _counted(self, event: Input.Submitted) -> None:
        if self.busy:
            return
        try:
            values = parse_count(event.value)
        except QtyError as exc:
            self.fail(f"{exc} (or KG/G for a weight over a piece weight)")
            return
        self.busy = True
        if "weighed_kg" in values:
            self._preview(self.count_bin, values)  # a count from a weight is shown and asked about first
        else:
            self._count(self.count_bin, values)

    @work(thread=True, exclusive=True, group="kit-write")
    def _preview(self, location: str, values: dict) -> None:
        self.answer(lambda: count_by_weight_preview(location, **values),
                    lambda preview: self._ask(location, values, preview), refused=self._write_failed)

    def _ask(self, location: str, values: dict, preview) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._count(location, values)
                return
            self.busy = False
            self.say("Not posted. Weigh again, or type the count.")
            field = self.query_one("#count", Input)
            field.value = ""
            field.focus()

        self.app.push_screen(ConfirmScreen(preview.question(values["weighed_kg"], values["piece_weight_g"])),
                             answered)

    @work(thread=True, exclusive=True, group="kit-write")
    def _count(self, location: str, values: dict) -> None:
        self.answer(lambda: count_bin(self.app.actor, location, **values).text(), self._done,
                    refused=self._write_failed)

    def action_back(self) -> None:
        if self.step != "list":
            self.current, self.source, self.count_bin = None, None, None
            self.say("")
            self._show("list")
            return
        super().action_back()
