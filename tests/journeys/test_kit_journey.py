"""Issue 15.3, 15.7 and 15.8 as an operator does them, by keys and scans.

The demo's stock import loads two bins below their min (KB-BOLT-M10 at 700 of 800, KB-CLIP at 350 of 400).
"""
import pytest

from core.data.models import AuditEvent, KitTask, Movement
from core.kitbins.bins import level
from tests.journeys.floor_keys import SIZE_IDS, SIZES, make_app, open_screen, scan, screen_text, wait_for, wait_text

sizes = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


def _kit_moves(kind: str) -> list[tuple[str, str, int]]:
    return [(m.unit, m.location, m.qty) for m in Movement.select().where(Movement.kind == kind).order_by(Movement.id)]


@sizes
async def test_bins_loaded_low_have_their_tasks_before_anyone_opens_the_list(sqlite_demo, size):
    """15.7: the board shows each low bin's task, and the task list the same tasks, without a sweep."""
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "OP1", "1111", "kitbins", "KitBinsScreen")
        table = screen.query_one("#bins")
        await wait_for(pilot, lambda: table.row_count == 4, timeout=10)
        lines = {table.line_text(i).split()[0]: table.line_text(i) for i in range(table.row_count)}
        assert "LOW" in lines["KB-CLIP"] and "due 11:59" in lines["KB-CLIP"]
        assert "LOW" in lines["KB-BOLT-M10"] and "due 11:59" in lines["KB-BOLT-M10"]
        assert "open" not in lines["KB-NUT-M10"] and "due" not in lines["KB-NUT-M10"]
        await wait_text(pilot, "2 below min, 2 open task(s)")
        await pilot.press("escape")
        tasks = await open_screen_from_menu(pilot, "kittasks", "KitTasksScreen")
        await wait_for(pilot, lambda: len(tasks.tasks) == 2, timeout=10)
        assert "2 open task(s)" in screen_text(app)
    assert sorted(t.location_id for t in KitTask.select()) == ["KB-BOLT-M10", "KB-CLIP"]
    raised = AuditEvent.select().where(AuditEvent.action == "kit.task")
    assert {(e.user, e.subject) for e in raised} == {("import", "KB-BOLT-M10"), ("import", "KB-CLIP")}


async def open_screen_from_menu(pilot, module: str, screen: str):
    from tests.tui.helpers import open_module

    await open_module(pilot, module)
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == screen, timeout=10)
    return pilot.app.screen


@sizes
async def test_the_wrong_item_is_refused_at_the_first_scan(sqlite_demo, size):
    """15.3: nuts for the bolt bin are refused when the container is scanned, in the floor's words."""
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "OP1", "1111", "kittasks", "KitTasksScreen")
        await wait_for(pilot, lambda: len(screen.tasks) == 2, timeout=10)
        assert screen.tasks[0].location == "KB-BOLT-M10"
        table = screen.query_one("#tasks")
        await pilot.press("end")  # 22.11: Home/End on every list
        assert table.cursor_row == 1
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("enter")  # the bolt bin's task, first in the list
        await wait_for(pilot, lambda: screen.step == "source")
        await scan(pilot, "T000212")  # a container of M10 nuts
        said = await wait_text(pilot, "Wrong item: TrackID T000212 holds BK-NUT-M10")
        assert "this bin takes BK-BOLT-M10" in said and "take a container of BK-BOLT-M10" in said
        assert screen.step == "source" and _kit_moves("TRANSFER") == []
        await scan(pilot, "T000213")  # bolts
        await wait_for(pilot, lambda: screen.step == "bin")
        await scan(pilot, "KB-BOLT-M10")
        await wait_text(pilot, "Bin KB-BOLT-M10 filled with 4300 BK-BOLT-M10 from T000213")
        assert screen.step == "list"
    moved = _kit_moves("TRANSFER")
    assert [(loc, qty) for _u, loc, qty in moved] == [("K-02-01", -4_300_000), ("KB-BOLT-M10", 4_300_000)]
    assert level("KB-BOLT-M10") == 5_000_000
    assert KitTask.get(KitTask.location == "KB-BOLT-M10").state == "DONE"


@sizes
async def test_a_count_by_weight_shows_the_count_and_asks_before_posting(sqlite_demo, size):
    """15.8: 1.2 kg of 6 g clips is 200 clips: shown, and posted only on a yes."""
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "OP1", "1111", "kittasks", "KitTasksScreen")
        await wait_for(pilot, lambda: len(screen.tasks) == 2, timeout=10)
        await pilot.press("f6")
        await scan(pilot, "KB-CLIP")
        await wait_for(pilot, lambda: screen.step == "count")
        await scan(pilot, "1.2/6")
        asked = await wait_text(pilot, "Bin KB-CLIP: 1.2 kg at 6 g a piece is 200")
        assert "(the bin says 350). Post this count?" in asked
        await pilot.press("escape")  # no
        await wait_text(pilot, "Not posted. Weigh again, or type the count.")
        assert _kit_moves("COUNT") == [] and level("KB-CLIP") == 350_000
        await scan(pilot, "1.2/6")
        await wait_text(pilot, "Post this count?")
        await pilot.press("enter")  # yes
        await wait_text(pilot, "Bin KB-CLIP counted: 200 (was 350")
    assert [qty for _u, _loc, qty in _kit_moves("COUNT")] == [-150_000]
    assert level("KB-CLIP") == 200_000


@sizes
async def test_a_task_done_on_another_terminal_is_said_at_once(sqlite_demo, size):
    """22.8: the operator who lost the task is told while standing at the shelf, and back on the list."""
    from core.kitbins.bins import confirm_replenishment
    from core.site.actor import Actor

    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "OP1", "1111", "kittasks", "KitTasksScreen")
        await wait_for(pilot, lambda: len(screen.tasks) == 2, timeout=10)
        await pilot.press("enter")  # the bolt bin's task
        await wait_for(pilot, lambda: screen.step == "source")
        task = screen.current.id
        confirm_replenishment(Actor("PK2", "picker", "PICK-2"), task, "T000213", "KB-BOLT-M10")  # elsewhere
        said = await wait_text(pilot, f"Task {task} (KB-BOLT-M10) was done on another terminal")
        assert screen.step == "list" and "1 open task(s)" in said
    assert [(loc, qty) for _u, loc, qty in _kit_moves("TRANSFER")] == [("K-02-01", -4_300_000),
                                                                       ("KB-BOLT-M10", 4_300_000)]
