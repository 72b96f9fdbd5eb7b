"""The Pick screen among other terminals' changes (issue 22).

22.9: one Enter on the job list is one open and one `job.take` audit row, however change notices fall. On
PostgreSQL a notice (the take's own NOTIFY) could be handled between the take and the loading of the job's tasks,
and the list's refresh cancelled the loading: the job was taken and audited, and nothing opened. The test hands the
screen a notice at the worst moment every time: whenever one of its workers starts.

22.8: the picker who lost a race for a line is told, and "IN TOLERANCE: Enter to confirm" goes.
"""
from core.data.models import AuditEvent, Posting
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.journeys.harness import terminals

JOB = "000000000012348"


async def test_one_enter_one_open_one_take(demo, size, monkeypatch):
    from textual.worker import WorkerState

    from tui.live import DataChanged
    from tui.screens.pick import PickScreen

    refreshers = {"_load_jobs", "_check_still_yours"}  # what a notice itself starts: no notice for those

    def notice_at_every_start(screen, event) -> None:
        if event.state == WorkerState.RUNNING and event.worker.name not in refreshers:
            screen.on_data_changed(DataChanged())

    monkeypatch.setattr(PickScreen, "on_worker_state_changed", notice_at_every_start, raising=False)
    release(Actor("PL1", "planner"), [JOB])
    async with terminals(demo.url, size, ("PICK-1", "PK1", "2222")) as (pk,):
        await pk.open("pick", "PickScreen")
        await pk.see(JOB.lstrip("0"))  # a handheld shows the short form
        await pk.keys("enter", "enter")  # a double press: still one open
        await pk.see("Scan T000107", timeout=10)
        await pk.keys("escape")
        await pk.until(lambda: pk.screen.step == "jobs", what="the job list")
        await pk.see("(yours)")
        await pk.keys("enter")
        await pk.see("Scan T000107", timeout=10)
    takes = AuditEvent.select().where((AuditEvent.action == "job.take") & (AuditEvent.subject == JOB)).count()
    assert takes == 2  # two opens, two rows: never a row without an open


async def test_the_picker_who_lost_the_race_is_told(demo, size):
    """PK1 left a session open at PICK-2 on the same job; both pour line 1. PICK-1 books it; PICK-2 is told at
    once, its pour step (and "IN TOLERANCE: Enter to confirm") goes, and its Enter books nothing."""
    release(Actor("PL1", "planner"), [JOB])
    async with terminals(demo.url, size, ("PICK-1", "PK1", "2222"), ("PICK-2", "PK1", "2222")) as (a, b):
        for t in (a, b):
            await t.open("pick", "PickScreen")
            await t.see(JOB.lstrip("0"))  # a handheld shows the short form
            await t.keys("enter")
            await t.see("Scan T000107")
            await t.type("T000107")
            await t.see("press Enter to tare")
            await t.keys("enter")
            await t.see("Pour 90 kg")
            await t.steady(0)
            await t.keys(*["f6"] * 10)
            await t.steady(90000)
            await t.see("IN TOLERANCE: Enter to confirm")
        await a.keys("enter")
        await a.see("Done: Picked 90 RM-FLOUR from T000107")
        text = await b.see(f"Not booked here: line 1 of job {JOB}")
        assert "IN TOLERANCE" not in text and b.screen.step == "scan"
        await b.see("line 2: RM-YEAST")
        await b.keys("enter")  # nothing to confirm here any more
        assert Posting.select().count() == 1
    assert [e.station for e in AuditEvent.select().where(AuditEvent.action == "pick")] == ["PICK-1"]
    assert ledger_mismatches() == []


async def test_the_pick_list_cursor_stays_on_its_job_when_the_list_resorts(demo, size):
    """22.5: the picker has the cursor on the second job; the supervisor assigns that job to them, and it sorts to
    the top of their list. The cursor went with the job, so the next Enter opens the job the picker chose."""
    from tui.widgets.tables import current_key

    release(Actor("PL1", "planner"), [JOB, "000000000012345"])
    async with terminals(demo.url, size, ("PICK-1", "PK1", "2222"), (None, "SV1", "3333")) as (pk, sv):
        await sv.open("board", "BoardScreen")
        await pk.open("pick", "PickScreen")
        jobs = pk.screen.query_one("#jobs")
        await pk.until(lambda: jobs.row_count == 2, what="two jobs")
        await pk.keys("down")
        chosen = current_key(jobs)
        assert jobs.cursor_row == 1
        board = sv.screen.query_one("#board")
        await sv.until(lambda: board.row_count == 2, what="two jobs on the board")
        await sv.keys(*["down"] * board.get_row_index(chosen))
        assert current_key(board) == chosen
        await sv.keys("f2")
        await sv.type("PK1")
        await sv.see(f"Job {chosen} assigned to PK1")
        await pk.until(lambda: jobs.get_row_index(chosen) == 0, what="the job at the top")
        await pk.see("(yours)")
        assert current_key(jobs) == chosen and jobs.cursor_row == 0
        await pk.keys("enter")
        await pk.see(f"Job {chosen} line 1")
