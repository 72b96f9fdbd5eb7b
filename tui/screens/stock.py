"""Stock inquiry: scan or type a TrackID, item, lot or location; see units, lots, locations, quantities.

The answer follows every terminal's changes by itself, as the board does (issue 22.10): a return, a pick or a move
elsewhere shows here at once, the cursor staying on the unit it was on.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from core.qty import fmt_short
from core.stock.inquiry import search
from tui.live import DataChanged
from tui.screens.base import FloorScreen
from tui.widgets.live_table import FloorTable
from tui.widgets.scan_input import ScanInput
from tui.widgets.tables import Col, Fit

# On a handheld the lot, location and reservation give way (the line under the table shows them for the
# highlighted unit); what a picker decides by, the quantity, status and expiry, stays.
COLUMNS = (Col("TrackID"), Col("Item", min=8), Col("Lot", give=3), Col("Location", give=2),
           Col("On hand", short="Qty"), Col("Resv", give=4), Col("Status", short="Stat"),
           Col("Expiry", short="Exp"))


class StockScreen(FloorScreen):
    RESUME_KEY = "stock"
    HELP = ("Stock inquiry\n\nScan a TrackID, a product barcode or a location, or type an item code, lot or "
            "location, then Enter.\nUp/Down move through the units, Home/End to the first/last; the line under the "
            "table shows all of the highlighted unit. The list follows other terminals' changes by itself.\n"
            "Esc: back to the menu.")

    def __init__(self):
        super().__init__()
        self._rows = []
        self._query = ""

    def body(self) -> ComposeResult:
        yield Static("Stock inquiry", classes="title")
        yield ScanInput(placeholder="TrackID, item, lot or location", id="query")
        yield Static("", id="summary", classes="hint")
        yield FloorTable(id="units", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#units", DataTable).add_columns(*COLUMNS)
        self.query_one("#query", ScanInput).focus()
        watch = getattr(self.app, "watch_changes", None)
        if watch is not None:
            watch()

    def on_data_changed(self, _: DataChanged) -> None:
        if self._query:
            self._search(self._query, live=True)

    @on(ScanInput.Scanned, "#query")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        s = event.scan
        text = s.track_id or s.location or s.lot or s.text or s.gtin or s.sscc or s.raw
        self.lookup(text)

    @on(ScanInput.ScanFailed, "#query")
    def _failed(self, event: ScanInput.ScanFailed) -> None:
        self.query_one("#summary", Static).update(event.message)
        self.app.signal_error(event.message)

    def lookup(self, text: str) -> None:
        self._query = text
        self._search(text)

    @work(thread=True, exclusive=True, group="stock")
    def _search(self, text: str, live: bool = False) -> None:
        what, rows = search(text)
        self.app.call_from_thread(self._show, text, what, rows, live)

    def _show(self, text: str, what: str, rows, live: bool = False) -> None:
        if text != self._query:
            return  # a refresh of an earlier question, answered after a new one was asked
        was_there, self._rows = bool(self._rows), rows
        summary = self.query_one("#summary", Static)
        if not rows and live and not was_there:
            return  # still nothing: the first answer stands
        if not rows and live:
            # It was there a moment ago: what changed is news, not a mistyped code.
            summary.update(f"Nothing on hand for '{text}' any more (changed on another terminal).")
            summary.set_classes("hint")
        elif not rows:
            summary.update(f"Nothing found for '{text}': check the code, or scan the label again.")
            summary.set_classes("error")
            self.app.bell()
        else:
            on_hand = sum(r.on_hand for r in rows)
            uoms = {r.uom for r in rows}
            total = f", {fmt_short(on_hand)} {uoms.pop()}" if len(uoms) == 1 else ""
            summary.update(f"{what} {text}: {len(rows)} unit(s){total}")
            summary.set_classes("hint")
        self._fill()

    def _cells(self, r) -> tuple:
        return (r.track_id, r.item, r.lot or "", r.location, fmt_short(r.on_hand), fmt_short(r.reserved),
                Fit(r.status, r.status[:5]), Fit(r.expiry.isoformat(), f"{r.expiry:%d%b%y}") if r.expiry else "")

    def _fill(self) -> None:
        table = self.query_one("#units", FloorTable)
        table.refill((r.track_id, self._cells(r)) for r in self._rows)
        self._detail(table.cursor_row)

    @on(DataTable.RowHighlighted, "#units")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def _detail(self, index: int) -> None:
        detail = self.query_one("#detail", Static)
        if not self._rows or index >= len(self._rows):
            detail.update("")
            return
        r = self._rows[index]
        expiry = f" exp {r.expiry.isoformat()}" if r.expiry else ""
        opened = " opened" if r.opened else ""
        job = f" job {r.job}" if r.job else ""
        detail.update(f"{r.track_id} {r.description}: lot {r.lot or '-'} @ {r.location} ({r.zone}), "
                      f"{fmt_short(r.on_hand)} {r.uom} on hand, {fmt_short(r.reserved)} reserved, "
                      f"{r.status}{expiry}{opened}{job}")

    def resume_state(self) -> dict | None:
        return {"query": self._query} if self._query else None

    def restore(self, state: dict) -> None:
        if state.get("query"):
            self.query_one("#query", ScanInput).value = state["query"]
            self.lookup(state["query"])
