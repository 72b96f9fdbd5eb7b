"""Issues 15.5 and 22.1 at the Pick screen, per scale protocol: a burst of keys while the scale moves confirms
only from a steady reading taken after the key, and what is booked is the net, never the job bucket.

The demo puts an empty 0.850 kg bucket on the pan. MT-SICS and SMA take the tare command (the scale shows the
net); Toledo continuous output takes no commands, so jobfloor keeps the tare (the scale's display stays gross).
Either way the pour step starts only on a steady net zero.

Keys: Enter opens, scan, Enter tares, F6 pours 10% of the line, F7 1%, F8 takes 1% off, Enter confirms.
"""
import pytest

from core.data.models import JobLine, Movement, Posting, Station, StockUnit
from core.jobs.release import release
from core.site.actor import Actor
from core.stock.ledger import ledger_mismatches
from tests.journeys.harness import terminals

JOB = "000000000012348"  # line 1: 90 kg flour from T000107, band 89.1-90.9 kg

PROTOCOLS = {
    "mt-sics": ("PICK-1", "tare on the scale: 0.850 kg"),
    "sma": ("PICK-1", "tare on the scale: 0.850 kg"),
    "toledo": ("PICK-2", "tare kept by jobfloor: 0.850 kg"),  # issue 22.1's station
}


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
async def test_pick_while_the_scale_moves(demo, size, protocol):
    station, tare_said = PROTOCOLS[protocol]
    Station.update(scale_url=f"sim://{protocol}", scale_protocol=protocol).where(Station.code == station).execute()
    release(Actor("PL1", "planner"), [JOB])
    async with terminals(demo.url, size, (station, "PK1", "2222")) as (pk,):
        await pk.open("pick", "PickScreen")
        await pk.see(JOB.lstrip("0"))  # a handheld shows the short form
        await pk.keys("enter")
        await pk.see("Scan T000107")
        await pk.type("T000107")
        await pk.see("press Enter to tare")
        await pk.steady(850)  # the bucket, gross
        await pk.keys("enter")
        await pk.until(lambda: pk.screen.step == "weigh", what="the pour step")
        # The pour step began on a steady net zero: the bucket is not material.
        assert pk.gauge.value == 0 and pk.gauge.stable
        await pk.see("Pour 90 kg from T000107", tare_said)
        await pk.keys(*["f6"] * 10)
        await pk.steady(90000)
        await pk.keys("f7", "f7", "enter", "enter")  # a burst while the pan swings: one weighing, after the keys
        await pk.see("The steady weight is 91.8 kg: take off 0.9 kg. Nothing was booked.")
        assert Posting.select().count() == 0
        await pk.keys("f8", "f8", "enter")
        await pk.see("Done: Picked 90 RM-FLOUR from T000107")
    assert Posting.get().qty == 90000
    assert Movement.get((Movement.unit == "T000107") & (Movement.job == JOB)).qty == -90000
    assert StockUnit.get(StockUnit.track_id == "T000107").on_hand == 412350 - 90000
    assert JobLine.get((JobLine.job == JOB) & (JobLine.line == 1)).issued == 90000
    assert ledger_mismatches() == []
