"""Job labeling on both databases: SSCCs never reused, sets stored before sending, real printer bytes read back
and scanned, reprints that keep their SSCC, voids, and a ledger that reconciles."""
import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core.data.db import write_txn
from core.data.models import AuditEvent, Counter, Item, Job, LabelJob
from core.errors import BusinessRefusal, NotFound, PermissionDenied, UserInputError
from core.gs1 import keys as gs1
from core.labels.ledger import ledger
from core.labels.queue import enqueue, trackid_label_content
from core.labels.reprints import confirm_printed, reprint, reprint_range, void, void_range
from core.labels.sender import send_pending
from core.labels.sets import preview_labels, print_job_labels, print_to
from core.labels.targets import make_target
from tests.cli_env import pin_env
from tests.core.labels.conftest import scan
from tests.drivers.printer.test_printer_ql import read_back

ROOT = Path(__file__).resolve().parents[2]
TINY = "LBL-1"
WIDE = "QL-1100"


LOT = "7001-261126"


def tiny_job(code: str = TINY, units: int = 5, upc: int | None = 2, cpp: int | None = 2,
             item: str = "FG-BREAD-800", state: str = "RELEASED") -> str:
    """A released job small enough to read every label back: 5 loaves, 2 a carton, 2 cartons a pallet, with a
    lot shaped like those the release gives."""
    with write_txn():
        Job.create(job=code, description="label test", item=item, qty_to_make=units * 1000,
                   start_date=dt.date(2026, 11, 26), units_per_carton=upc, cartons_per_pallet=cpp, state=state,
                   output_lot=None if state == "IMPORTED" else LOT)
    return code


def sscc_serials() -> int:
    row = Counter.get_or_none(Counter.name == "sscc")
    return row.value if row else 0


def rows(job: str = TINY, **where):
    q = LabelJob.select().where(LabelJob.job == job)
    for key, value in where.items():
        q = q.where(getattr(LabelJob, key) == value)
    return list(q.order_by(LabelJob.id))


# --- SSCC serials -----------------------------------------------------------------------------------------------

def test_each_set_gets_new_ssccs_with_valid_check_digits(demo, actors, tmp_path):
    tiny_job()
    out = tmp_path / "labels.prn"
    first = print_job_labels(actors["operator"], TINY, f"file://{out}", model=WIDE, kinds=["pallet"])
    second = print_job_labels(actors["operator"], TINY, f"file://{out}", model=WIDE, kinds=["pallet"])
    codes = first.ssccs + second.ssccs
    assert len(codes) == 4 and len(set(codes)) == 4
    for code in codes:
        assert len(code) == 18 and code.startswith("0" + "9501101") and gs1.has_valid_check_digit(code)
    assert [int(c[8:17]) for c in codes] == [1, 2, 3, 4]  # serial references in order, none skipped
    assert [r.sscc for r in rows(kind="pallet")] == codes  # stored on the pallet rows themselves
    assert second.set_no == first.set_no + 1


def test_a_refused_set_uses_no_serial(demo, actors, tmp_path):
    tiny_job()
    before = sscc_serials()
    with pytest.raises(UserInputError, match="does not fit"):  # a pallet label on 62 mm: SSCC bars too thin
        print_job_labels(actors["operator"], TINY, f"file://{tmp_path / 'x.prn'}", model=WIDE, label_size="62")
    assert sscc_serials() == before and LabelJob.select().count() == 0
    assert not (tmp_path / "x.prn").exists()


