"""The print queue against emulated printers with every fault a floor sees: no label lost without a flag.

Each case stores a small set of carton labels, sends it through the real sender to an emulated printer (a Zebra
on raw port 9100, a Brother QL on the network that answers or an older one that does not, a Brother QL on a
pseudo-terminal as on USB or serial) that fails in one way, then checks the books against what the emulated
printer actually printed:

- a label is PRINTED only if the printer printed it (none marked printed and lost);
- every other label is still flagged: QUEUED (nothing of it was sent), or UNCONFIRMED (sent, no proof);
- once the fault is cleared, the queue and "print the unconfirmed ones again" bring every label out.

Brother's raster command reference ("5. Flow Charts": status before the job, "printing completed" per page,
"error occurred" on a fault) and Zebra's ZPL II Programming Guide (~HS, host status) are what the emulators and the
driver follow.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import pytest

from core.data.models import LabelJob
from core.labels.reprints import confirm_printed, print_unconfirmed_again
from core.labels.sender import send_pending
from core.labels.sets import print_job_labels
from drivers.printer.emulator import (
    COVER_OPEN,
    CUTTER_JAM,
    END_OF_MEDIA,
    QLDeviceEmulator,
    QLPrinter,
    TcpPrinterEmulator,
    ZebraPrinter,
)
from tests.core.test_labeling import TINY, tiny_job

CARTONS = 6
FAST = {"connect_timeout": 0.5, "send_timeout": 1.0, "status_timeout": 0.3, "page_timeout": 1.0}


@dataclass
class Case:
    name: str
    link: str  # "zebra-tcp", "ql-tcp", "ql-tcp-silent", "ql-pty"
    fault: str
    refused: bool  # the printer's state refuses the job before anything is sent


CASES = [
    Case("Zebra out of labels", "zebra-tcp", "paper out", True),
    Case("Zebra runs out mid-job", "zebra-tcp", "paper out after 3", False),
    Case("Zebra head up", "zebra-tcp", "head up", True),
    Case("Zebra paused", "zebra-tcp", "paused", True),
    Case("Zebra jammed on raw 9100: takes bytes, never prints", "zebra-tcp", "jam", False),
    Case("Zebra switched off mid-job", "zebra-tcp", "off after 3", False),
    Case("Zebra connection dropped mid-job", "zebra-tcp", "drop", False),
    Case("Zebra switched off", "zebra-tcp", "refuse", True),
    Case("QL on USB out of labels", "ql-pty", "paper out", True),
    Case("QL on USB runs out mid-job", "ql-pty", "paper out after 3", False),
    Case("QL on USB cover open", "ql-pty", "cover open", True),
    Case("QL on USB cover opened mid-job", "ql-pty", "cover open after 2", False),
    Case("QL on USB cutter jam", "ql-pty", "jam", True),
    Case("QL on USB switched off mid-job", "ql-pty", "off after 3", False),
    Case("QL on the network runs out mid-job", "ql-tcp", "paper out after 3", False),
    Case("QL on the network, connection dropped", "ql-tcp", "drop", False),
    Case("QL on the network jammed: takes bytes, never prints", "ql-tcp", "jam", False),
    Case("older QL on the network that never answers", "ql-tcp-silent", "none", False),
]


def _printer(case: Case):
    if case.link == "zebra-tcp":
        brain = ZebraPrinter()
        if case.fault == "paper out":
            brain.paper_out = True
        elif case.fault == "paper out after 3":
            brain.paper_out_after = 3
        elif case.fault == "head up":
            brain.head_open = True
        elif case.fault == "paused":
            brain.paused = True
        elif case.fault == "jam":
            brain.jammed = True
        elif case.fault == "off after 3":
            brain.off_after = 3
        return brain
    brain = QLPrinter(model="QL-1100", media_width=102, answers=case.link != "ql-tcp-silent")
    if case.fault == "paper out":
        brain.media = (0, 0)
    elif case.fault == "paper out after 3":
        brain.fail_after, brain.fail_with = 3, END_OF_MEDIA
    elif case.fault == "cover open":
        brain.errors = COVER_OPEN
    elif case.fault == "cover open after 2":
        brain.fail_after, brain.fail_with = 2, COVER_OPEN
    elif case.fault == "jam" and case.link == "ql-pty":
        brain.errors = CUTTER_JAM
    elif case.fault == "jam":
        brain.jammed = True
    elif case.fault == "off after 3":
        brain.off_after = 3
    return brain


def _printed(brain) -> list[str]:
    """What came out of the printer, one entry per label: the carton number (Zebra) or the page (Brother)."""
    if isinstance(brain, ZebraPrinter):
        return [re.search(rb"CARTON (\d+)/", fmt).group(1).decode() for fmt in brain.printed]
    return [str(n) for n in range(1, brain.pages + 1)]


def _eventually(condition, timeout: float = 5.0) -> bool:
    """Poll a condition until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.01)
    return True


