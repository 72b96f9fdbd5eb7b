"""Job Release: a live what-if plan of the whole schedule; release the selected jobs; slips; un-release."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from core.config import numba_cache_dir
from core.jobs.planning import Schedule
from core.jobs.release import release, released_jobs, slip, unrelease
from tui.live import DataChanged
from tui.screens.base import FloorScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.slip import SlipScreen
from tui.widgets.live_table import FloorTable, put_cursor
from tui.widgets.tables import Col, current_key, job_cell

RELOAD_AFTER_S = 1.0
# The plan's verdict and what is short never give way; the description and priority do (the line below the
# table tells the highlighted job's story).
PLAN_COLUMNS = (Col(""), Col("Job"), Col("Description", give=2, min=10), Col("Prio", give=3), Col("Start", give=1),
                Col("Plan"))
RELEASED_COLUMNS = (Col("Job"), Col("Description", give=2, min=10), Col("Prio", give=3), Col("Start", give=1),
                    Col("Lines", give=4), Col("Short"))


def _plan_text(plan) -> str:
    if not plan.selected:
        return "not in this release"
    if plan.ok:
        return "OK: fully covered"
    first = plan.short[0]
    more = f" +{len(plan.short) - 1} more" if len(plan.short) > 1 else ""
    return f"SHORT {first.item}{more}"[:22]


class ReleaseScreen(FloorScreen):
    HELP = ("Job release\n\nThe jobs imported from the ERP, planned in priority order over the stock there is "
            "now. Nothing is reserved until you release.\n\n"
            "Space  select / leave out a job (the plan follows at once; a job left out stays out)\n"
            "+ / -  move a job up / down the schedule (a what-if priority)\n"
            "F5     release the selected jobs\n"
            "F2     switch between the plan and the released jobs\n"
            "F3     picking slip of the highlighted released job\n"
            "F4     un-release the highlighted job (only if nothing is picked)\n"
            "Home/End  first / last job\n"
            "Esc    back to the menu")
    BINDINGS = [
        Binding("space", "toggle", "Select"),
        Binding("plus,equals_sign", "move(-1)", "Up", show=False),
        Binding("minus", "move(1)", "Down", show=False),
        Binding("f2", "switch", "Plan/Released"),
        Binding("f3", "slip", "Slip"),
        Binding("f4", "unrelease", "Un-release"),
        Binding("f5", "release", "Release"),
    ]

    def __init__(self):
        super().__init__()
        self.schedule = None
        self.priorities: dict[str, int] = {}
        self.selected: set[str] = set()
        # What the planner left out (Space), kept across reloads: a release, F2 or another terminal's change
        # brings in new jobs selected, never these again.
        self.left_out: set[str] = set()
        self.releasing = False
        self._reload_due = False
        self.plans = {}
        self.view = "plan"
        self._released = []
        self._drawn = None  # which view the table holds, so a re-plan can update it in place
        self._cells: dict[str, tuple] = {}

    def body(self) -> ComposeResult:
        yield Static("Job release: what-if plan", classes="title", id="heading")
        yield Static("Preparing the allocator (the first time on a machine it compiles for a few seconds)...",
                     id="summary", classes="hint")
        yield FloorTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#jobs", DataTable).focus()
        watch = getattr(self.app, "watch_changes", None)
        if watch is not None:
            watch()
        self._load()

    def on_data_changed(self, _: DataChanged) -> None:
        # Another terminal released, picked or received: the plan is over the stock there is now. Not during our
        # own release: its reload follows when it is done. A busy floor commits many times a second and a plan
        # reads the whole schedule, so the changes of one second make one reload.
        if self.schedule is not None and not self.releasing and not self._reload_due:
            self._reload_due = True
            self.set_timer(RELOAD_AFTER_S, self._reload)

    def _reload(self) -> None:
        self._reload_due = False
        if not self.releasing:
            self._load()

    # --- loading -------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="release-load")
    def _load(self) -> None:
        numba_cache_dir()
        from core.allocator.kernel import warm_up

        warm_up()
        schedule = Schedule()
        released = released_jobs()
        self.app.call_from_thread(self._loaded, schedule, released)

    def _loaded(self, schedule, released) -> None:
        self.schedule = schedule
        self._drawn = None
        self._released = released
        self.left_out &= set(schedule.jobs)
        self.selected = set(schedule.jobs) - self.left_out
        self.priorities = {k: v for k, v in self.priorities.items() if k in schedule.jobs}
        self.replan()

    # --- planning ------------------------------------------------------------------------------------------
    def replan(self) -> None:
        if self.schedule is None:
            return
        self.plans = self.schedule.plan(self.priorities, self.selected)
        self._draw()

    def _plan_cells(self, code: str) -> tuple:
        info, plan = self.schedule.jobs[code], self.plans[code]
        return ("✓" if plan.selected else " ", job_cell(code), info.description[:20], str(plan.priority),
                info.start.strftime("%d %b"), _plan_text(plan))

    def _draw(self) -> None:
        table = self.query_one("#jobs", DataTable)
        summary = self.query_one("#summary", Static)
        if self.view == "plan":
            order = self.schedule.order(self.priorities)
            if self._drawn == "plan" and table.row_count == len(order):
                self._update_plan_rows(table, order)
            else:
                self._rebuild(table, PLAN_COLUMNS, [self._plan_cells(c) for c in order], order)
                self._cells = {c: self._plan_cells(c) for c in order}
            self._heading()
            chosen = [p for p in self.plans.values() if p.selected]
            short = sum(1 for p in chosen if not p.ok)
            summary.update(f"{len(self.plans)} job(s) to release, {len(chosen)} selected: "
                           f"{len(chosen) - short} fully covered, {short} short.  F5 releases the selected.")
            self._drawn = "plan"
        else:
            self._heading()
            rows = [(job_cell(j["job"]), j["description"][:20], str(j["priority"]), j["start"].strftime("%d %b"),
                     str(j["lines"]), str(j["short"]) if j["short"] else "") for j in self._released]
            self._rebuild(table, RELEASED_COLUMNS, rows, [j["job"] for j in self._released])
            summary.update(f"{len(self._released)} released job(s).  F3 slip, F4 un-release, F2 back to the plan.")
            self._drawn = "released"
        self._detail()

    def _heading(self) -> None:
        """The title says what is there now: after a release the released jobs are no longer 'to release'."""
        released = len(self._released)
        if self.view == "plan":
            text = f"Job release: plan of {len(self.plans)} unreleased job(s), {released} released"
        else:
            text = f"Released jobs: {released}"
        self.query_one("#heading", Static).update(text)

    def _update_plan_rows(self, table: DataTable, order: list[str]) -> None:
        """A re-plan changes a few cells and the order: touch only those, the table draws only what is visible."""
        for code in order:
            cells = self._plan_cells(code)
            old = self._cells.get(code)
            if old != cells:
                for k, (a, b) in enumerate(zip(old, cells)):
                    if a != b:
                        table.update_cell(code, f"c{k}", b)
                self._cells[code] = cells
        position = {code: k for k, code in enumerate(order)}
        current = self._current_job()
        table.sort("c1", key=lambda job: position[job])
        put_cursor(table, current, table.cursor_row)

    def _rebuild(self, table: DataTable, columns, rows, keys) -> None:
        keep, current = table.cursor_row, self._current_job()
        table.clear(columns=True)
        for k, label in enumerate(columns):
            table.add_column(label, key=f"c{k}")
        for key, row in zip(keys, rows):
            table.add_row(*row, key=key)
        put_cursor(table, current, keep)  # where the job left this view (released, un-released): the same place

    def _current_job(self) -> str | None:
        return current_key(self.query_one("#jobs", DataTable))

    @on(DataTable.RowHighlighted, "#jobs")
    def _highlighted(self) -> None:
        self._detail()

    def _detail(self) -> None:
        detail = self.query_one("#detail", Static)
        code = self._current_job()
        if code is None or self.view != "plan" or code not in self.plans:
            detail.update("")
            return
        plan = self.plans[code]
        if plan.ok:
            detail.update(f"{code}: every line covered" if plan.selected else f"{code}: left out of this release")
        else:
            detail.update("\n".join(f"line {s.line} {s.item}: {s.reason}" for s in plan.short[:3]))

    # --- actions -------------------------------------------------------------------------------------------
    def action_toggle(self) -> None:
        code = self._current_job()
        if self.view != "plan" or code is None:
            return
        if code in self.selected:
            self.selected.discard(code)
            self.left_out.add(code)
        else:
            self.selected.add(code)
            self.left_out.discard(code)
        self.replan()

    def action_move(self, step: int) -> None:
        code = self._current_job()
        if self.view != "plan" or code is None or self.schedule is None:
            return
        order = self.schedule.order(self.priorities)
        k = order.index(code)
        other = k + step
        if not 0 <= other < len(order):
            return
        prio = dict(self.schedule.base_priority, **self.priorities)
        # Jump just past the neighbour, so the job moves exactly one place.
        self.priorities[code] = prio[order[other]] + (-1 if step < 0 else 1)
        self.replan()

    def action_switch(self) -> None:
        self.view = "released" if self.view == "plan" else "plan"
        self._draw()

    def action_release(self) -> None:
        if self.schedule is None:
            return
        chosen = [c for c in self.schedule.order(self.priorities) if c in self.selected]
        if not chosen:
            self.app.signal_error("Select at least one job (Space) before releasing.")
            return
        short = sum(1 for c in chosen if not self.plans[c].ok)
        question = f"Release {len(chosen)} job(s)?" + (f" {short} of them will be short." if short else "")

        self.app.push_screen(ConfirmScreen(question), lambda yes: yes and self._start_release(chosen))

    def _start_release(self, jobs: list[str]) -> None:
        self.releasing = True
        self.query_one("#summary", Static).update(f"Releasing {len(jobs)} job(s)...")
        self._do_release(jobs)

    @work(thread=True, exclusive=True, group="release-write")
    def _do_release(self, jobs: list[str]) -> None:
        try:
            # Released one by one in the planner's order, so the what-if order is the order stock is taken.
            self.answer(lambda: [release(self.app.actor, [job]) for job in jobs], self._release_done,
                        refused=self._release_refused)
        finally:
            self.releasing = False

    def _release_done(self, results) -> None:
        short = sum(len(r.shortages) for r in results)
        reserved = sum(len(r.allocations) for r in results)
        self.app.signal_ok(f"Released {len(results)} job(s): {reserved} reservation(s), {short} short line(s).")
        self._load()

    def _release_refused(self, message: str) -> None:
        self.app.signal_error(message)
        self._load()

    def action_slip(self) -> None:
        code = self._current_job()
        if code is None:
            return
        if self.view == "plan":
            self.app.signal_error("Slips are for released jobs: F2 shows them.")
            return
        self._show_slip(code)

    @work(thread=True, group="release-slip")
    def _show_slip(self, code: str) -> None:
        lines = slip(code)
        self.app.call_from_thread(self.app.push_screen, SlipScreen(code, lines))

    def action_unrelease(self) -> None:
        code = self._current_job()
        if code is None or self.view != "released":
            self.app.signal_error("Un-release works on released jobs: F2 shows them.")
            return

        self.app.push_screen(ConfirmScreen(f"Un-release job {code}? Its reservations go back to stock."),
                             lambda yes: yes and self._do_unrelease(code))

    @work(thread=True, group="release-write")
    def _do_unrelease(self, code: str) -> None:
        self.answer(lambda: unrelease(self.app.actor, code), lambda _: self._unrelease_done(code),
                    refused=self.app.signal_error)

    def _unrelease_done(self, code: str) -> None:
        self.app.signal_ok(f"Job {code} un-released: its stock is free again.")
        self._load()
