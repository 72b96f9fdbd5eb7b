"""Trace finds a pallet by every form of its SSCC a person reads or a scanner sends (issue 15, item 4), typed into
the Trace screen key by key, at 80x24 and 40x16, on SQLite and PostgreSQL."""
import pytest

from core.data.models import Job, LabelJob
from core.jobs.release import release
from core.labels.sets import print_job_labels
from tests.journeys.floor_keys import make_app, open_screen, scan, wait_for, wait_text

JOB = "000000000012345"


@pytest.fixture
def pallet(demo, actors, tmp_path):
    """Before the journey: job 12345 released and its pallet labels printed, as the Labels screen would."""
    release(actors["planner"], [JOB])
    print_job_labels(actors["operator"], JOB, f"file://{tmp_path / 'labels.prn'}", model="QL-1100",
                     kinds=["pallet"])
    return demo, LabelJob.select().where((LabelJob.job == JOB) & (LabelJob.kind == "pallet")).first().sscc


def _forms(sscc: str) -> list[str]:
    grouped = f"{sscc[0]} {sscc[1:8]} {sscc[8:17]} {sscc[17]}"
    return [sscc, f"00{sscc}", f"(00) {grouped}", f"]C100{sscc}"]  # as shown, typed, read off the label, scanned


async def test_trace_by_every_sscc_form(pallet, size):
    db, sscc = pallet
    lot = Job.get(Job.job == JOB).output_lot
    app = make_app(db.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_screen(pilot, "SV1", "3333", "trace", "TraceScreen")
        for form in _forms(sscc):
            before = screen.result
            await scan(pilot, form)
            await wait_for(pilot, lambda: screen.result is not before, timeout=15)
            await wait_text(pilot, f"lot {lot}", f"made by job {JOB}")
            assert (screen.result.item, screen.result.lot) == ("FG-BREAD-800", lot), form
