"""Issue 15.2: a short pick with material on the scale. F4 weighs what is in the job container (a steady reading
after the key) and offers to book it as a partial pick; Esc books nothing and says to pour it back; Enter books it
and the line stays short by the rest: on the Pick screen's list, on the supervisor's board, in the books.

Keys: F4 short, a number picks the reason, Enter books the partial amount (Esc does not).
"""
from core.data.models import AuditEvent, JobLine, Movement, PickTask, Posting, StockUnit
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.journeys.harness import terminals

JOB = "000000000012348"  # line 1: 90 kg flour from T000107


async def test_short_pick_with_a_partial_amount(demo, size):
    release(Actor("PL1", "planner"), [JOB])
    async with terminals(demo.url, size, ("PICK-1", "PK1", "2222"), (None, "SV1", "3333")) as (pk, sv):
        await sv.open("board", "BoardScreen")
        await pk.open("pick", "PickScreen")
        await pk.see(JOB.lstrip("0"))  # a handheld shows the short form
        await pk.keys("enter")
        await pk.see("Scan T000107")
        await pk.type("T000107")
        await pk.see("press Enter to tare")
        await pk.keys("enter")
        await pk.see("Pour 90 kg from T000107")
        await pk.steady(0)
        await pk.keys("f6", "f6", "f6", "f6")  # 36 kg, and the bag is empty
        await pk.steady(36000)
        await pk.keys("f4")
        await pk.see("Short pick of T000107 for line 1: why?")
        await pk.keys("1")  # nothing left at the location
        await pk.see("The job container holds 36 kg of RM-FLOUR from T000107",
                     "Book it as a partial pick, and line 1 short by 54 kg?")
        await pk.keys("escape")
        await pk.see("Nothing was booked. Pour the 36 kg back into T000107")
        assert Posting.select().count() == 0 and pk.screen.step == "weigh"
        await pk.keys("f4")
        await pk.see("why?")
        await pk.keys("1")
        await pk.see("Book it as a partial pick")
        await pk.keys("enter")
        await pk.see("Picked 36 RM-FLOUR from T000107", "Line 1 is short by 54 KG", "line 2: RM-YEAST")
        await sv.see(JOB.lstrip("0"))  # a handheld shows the short form
        await sv.until(lambda: next(r for r in sv.screen.rows if r.job == JOB).short_lines == 1,
                       what="one short line on the board")
        await pk.keys("escape")  # back to the job list: the job shows its short line
        await pk.see("(yours) (1 short)")
    line = JobLine.get((JobLine.job == JOB) & (JobLine.line == 1))
    assert (line.issued, line.allocated) == (36000, 0)
    assert line.short_reason == "short pick: nothing left at the location (54.000 missing)"
    assert Posting.get().qty == 36000 and Posting.get().reference == "T000107"
    assert Movement.get((Movement.unit == "T000107") & (Movement.job == JOB)).qty == -36000
    assert StockUnit.get(StockUnit.track_id == "T000107").on_hand == 412350 - 36000
    assert StockUnit.get(StockUnit.track_id == "T000107").reserved == 0
    task = PickTask.get(PickTask.job_line == line.id)
    assert (task.state, task.picked) == ("SHORT", 36000)
    assert AuditEvent.select().where(AuditEvent.action == "pick.short").count() == 1
    assert ledger_mismatches() == []
