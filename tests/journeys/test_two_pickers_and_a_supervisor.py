"""Issue 22 on one floor: two pickers and a supervisor, each at a terminal of their own, on one database.

An assignment binds (22.2): the supervisor assigns a job PK1 has open, with 36 kg poured, to PK2; PK1 is told at
once, in words, and leaves the job with nothing booked; PK1 may not take it back; PK2 picks it. Messages describe
the present (22.8): "Nothing to pick" goes when a job arrives; "already user PK1's" goes once the job is PK2's.

Keys: board F2 assigns (type the user, Enter; empty Enter frees); Pick Enter opens a job.
"""
from core.data.models import AuditEvent, JobLine, Movement, Posting
from core.jobs.assignment import assign
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.journeys.harness import terminals

JOB = "000000000012348"


async def test_two_pickers_and_a_supervisor_assigning_away(demo, size):
    release(Actor("PL1", "planner"), [JOB])
    assign(Actor("SV1", "supervisor"), JOB, "PK1")
    people = (("PICK-1", "PK1", "2222"), ("PICK-2", "PK2", "2223"), (None, "SV1", "3333"))
    async with terminals(demo.url, size, *people) as (pk1, pk2, sv):
        await sv.open("board", "BoardScreen")
        await pk1.open("pick", "PickScreen")
        await pk2.open("pick", "PickScreen")
        await pk1.see("(yours)")
        await pk2.see("Nothing to pick")  # the only job is PK1's
        await sv.keys("f2")
        await sv.keys("enter")  # empty: free for anyone
        await sv.see(f"Job {JOB} is free for anyone")
        await pk2.see(JOB.lstrip("0"))  # a handheld shows the short form
        await pk2.not_see("Nothing to pick")  # the message went with its cause
        # PK2's notices are late; PK1 opens the job; PK2, on a list not yet refreshed, presses Enter too
        pk2.notices_late()
        await pk1.keys("enter")
        await pk1.see("Scan T000107")
        await pk2.keys("enter")
        await pk2.see(f"Job {JOB} is already user PK1's: take another one")
        # PK1 pours 36 kg
        await pk1.type("T000107")
        await pk1.see("press Enter to tare")
        await pk1.keys("enter")
        await pk1.see("Pour 90 kg")
        await pk1.steady(0)
        await pk1.keys("f6", "f6", "f6", "f6")
        await pk1.steady(36000)
        # the supervisor gives the job to PK2
        await sv.keys("f2")
        await sv.type("PK2")
        await sv.see(f"Job {JOB} assigned to PK2")
        text = await pk1.see(f"Job {JOB} was assigned to PK2 by SV1: it is theirs now")
        assert "IN TOLERANCE" not in text and pk1.screen.step == "jobs"
        await pk1.until(lambda: pk1.screen.query_one("#jobs").row_count == 0, what="an empty list")
        # PK2 hears of it: the job is PK2's now, and "already user PK1's" goes
        pk2.notices_back()
        await pk2.see("(yours)")
        await pk2.not_see("already user PK1's")
        await pk2.keys("enter")
        await pk2.see("Scan T000107")
        await pk2.type("T000107")
        await pk2.see("press Enter to tare")
        await pk2.keys("enter")
        await pk2.see("Pour 90 kg")
        await pk2.steady(0)
        await pk2.keys(*["f6"] * 10)
        await pk2.steady(90000)
        await pk2.keys("enter")
        await pk2.see("Done: Picked 90 RM-FLOUR from T000107")
    picks = list(AuditEvent.select().where(AuditEvent.action == "pick"))
    assert [p.user for p in picks] == ["PK2"]
    assert Posting.select().count() == 1 and Posting.get().qty == 90000
    assert [m.qty for m in Movement.select().where((Movement.unit == "T000107") & (Movement.job == JOB))] == [-90000]
    assert JobLine.get((JobLine.job == JOB) & (JobLine.line == 1)).issued == 90000
    takes = [e.user for e in AuditEvent.select().where(AuditEvent.action == "job.take").order_by(AuditEvent.id)]
    assert takes == ["PK1", "PK2"]  # PK2's refused Enter took nothing and wrote nothing
    assert ledger_mismatches() == []
