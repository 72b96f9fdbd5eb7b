"""The supervisor's job board: every released job, live across terminals. Late and at-risk jobs stand out."""
from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from core.jobs.assignment import assign
from core.jobs.board import board, job_detail
from core.qty import fmt_short
from tui.live import DataChanged
from tui.screens.base import FloorScreen
from tui.widgets.live_table import FloorTable
from tui.widgets.tables import Col, Fit, current_key, job_cell

STYLE = {"LATE": "bold white on red", "AT RISK": "bold black on yellow", "SHORT": "bold yellow",
         "PICKED": "green", "PICKING": "", "NOT STARTED": "dim", "CLOSED SHORT": "bold yellow"}
SORTS = ("state", "due", "assignee", "job")
# Narrow forms of the states, still words: a handheld shows the state without colour as well.
SHORT_STATE = {"NOT STARTED": "NEW", "AT RISK": "RISK"}
# Who and Short never give way (who has it, what is missing); the progress figures do.
COLUMNS = (Col("State"), Col("Job"), Col("Due", min=6), Col("Who", min=5), Col("Lines", give=1, short="Ln"),
           Col("kg", give=2), Col("Short", short="Sh"))


def _cells(r) -> tuple:
    who = f"{r.assignee}" if r.assignee_kind in (None, "user") else f"{r.assignee_kind}:{r.assignee}"
    kg = f"{fmt_short(r.kg_done)}/{fmt_short(r.kg_total)}" if r.kg_total else ""
    state = Fit(Text(r.state, style=STYLE[r.state]), Text(SHORT_STATE.get(r.state, r.state), style=STYLE[r.state]))
    return (state, job_cell(r.job), Fit(r.due.strftime("%a %d %H:%M"), r.due.strftime("%d %H:%M")),
            (who if r.assignee else "-")[:10], f"{r.lines_done}/{r.lines_total}", kg, str(r.short_lines or ""))


