"""The Labels screen at 80x24: choose a job, the counts and a drawn preview, print to the station's file printer,
the queue with its errors, and a supervisor's reprint and void."""
from pathlib import Path

from core.data.db import write_txn
from core.data.models import LabelJob, Station
from tests.core.test_labeling import LOT, TINY, tiny_job
from tests.tui.helpers import login, make_app, screen_text, settled, type_text, wait_for
from tui.modules import modules_for


def _station_printer(url: str | None = None) -> Path:
    """PICK-1's printer (a QL-1100 with 102x152 labels) writing to a file the test can read."""
    station = Station.get(Station.code == "PICK-1")
    path = Path(station.printer_url.removeprefix("file://"))
    path.parent.mkdir(parents=True, exist_ok=True)
    if url:
        with write_txn():
            Station.update(printer_url=url).where(Station.code == "PICK-1").execute()
    return path


async def _open_labels(pilot, code: str, pin: str, role: str):
    await login(pilot, code, pin)
    keys = [m.key for m in modules_for(role)]
    await pilot.press(str(keys.index("labels") + 1))
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "LabelsScreen")
    await wait_for(pilot, lambda: TINY in screen_text(pilot.app))


async def _open_job(pilot):
    app = pilot.app
    table = app.screen.query_one("#jobs")
    table.move_cursor(row=table.get_row_index(TINY))
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.step == "job" and app.screen.query_one("#preview").lines, timeout=10)


async def test_choose_preview_and_print_to_the_station(sqlite_demo, tmp_path, monkeypatch):
    tiny_job()
    out = _station_printer()
    app = make_app(sqlite_demo.url, station="PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_labels(pilot, "OP1", "1111", "operator")
        text = screen_text(app)
        assert LOT in text
        await _open_job(pilot)
        screen = app.screen
        text = screen_text(app)
        assert "Pallet       2 label(s)" in text and "Carton       3" in text and "Product      5" in text
        assert "Prints to file://" in text and "QL-1100" in text
        preview = screen.query_one("#preview")
        assert any("█" in line for line in preview.lines)  # the label itself, drawn in half blocks
        assert max(len(line) for line in preview.lines) <= preview.size.width
        # highlight another kind: the preview follows
        first = preview.lines
        await pilot.press("down")
        await wait_for(pilot, lambda: preview.lines and preview.lines != first)
        # print only cartons and products
        await pilot.press("up")
        await pilot.press("space")  # untick pallet
        await pilot.press("f5")
        await wait_for(pilot, lambda: "Print a new set of 8 label(s)" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 8, timeout=20)
        await wait_for(pilot, lambda: "8 label(s) stored" in screen_text(app))
        assert LabelJob.select().count() == 8 and {r.station for r in LabelJob.select()} == {"PICK-1"}
        assert out.stat().st_size > 0
        await wait_for(pilot, lambda: "carton      3   0    0   0    0    0" in screen_text(app))  # the ledger line


async def test_printer_off_shows_in_the_queue_with_its_error(sqlite_demo):
    from drivers.printer.emulator import QLPrinter, TcpPrinterEmulator

    tiny_job()
    with TcpPrinterEmulator(printer=QLPrinter(model="QL-1100", media_width=102, media_length=153)) as printer:
        printer.refuse()
        _station_printer(printer.url)
        app = make_app(sqlite_demo.url, station="PICK-1")
        async with app.run_test(size=(80, 24)) as pilot:
            await _open_labels(pilot, "OP1", "1111", "operator")
            await _open_job(pilot)
            await pilot.press("f5")
            await wait_for(pilot, lambda: "Print a new set of 10" in screen_text(app))
            await pilot.press("enter")
            await wait_for(pilot, lambda: "stay in the print queue" in screen_text(app), timeout=20)
            assert LabelJob.select().where(LabelJob.state == "QUEUED").count() == 10
            await pilot.press("f6")
            await wait_for(pilot, lambda: "10 label(s) waiting or failed" in screen_text(app))
            assert "refused the connection" in screen_text(app)
            printer.come_back()
            await pilot.press("f5")  # send now
            await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 10,
                           timeout=20)
            await wait_for(pilot, lambda: "The print queue is empty" in screen_text(app))


async def test_supervisor_reprints_and_voids_a_range(sqlite_demo):
    tiny_job(units=8)  # 4 cartons
    _station_printer()
    app = make_app(sqlite_demo.url, station="PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_labels(pilot, "SV1", "3333", "supervisor")
        await _open_job(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: "Print a new set" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 14,
                       timeout=20)
        await pilot.press("down")  # cartons
        await pilot.press("f7")
        await wait_for(pilot, lambda: "Reprint which carton labels" in screen_text(app))
        await type_text(pilot, "2-3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.reprint_of.is_null(False)).count() == 2)
        reprints = list(LabelJob.select().where(LabelJob.reprint_of.is_null(False)).order_by(LabelJob.seq))
        assert [r.seq for r in reprints] == [2, 3] and {r.kind for r in reprints} == {"carton"}
        await pilot.press("f8")
        await wait_for(pilot, lambda: "Void which carton labels" in screen_text(app))
        await type_text(pilot, "4")
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "VOID").count() == 1)
        await pilot.press("f8")
        await type_text(pilot, "9-9")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "outside it" in " ".join(str(n.message) for n in app._notifications))


