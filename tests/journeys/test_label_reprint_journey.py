"""A damaged pallet label printed again from the Labels screen: the same SSCC, counted as a reprint in the job's
label ledger, its bytes at the station's printer (issue 15's label reprint journey), at 80x24 and 40x16, on SQLite
and PostgreSQL."""
from pathlib import Path

from core.data.models import LabelJob, Station
from core.labels.ledger import ledger
from core.labels.stored import content_of
from tests.core.test_labeling import TINY, tiny_job
from tests.journeys.floor_keys import make_app, open_screen, screen_text, type_text, wait_for


async def test_label_reprint(demo, size):
    tiny_job()
    printer = Path(Station.get(Station.code == "PICK-1").printer_url.removeprefix("file://"))
    printer.parent.mkdir(parents=True, exist_ok=True)
    app = make_app(demo.url, station="PICK-1")
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "SV1", "3333", "labels", "LabelsScreen")
        await wait_for(pilot, lambda: TINY in screen_text(app), timeout=15)
        table = screen.query_one("#jobs")
        while table.cursor_row != table.get_row_index(TINY):
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.step == "job", timeout=15)
        await pilot.press("down", "space", "down", "space", "up", "up")  # the pallet labels only
        await pilot.press("f5")
        await wait_for(pilot, lambda: "Print a new set of 2 label(s)" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 2, timeout=20)
        printed = printer.stat().st_size
        first = LabelJob.get((LabelJob.kind == "pallet") & (LabelJob.seq == 1) & LabelJob.reprint_of.is_null())

        await pilot.press("f7")
        await wait_for(pilot, lambda: "Reprint which pallet labels" in screen_text(app))
        await type_text(pilot, "1")
        await pilot.press("enter")
        await wait_for(pilot, lambda: LabelJob.select().where(LabelJob.state == "PRINTED").count() == 3, timeout=20)

    again = LabelJob.get(LabelJob.reprint_of == first.id)
    # The same pallet, the same SSCC: the unique SSCC column stays with the original, the copy carries it in the
    # content it is printed from.
    assert again.kind == "pallet" and content_of(again)["sscc"] == first.sscc
    assert printer.stat().st_size > printed  # and its bytes went to the station's printer
    pallets = ledger(TINY).kinds["pallet"]
    assert (pallets.printed, pallets.reprinted, pallets.voided, pallets.live) == (2, 1, 0, 3)