class BoardScreen(FloorScreen):
    HELP = ("Job board\n\nEvery released job: when it is due (start date at the shift start), who has it, "
            "how far picking is (lines and kg), short lines and its state. It updates by itself when any "
            "terminal picks, releases or assigns.\n\n"
            "Enter  the job's lines: who picked what, when\n"
            "Home/End  first / last job\n"
            "F2     assign the highlighted job (user code, team:NAME or station:CODE; empty frees it)\n"
            "F3     sort by state / due / assignee / job\n"
            "F5     filter (area, assignee or state text)\n"
            "Esc    back")
    BINDINGS = [
        Binding("f2", "assign", "Assign"),
        Binding("f3", "sort", "Sort"),
        Binding("f5", "filter", "Filter"),
    ]

    def __init__(self):
        super().__init__()
        self.rows = []
        self.sort = "state"
        self.filter = ""
        self.refreshed_at = None
        self.detail_job: str | None = None

    def body(self) -> ComposeResult:
        yield Static("Job board", classes="title", id="heading")
        yield Static("", id="summary", classes="hint")
        yield FloorTable(id="board", cursor_type="row", zebra_stripes=True)
        yield Input(placeholder="assign to: user, team:NAME or station:CODE (empty frees)", id="assign")
        yield Input(placeholder="filter: area, assignee or state", id="filter")
        yield Static("", id="detail")

    def on_mount(self) -> None:
        table = self.query_one("#board", DataTable)
        table.add_columns(*COLUMNS)
        self.query_one("#assign").display = False
        self.query_one("#filter").display = False
        self.query_one("#detail").display = False
        table.focus()
        self.app.watch_changes()
        self.reload()

    @work(thread=True, exclusive=True, group="board")
    def reload(self) -> None:
        rows = board()
        self.app.call_from_thread(self._show, rows)

    def on_data_changed(self, _: DataChanged) -> None:
        self.reload()

    def _visible(self):
        f = self.filter.lower()
        rows = [r for r in self.rows if not f or f in f"{r.area} {r.assignee or ''} {r.state}".lower()]
        key = {"state": None, "due": lambda r: (r.due, r.job), "assignee": lambda r: (r.assignee or "~", r.due),
               "job": lambda r: r.job}[self.sort]
        return sorted(rows, key=key) if key else rows

    def _show(self, rows) -> None:
        if not self.open:
            return
        self.rows = rows
        self.refreshed_at = time.monotonic()
        # Keyed by job: after a live re-sort the cursor is still on the job it was on (issue 22.5).
        self.query_one("#board", FloorTable).refill((r.job, _cells(r)) for r in self._visible())
        self._follow_detail()
        late = sum(1 for r in rows if r.state == "LATE")
        risk = sum(1 for r in rows if r.state == "AT RISK")
        closed = sum(1 for r in rows if r.state == "CLOSED SHORT")  # completed, shown for a day with the reason
        shown = f", showing '{self.filter}'" if self.filter else ""
        self.query_one("#summary", Static).update(
            f"{len(rows) - closed} released job(s): {late} late, {risk} at risk"
            + (f"; {closed} closed short today" if closed else "") + f". Sorted by {self.sort}{shown}.")

    def _follow_detail(self) -> None:
        """An open job detail describes the job as it is now: read again, or closed once the job left the board."""
        detail = self.query_one("#detail", Static)
        if not detail.display or self.detail_job is None:
            return
        if any(r.job == self.detail_job for r in self.rows):
            self._load_detail(self.detail_job)
        else:
            detail.display = False
            self.detail_job = None

    def _current(self) -> str | None:
        return current_key(self.query_one("#board", DataTable))

    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._show(self.rows)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = self.filter
        box.focus()

    @on(Input.Submitted, "#filter")
    def _filtered(self, event: Input.Submitted) -> None:
        self.filter = event.value.strip()
        event.input.display = False
        self.query_one("#board").focus()
        self._show(self.rows)

    def action_assign(self) -> None:
        if self._current() is None:
            return
        box = self.query_one("#assign", Input)
        box.display = True
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#assign")
    def _assigned(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.query_one("#board").focus()
        self._do_assign(self._current(), event.value.strip() or None)

    @work(thread=True, group="board-write")
    def _do_assign(self, job: str, target: str | None) -> None:
        self.answer(lambda: assign(self.app.actor, job, target), lambda _: self._assign_done(job, target),
                    refused=self.app.signal_error)

    def _assign_done(self, job: str, target: str | None) -> None:
        self.app.signal_ok(f"Job {job} " + (f"assigned to {target}" if target else "is free for anyone"))
        self.reload()

    @on(DataTable.RowSelected, "#board")
    def _drill(self, event: DataTable.RowSelected) -> None:
        self._load_detail(event.row_key.value)

    @work(thread=True, group="board-detail")
    def _load_detail(self, job: str) -> None:
        lines = job_detail(job)
        self.app.call_from_thread(self._show_detail, job, lines)

    def _show_detail(self, job: str, lines) -> None:
        if not self.open:
            return
        self.detail_job = job
        desc = next((r.description for r in self.rows if r.job == job), "")
        out = [f"Job {job} {desc}"]
        for ln in lines:
            if ln["kit_issue"]:
                out.append(f"{ln['line']:>2} {ln['item']:<12} kit-issued")
                continue
            out.append(f"{ln['line']:>2} {ln['item']:<12} {fmt_short(ln['issued'])}/{fmt_short(ln['required'])} "
                       f"{ln['uom']}" + (f"  {ln['short']}" if ln["short"] else ""))
            for p in ln["picks"]:
                when = p["at"].strftime("%d %b %H:%M") if p["at"] else ""
                out.append(f"     {p['track_id']} {p['lot'] or ''} {fmt_short(p['qty'])} {p['state'].lower()} "
                           f"{p['by'] or ''} {when}")
        detail = self.query_one("#detail", Static)
        detail.update("\n".join(out[:12]) + ("\n..." if len(out) > 12 else ""))
        detail.display = True

    def action_back(self) -> None:
        detail = self.query_one("#detail")
        if detail.display:
            detail.display = False
            self.detail_job = None
            return
        super().action_back()
