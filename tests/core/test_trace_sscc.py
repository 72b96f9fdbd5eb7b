"""Trace finds a pallet by its SSCC in every form a person sees or scans (issue 15, item 4)."""
import pytest

from core.data.models import LabelJob
from core.errors import NotFound
from core.jobs.release import release
from core.labels.sets import print_job_labels
from core.trace.genealogy import trace
from core.trace.lookup import resolve

JOB = "000000000012345"


@pytest.fixture
def pallet(demo, actors, tmp_path):
    """A real pallet label of job 12345, printed to a file: its SSCC as the label carries it."""
    release(actors["planner"], [JOB])
    print_job_labels(actors["operator"], JOB, f"file://{tmp_path / 'labels.prn'}", model="QL-1100",
                     kinds=["pallet"])
    return LabelJob.select().where((LabelJob.job == JOB) & (LabelJob.kind == "pallet")).first().sscc


def forms(sscc: str) -> list[str]:
    grouped = f"{sscc[0]} {sscc[1:8]} {sscc[8:17]} {sscc[17]}"  # extension, company prefix, serial, check digit
    return [
        sscc,  # as the Labels screen shows it
        grouped,
        "00" + sscc,  # typed from the element string
        f"(00){sscc}",
        f"(00) {grouped}",  # the text under the barcode, spaces and all
        f"]C100{sscc}",  # a GS1-128 scan with its symbology prefix
        f"]C100{sscc}\r\n",
        f"https://id.gs1.org/00/{sscc}",  # a Digital Link in a 2D code
        f"]Q1https://example.com/00/{sscc}?02=09501101530003&37=480",
    ]


def test_every_form_of_the_sscc_finds_the_pallet(pallet):
    from core.data.models import Job

    lot = Job.get(Job.job == JOB).output_lot
    for text in forms(pallet):
        assert resolve(text) == ("FG-BREAD-800", lot), text
    assert trace(f"(00) {pallet}").lot == lot


def test_an_sscc_with_a_wrong_check_digit_or_no_label_is_not_found(pallet):
    wrong = pallet[:-1] + str((int(pallet[-1]) + 1) % 10)
    with pytest.raises(NotFound):
        resolve(wrong)
    other = "095011019999999990"  # a valid SSCC this site never printed
    with pytest.raises(NotFound, match="no pallet label of this site has the SSCC 095011019999999990"):
        resolve(f"(00) {other}")
