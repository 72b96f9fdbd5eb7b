"""Lists that refresh live: DataTables whose rows are keyed by what they show (a job, a TrackID, a task).

A live list is refilled when any terminal commits: the cursor must stay on the job it was on, not on the row
number, or the next Enter opens another job (issue 22.5). Home and End go to the first and last row (22.11):
Textual's own Home/End scroll sideways on a row cursor.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from tui.widgets.tables import FitTable, current_key


def refill(table: DataTable, rows: Iterable[tuple[str, Sequence]]) -> None:
    """Clear `table` and add `rows` (key, cells); the cursor stays on the row of the same key. Where that row is
    gone (a job completed, a unit used up), it stays at the same place in the list."""
    key, row = current_key(table), table.cursor_row
    table.clear()
    for k, cells in rows:
        table.add_row(*cells, key=k)
    put_cursor(table, key, row)


def put_cursor(table: DataTable, key: str | None, fallback_row: int = 0) -> None:
    """The cursor on the row keyed `key`, else on `fallback_row` (kept inside the table)."""
    if not table.row_count:
        return
    try:
        row = table.get_row_index(key) if key is not None else fallback_row
    except RowDoesNotExist:
        row = fallback_row
    table.move_cursor(row=max(0, min(row, table.row_count - 1)), animate=False)


# Textual reads BINDINGS only from widget classes, so the class that mixes FirstLastKeys in declares these.
FIRST_LAST = [
    Binding("home", "first_row", "First", show=False),
    Binding("end", "last_row", "Last", show=False),
]


class FirstLastKeys:
    """Home and End to the first and last row, for any DataTable class (mixed in before it, with FIRST_LAST)."""

    def action_first_row(self) -> None:
        if self.cursor_type == "row":
            self.move_cursor(row=0, animate=False)
        else:
            self.action_scroll_home()

    def action_last_row(self) -> None:
        if self.cursor_type == "row":
            self.move_cursor(row=max(0, self.row_count - 1), animate=False)
        else:
            self.action_scroll_end()


class FloorTable(FirstLastKeys, FitTable):
    """The floor's list: Home and End go to the first and last row; `refill` keeps the cursor on its row; its
    columns give way by priority on a narrow screen (FitTable: `Col` columns, `Fit` cells)."""

    BINDINGS = FIRST_LAST

    def refill(self, rows: Iterable[tuple[str, Sequence]]) -> None:
        refill(self, rows)