async def test_operator_gets_no_reprint_or_void_and_no_station_says_so(sqlite_demo):
    tiny_job()
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_labels(pilot, "OP1", "1111", "operator")
        await _open_job(pilot)  # the preview still shows, on each kind's usual stock
        assert "not at a station" in screen_text(app)
        assert not app.screen.check_action("reprint", ()) and not app.screen.check_action("void", ())
        await pilot.press("f5")
        await settled(pilot)
        assert LabelJob.select().count() == 0
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.step == "jobs")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MenuScreen")


async def test_unconfirmed_labels_show_and_one_key_prints_exactly_them_again(sqlite_demo):
    """A printer that takes the job but does not prove it printed: the ledger shows the labels UNCONFIRMED, and F9
    then Enter prints exactly those again, with their SSCCs, through the app's one sender."""
    from drivers.printer.emulator import QLPrinter, TcpPrinterEmulator

    tiny_job()
    brain = QLPrinter(model="QL-1100", media_width=102, media_length=153, answers=False)
    with TcpPrinterEmulator(printer=brain) as printer:
        _station_printer(printer.url)
        app = make_app(sqlite_demo.url, station="PICK-1")
        async with app.run_test(size=(80, 24)) as pilot:
            await _open_labels(pilot, "OP1", "1111", "operator")
            await _open_job(pilot)
            await pilot.press("down", "space", "down", "space", "up", "up")  # pallets only
            await pilot.press("f5")
            await wait_for(pilot, lambda: "Print a new set of 2 label(s)" in screen_text(app))
            await pilot.press("enter")
            await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "UNCONFIRMED").count() == 2,
                           timeout=20)
            await wait_for(pilot, lambda: "2 UNCONFIRMED" in screen_text(app))
            ssccs = sorted(r.sscc for r in LabelJob.select())
            assert brain.pages == 2  # they did print, but nothing said so
            brain.answers = True  # a printer that answers now, loaded with a fresh roll
            await pilot.press("f9")
            await wait_for(pilot, lambda: "were sent but not proven printed" in screen_text(app))
            await pilot.press("enter")
            await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 2,
                           timeout=20)
            assert LabelJob.select().count() == 2 and sorted(r.sscc for r in LabelJob.select()) == ssccs
            assert brain.pages == 4
            await wait_for(pilot, lambda: "UNCONFIRMED" not in screen_text(app))  # ledger and message both


async def test_voiding_a_reprinted_pallet_label_voids_that_one_label(sqlite_demo):
    """Issue 22: printed, reprinted, then a void of pallet 1 voided two. Driven by keys: F7 reprints pallet 1, F8
    voids pallet 1, and the ledger on the screen says printed 2, reprinted 1, voided 1."""
    tiny_job()
    _station_printer()
    app = make_app(sqlite_demo.url, station="PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_labels(pilot, "SV1", "3333", "supervisor")
        await _open_job(pilot)
        await pilot.press("down", "space", "down", "space", "up", "up")  # pallets only
        await pilot.press("f5")
        await wait_for(pilot, lambda: "Print a new set of 2 label(s)" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 2, timeout=20)
        await pilot.press("f7")
        await wait_for(pilot, lambda: "Reprint which pallet labels" in screen_text(app))
        await type_text(pilot, "1")
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 3, timeout=20)
        await pilot.press("f8")
        await wait_for(pilot, lambda: "Void which pallet labels" in screen_text(app))
        await type_text(pilot, "1")
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "VOID").count() == 1)
        assert LabelJob.select().where(LabelJob.state == "PRINTED").count() == 2
        await wait_for(pilot, lambda: "pallet      2   1    1   0    0    0" in screen_text(app))


async def test_the_preview_can_be_read_at_80x24_without_colour(sqlite_demo, monkeypatch):
    """Issue 15: a preview a person can check, without colour (NO_COLOR): the label's lines as on the label, and
    each barcode as bars with its human-readable line under them."""
    monkeypatch.setenv("NO_COLOR", "1")
    tiny_job()
    _station_printer()
    app = make_app(sqlite_demo.url, station="PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_labels(pilot, "OP1", "1111", "operator")
        await _open_job(pilot)
        preview = app.screen.query_one("#preview")
        await wait_for(pilot, lambda: any("(00)" in line for line in preview.lines))
        shown = "\n".join(preview.lines)
        for fact in ("FG-BREAD-800", "PALLET 1/2", f"LOT {LOT}", "(02)09501101530003(37)4", f"(10){LOT}",
                     "SSCC 0950110100000000"):
            assert fact in shown
        assert sum("█" in line for line in preview.lines) == 3  # three barcodes, each a row of bars
        text = screen_text(app)
        assert f"(10){LOT}" in text and "PALLET 1/2" in text  # on the screen itself, not cut off