def test_threads_printing_at_once_never_share_an_sscc(demo, actors, tmp_path):
    tiny_job(units=40, upc=1, cpp=1)  # 40 pallets a set
    found, errors = [], []

    def terminal():
        try:
            for _ in range(3):
                found.extend(print_job_labels(actors["operator"], TINY, "file:///dev/null", model=WIDE,
                                              kinds=["pallet"], send=False).ssccs)
        except Exception as exc:  # noqa: BLE001  (the test reports it below)
            errors.append(exc)
        finally:
            demo.close()

    threads = [threading.Thread(target=terminal) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(found) == 4 * 3 * 40 and len(set(found)) == len(found)
    assert sscc_serials() == len(found)
    assert LabelJob.select().where(LabelJob.sscc.is_null(False)).count() == len(found)


def test_processes_printing_at_once_never_share_an_sscc(demo, tmp_path):
    tiny_job(units=20, upc=1, cpp=1)
    demo.close()
    procs = [subprocess.Popen([sys.executable, "-m", "tui.entry", "--db", demo.url, "labels", "print", TINY,
                               "--printer", f"file://{tmp_path / f'p{k}.prn'}", "--model", WIDE, "--kind", "pallet",
                               "--json", "--user", "OP1"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=pin_env("OP1")) for k in range(6)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = []
    for status, out, err in results:
        assert status == 0, err
        answer = json.loads(out)
        assert answer["printed"] == 20 and answer["queued"] == 0
        codes += answer["ssccs"]
    demo.connect(reuse_if_open=True)
    assert len(codes) == 120 and len(set(codes)) == 120
    assert all(gs1.has_valid_check_digit(c) for c in codes)


# --- what is stored, what is printed ---------------------------------------------------------------------------

def test_set_is_stored_before_sending_and_read_back_from_brother_raster(demo, actors, tmp_path, monkeypatch):
    tiny_job()
    out = tmp_path / "ql.prn"
    result = print_job_labels(actors["operator"], TINY, f"file://{out}", model=WIDE)
    assert result.counts == {"pallet": 2, "carton": 3, "product": 5} and result.all_printed
    stored = rows()
    assert [(r.kind, r.seq) for r in stored] == [("pallet", 1), ("pallet", 2), ("carton", 1), ("carton", 2),
                                                 ("carton", 3)] + [("product", k) for k in range(1, 6)]
    assert all(r.state == "PRINTED" and r.printed_at and r.attempts == 1 for r in stored)
    assert [json.loads(r.content)["of"] for r in stored] == [2, 2, 3, 3, 3, 5, 5, 5, 5, 5]
    assert [r.label_size for r in stored] == ["102x152"] * 2 + ["102"] * 3 + ["62"] * 5
    pages = read_back(out, tmp_path, monkeypatch)
    assert len(pages) == 10
    lot = Job.get(Job.job == TINY).output_lot
    gtin = gs1.normalize_gtin(Item.get(Item.code == "FG-BREAD-800").gtin)
    content, lot_code, sscc = scan(pages[0])
    assert content["02"] == gtin and content["37"] == "4" and lot_code["10"] == lot  # 2 cartons x 2 on pallet 1
    assert sscc["00"] == stored[0].sscc
    content, _, sscc = scan(pages[1])
    assert content["37"] == "1" and sscc["00"] == stored[1].sscc  # the last pallet holds the rest
    for page in pages[2:5]:
        gtin_code, lot_code = scan(page)
        assert gtin_code["01"] == gtin and lot_code["10"] == lot and "17" not in gtin_code
    for page in pages[5:]:
        (product,) = scan(page)
        assert product["01"] == gtin and product["10"] == lot
        assert product["17"] == dt.date(2026, 12, 1)  # start 26 Nov + 5 days shelf life


def test_zpl_to_a_file(demo, actors, tmp_path):
    tiny_job()
    out = tmp_path / "zebra.zpl"
    # 203 dpi bars are coarser than a QL's 300: on 62 mm the carton barcode would not fit, so 4-inch labels
    result = print_job_labels(actors["operator"], TINY, f"file://{out}", language="zpl", model="ZD421",
                              label_size="102x152")
    assert result.all_printed
    text = out.read_text(encoding="utf-8")
    assert text.count("^XA") == text.count("^XZ")
    copies = sum(int(line[3:]) for line in text.splitlines() if line.startswith("^PQ"))
    assert copies == 10  # the five identical product labels may go out as one format with ^PQ5
    for r in rows(kind="pallet"):
        assert f"^FD>;>800{r.sscc}^FS" in text and f"(00){r.sscc}" in text
    assert f"(10){LOT}" in text
    assert {r.language for r in rows()} == {"zpl"} and {r.model for r in rows()} == {"ZD421"}


def test_output_lot_is_the_one_fixed_at_release(demo, actors, tmp_path):
    from core.jobs.release import release

    job = "000000000012345"
    release(actors["planner"], [job])
    lot = Job.get(Job.job == job).output_lot
    print_job_labels(actors["operator"], job, f"file://{tmp_path / 'x.prn'}", model=WIDE,
                     kinds=["pallet", "carton"])
    assert {json.loads(r.content)["lot"] for r in rows(job)} == {lot}
    book = ledger(job)
    assert (book.kinds["pallet"].planned, book.kinds["carton"].planned, book.kinds["product"].planned) == (2, 42, 500)
    assert book.kinds["pallet"].printed == 2 and book.kinds["carton"].printed == 42 and book.reconciled


def test_trackid_labels_from_picks_are_sent_the_same_way(demo, actors, tmp_path, monkeypatch):
    from core.data.models import Station, StockUnit

    out = tmp_path / "station.prn"
    with write_txn():
        Station.update(printer_url=f"file://{out}", printer_model="QL-820NWB", label_size="62x29").where(
            Station.code == "PICK-1").execute()
        unit = StockUnit.get(StockUnit.track_id == "T000131")
        enqueue("trackid", trackid_label_content(unit), station="PICK-1", track_id=unit.track_id, user="PK1")
    report = send_pending()
    assert report.printed == 1 and LabelJob.get(LabelJob.track_id == "T000131").state == "PRINTED"
    (page,) = read_back(out, tmp_path, monkeypatch)
    assert [r["raw"] for r in scan(page)] == ["T000131"]


# --- refusals that change nothing ------------------------------------------------------------------------------

@pytest.mark.parametrize("setup, message", [
    (dict(state="IMPORTED"), "not released yet"),
    (dict(upc=None), "has no UnitsPerCarton"),
    (dict(cpp=None), "has no CartonsPerPallet"),
    (dict(item="BK-PAD-F"), "has no GTIN"),
])
def test_jobs_that_cannot_be_labelled(demo, actors, tmp_path, setup, message):
    tiny_job(**setup)
    with pytest.raises((BusinessRefusal, UserInputError), match=message):
        print_job_labels(actors["operator"], TINY, f"file://{tmp_path / 'x.prn'}", model=WIDE)
    assert LabelJob.select().count() == 0 and sscc_serials() == 0
    assert not (tmp_path / "x.prn").exists()


def test_product_labels_need_no_packing_figures(demo, actors, tmp_path):
    tiny_job(upc=None, cpp=None)
    result = print_job_labels(actors["operator"], TINY, f"file://{tmp_path / 'x.prn'}", kinds=["product"])
    assert result.counts == {"product": 5} and result.all_printed


@pytest.mark.parametrize("kwargs, message", [
    (dict(printer_url="http://printer"), "not one this app can use"),
    (dict(printer_url=""), "give the printer's address"),
    (dict(language="epl"), "language 'epl' is not known"),
    (dict(model="QL-9000"), "not a Brother QL this app knows"),
    (dict(label_size="99x99"), "not known"),
    (dict(label_size="102x152", model="QL-820NWB"), "cannot print 102x152"),
    (dict(kinds=["sticker"]), "kind 'sticker' is not known"),
    (dict(kinds=[]), "at least one kind"),
    (dict(job="NO-SUCH-JOB"), "not known"),
])
def test_bad_input_is_refused_clearly(demo, actors, tmp_path, kwargs, message):
    tiny_job()
    call = dict(job=TINY, printer_url=f"file://{tmp_path / 'x.prn'}", model=WIDE) | kwargs
    with pytest.raises(UserInputError, match=message):
        print_job_labels(actors["operator"], **call)
    assert LabelJob.select().count() == 0


def test_who_may_print_reprint_and_void(demo, actors, tmp_path):
    tiny_job()
    url = f"file://{tmp_path / 'x.prn'}"
    for role in ("picker", "planner"):
        with pytest.raises(PermissionDenied):
            print_job_labels(actors[role], TINY, url, model=WIDE)
    result = print_job_labels(actors["operator"], TINY, url, model=WIDE, kinds=["carton"])
    with pytest.raises(PermissionDenied):
        reprint(actors["operator"], result.ids[0])
    with pytest.raises(PermissionDenied):
        void(actors["operator"], result.ids[:1])
    assert LabelJob.select().count() == 3


# --- reprint, void, ledger ---------------------------------------------------------------------------------------

def test_reprint_keeps_the_sscc_and_counts_as_a_reprint(demo, actors, tmp_path, monkeypatch):
    tiny_job()
    out = tmp_path / "first.prn"
    result = print_job_labels(actors["operator"], TINY, f"file://{out}", model=WIDE, kinds=["pallet"])
    pallet = rows(kind="pallet")[1]
    again_file = tmp_path / "again.prn"
    target = make_target(f"file://{again_file}", "ql", WIDE, "102x152")
    done = reprint(actors["supervisor"], pallet.id, target)
    assert done.sent.printed == 1
    copy = LabelJob.get(LabelJob.id == done.ids[0])
    assert copy.reprint_of == pallet.id and copy.sscc is None and copy.content == pallet.content
    assert json.loads(copy.content)["sscc"] == pallet.sscc == result.ssccs[1]
    (page,) = read_back(again_file, tmp_path, monkeypatch)
    assert scan(page)[2]["00"] == pallet.sscc
    # a reprint of the reprint still points at the original and keeps the SSCC too
    third = reprint(actors["supervisor"], copy.id, target)
    assert LabelJob.get(LabelJob.id == third.ids[0]).reprint_of == pallet.id
    book = ledger(TINY).kinds["pallet"]
    assert (book.printed, book.reprinted, book.sets) == (2, 2, 1)
    assert sscc_serials() == 2  # reprints take no new serial
    assert AuditEvent.select().where(AuditEvent.action == "labels.reprint").count() == 2


def test_reprint_a_range_of_the_latest_set(demo, actors, tmp_path):
    tiny_job(units=20)  # 10 cartons
    url = f"file://{tmp_path / 'x.prn'}"
    print_job_labels(actors["operator"], TINY, url, model=WIDE, kinds=["carton"])
    latest = print_job_labels(actors["operator"], TINY, url, model=WIDE, kinds=["carton"])
    done = reprint_range(actors["supervisor"], TINY, "carton", 3, 5)
    originals = [LabelJob.get(LabelJob.id == i) for i in done.originals]
    assert [o.seq for o in originals] == [3, 4, 5] and all(o.id in latest.ids for o in originals)
    assert done.sent.printed == 3
    with pytest.raises(UserInputError, match="1 to 10: 9-12 is outside it"):
        reprint_range(actors["supervisor"], TINY, "carton", 9, 12)
    with pytest.raises(NotFound, match="no pallet labels"):
        reprint_range(actors["supervisor"], TINY, "pallet", 1, 1)
    assert ledger(TINY).kinds["carton"].reprinted == 3


def test_queued_labels_are_not_reprinted_and_voided_ones_never_again(demo, actors):
    tiny_job()
    result = print_job_labels(actors["operator"], TINY, "tcp://127.0.0.1:9", model=WIDE, kinds=["carton"],
                              send=False)
    with pytest.raises(BusinessRefusal, match="still in the print queue"):
        reprint(actors["supervisor"], result.ids[0])
    voided = void(actors["supervisor"], result.ids[:1], reason="wrong roll")
    assert voided == result.ids[:1] and LabelJob.get(LabelJob.id == voided[0]).state == "VOID"
    with pytest.raises(BusinessRefusal, match="voided"):
        reprint(actors["supervisor"], result.ids[0])
    with pytest.raises(UserInputError, match="void already"):
        void(actors["supervisor"], result.ids)  # all or nothing: the others stay as they were
    assert [r.state for r in rows()] == ["VOID", "QUEUED", "QUEUED"]
    report = send_pending(printer_url="tcp://127.0.0.1:9", force=True)  # the voided one is never sent
    assert report.queued == 2


def equation(k) -> bool:
    """Every label that came out is live or voided since."""
    return k.printed + k.reprinted == k.voided + k.live


def test_voiding_one_label_after_a_reprint_voids_that_label_only(demo, actors, tmp_path):
    """Issue 22 item 3: printed 1, reprinted 1, then a void of one pallet label voided two. Each label is one row;
    the void takes the label named; the counts stay true."""
    tiny_job()
    url = f"file://{tmp_path / 'x.prn'}"
    print_job_labels(actors["operator"], TINY, url, model=WIDE, kinds=["pallet"])
    first = rows(kind="pallet")[0]
    copy = reprint(actors["supervisor"], first.id).ids[0]
    before = ledger(TINY).kinds["pallet"]
    assert (before.printed, before.reprinted, before.voided, before.live) == (2, 1, 0, 3)
    gone = void_range(actors["supervisor"], TINY, "pallet", 1, 1, reason="label torn")
    assert gone == [copy]  # the newest copy of pallet 1, the one on the pallet now
    assert LabelJob.get(LabelJob.id == first.id).state == "PRINTED"
    after = ledger(TINY).kinds["pallet"]
    assert (after.printed, after.reprinted, after.voided, after.live) == (2, 1, 1, 2) and equation(after)
    assert void_range(actors["supervisor"], TINY, "pallet", 1, 1) == [first.id]  # then the original
    with pytest.raises(UserInputError, match="void already"):
        void_range(actors["supervisor"], TINY, "pallet", 1, 1)
    final = ledger(TINY).kinds["pallet"]
    assert (final.printed, final.reprinted, final.voided, final.live) == (2, 1, 2, 1) and equation(final)
    events = [json.loads(e.detail) for e in AuditEvent.select().where(AuditEvent.action == "labels.void")
              .order_by(AuditEvent.id)]
    assert [e["labels"] for e in events] == [[copy], [first.id]] and events[0]["ssccs"] == [first.sscc]


def test_void_by_label_number_from_the_command_line(demo, actors, tmp_path):
    tiny_job()
    url = f"file://{tmp_path / 'x.prn'}"
    print_job_labels(actors["operator"], TINY, url, model=WIDE, kinds=["pallet"])
    first = rows(kind="pallet")[0]
    copy = reprint(actors["supervisor"], first.id).ids[0]
    demo.close()
    cli = subprocess.run([sys.executable, "-m", "tui.entry", "--db", demo.url, "labels", "void", str(copy),
                          "--reason", "torn", "--user", "SV1"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env={**os.environ, "JOBFLOOR_PIN": "3333"})
    assert cli.returncode == 0, cli.stderr
    assert f"1 label(s) voided: {copy}." in cli.stdout
    ledger_json = subprocess.run([sys.executable, "-m", "tui.entry", "--db", demo.url, "labels", "ledger", TINY,
                                  "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    pallet = json.loads(ledger_json.stdout)["kinds"]["pallet"]
    assert (pallet["printed"], pallet["reprinted"], pallet["voided"], pallet["live"]) == (2, 1, 1, 2)
    assert LabelJob.get(LabelJob.id == first.id).state == "PRINTED"


def test_ledger_counts_every_label_once_per_kind(demo, actors, tmp_path):
    tiny_job()
    good = f"file://{tmp_path / 'x.prn'}"
    print_job_labels(actors["operator"], TINY, good, model=WIDE)  # 2 + 3 + 5 printed
    print_job_labels(actors["operator"], TINY, "tcp://127.0.0.1:9", model=WIDE, kinds=["carton"])  # refused
    cartons = rows(kind="carton")
    reprint(actors["supervisor"], cartons[0].id)
    void(actors["supervisor"], [cartons[1].id])
    with write_txn():  # a label whose content cannot be rebuilt any more fails instead of blocking its printer
        bad = enqueue("product", {"set": 99}, station=None, job=TINY, seq=1, user="OP1")
        LabelJob.update(printer_url=good).where(LabelJob.id == bad.id).execute()
        # one sent without proof
        LabelJob.update(state="UNCONFIRMED").where(LabelJob.id == rows(kind="product")[0].id).execute()
        LabelJob.update(printed_at=None).where(LabelJob.id == rows(kind="product")[0].id).execute()
    send_pending()
    book = ledger(TINY)
    c, p, pl = book.kinds["carton"], book.kinds["product"], book.kinds["pallet"]
    assert (pl.planned, pl.sets, pl.printed, pl.live, pl.open) == (2, 1, 2, 2, 0)
    assert (c.planned, c.sets, c.printed, c.reprinted, c.voided, c.live, c.queued, c.retrying, c.failed) == \
        (3, 2, 3, 1, 1, 3, 3, 3, 0)
    assert (p.printed, p.live, p.unconfirmed, p.failed, p.queued) == (4, 4, 1, 1, 0)
    assert all(equation(k) for k in book.kinds.values())
    assert not book.reconciled
    void(actors["supervisor"], [r.id for r in rows(state="QUEUED")] + [bad.id])
    assert not ledger(TINY).reconciled  # the unconfirmed one still needs a person
    confirm_printed(actors["operator"], TINY)
    book = ledger(TINY)
    assert book.reconciled and book.kinds["carton"].cancelled == 3 and book.kinds["product"].live == 5
    cli = subprocess.run([sys.executable, "-m", "tui.entry", "--db", demo.url, "labels", "ledger", TINY, "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    answer = json.loads(cli.stdout)
    assert answer["reconciled"] and answer["kinds"]["carton"]["voided"] == 1
    assert answer["kinds"]["carton"]["cancelled"] == 3


def test_preview_takes_no_serial_and_says_what_cannot_print(demo, actors):
    tiny_job()
    narrow = make_target("file:///dev/null", "ql", "QL-820NWB", "62")
    shown = preview_labels(TINY, narrow)
    assert "does not fit" in shown["pallet"] and "does not fit" in shown["carton"]
    assert shown["product"].size.name == "62"
    wide = make_target("file:///dev/null", "ql", WIDE, "102x152")
    assert all(not isinstance(v, str) for v in preview_labels(TINY, wide).values())
    assert sscc_serials() == 0 and LabelJob.select().count() == 0


def test_print_to_a_station_target(demo, actors, tmp_path):
    from core.data.models import Station
    from core.labels.targets import target_for_station

    with pytest.raises(UserInputError, match="not at a station"):
        target_for_station(None)
    with write_txn():
        Station.update(printer_url=None).where(Station.code == "OFFICE").execute()
    with pytest.raises(UserInputError, match="OFFICE has no printer"):
        target_for_station(Station.get(Station.code == "OFFICE"))
    tiny_job()
    station = Station.get(Station.code == "PICK-1")
    Path(station.printer_url.removeprefix("file://")).parent.mkdir(parents=True, exist_ok=True)
    result = print_to(actors["operator"], TINY, target_for_station(station), ["carton"])
    assert result.all_printed and {r.label_size for r in rows()} == {"102x152"}
