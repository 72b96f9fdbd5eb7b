"""Trace finds a pallet by every form of its SSCC a person reads or a scanner sends (issue 15, item 4), typed into
the Trace screen key by key, at 80x24 and 40x16, on SQLite and PostgreSQL."""
from core.data.models import Job
from tests.core.test_trace_sscc import JOB, pallet  # noqa: F401 (the fixture: job 12345 released, pallets printed)
from tests.journeys.floor_keys import make_app, open_screen, scan, wait_for, wait_text


def _forms(sscc: str) -> list[str]:
    grouped = f"{sscc[0]} {sscc[1:8]} {sscc[8:17]} {sscc[17]}"
    return [sscc, f"00{sscc}", f"(00) {grouped}", f"]C100{sscc}"]  # as shown, typed, read off the label, scanned


async def test_trace_by_every_sscc_form(demo, pallet, size):  # noqa: F811
    lot = Job.get(Job.job == JOB).output_lot
    app = make_app(demo.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "SV1", "3333", "trace", "TraceScreen")
        for form in _forms(pallet):
            before = screen.result
            await scan(pilot, form)
            await wait_for(pilot, lambda: screen.result is not before, timeout=15)
            await wait_text(pilot, f"lot {lot}", f"made by job {JOB}")
            assert (screen.result.item, screen.result.lot) == ("FG-BREAD-800", lot), form
