"""Job returns on both databases: the transaction and every guard."""
import pytest

from core.data.models import AuditEvent, JobLine, LabelJob, Movement, Posting, StockUnit
from core.errors import BusinessRefusal, NotFound, PermissionDenied, UserInputError
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from core.jobs.returns import correct_tare, issued_to_job, return_unit
from core.stock.ledger import ledger_mismatches

JOB = "000000000012345"


@pytest.fixture
def picked(demo, actors):
    release(actors["planner"], [JOB])
    return confirm_pick(actors["picker"], JOB, 5, "T000152", 7500)  # oil from the opened drum


def test_return_brings_the_trackid_back(picked, actors):
    info = issued_to_job(picked.portion)
    assert (info.job, info.line, info.item, info.lot, info.issued) == (JOB, 5, "RM-OIL", "OL2609-04", 7500)
    r = return_unit(actors["operator"], picked.portion, 2250, "D-DRUM-01")
    unit = StockUnit.get(StockUnit.track_id == picked.portion)
    assert unit.on_hand == 2250 and unit.location_id == "D-DRUM-01" and unit.state == "ACTIVE"
    assert unit.opened and unit.status == "AVAILABLE" and unit.job is None
    assert JobLine.get((JobLine.job == JOB) & (JobLine.line == 5)).issued == 5250
    post = Posting.get(Posting.key == r.posting)
    assert post.qty == -2250 and post.reference == picked.portion and post.line == 5
    assert AuditEvent.select().where(AuditEvent.action == "return").count() == 1
    assert LabelJob.select().where(LabelJob.track_id == picked.portion).count() == 2  # pick label + relabel
    assert ledger_mismatches() == []
    # back in stock, opened: FEFO ranks it among the first for the next job wanting oil
    nxt = release(actors["planner"], ["000000000012347"])
    oil = [a for a in nxt.allocations if a.item == "RM-OIL"]
    assert oil[0].track_id in ("T000152", picked.portion)


def test_never_issued_unit_refused(picked, actors):
    with pytest.raises(BusinessRefusal, match="never issued"):
        return_unit(actors["operator"], "T000121", 1000, "A-02-02")


def test_more_than_issued_refused(picked, actors):
    with pytest.raises(BusinessRefusal, match="more than the 7.5"):
        return_unit(actors["operator"], picked.portion, 7540, "D-DRUM-01")  # tolerance 0.5 %: 7.5375 at most
    r = return_unit(actors["operator"], picked.portion, 7530, "D-DRUM-01")
    assert r.qty == 7500  # within the scale's tolerance it is capped at what was issued


def test_zero_or_negative_refused(picked, actors):
    for q in (0, -100):
        with pytest.raises(UserInputError):
            return_unit(actors["operator"], picked.portion, q, "D-DRUM-01")
    assert Movement.select().where(Movement.kind == "RETURN").count() == 0


def test_non_store_location_refused(picked, actors):
    with pytest.raises(BusinessRefusal, match="QUARANTINE"):
        return_unit(actors["operator"], picked.portion, 1000, "QC-HOLD")
    with pytest.raises(NotFound):
        return_unit(actors["operator"], picked.portion, 1000, "NOWHERE")
    assert StockUnit.get(StockUnit.track_id == picked.portion).location_id == "WIP-BAKERY"


def test_double_enter_and_dropped_session(picked, actors):
    a = return_unit(actors["operator"], picked.portion, 2000, "D-DRUM-01", request_id="ret-1")
    b = return_unit(actors["operator"], picked.portion, 2000, "D-DRUM-01", request_id="ret-1")
    assert b.repeated and a.posting == b.posting
    assert Posting.select().where(Posting.qty < 0).count() == 1
    with pytest.raises(BusinessRefusal, match="already back"):
        return_unit(actors["operator"], picked.portion, 2000, "D-DRUM-01")


def test_tare_correction_is_supervisors(picked, actors):
    with pytest.raises(PermissionDenied):
        correct_tare(actors["operator"], "T000152", 17000)
    correct_tare(actors["supervisor"], "T000152", 17000)
    assert StockUnit.get(StockUnit.track_id == "T000152").tare_milli_kg == 17000


def test_picker_may_return_planner_may_not(picked, actors):
    with pytest.raises(PermissionDenied):
        return_unit(actors["planner"], picked.portion, 1000, "D-DRUM-01")
    return_unit(actors["picker"], picked.portion, 1000, "D-DRUM-01")


def test_the_container_it_comes_back_in_keeps_its_tare(picked, demo, actors, capsys, monkeypatch):
    """Issue 15.6: a portion had no tare of its own (the job bucket was tared at the pick); the tare taken at the
    return is its container's from now on. The CLI takes it too."""
    from core.cli.main import main
    from core.jobs.returns import check_return_qty

    assert StockUnit.get(StockUnit.track_id == picked.portion).tare_milli_kg == 0
    with pytest.raises(BusinessRefusal, match="more than the 7.5 KG job"):
        check_return_qty(issued_to_job(picked.portion), 9000)  # what the Return screen asks at the weight
    with pytest.raises(UserInputError, match="a tare cannot be negative"):
        return_unit(actors["operator"], picked.portion, 2250, "D-DRUM-01", tare=-1)
    monkeypatch.setenv("JOBFLOOR_PIN", "1111")  # OP1's: a writing command asks who is acting
    assert main(["--db", demo.url, "return", "--track-id", picked.portion, "--qty", "2.25", "--location",
                 "D-DRUM-01", "--user", "OP1", "--tare", "0.85"]) == 0
    assert "Returned 2.25" in capsys.readouterr().out
    unit = StockUnit.get(StockUnit.track_id == picked.portion)
    assert (unit.on_hand, unit.tare_milli_kg) == (2250, 850)
    assert ledger_mismatches() == []
