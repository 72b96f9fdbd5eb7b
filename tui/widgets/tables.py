"""Tables on every screen size: columns that give way by priority on a narrow screen (FitTable), and small helpers
for DataTables whose rows are keyed by what they show (a job, a TrackID).

A FitTable is a DataTable that keeps every cell of every row, and shows as many columns as the width allows,
rebuilding itself when it is resized. On a narrow screen, in this order until the row fits:

1. cells with a short form (`Fit("2027-03-31", "31Mar27")`) and headings with one (`Col(short=...)`) use it,
   the most willing column first: nothing is lost;
2. the columns between the cells close up to one space;
3. columns with `give` > 0 are left out, the highest `give` first (the screen's detail line shows them for
   the highlighted row), unless cutting that column to its `min` is enough;
4. columns with a `min` shrink towards it, the text cut with "…".

A column with give=0 is never left out: that is where a screen says what is important (stock Expiry, board
Short and Who, release Plan). Whatever still does not fit scrolls sideways, like every list scrolls down.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey


def current_key(table: DataTable) -> str | None:
    """The key of the row under the cursor, or None on an empty table."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
    except CellDoesNotExist:
        return None


@dataclass(frozen=True)
class Col:
    """A column: its heading, how willing it is to give way (0 never), a shorter heading, the narrowest it may
    shrink to (0: it keeps its width), and a key for update_cell / sort."""

    label: str
    give: int = 0
    short: str | None = None
    min: int = 0
    key: str | None = None


@dataclass(frozen=True)
class Fit:
    """A cell with a shorter form for a narrow screen, saying the same (a date as 31Mar27, a state as QUAR)."""

    full: str | Text
    short: str | Text

    def __str__(self) -> str:
        return str(self.full)


def job_cell(code: str) -> Fit:
    """A SYSPRO job number, padded to 15 digits; on a narrow screen without the leading zeros, as people say it."""
    return Fit(code, code.lstrip("0") or code)


def _plain(value) -> str | Text:
    return "" if value is None else value if isinstance(value, Text) else str(value)


def _width(value) -> int:
    return value.cell_len if isinstance(value, Text) else cell_len(value)


def _cut(value: str | Text, width: int) -> str | Text:
    if _width(value) <= width:
        return value
    text = value.copy() if isinstance(value, Text) else Text(value)
    text.truncate(width, overflow="ellipsis")
    return text if isinstance(value, Text) else text.plain


@dataclass(frozen=True)
class _Layout:
    shown: tuple[int, ...]  # column indexes, in order
    compact: frozenset[int]
    widths: tuple[int, ...]  # content width per shown column
    tight: bool  # one space between columns instead of two
    margin: bool = False  # tight, with one blank column on the left