def _check_books(brain, before_fix: bool) -> dict:
    rows = list(LabelJob.select().order_by(LabelJob.seq))
    assert len(rows) == CARTONS  # nothing vanished
    states = [r.state for r in rows]
    assert set(states) <= {"PRINTED", "QUEUED", "UNCONFIRMED"}, states
    printed = _printed(brain)
    marked = [r for r in rows if r.state == "PRINTED"]
    if isinstance(brain, ZebraPrinter):
        lost = [r.seq for r in marked if str(r.seq) not in printed]
    else:  # a Brother prints a job's pages in order and proves them in order
        lost = list(range(brain.pages + 1, len(marked) + 1))
    assert not lost, f"marked printed but never printed: cartons {lost}"
    for row in rows:
        if row.state != "PRINTED":
            assert row.last_error, row  # a flag says why
    return {"printed": len(marked), "flagged": len(rows) - len(marked), "lost": len(lost)}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_label_lost_without_a_flag(sqlite_demo, actors, case):
    tiny_job(units=CARTONS * 2)  # 2 a carton
    brain = _printer(case)
    if case.link == "ql-pty":
        link = QLDeviceEmulator(printer=brain)
        url, model, language = f"file://{link.path}", "QL-1100", "ql"
    else:
        link = TcpPrinterEmulator(printer=brain)
        model, language = ("QL-1100", "ql") if case.link.startswith("ql") else ("ZD421", "zpl")
    with link:
        url = f"file://{link.path}" if case.link == "ql-pty" else link.url
        if case.fault == "refuse":
            link.refuse()
        if case.fault == "drop":
            link.drop_after = 4000  # into the job's bytes, after the status request
        print_job_labels(actors["operator"], TINY, url, language, model, "102", ["carton"], send=False)
        report = send_pending(force=True, options=FAST)
        books = _check_books(brain, before_fix=True)
        if case.refused:
            assert books["printed"] == 0 and report.queued == CARTONS, report.text()
            assert {r.state for r in LabelJob.select()} == {"QUEUED"}
            assert not _printed(brain)
        elif case.fault != "none":
            assert books["flagged"] > 0, report.text()
        else:  # nothing wrong, but nothing to prove it: a person looks at the printer and says so
            assert books == {"printed": 0, "flagged": CARTONS, "lost": 0}
            assert _eventually(lambda: brain.pages == CARTONS)  # the emulator reads on its own thread
            confirm_printed(actors["operator"], TINY)
        # the fault cleared: what was queued goes out, what was unconfirmed is printed again, once each
        if case.link != "ql-pty":
            link.come_back()
            link.drop_after = None
        brain.clear()
        brain.jammed = False
        brain.off = False
        if isinstance(brain, QLPrinter):
            brain.media, brain.off_after = (102, 0), None
        else:
            brain.off_after = None
        for _ in range(3):
            send_pending(force=True, options=FAST)
            if LabelJob.select().where(LabelJob.state == "UNCONFIRMED").exists():
                print_unconfirmed_again(actors["operator"], TINY, send=False)
                send_pending(force=True, options=FAST)
        final = _check_books(brain, before_fix=False)
    assert final == {"printed": CARTONS, "flagged": 0, "lost": 0}
    if isinstance(brain, ZebraPrinter):
        assert set(_printed(brain)) == {str(n) for n in range(1, CARTONS + 1)}


def test_the_fault_suite_on_postgresql(demo, actors):
    """One case of each kind of link on both databases (the parametrized suite runs on SQLite)."""
    tiny_job(units=CARTONS * 2)
    brain = ZebraPrinter()
    brain.paper_out_after = 2
    with TcpPrinterEmulator(printer=brain) as link:
        print_job_labels(actors["operator"], TINY, link.url, "zpl", "ZD421", "102", ["carton"], send=False)
        report = send_pending(force=True, options=FAST)
        assert report.printed == 0 and report.unconfirmed == CARTONS  # the batch is not proven: all flagged
        assert _check_books(brain, True)["lost"] == 0
        brain.clear()
        again = print_unconfirmed_again(actors["operator"], TINY, send=False)
        assert len(again.ids) == CARTONS
        assert send_pending(force=True, options=FAST).printed == CARTONS
    assert _check_books(brain, False) == {"printed": CARTONS, "flagged": 0, "lost": 0}
