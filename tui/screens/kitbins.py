"""The Kit bins board: every floor bin's level against its min and max, its last days, cover and open task.

Readable without colour: the state is spelled out (EMPTY, LOW, OK, OVER) beside the coloured bar. The board
follows every terminal's changes by itself; `s` sorts, `/` filters by the start of the bin code (an area or
line prefix such as KB-B).

A site has thousands of bins, so the list draws only the lines on screen (Textual's line API): a DataTable
measures every cell of every row each time it changes, which for 2,000 bins takes longer than the whole query.
"""
from __future__ import annotations

import time

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from core.clock import utcnow
from core.kitbins.bins import board
from core.qty import fmt_short
from tui.screens.base import FloorScreen

STATE_STYLE = {"EMPTY": "bold white on red", "LOW": "bold red", "OK": "green", "OVER": "bold yellow"}
BAR_STYLE = {"EMPTY": "red", "LOW": "red", "OK": "green", "OVER": "yellow"}
SORTS = ("bin", "fill", "cover", "state")
SPARKS = "▁▂▃▄▅▆▇█"
HISTORY_DAYS = 14
NARROW_DAYS = 10
BAR = 8
WIDTHS = {"bin": 12, "item": 12, "state": 6, "level": BAR + 7, "cover": 6}


def level_bar(level: int, low: int, high: int, state: str, width: int = BAR) -> Text:
    """A bar filled to the level against max, with the min marked, and the level in figures after it."""
    top = max(high, level, 1)
    filled = min(width, round(level / top * width))
    mark = min(width - 1, round(low / top * width)) if low else -1
    bar = Text()
    for i in range(width):
        if i < filled:
            bar.append("█", style=BAR_STYLE[state])
        elif i == mark:
            bar.append("│", style="bold")
        else:
            bar.append("░", style="dim")
    bar.append(f" {fmt_short(level)}")
    return bar


