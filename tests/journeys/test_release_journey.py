"""Issue 15.10 as a planner does it: release with a job left out, by keys.

The plan's first job (000000000012348, the sponge pre-ferment) is left out with Space; F5 and Enter release the
other ten. The title then counts what is released; F2 shows them; F4 un-releases one; back on the plan (F2) the
job left out is still left out, and the un-released one is selected again.
"""
import pytest

from core.data.models import Job, JobLine, Reservation
from tests.journeys.floor_keys import SIZE_IDS, SIZES, make_app, open_screen, screen_text, wait_for, wait_text

LEFT_OUT = "000000000012348"


def _released() -> set[str]:
    return {j.job for j in Job.select().where(Job.state == "RELEASED")}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_release_with_a_job_left_out(sqlite_demo, size):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "PL1", "4444", "release", "ReleaseScreen")
        await wait_for(pilot, lambda: screen.plans, timeout=60)
        table = screen.query_one("#jobs")
        assert "plan of 11 unreleased job(s), 0 released" in screen_text(app)
        await pilot.press("home")
        assert table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value == LEFT_OUT
        await pilot.press("space")  # leave the sponge out
        await wait_text(pilot, "11 job(s) to release, 10 selected")
        await pilot.press("f5")
        await wait_text(pilot, "Release 10 job(s)?")
        await pilot.press("enter")
        said = await wait_text(pilot, "plan of 1 unreleased job(s), 10 released", timeout=60)
        assert "1 job(s) to release, 0 selected" in said and "not in this release" in said
        assert len(_released()) == 10 and LEFT_OUT not in _released()
        assert not Reservation.select().join(JobLine).where(JobLine.job == LEFT_OUT).exists()
        assert Reservation.select().count() > 0

        await pilot.press("f2")
        await wait_text(pilot, "Released jobs: 10")
        await pilot.press("home")
        first = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        await pilot.press("f4")
        await wait_text(pilot, f"Un-release job {first}?")
        await pilot.press("enter")
        await wait_text(pilot, "Released jobs: 9", timeout=60)
        await pilot.press("f2")
        said = await wait_text(pilot, "plan of 2 unreleased job(s), 9 released", "2 job(s) to release, 1 selected")
        assert not screen.plans[LEFT_OUT].selected and screen.plans[first].selected
        assert Job.get(Job.job == first).state == "IMPORTED" and len(_released()) == 9


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_plan_follows_a_release_made_on_another_terminal(sqlite_demo, size):
    """22.8: the plan describes the schedule as it is now: a job released elsewhere leaves it at once, and what
    the planner left out stays out."""
    from core.jobs.release import release
    from core.site.actor import Actor

    app = make_app(sqlite_demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "PL1", "4444", "release", "ReleaseScreen")
        await wait_for(pilot, lambda: screen.plans, timeout=60)
        await pilot.press("space")  # leave the first job out
        await wait_text(pilot, "11 job(s) to release, 10 selected")
        release(Actor("SV1", "supervisor"), ["000000000012345"])  # the other terminal
        said = await wait_text(pilot, "plan of 10 unreleased job(s), 1 released", "10 job(s) to release, 9 selected",
                               timeout=60)
        assert "000000000012345" not in screen.plans and not screen.plans[LEFT_OUT].selected
        assert "000000000012345" not in said
    assert {j.job for j in Job.select().where(Job.state == "RELEASED")} == {"000000000012345"}
