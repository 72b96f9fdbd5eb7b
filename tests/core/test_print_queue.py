"""The print queue against printers that misbehave: nothing lost, nothing printed twice, on both databases.

The printers are drivers.printer's emulators: a loopback raw-port listener that records every byte and can
refuse, hang and come back, and a Brother QL on a pty that confirms pages and runs out of labels.
"""
import datetime as dt
import re
import threading
import time

import pytest
from brother_ql.reader import BrotherQLReader

from core.clock import utcnow
from core.data.db import write_txn
from core.data.models import LabelJob
from core.labels.ledger import ledger
from core.labels.reprints import print_unconfirmed_again
from core.labels.sender import INTERRUPTED, retry_delay, send_pending
from core.labels.sets import print_job_labels
from drivers.printer.emulator import QLDeviceEmulator, QLPrinter, TcpPrinterEmulator, ZebraPrinter
from tests.core.test_labeling import TINY, tiny_job

LATER = dt.timedelta(hours=1)


def zpl_labels(data: bytes) -> int:
    """Labels a ZPL stream prints: each format once per ^PQ copy."""
    return sum(int(n) for n in re.findall(rb"\^PQ(\d+)", data))


def zpl_cartons(data: bytes) -> list[str]:
    """The carton number of each format, in the order received, from its human-readable line."""
    out = []
    for block in re.findall(rb"\^XA.*?\^XZ", data, re.S):
        found = re.search(rb"CARTON (\d+/\d+)", block)
        out.append(found.group(1).decode() if found else "?")
    return out


def arrived(printer, labels: int) -> bytes:
    """The emulator reads on its own thread: wait until what was sent has been taken in (or time is up)."""
    deadline = time.monotonic() + 5
    while zpl_labels(printer.received) < labels and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # and a moment more, so a label sent twice would show
    return printer.received


def ql_pages(data: bytes, tmp_path, monkeypatch) -> int:
    path = tmp_path / "received.prn"
    path.write_bytes(data)
    monkeypatch.chdir(tmp_path)
    reader = BrotherQLReader(str(path))
    reader.filename_fmt = "received{counter:04d}.png"
    reader.analyse()
    return len(list(tmp_path.glob("received*.png")))


def states() -> dict[str, int]:
    out: dict[str, int] = {}
    for row in LabelJob.select():
        out[row.state] = out.get(row.state, 0) + 1
    return out


@pytest.fixture
def printer():
    """A Zebra on raw port 9100 that answers ~HS, so what it prints is proven."""
    with TcpPrinterEmulator(printer=ZebraPrinter()) as emulator:
        yield emulator


def test_printer_off_then_back_loses_nothing_and_prints_nothing_twice(demo, actors, printer):
    tiny_job(units=24)  # 12 cartons
    printer.refuse()
    result = print_job_labels(actors["operator"], TINY, printer.url, language="zpl", label_size="102x152",
                              kinds=["carton"])
    assert result.sent.printed == 0 and result.sent.queued == 12
    assert "refused the connection" in result.sent.errors[0]
    stored = list(LabelJob.select().order_by(LabelJob.id))
    assert all(r.state == "QUEUED" and r.attempts == 1 and "refused" in r.last_error for r in stored)
    assert all(r.next_try_at > utcnow() + retry_delay(1) - dt.timedelta(seconds=5) for r in stored)
    # still off at the next try: counted again, pushed back further
    second = send_pending(now=utcnow() + LATER)
    assert second.queued == 12 and {r.attempts for r in LabelJob.select()} == {2}
    assert send_pending().printed == 0  # not due yet: nothing is tried early
    printer.come_back()
    back = send_pending(now=utcnow() + 2 * LATER)
    assert back.printed == 12 and back.ok
    assert zpl_cartons(arrived(printer, 12)) == [f"{n}/12" for n in range(1, 13)]  # each once, in order
    assert send_pending(now=utcnow() + 3 * LATER, force=True).printed == 0
    assert zpl_labels(arrived(printer, 12)) == 12
    assert states() == {"PRINTED": 12}
    assert all(r.last_error is None and r.attempts == 3 for r in LabelJob.select())


def test_a_hung_printer_leaves_its_labels_unconfirmed_until_printed_again(demo, actors, tmp_path, monkeypatch):
    """A printer that takes the connection and never reads (a jam on raw port 9100) gives no proof: its labels
    are UNCONFIRMED, never printed on faith, and one call sends exactly those again once it is back."""
    tiny_job(units=6)  # 6 product labels of about 56 kB each: more than the hung printer's buffers take
    with TcpPrinterEmulator(printer=QLPrinter(model="QL-1100", media_width=62)) as printer:
        printer.hang()
        print_job_labels(actors["operator"], TINY, printer.url, model="QL-1100", kinds=["product"], send=False)
        report = send_pending(options={"send_timeout": 0.5, "status_timeout": 0.3})
        assert report.printed == 0 and report.unconfirmed == 6 and not report.ok
        assert "stopped taking data" in report.errors[0]
        assert states() == {"UNCONFIRMED": 6}
        assert ledger(TINY).kinds["product"].unconfirmed == 6
        assert send_pending(now=utcnow() + LATER, force=True).printed == 0  # never sent again by itself
        printer.come_back()  # the jammed connection is dropped: whatever it took never printed
        again = print_unconfirmed_again(actors["operator"], TINY)
        assert again.sent.printed == 6 and again.sent.ok and states() == {"PRINTED": 6}
        data = printer.received
        assert ql_pages(data, tmp_path, monkeypatch) >= 6
    book = ledger(TINY).kinds["product"]
    assert (book.printed, book.reprinted, book.unconfirmed, book.live) == (6, 0, 0, 6)