def sparkline(values: list[int], top: int) -> str:
    top = max([top, *values, 1])
    return "".join(SPARKS[min(len(SPARKS) - 1, v * len(SPARKS) // (top + 1))] for v in values)


def cover_text(days: float | None) -> str:
    if days is None:
        return "-"
    return f"{days:.1f}d" if days < 10 else f"{days:.0f}d"


def _cell(value: Text | str, width: int) -> Text:
    text = value.copy() if isinstance(value, Text) else Text(value)
    text.truncate(width - 1, pad=True)
    text.append(" ")
    return text


def header_text(days: int, narrow: bool = False) -> Text:
    cells = [_cell("Bin", WIDTHS["bin"]), _cell("Item", WIDTHS["item"]), _cell("State", WIDTHS["state"]),
             _cell("Level", WIDTHS["level"]), _cell(f"Last {days}d", days + 2), _cell("Cover", WIDTHS["cover"]),
             _cell("Task", 10)]
    return Text.assemble(*_narrowed(cells, narrow), style="bold", no_wrap=True, overflow="crop")


def _narrowed(cells: list, narrow: bool) -> list:
    """On a handheld: bin, state, level and cover in view; the item (in the line below) goes, the days and the
    task (also below) run off the edge."""
    return [cells[0], cells[2], cells[3], cells[5], cells[6], cells[4]] if narrow else cells


def row_text(r, days: int, narrow: bool = False) -> Text:
    style = STATE_STYLE[r.state]
    task = Text("")
    if r.task is not None:
        task = Text("LATE", style="bold white on red") if r.task_overdue else Text(
            f"due {r.task_due:%H:%M}" if r.task_due else "open")
    task = _cell(task, 10) if narrow else task
    return Text.assemble(*_narrowed([
        _cell(Text(r.location, style=style if r.state != "OK" else ""), WIDTHS["bin"]),
        _cell(r.item, WIDTHS["item"]), _cell(Text(r.state, style=style), WIDTHS["state"]),
        _cell(level_bar(r.level, r.min, r.max, r.state), WIDTHS["level"]),
        _cell(Text(sparkline(r.history[-days:], r.max), style="cyan"), days + 2),
        _cell(cover_text(r.cover), WIDTHS["cover"]), task], narrow))


class BinTable(ScrollView, can_focus=True):
    """One line per bin, drawn on demand; a cursor row that Up/Down/PgUp/PgDn/Home/End move."""

    DEFAULT_CSS = "BinTable { height: 1fr; }"
    BINDINGS = [
        Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False), Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False), Binding("end", "jump(-1)", show=False),
    ]
    cursor = reactive(0, layout=False)

    class Highlighted(Message):
        def __init__(self, table: BinTable, row) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> BinTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list = []
        self.days = NARROW_DAYS
        self.narrow = False
        self._lines: dict[int, Text] = {}

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def line_text(self, index: int) -> str:
        return self._line(index).plain

    def set_rows(self, rows: list, days: int, keep: str | None = None, narrow: bool = False) -> None:
        self.rows, self.days, self.narrow, self._lines = rows, days, narrow, {}
        self.virtual_size = Size(self.size.width, len(rows))
        at = next((i for i, r in enumerate(rows) if r.location == keep), None) if keep else None
        self.cursor = at if at is not None else min(self.cursor, max(0, len(rows) - 1))
        self._follow()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    @property
    def current(self):
        return self.rows[self.cursor] if self.rows else None

    def _line(self, index: int) -> Text:
        if index not in self._lines:
            self._lines[index] = row_text(self.rows[index], self.days, self.narrow)
        return self._lines[index]

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        text = self._line(index)
        if index == self.cursor:
            text = text.copy()
            text.stylize("reverse" if self.has_focus else "underline")
        return Strip(list(text.render(self.app.console))).adjust_cell_length(width, self.rich_style)

    def watch_cursor(self, old: int, new: int) -> None:
        self._follow()
        self.refresh()
        if old != new:
            self.post_message(self.Highlighted(self, self.current))

    def _follow(self) -> None:
        top, height = self.scroll_offset.y, max(1, self.size.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, step: int) -> None:
        self.action_move(step * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = where if where >= 0 else len(self.rows) - 1

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self.rows):
            self.cursor = index

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class KitBinsScreen(FloorScreen):
    RESUME_KEY = "kitbins"
    HELP = ("Kit bins\n\nEvery kit bin on the floor: its level as a bar against max (│ marks the min), its state, "
            "the closing level of each of the last days, how many days the level lasts at last week's use, "
            "and its open replenishment task (LATE when overdue).\n\n"
            "s      sort by bin / fill / cover / state\n"
            "/      filter by the start of the bin code (an area or line), empty shows all\n"
            "F5     refresh now (it also follows other terminals by itself)\n"
            "Esc    back")
    BINDINGS = [
        Binding("s", "sort", "Sort"),
        Binding("slash", "filter", "Filter"),
        Binding("f5", "reload", "Refresh"),
    ]

    def __init__(self):
        super().__init__()
        self.rows = []
        self.sort = "bin"
        self.prefix = ""
        self.loaded_in: float | None = None
        self._shown_days = 0
        self._mounted = False

    def body(self) -> ComposeResult:
        # The query starts before the widgets are built: SQL runs outside the GIL, so both go on at once.
        self.action_reload()
        yield Static("Kit bins", classes="title")
        yield Static("Loading the bins...", id="summary", classes="hint")
        yield Input(placeholder="bin code starts with... (Enter; empty shows all)", id="filter")
        yield Static("", id="header")
        yield BinTable(id="bins")
        yield Static("", id="detail", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#filter").display = False
        self.query_one("#bins", BinTable).focus()
        watch = getattr(self.app, "watch_changes", None)
        if watch is not None:
            watch()
        self._mounted = True
        if self.rows:  # the data came back before the widgets were ready
            self._draw()

    def _days_shown(self) -> int:
        return HISTORY_DAYS if self.app.size.width >= 90 else NARROW_DAYS

    def on_resize(self) -> None:
        # Only a change in how many days fit is worth redrawing the lines for (or reading more days).
        if not self.rows or (self._days_shown() == self._shown_days
                             and (self.app.size.width < 60) == self.query_one("#bins", BinTable).narrow):
            return
        if self._days_shown() > min(len(r.history) for r in self.rows):
            self.action_reload()
        else:
            self._draw()

    # --- data -----------------------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self._load(self._days_shown())

    @work(thread=True, exclusive=True, group="kitbins")
    def _load(self, days: int) -> None:
        t0 = time.perf_counter()
        self.answer(lambda: (board(days=days), time.perf_counter() - t0), lambda timed: self._loaded(*timed),
                    refused=self.app.signal_error)

    def on_data_changed(self, _message) -> None:
        self.action_reload()

    def _loaded(self, rows, seconds: float) -> None:
        self.rows = rows
        self.loaded_in = seconds
        if self._mounted:
            self._draw()

    def visible(self) -> list:
        rows = [r for r in self.rows if r.location.upper().startswith(self.prefix.upper())]
        order = {"EMPTY": 0, "LOW": 1, "OVER": 2, "OK": 3}
        key = {"bin": lambda r: r.location,
               "fill": lambda r: (r.level / r.max if r.max else 0, r.location),
               "cover": lambda r: (r.cover if r.cover is not None else float("inf"), r.location),
               "state": lambda r: (order[r.state], r.location)}[self.sort]
        return sorted(rows, key=key)

    def _draw(self) -> None:
        table = self.query_one("#bins", BinTable)
        days = self._shown_days = min(self._days_shown(), min((len(r.history) for r in self.rows), default=0))
        keep = table.current.location if table.current is not None else None
        shown = self.visible()
        narrow = self.app.size.width < 60
        self.query_one("#header", Static).update(header_text(days, narrow))
        table.set_rows(shown, days, keep, narrow)
        low = sum(1 for r in shown if r.state in ("LOW", "EMPTY"))
        late = sum(1 for r in shown if r.task_overdue)
        tasks = sum(1 for r in shown if r.task is not None)
        where = f" starting {self.prefix}" if self.prefix else ""
        self.query_one("#summary", Static).update(
            f"{len(shown)} bin(s){where}: {low} below min, {tasks} open task(s), {late} late. "
            f"Sorted by {self.sort} (s).  As of {utcnow():%H:%M} UTC")

    @on(BinTable.Highlighted, "#bins")
    def _highlighted(self, event: BinTable.Highlighted) -> None:
        row = event.row
        detail = self.query_one("#detail", Static)
        if row is None:
            detail.update("")
            return
        fill = f"{row.level * 100 // row.max}%" if row.max else "-"
        refill = f", refill {fmt_short(row.max - row.level)}" if row.state in ("LOW", "EMPTY") else ""
        task = ""
        if row.task is not None:
            task = f"; task {row.task} " + ("LATE" if row.task_overdue else f"due {row.task_due:%d %b %H:%M}")
        detail.update(f"{row.location} {row.item} {row.description[:28]}: {fmt_short(row.level)} {row.uom} "
                      f"(min {fmt_short(row.min)}, max {fmt_short(row.max)}, {fill}){refill}{task}")

    # --- sort and filter ------------------------------------------------------------------------------------
    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._draw()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.value = self.prefix
        field.focus()

    @on(Input.Submitted, "#filter")
    def _filtered(self, event: Input.Submitted) -> None:
        self.prefix = event.value.strip()
        event.input.display = False
        self.query_one("#bins", BinTable).focus()
        self._draw()

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display:
            field.display = False
            self.query_one("#bins", BinTable).focus()
            return
        super().action_back()

    def check_action(self, action: str, parameters) -> bool | None:
        # While the filter is being typed, "s" and "/" are letters, not commands.
        if action in ("sort", "filter") and self.query_one("#filter", Input).has_focus:
            return False
        return True

    def resume_state(self) -> dict | None:
        if self.sort == "bin" and not self.prefix:
            return None
        return {"sort": self.sort, "prefix": self.prefix}

    def restore(self, state: dict) -> None:
        self.sort = state.get("sort") if state.get("sort") in SORTS else "bin"
        self.prefix = state.get("prefix") or ""
        if self.rows:
            self._draw()
