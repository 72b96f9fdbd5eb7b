"""Columns give way by priority on a narrow screen (issue 15.12): short forms first, then the gaps close, then
the most willing columns leave; a column with give=0 stays whatever the width, and every row scrolls."""
from textual.app import App

from tests.tui.helpers import visible_text
from tui.widgets.tables import Col, Fit, FitTable

COLUMNS = (Col("TrackID"), Col("Item", min=8), Col("Lot", give=3), Col("Location", give=2),
           Col("On hand", short="Qty"), Col("Resv", give=4), Col("Status", short="Stat"), Col("Expiry", short="Exp"))


class TableApp(App):
    def compose(self):
        yield FitTable(id="t", cursor_type="row")

    def on_mount(self):
        table = self.query_one(FitTable)
        table.add_columns(*COLUMNS)
        table.focus()
        for n in range(30):
            table.add_row(f"T{n:06}", "RM-FLOUR", "FL2609-07", "A-01-02", "412.35", "0",
                          Fit("QUARANTINE", "QUAR"), Fit("2027-03-31", "31Mar27"), key=f"T{n:06}")


async def test_wide_shows_everything_in_full():
    app = TableApp()
    async with app.run_test(size=(90, 12)) as pilot:
        await pilot.pause()
        shown = visible_text(app)
        assert "T000000  RM-FLOUR  FL2609-07  A-01-02   412.35   0     QUARANTINE  2027-03-31" in shown


async def test_narrow_keeps_what_matters_and_scrolls():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(FitTable)
        assert table.shown_labels == ["TrackID", "Item", "On hand", "Status", "Expiry"]
        shown = visible_text(app)
        assert "TrackID Item     Qty    Stat Exp" in shown
        assert "T000000 RM-FLOUR 412.35 QUAR 31Mar27" in shown
        assert "T000029" not in shown
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert "T000029 RM-FLOUR 412.35 QUAR 31Mar27" in visible_text(app)  # the list scrolls to its end
        assert table.full_row("T000029")[2] == "FL2609-07"  # what gave way is still there


async def test_resizing_brings_columns_back_and_keeps_the_cursor():
    app = TableApp()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FitTable)
        await pilot.pause()
        table.move_cursor(row=7)
        await pilot.resize_terminal(90, 12)
        await pilot.pause()
        await pilot.pause()
        assert "Location" in table.shown_labels and "Resv" in table.shown_labels
        assert table.cursor_row == 7