def test_out_of_labels_keeps_them_queued(demo, actors):
    tiny_job()
    with QLDeviceEmulator(media_width=0) as device:
        result = print_job_labels(actors["operator"], TINY, f"file://{device.path}", kinds=["product"])
        assert device.pages == 0
    assert result.sent.queued == 5 and "out of labels" in result.sent.errors[0]
    assert {r.last_error for r in LabelJob.select()} == {result.sent.errors[0]}


def test_running_out_mid_job_on_a_printer_that_confirms_each_page(demo, actors):
    tiny_job(units=8)  # 4 cartons, one raster job
    with QLDeviceEmulator(model="QL-1100", media_width=102, fail_after_pages=2) as device:
        result = print_job_labels(actors["operator"], TINY, f"file://{device.path}", model="QL-1100",
                                  kinds=["carton"])
    # the printer confirmed two pages, then reported the end of the roll: the other two are unconfirmed
    assert result.sent.printed == 2 and result.sent.unconfirmed == 2
    assert [r.state for r in LabelJob.select().order_by(LabelJob.seq)] == ["PRINTED", "PRINTED", "UNCONFIRMED",
                                                                           "UNCONFIRMED"]
    assert "out of labels" in LabelJob.get(LabelJob.seq == 3).last_error
    with QLDeviceEmulator(model="QL-1100", media_width=102) as device:  # a new roll: the same printer, same port
        LabelJob.update(printer_url=f"file://{device.path}").execute()
        assert print_unconfirmed_again(actors["operator"], TINY).sent.printed == 2 and device.pages == 2
    assert states() == {"PRINTED": 4}


def test_two_senders_at_once_print_each_label_once(demo, actors, printer):
    tiny_job(units=80)  # 40 cartons
    print_job_labels(actors["operator"], TINY, printer.url, language="zpl", label_size="102x152",
                     kinds=["carton"], send=False)
    reports, errors = [], []

    def sender():
        try:
            while True:
                report = send_pending(limit=7)
                if not report.outcomes:
                    return
                reports.append(report)
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            demo.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r.printed for r in reports) == 40
    printed = zpl_cartons(arrived(printer, 40))
    assert sorted(printed, key=lambda s: int(s.split("/")[0])) == [f"{n}/40" for n in range(1, 41)]
    assert zpl_labels(arrived(printer, 40)) == 40 and states() == {"PRINTED": 40}


def test_a_sender_that_stopped_mid_send_leaves_the_labels_unconfirmed(demo, actors, printer):
    tiny_job()
    result = print_job_labels(actors["operator"], TINY, printer.url, language="zpl", label_size="102x152",
                              kinds=["carton"], send=False)
    with write_txn():  # as a sender leaves them when its process is killed between claiming and marking
        LabelJob.update(state="SENDING", next_try_at=utcnow() - dt.timedelta(minutes=1)).where(
            LabelJob.id == result.ids[0]).execute()
    report = send_pending()
    assert report.interrupted == 1 and report.printed == 2
    row = LabelJob.get(LabelJob.id == result.ids[0])
    assert row.state == "UNCONFIRMED" and row.last_error == INTERRUPTED
    assert zpl_labels(arrived(printer, 2)) == 2  # not sent again on its own: it may have printed
    assert ledger(TINY).kinds["carton"].unconfirmed == 1


def test_backoff_doubles_up_to_a_cap():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 7, 20)] == [15, 30, 60, 120, 600, 600]


def test_cli_print_to_a_printer_that_is_off_exits_1_and_keeps_the_labels(demo, printer, capsys, monkeypatch):
    from core.cli.main import main

    monkeypatch.setenv("JOBFLOOR_PIN", "1111")
    tiny_job()
    printer.refuse()
    demo.close()
    code = main(["--db", demo.url, "labels", "print", TINY, "--printer", printer.url, "--language", "zpl",
                 "--label", "102x152", "--user", "OP1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "10 label(s) stored" in out and "stay in the print queue" in out
    assert "are stored in the print queue and were not printed" in err and "jobfloor labels send" in err
    printer.come_back()
    assert main(["--db", demo.url, "labels", "send", "--all", "--user", "OP1"]) == 0
    assert "10 label(s) printed" in capsys.readouterr().out  # on the Zebra's own word (~HS)
    assert zpl_labels(arrived(printer, 10)) == 10
    demo.connect(reuse_if_open=True)
    assert states() == {"PRINTED": 10}
