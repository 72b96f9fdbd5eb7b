"""The Kit bins board and the operators' Kit bin tasks at 80x24."""
from core.data.models import KitTask, StockUnit
from core.kitbins.bins import level
from tests.tui.helpers import login, make_app, screen_text, type_text, wait_for
from tests.tui.test_trace_screen import open_module


def _rows(app) -> list[str]:
    return [r.location for r in app.screen.query_one("#bins").rows]


async def test_board_levels_states_sort_and_filter(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "kitbins")
        await wait_for(pilot, lambda: app.screen.rows)
        assert _rows(app) == ["KB-BAG-800", "KB-BOLT-M10", "KB-CLIP", "KB-NUT-M10"]
        text = screen_text(app)
        assert "4 bin(s): 2 below min" in text
        table = app.screen.query_one("#bins")
        lines = [table.line_text(i) for i in range(table.row_count)]
        assert [line.split()[2] for line in lines] == ["OK", "LOW", "LOW", "OK"]  # the state, spelled out
        assert "░│░" in lines[2] and " 350 " in lines[2]  # the bar with its min mark, and the level in figures
        assert "min 400, max 2000" not in text and "min 500, max 3000" in text  # detail of the highlighted bin
        await pilot.press("down")
        assert "KB-BOLT-M10 BK-BOLT-M10" in screen_text(app) and "refill 4300" in screen_text(app)

        await pilot.press("s")  # by fill: the emptiest first
        assert app.screen.sort == "fill" and _rows(app)[0] == "KB-BOLT-M10"
        await pilot.press("slash")
        await type_text(pilot, "KB-B")
        await pilot.press("enter")
        assert _rows(app) == ["KB-BOLT-M10", "KB-BAG-800"]
        assert "2 bin(s) starting KB-B" in screen_text(app)
        await pilot.press("slash")
        await pilot.press("ctrl+u")
        await pilot.press("enter")
        assert len(_rows(app)) == 4


async def test_operator_fills_a_bin_by_two_scans_and_counts_one(sqlite_demo):
    from core.clock import utcnow
    from core.kitbins.bins import sweep_tasks
    from core.site.actor import Actor

    sweep_tasks(Actor("OP1", "operator"))  # the two bins loaded below min; the clip task is overdue
    KitTask.update(due_at=utcnow().replace(year=2020)).where(KitTask.location == "KB-CLIP").execute()
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "OP1", "1111")
        await open_module(pilot, "kittasks")
        await wait_for(pilot, lambda: len(app.screen.tasks) == 2)
        assert "T000213 @ K-02-01 lot BO2611-02" in screen_text(app)
        assert "1 overdue" in screen_text(app)
        table = app.screen.query_one("#tasks")
        first = table.get_row_at(0)
        assert str(first[0]).startswith("LATE") and first[0].style == "bold white on red"  # overdue: red, first
        await pilot.press("down")  # the bolt task
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "source")
        await type_text(pilot, "T000212")  # nuts, not bolts: refused at this first scan, scan again
        await pilot.press("enter")
        await wait_for(pilot, lambda: "holds BK-NUT-M10" in screen_text(app))
        assert app.screen.step == "source" and level("KB-BOLT-M10") == 700_000
        await type_text(pilot, "T000213")
        await pilot.press("enter")
        await type_text(pilot, "KB-BOLT-M10")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "list" and len(app.screen.tasks) == 1)
        assert app.screen.tasks[0].location == "KB-CLIP"
        assert level("KB-BOLT-M10") == 5_000_000
        assert KitTask.get(KitTask.location == "KB-BOLT-M10").state == "DONE"
        assert StockUnit.get(StockUnit.track_id == "T000213").on_hand == 5_700_000

        await pilot.press("f6")
        await type_text(pilot, "KB-CLIP")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "count")
        await type_text(pilot, "1.2/6")  # 1.2 kg of 6 g clips
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")  # 200 pieces: asked first
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.step == "list")
        assert level("KB-CLIP") == 200_000
        assert "counted: 200 (was 350" in screen_text(app)
