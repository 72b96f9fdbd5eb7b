"""Without colour (NO_COLOR, a monochrome thin client), issue 15.13: a ticked kind reads [x] and an unticked one
[ ], the highlighted row of every list is reversed, and the zoomed label shows its barcodes bar for bar."""
from tests.core.test_labeling import tiny_job
from tests.tui.helpers import login, make_app, settled, visible_text, wait_for
from tests.tui.test_labels_screen import _open_job, _open_labels, _station_printer


async def test_ticked_kinds_read_without_colour(sqlite_demo, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    tiny_job()
    _station_printer()
    app = make_app(sqlite_demo.url, station="PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        await _open_labels(pilot, "OP1", "1111", "operator")
        await _open_job(pilot)
        await pilot.press("down", "space")  # untick cartons
        await settled(pilot)
        shown = visible_text(app)
        assert "[x] Pallet" in shown and "[ ] Carton" in shown and "[x] Product" in shown


async def test_the_highlighted_menu_line_is_reversed_without_colour(sqlite_demo, monkeypatch):
    from textual.widgets import OptionList

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        menu = app.screen.query_one("#menu", OptionList)
        assert menu.get_component_rich_style("option-list--option-highlighted").reverse


async def test_the_zoomed_label_draws_the_sscc_bar_for_bar(sqlite_demo):
    """At 80 columns the SSCC's 156 modules fit two to a cell: the row of bars is the symbol itself."""
    from drivers.printer.barcode import encode
    from drivers.printer.model import Symbology

    tiny_job()
    _station_printer()
    app = make_app(sqlite_demo.url, station="PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_labels(pilot, "OP1", "1111", "operator")
        await _open_job(pilot)
        await pilot.press("f2")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ZoomScreen")
        zoom = app.screen.query_one("#zoom")
        await wait_for(pilot, lambda: any("(00)" in line for line in zoom.lines))
        lines = zoom.lines
        at = next(n for n, line in enumerate(lines) if line.strip().startswith("(00)"))
        sscc = lines[at].strip()[4:]
        modules = encode(Symbology.GS1_128, (("00", sscc),)).modules[0]
        halves = "".join({"█": "11", "▌": "10", "▐": "01", " ": "00"}[c] for c in lines[at - 1].strip())
        assert halves.rstrip("0") == "".join("1" if m else "0" for m in modules).rstrip("0")
