"""A weighed or bulk output (the demo's 150 kg sponge pre-ferment) gets no product labels: those are for discrete
units. Its container gets a TrackID label when the job is completed; pallet and carton labels need packing figures
as for any job."""
import pytest

from core.data.models import LabelJob, StockUnit
from core.errors import BusinessRefusal
from core.jobs.completion import complete_job
from core.jobs.release import release
from core.labels.job_facts import counts_for, job_info, label_jobs, problems_for
from core.labels.plan import is_bulk
from core.labels.sets import print_job_labels

SPONGE = "000000000012348"  # SF-SPONGE, 150 KG, a weighed item
BREAD = "000000000012345"  # FG-BREAD-800, 500 EA


def test_which_outputs_are_bulk():
    assert is_bulk("KG", weighed=True) and is_bulk("L", weighed=False) and is_bulk("EA", weighed=True)
    assert not is_bulk("EA", weighed=False) and not is_bulk("pcs", weighed=False)


def test_a_bulk_output_asks_for_no_product_labels(demo, actors, tmp_path):
    release(actors["planner"], [SPONGE, BREAD])
    sponge = job_info(SPONGE)
    assert sponge.bulk and counts_for(sponge)["product"] is None
    assert any("150 KG in bulk" in p and "container label" in p for p in problems_for(sponge))
    shown = {j.job: j.counts for j in label_jobs()}
    assert shown[SPONGE]["product"] is None and shown[BREAD]["product"] == 500  # discrete units keep theirs
    with pytest.raises(BusinessRefusal, match="product labels are for units one can count"):
        print_job_labels(actors["operator"], SPONGE, f"file://{tmp_path / 'x.prn'}", model="QL-1100",
                         kinds=["product"])
    assert LabelJob.select().count() == 0


def test_completing_a_bulk_job_labels_its_container(demo, actors):
    release(actors["planner"], [SPONGE, BREAD])
    done = complete_job(actors["supervisor"], SPONGE, close_short="not picked in this test")
    (label,) = LabelJob.select().where(LabelJob.job == SPONGE)
    unit = StockUnit.get(StockUnit.track_id == done.track_id)
    assert label.kind == "trackid" and label.track_id == unit.track_id and label.state == "QUEUED"
    assert '"qty": 150000' in label.content and "SF-SPONGE" in label.content
    # a discrete output: its labels are the job's own set
    complete_job(actors["supervisor"], BREAD, close_short="not picked in this test")
    assert not LabelJob.select().where(LabelJob.job == BREAD).exists()
