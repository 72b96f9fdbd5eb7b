"""Issue 22.5, 22.8, 22.10 and 22.11 on the lists of the board, release, stock and labels screens.

The other terminal's action is a service call made while this terminal's app runs: it commits, and what is asserted
is what this terminal shows without a key pressed (the change notice, tui/live.py), and what the ledger holds.
"""
import pytest

from core.data.models import JobLine, LabelJob, Movement, PickTask
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.jobs.returns import return_unit
from core.site.actor import Actor
from tests.journeys.floor_keys import SIZE_IDS, SIZES, make_app, open_screen, scan, screen_text, wait_for, wait_text

sizes = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
JOBS = ["000000000012345", "000000000012346", "000000000012347"]
PICKER = Actor("PK1", "picker", "PICK-1")


def _cursor_job(table) -> str:
    return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value


def _pick_one_line(job: str) -> PickTask:
    task = (PickTask.select().join(JobLine).where((JobLine.job == job) & (PickTask.state == "OPEN"))
            .order_by(JobLine.line).first())
    confirm_pick(PICKER, job, task.job_line.line, task.unit_id, task.qty)
    return task


@sizes
async def test_the_board_cursor_and_detail_stay_on_the_job_when_a_pick_elsewhere_resorts_it(sqlite_demo, size):
    release(Actor("PL1", "planner"), JOBS)
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "SV1", "3333", "board", "BoardScreen")
        table = screen.query_one("#board")
        await wait_for(pilot, lambda: table.row_count == 3, timeout=10)
        await pilot.press("end")  # 22.11: the last job
        last = _cursor_job(table)
        assert table.cursor_row == 2 and last == "000000000012347"
        await pilot.press("enter")
        await wait_text(pilot, f"Job {last}")
        assert "PK1" not in str(screen.query_one("#detail").render())
        task = _pick_one_line(last)  # another terminal: the job starts picking and sorts to the top
        await wait_for(pilot, lambda: table.cursor_row == 0 and "PICKING" in screen_text(app), timeout=10)
        assert _cursor_job(table) == last  # the cursor went with the job, not stayed on row 2
        # The open detail describes the job as it is now: the pick, by whom.
        await wait_for(pilot, lambda: "PK1" in str(screen.query_one("#detail").render()), timeout=10)
        assert f"{task.unit_id}" in str(screen.query_one("#detail").render())
        await pilot.press("home")
        assert table.cursor_row == 0
    assert Movement.select().where((Movement.job == last) & (Movement.kind == "ISSUE")).count() >= 1


@sizes
async def test_stock_inquiry_follows_a_return_made_on_another_terminal(demo, size):
    """On SQLite (data_version) and PostgreSQL (LISTEN/NOTIFY) alike."""
    release(Actor("PL1", "planner"), [JOBS[0]])
    portion = confirm_pick(PICKER, JOBS[0], 5, "T000152", 7500).portion
    app = make_app(demo.url)
    async with app.run_test(size=size) as pilot:
        await open_screen(pilot, "PK1", "2222", "stock", "StockScreen")
        await scan(pilot, portion)
        await wait_text(pilot, f"TrackID {portion}: 1 unit(s), 7.5 KG", "@ WIP-BAKERY")
        return_unit(Actor("OP1", "operator", "PICK-2"), portion, 2250, "D-DRUM-01")  # the other terminal
        said = await wait_text(pilot, f"TrackID {portion}: 1 unit(s), 2.25 KG", "@ D-DRUM-01")
        assert "WIP-BAKERY" not in said
    back = Movement.get((Movement.unit == portion) & (Movement.kind == "RETURN") & (Movement.qty > 0))
    assert (back.location, back.qty) == ("D-DRUM-01", 2250)


@sizes
async def test_stock_inquiry_keeps_the_cursor_on_its_unit_and_takes_home_and_end(sqlite_demo, size):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "PK1", "2222", "stock", "StockScreen")
        await scan(pilot, "RM-FLOUR")
        table = screen.query_one("#units")
        await wait_for(pilot, lambda: table.row_count > 2)
        await pilot.press("tab")  # from the query field to the list
        await pilot.press("end")
        last = _cursor_job(table)
        assert table.cursor_row == table.row_count - 1
        assert last in str(screen.query_one("#detail").render())
        first = table.coordinate_to_cell_key((0, 0)).row_key.value
        # another terminal uses the first unit up: the list loses a row above the cursor
        from core.data.db import write_txn
        from core.data.models import StockUnit
        from core.stock import ledger

        with write_txn():
            unit = StockUnit.get(StockUnit.track_id == first)
            ledger.post(unit, -unit.on_hand, "COUNT", Actor("SV1", "supervisor"), ref="found empty")
        await wait_for(pilot, lambda: first not in screen_text(app), timeout=10)
        assert _cursor_job(table) == last and table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0


@sizes
async def test_home_and_end_on_the_release_plan(sqlite_demo, size):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "PL1", "4444", "release", "ReleaseScreen")
        await wait_for(pilot, lambda: screen.plans, timeout=60)
        table = screen.query_one("#jobs")
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 == 10
        assert _cursor_job(table) == "000000000012352"  # the last in the plan; its detail follows
        assert "RM-FLOUR-WM: not enough eligible stock" in str(screen.query_one("#detail").render())
        await pilot.press("home")
        assert table.cursor_row == 0


@sizes
async def test_the_labels_waiting_message_goes_once_the_printer_printed_them(sqlite_demo, size):
    """22.8: '... stay in the print queue' is true while they wait; once printed, the screen says so instead."""
    from core.labels.sender import send_pending
    from drivers.printer.emulator import QLPrinter, TcpPrinterEmulator
    from tests.core.test_labeling import TINY, tiny_job
    from tests.tui.test_labels_screen import _station_printer

    tiny_job()
    with TcpPrinterEmulator(printer=QLPrinter(model="QL-1100", media_width=102, media_length=153)) as printer:
        printer.refuse()
        _station_printer(printer.url)
        app = make_app(sqlite_demo.url, station="PICK-1")
        async with app.run_test(size=size) as pilot:
            screen = await open_screen(pilot, "OP1", "1111", "labels", "LabelsScreen")
            await wait_text(pilot, TINY)
            table = screen.query_one("#jobs")
            table.move_cursor(row=table.get_row_index(TINY))
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.step == "job", timeout=10)
            await pilot.press("f5")
            await wait_text(pilot, "Print a new set of 10")
            await pilot.press("enter")
            await wait_text(pilot, "stay in the print queue", timeout=20)
            assert LabelJob.select().where(LabelJob.state == "QUEUED").count() == 10
            printer.come_back()
            send_pending(printer_url=printer.url, force=True)  # the queue is sent (`jobfloor labels send`)
            said = await wait_text(pilot, "The 10 label(s) that waited in the print queue went out: 10 printed.")
            assert "stay in the print queue" not in said
    assert LabelJob.select().where(LabelJob.state == "PRINTED").count() == 10


