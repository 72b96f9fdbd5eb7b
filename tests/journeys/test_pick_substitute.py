"""Issue 15.1: a substitute container on the Pick screen. The picker scans another eligible unit of the same item
(same rules as allocation), gives a reason, and the pour carries on from it; a single-lot line stays on its lot.

Keys: Enter opens the job; scan (type) the TrackID and Enter; a number picks the reason; Enter tares; F6 pours 10%
on the demo scale; Enter confirms.
"""
from core.data.models import AuditEvent, JobLine, Movement, Posting, StockUnit
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.journeys.harness import terminals

JOB = "000000000012348"  # line 1: 90 kg flour, suggested T000107 (lot FL2609-07); line 2: 0.6 kg yeast, single-lot


async def test_pick_with_a_substitute(demo, size):
    release(Actor("PL1", "planner"), [JOB])
    async with terminals(demo.url, size, ("PICK-1", "PK1", "2222")) as (pk,):
        await pk.open("pick", "PickScreen")
        await pk.see(JOB.lstrip("0"))  # a handheld shows the short form
        await pk.keys("enter")
        await pk.see("Scan T000107")
        await pk.type("T000105")  # a 1 t tote of another lot: flour is not single-lot
        await pk.see("T000105 is not the suggested T000107. Why?")
        await pk.keys("2")  # suggested container not at its location
        text = await pk.see("T000105 is used instead of T000107", "press Enter to tare")
        await pk.keys("enter")
        text = await pk.see("Pour 90 kg from T000105", "tare on the scale: 0.850 kg")
        assert "None" not in text
        await pk.steady(0)
        await pk.keys(*["f6"] * 10)  # 10 x 9 kg
        await pk.steady(90000)
        await pk.keys("enter")
        await pk.see("Done: Picked 90 RM-FLOUR from T000105", "line 2: RM-YEAST")
        # line 2, yeast, must stay on the lot it holds: another lot is refused at the scan, nothing moves
        suggested = pk.screen.current.track_id
        await pk.type("T000143")
        await pk.see("Why?")
        await pk.keys("3")
        await pk.see("RM-YEAST must come from one lot for this line: use a container of lot")
        assert pk.screen.step == "scan" and pk.screen.current.track_id == suggested
    taken = Movement.get((Movement.unit == "T000105") & (Movement.job == JOB))
    assert taken.qty == -90000 and taken.kind == "PICK"
    assert Posting.get().reference == "T000105" and Posting.get().qty == 90000
    assert StockUnit.get(StockUnit.track_id == "T000107").reserved == 0
    assert StockUnit.get(StockUnit.track_id == "T000107").on_hand == 412350
    assert StockUnit.get(StockUnit.track_id == "T000105").on_hand == 1000000 - 90000
    assert StockUnit.get(StockUnit.track_id == "T000143").reserved == 0
    line = JobLine.get((JobLine.job == JOB) & (JobLine.line == 1))
    assert (line.issued, line.allocated) == (90000, 0)
    sub = AuditEvent.get(AuditEvent.action == "pick.substitute")
    assert '"used": "T000105"' in sub.detail and '"reason": "NOT_FOUND"' in sub.detail
    assert ledger_mismatches() == []
