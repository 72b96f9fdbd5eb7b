"""The Release screen: a live what-if plan, release of the selection, slips and un-release."""
from core.data.models import Job, Reservation
from tests.tui.helpers import login, make_app, open_module, screen_text, wait_for


async def _open(pilot, app):
    await login(pilot, "PL1", "4444")
    await open_module(pilot, "release")
    await wait_for(pilot, lambda: getattr(app.screen, "plans", None), timeout=60)


async def test_plan_replans_on_priority_and_selection(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        screen = app.screen
        assert not screen.plans["000000000012352"].ok and screen.plans["000000000012346"].ok
        assert "7 fully covered, 4 short" in screen_text(app)
        # move the last wholemeal job to the top: it takes the wholemeal flour, the earlier one goes short
        table = screen.query_one("#jobs")
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        for _ in range(10):
            await pilot.press("plus")
        assert screen.plans["000000000012352"].ok and not screen.plans["000000000012346"].ok
        # leave the earlier job out instead: both become covered for what is selected
        screen.priorities.clear()
        screen.replan()
        table = screen.query_one("#jobs")
        table.move_cursor(row=table.get_row_index("000000000012346"))
        await pilot.press("space")
        assert not screen.plans["000000000012346"].selected and screen.plans["000000000012352"].ok
        assert Reservation.select().count() == 0  # a plan writes nothing


async def test_release_selected_then_slip_and_unrelease(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app)
        screen = app.screen
        screen.selected = {"000000000012345"}
        screen.replan()
        await pilot.press("f5")
        await wait_for(pilot, lambda: "Release 1 job(s)?" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: Job.get(Job.job == "000000000012345").state == "RELEASED")
        await wait_for(pilot, lambda: "000000000012345" not in app.screen.plans)
        await pilot.press("f2")
        await pilot.press("f3")
        await wait_for(pilot, lambda: "Picking slip  job 000000000012345" in screen_text(app))
        assert "T000107" in screen_text(app) and "kit-issued" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("f4")
        await wait_for(pilot, lambda: "Un-release job 000000000012345?" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: Job.get(Job.job == "000000000012345").state == "IMPORTED")
        assert Reservation.select().count() == 0


async def test_operator_has_no_release_in_menu(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "OP1", "1111")
        assert "Job release" not in screen_text(app)