class FitTable(DataTable):
    """A DataTable whose columns give way by priority on a narrow screen (see the module's docstring).

    add_columns / add_column / add_row / clear / update_cell / sort work as on a DataTable; a column may be a
    `Col` and a cell a `Fit`. Cells of a column not shown are kept, and come back when there is room.
    """

    DEFAULT_CSS = "FitTable { height: 1fr; }"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._specs: list[Col] = []
        self._keys: list[str] = []
        self._cells: dict[RowKey, list] = {}
        self._heights: dict[RowKey, int | None] = {}
        self._layout: _Layout | None = None
        self._refit_pending = False
        self._padding = self.cell_padding

    # --- the DataTable API, on the whole data --------------------------------------------------------------
    def add_column(self, label, *, width: int | None = None, key: str | None = None, default=None,
                   give: int = 0, short: str | None = None, min: int = 0) -> ColumnKey:
        spec = label if isinstance(label, Col) else Col(str(label), give, short, min, key)
        column_key = spec.key or key or f"col{len(self._specs)}"
        self._specs.append(spec)
        self._keys.append(column_key)
        for cells in self._cells.values():
            cells.append(default)
        self._invalidate()
        return ColumnKey(column_key)

    def add_columns(self, *labels) -> list[ColumnKey]:
        return [self.add_column(label) for label in labels]

    def add_row(self, *cells, height: int | None = 1, key: str | None = None, label=None) -> RowKey:
        if self._layout is None:  # columns changed since the last layout: lay out what there is first
            self._layout = self._choose()
            self._rebuild(self._layout)
        full = list(cells) + [None] * (len(self._specs) - len(cells))
        row_key = super().add_row(*self._project(full, self._layout), height=height, key=key, label=label)
        self._cells[row_key] = full
        self._heights[row_key] = height
        self._schedule_refit()
        return row_key

    def clear(self, columns: bool = False):
        self._cells.clear()
        self._heights.clear()
        if columns:
            self._specs.clear()
            self._keys.clear()
            self._layout = None
        super().clear(columns=columns)
        return self

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        row_key = RowKey(row_key) if isinstance(row_key, str) else row_key
        name = column_key.value if isinstance(column_key, ColumnKey) else column_key
        if row_key not in self._cells or name not in self._keys:
            raise CellDoesNotExist(f"No cell exists for row_key={row_key!r}, column_key={column_key!r}.")
        index = self._keys.index(name)
        self._cells[row_key][index] = value
        layout = self._layout
        if layout is not None and index in layout.shown:
            at = layout.shown.index(index)
            super().update_cell(row_key, name, self._cell(value, index, at, layout), update_width=False)
        self._schedule_refit()

    def sort(self, *columns, key=None, reverse: bool = False):
        """Sorts on the kept cells, in their full form, shown or not."""
        names = [c.value if isinstance(c, ColumnKey) else c for c in columns]
        order = sorted(self._cells, key=lambda rk: self._sort_key(rk, names, key), reverse=reverse)
        # What DataTable.sort does once it has the order; the order here comes from cells it may not show.
        self._row_locations = TwoWayDict({rk: n for n, rk in enumerate(order)})
        self._update_count += 1
        self.refresh()
        return self

    def full_row(self, row_key) -> list:
        """Every cell of a row as it was added (full forms), shown or not: the data, not how it fits."""
        cells = self._cells[RowKey(row_key) if isinstance(row_key, str) else row_key]
        return [c.full if isinstance(c, Fit) else c for c in cells]

    @property
    def shown_labels(self) -> list[str]:
        """The headings on screen now, in their long form."""
        return [self._specs[i].label for i in self._layout.shown] if self._layout else []

    # --- fitting -------------------------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._schedule_refit()

    def _invalidate(self) -> None:
        self._layout = None
        self._schedule_refit()

    def _schedule_refit(self) -> None:
        if not self._refit_pending:
            self._refit_pending = True
            self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        self._refit_pending = False
        layout = self._choose()
        if layout != self._layout:
            self._layout = layout
            self._rebuild(layout)

    def _room(self) -> int:
        width = self.size.width or self.app.size.width
        rows = len(self._cells) + (1 if self.show_header else 0)
        if self.size.height and rows > self.size.height:
            width -= self.styles.scrollbar_size_vertical
        return width

    def _natural(self, index: int, compact: bool) -> int:
        spec = self._specs[index]
        head = spec.short if compact and spec.short else spec.label
        widest = cell_len(head)
        for cells in self._cells.values():
            widest = max(widest, _width(self._form(cells[index], compact)))
        return widest

    @staticmethod
    def _form(value, compact: bool):
        if isinstance(value, Fit):
            return _plain(value.short if compact else value.full)
        return _plain(value)

    def _choose(self) -> _Layout:
        count = len(self._specs)
        room = self._room()
        willing = sorted(range(count), key=lambda i: (-self._specs[i].give, -i))
        shown, compact, tight = list(range(count)), set(), False
        natural = {(i, c): self._natural(i, c) for i in range(count) for c in (False, True)}
        widths = {i: natural[(i, False)] for i in range(count)}

        def total() -> int:
            gap = 1 if tight else 2 * self._padding
            # The last column's right padding may fall off the edge: it is blank.
            return sum(widths[i] + gap for i in shown) - (0 if tight else self._padding)

        def done() -> _Layout:
            # Tight, a margin of one on the left where there is room for it, as the other lines have.
            return _Layout(tuple(shown), frozenset(compact), tuple(widths[i] for i in shown), tight,
                           tight and total() < room)

        if total() <= room:
            return done()
        for i in willing:
            if natural[(i, True)] < widths[i]:
                compact.add(i)
                widths[i] = natural[(i, True)]
                if total() <= room:
                    return done()
        tight = True
        if total() <= room:
            return done()
        for i in willing:
            spec = self._specs[i]
            if spec.give > 0 and len(shown) > 1:
                over = total() - room
                if spec.min and widths[i] - over >= spec.min:
                    widths[i] -= over  # cut a little rather than leave the whole column out
                    return done()
                shown.remove(i)
                if total() <= room:
                    return done()
        for i in willing:
            spec = self._specs[i]
            if i in shown and spec.min and widths[i] > spec.min:
                widths[i] = max(spec.min, widths[i] - (total() - room))
                if total() <= room:
                    return done()
        return done()

    def _cell(self, value, index: int, at: int, layout: _Layout):
        return _cut(self._form(value, index in layout.compact), layout.widths[at])

    def _project(self, cells: list, layout: _Layout) -> list:
        return [self._cell(cells[i], i, at, layout) for at, i in enumerate(layout.shown)]

    def _apply(self, layout: _Layout) -> None:
        """Columns for `layout`, on an empty DataTable."""
        # Tight: no cell padding; each column is one wider than its cells, so one blank follows each.
        self.cell_padding = 0 if layout.tight else self._padding
        self.styles.padding = (0, 0, 0, 1 if layout.margin else 0)
        for at, i in enumerate(layout.shown):
            spec = self._specs[i]
            head = spec.short if i in layout.compact and spec.short else spec.label
            width = layout.widths[at] + (1 if layout.tight else 0)
            super().add_column(_cut(head, width), width=width, key=self._keys[i])

    def _rebuild(self, layout: _Layout) -> None:
        order = [row.key for row in self.ordered_rows if row.key in self._cells]
        order += [rk for rk in self._cells if rk not in set(order)]
        self._reorder(order, layout)

    def _reorder(self, order: list[RowKey], layout: _Layout) -> None:
        current = current_key(self) if self.columns else None
        keep = self.cursor_row
        cells, heights = self._cells, self._heights
        self._cells, self._heights = {}, {}
        DataTable.clear(self, columns=True)
        self._apply(layout)
        for rk in order:
            super().add_row(*self._project(cells[rk], layout), height=heights[rk], key=rk.value)
        self._cells, self._heights = {rk: cells[rk] for rk in order}, {rk: heights[rk] for rk in order}
        if self.row_count:
            row = next((n for n, rk in enumerate(order) if rk.value == current), min(keep, self.row_count - 1))
            self.move_cursor(row=row, animate=False)

    def _sort_key(self, row_key: RowKey, names: list[str], key):
        cells = self._cells[row_key]
        values = [cells[self._keys.index(n)] for n in names] if names else list(cells)
        values = [v.full if isinstance(v, Fit) else v for v in values]
        picked = values[0] if len(values) == 1 else tuple(values)
        return key(picked) if key else picked
