"""The job board updates by itself when another terminal picks, on both databases."""
import subprocess
import sys
import time
from pathlib import Path

from core.jobs.release import release
from core.site.actor import Actor
from tests.cli_env import pin_env
from tests.tui.helpers import login, make_app, open_module, screen_text, wait_for

ROOT = Path(__file__).resolve().parents[2]
JOB = "000000000012348"


async def test_board_follows_a_pick_made_elsewhere(demo):
    release(Actor("PL1", "planner"), [JOB, "000000000012345"])
    app = make_app(demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "board")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BoardScreen" and app.screen.rows)
        screen = app.screen
        table = screen.query_one("#board")
        table.move_cursor(row=table.get_row_index("000000000012345"))
        assert next(r for r in screen.rows if r.job == JOB).state == "NOT STARTED"
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-m", "tui.entry", "--db", demo.url, "pick", JOB, "1", "--track-id",
                              "T000107", "--qty", "90", "--user", "PK1"], cwd=ROOT, capture_output=True, text=True,
                             env=pin_env("PK1"))
        assert out.returncode == 0, out.stderr
        await wait_for(pilot, lambda: next(r for r in screen.rows if r.job == JOB).state == "PICKING", timeout=5)
        assert time.monotonic() - started < 5
        row = next(r for r in screen.rows if r.job == JOB)
        assert (row.lines_done, row.kg_done) == (1, 90000)
        # the supervisor's cursor stayed on the job it was on
        assert table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value == "000000000012345"


async def test_assign_from_the_board(sqlite_demo):
    from core.data.models import Job

    release(Actor("PL1", "planner"), [JOB])
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "board")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BoardScreen" and app.screen.rows)
        await pilot.press("f2")
        for ch in "PK2":
            await pilot.press(ch)
        await pilot.press("enter")
        await wait_for(pilot, lambda: Job.get(Job.job == JOB).assignee == "PK2")
        await wait_for(pilot, lambda: "PK2" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "RM-FLOUR" in screen_text(app))
