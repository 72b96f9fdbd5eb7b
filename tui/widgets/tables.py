"""Small helpers for DataTables whose rows are keyed by what they show (a job, a TrackID)."""
from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist


def current_key(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None on an empty table."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
    except CellDoesNotExist:
        return None
