"""One door for the print queue and the Labels screen: check, render, encode, send, read the printer's state.

Everything that can be refused without the printer (a label that does not fit, a size the model cannot take)
is refused before a connection is opened, so a bad job never half-prints.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from PIL import Image

from drivers.printer import ql, zpl
from drivers.printer.errors import (
    PrinterError,
    PrinterTimeout,
    StatusNotAvailable,
    WrongMedia,
)
from drivers.printer.facts import DEFAULT_QL_MODEL, LANGUAGES, QL, ZPL, zpl_dpi
from drivers.printer.layout import layout
from drivers.printer.model import Canvas, Label, LabelSize
from drivers.printer.preview import text_preview
from drivers.printer.render import render
from drivers.printer.transport import (
    FileTransport,
    TcpTransport,
    Transport,
    open_transport,
)


@dataclass(frozen=True)
class PrinterConfig:
    url: str
    language: str = QL
    model: str = DEFAULT_QL_MODEL  # Brother QL model; for ZPL only its name
    dpi: int = 203  # ZPL printers only; a QL prints at 300
    connect_timeout: float = 5.0
    send_timeout: float = 10.0
    status_timeout: float = 2.0
    #: Where the printer can answer (a QL on USB or serial), wait until it reports every page printed.
    wait_printed: bool = True
    page_timeout: float = 30.0
    baudrate: int = 9600

    def __post_init__(self):
        if self.language not in LANGUAGES:
            raise PrinterError(f"Printer language {self.language!r} is not known: use {' or '.join(LANGUAGES)}",
                               url=self.url)


def printer_config(url: str, language: str = QL, model: str | None = None, **options) -> PrinterConfig:
    """The driver's settings for a printer as a site names it: a Brother QL by its model (the default model when
    none is named), a Zebra by a model whose name may carry its resolution ("ZD421-300dpi")."""
    if language == ZPL:
        return PrinterConfig(url, language=ZPL, model=model or "", dpi=zpl_dpi(model), **options)
    return PrinterConfig(url, language=language, model=model or DEFAULT_QL_MODEL, **options)


@dataclass(frozen=True)
class PrintResult:
    """What became of a run once its bytes started going out. Labels `proven` (counted from the first) came out
    by the printer's own word, or were written to a file; the rest were sent without proof, and `fault` says
    why when something went wrong on the way."""

    labels: int
    bytes_sent: int
    proven: int
    proof: str  # PAGES, HOST_STATUS, WRITTEN or NO_PROOF
    message: str
    fault: PrinterError | None = None

    @property
    def unproven(self) -> int:
        return self.labels - self.proven


#: How a run is proven: Brother's per-page "printing completed"; Zebra's host status after the job; bytes written
#: to a plain file (there is no printer); none (a printer that does not answer on this connection).
PAGES, HOST_STATUS, WRITTEN, NO_PROOF = "pages", "host status", "written", "none"


@dataclass(frozen=True)
class PrinterState:
    ready: bool
    message: str
    detail: object = None  # ql.QLStatus or zpl.ZPLStatus


def canvas_for(size: LabelSize, config: PrinterConfig) -> Canvas:
    return ql.canvas(size) if config.language == QL else zpl.canvas(size, config.dpi)


def check_label(label: Label, config: PrinterConfig) -> None:
    """Raise LabelDoesNotFit / UnsupportedLabel if this printer cannot print the label as built."""
    if config.language == QL:
        ql.check_model(config.model, label.size)
    layout(label, canvas_for(label.size, config))


def render_for(label: Label, config: PrinterConfig) -> Image.Image:
    """The label as this printer will print it (for ZPL: our rendering at its resolution)."""
    if config.language == QL:
        return ql.render_label(label, config.model)
    return render(label, canvas_for(label.size, config))


def preview_lines(label: Label, config: PrinterConfig, columns: int) -> list[str]:
    """The label as text a person can check at a terminal, laid out as this printer will print it."""
    if config.language == QL:
        ql.check_model(config.model, label.size)
    return text_preview(layout(label, canvas_for(label.size, config)), columns)


def prepare(labels: Iterable[Label], config: PrinterConfig) -> bytes:
    """The bytes for the whole run. A job repeats identical labels (every product label of a lot), so each
    distinct label is rendered once; on ZPL a run of identical labels becomes one format with a copy count."""
    out: list[bytes] = []
    if config.language == ZPL:
        for label, run in groupby(labels):
            out.append(zpl.zpl(label, config.dpi, copies=sum(1 for _ in run)).encode("utf-8"))
        return b"".join(out)
    # One raster job for the run (Brother's raster command reference, "2.1 Print data overview"); a label that
    # repeats is rendered once and its image handed to brother_ql again.
    images: dict[Label, Image.Image] = {}
    pages = []
    for label in labels:
        if label not in images:
            images[label] = ql.render_label(label, config.model)
        pages.append(images[label])
    if not pages:
        return b""
    return ql.raster(pages, model=config.model, size=next(iter(images)).size)


def print_labels(labels: Sequence[Label], config: PrinterConfig) -> PrintResult:
    """Send a run of labels and read the printer's proof that they printed.

    Before anything is sent: a label that cannot print, a printer that cannot be reached or that reports a fault
    (out of labels, cover or head open, paused, jammed, wrong roll) raises, and nothing is sent. Once the bytes
    start going out nothing raises: the result says how many labels are proven and what went wrong."""
    labels = list(labels)
    if not labels:
        return PrintResult(0, 0, 0, WRITTEN, "Nothing to print.")
    sizes = {label.size for label in labels}
    if len(sizes) > 1:
        names = ", ".join(sorted(s.name for s in sizes))
        raise WrongMedia(f"This print mixes label sizes ({names}); a printer holds one roll. Print them separately.",
                         url=config.url)
    data = prepare(labels, config)
    with open_transport(config.url, connect_timeout=config.connect_timeout, send_timeout=config.send_timeout,
                        baudrate=config.baudrate) as link:
        proof = _ask_before(link, config, labels[0].size)
        try:
            link.send(data)
        except PrinterError as exc:
            return PrintResult(len(labels), len(data), 0, proof, exc.message, exc)
        if proof == PAGES:
            return _pages_printed(link, config, len(labels), len(data))
        if proof == HOST_STATUS:
            return _zebra_done(link, config, labels, len(data))
    if proof == WRITTEN:
        return PrintResult(len(labels), len(data), len(labels), WRITTEN, f"{len(labels)} labels written to {config.url}.")
    return PrintResult(len(labels), len(data), 0, NO_PROOF,
                       f"{len(labels)} labels sent; the printer does not confirm printing on {config.url}: check its "
                       "output.")


def _ask_before(link: Transport, config: PrinterConfig, size: LabelSize) -> str:
    """Ask the printer's status before a job (once: never between pages) and refuse to send into a fault.

    Returns how the job will be proven. A plain file is written, not printed. A device or serial line must
    answer (silence there is a printer switched off or a cable out: nothing is sent); on the network an older
    Brother or a printer without host status may not answer, and its labels go out without proof."""
    if isinstance(link, FileTransport) and not link.can_read:
        return WRITTEN if link.is_plain_file else NO_PROOF
    if not link.can_read:
        return NO_PROOF
    network = isinstance(link, TcpTransport)
    if config.language == QL:
        state = _ql_status(link, config, required=not network)
        if state is None:
            return NO_PROOF
        ql.raise_for_status(state, size, url=config.url)
        return PAGES
    zstate = _zpl_status(link, config, required=not network)
    if zstate is None:
        return NO_PROOF
    zpl.raise_for_status(zstate, url=config.url)
    return HOST_STATUS


def printer_status(config: PrinterConfig) -> PrinterState:
    """Ask the printer how it is. Raises StatusNotAvailable where it cannot tell (a printer that does not answer
    on the network, a file)."""
    with open_transport(config.url, connect_timeout=config.connect_timeout, send_timeout=config.send_timeout,
                        baudrate=config.baudrate) as link:
        if not link.can_read:
            raise StatusNotAvailable(_no_status_reason(link), url=config.url)
        network = isinstance(link, TcpTransport)
        if config.language == QL:
            state = _ql_status(link, config, required=not network)
            if state is None:
                raise StatusNotAvailable(_no_status_reason(link), url=config.url)
            try:
                ql.raise_for_status(state, url=config.url)
            except PrinterError as exc:
                return PrinterState(False, exc.message, state)
            return PrinterState(True, f"Ready, {state.media} loaded.", state)
        zstate = _zpl_status(link, config, required=not network)
        if zstate is None:
            raise StatusNotAvailable(_no_status_reason(link), url=config.url)
        try:
            zpl.raise_for_status(zstate, url=config.url)
        except PrinterError as exc:
            return PrinterState(False, exc.message, zstate)
        return PrinterState(True, "Ready.", zstate)


def _no_status_reason(link: Transport) -> str:
    if isinstance(link, TcpTransport):
        return ("The printer on the network does not answer status requests: the app only knows the labels were "
                "sent. Look at the printer's light or display.")
    if isinstance(link, FileTransport):
        return f"{link.url} is a file or a device that never answers: there is no printer state to show."
    return f"The printer on {link.url} does not answer status requests."


def _drain(link: Transport) -> None:
    # Replies left over from an earlier job would be taken for the answer to this request.
    while link.read(4096, 0.0):
        pass


def _ql_status(link: Transport, config: PrinterConfig, *, required: bool) -> ql.QLStatus | None:
    """The printer's answer to ESC i S; None where it does not answer (and need not)."""
    _drain(link)
    link.send(ql.status_request(config.model))
    reply = link.read_exactly(ql.STATUS_REPLY_SIZE, config.status_timeout)
    if not reply and not link.can_read:
        return None  # a device that turned out never to answer (end of file at once)
    if len(reply) < ql.STATUS_REPLY_SIZE:
        if not reply and not required:
            return None
        raise PrinterTimeout(
            f"The printer at {config.url} did not answer within {config.status_timeout:g} s: check it is switched "
            "on and its cable is in.", url=config.url)
    return ql.parse_status(reply)


def _zpl_status(link: Transport, config: PrinterConfig, *, required: bool) -> zpl.ZPLStatus | None:
    _drain(link)
    link.send(zpl.STATUS_REQUEST)
    reply = _read_zpl_status(link, config.status_timeout)
    if reply.count(b"\x03") < 3:
        if not reply and not required:
            return None
        raise PrinterTimeout(
            f"The printer at {config.url} did not answer a status request within {config.status_timeout:g} s: "
            "check it is switched on and its cable is in.", url=config.url)
    return zpl.parse_host_status(reply)


def _pages_printed(link: Transport, config: PrinterConfig, pages: int, sent: int) -> PrintResult:
    """Brother's printer reports each page: "printing completed" is the proof, "error occurred" stops the job
    (raster command reference, "5. Flow Charts")."""
    printed = 0
    while printed < pages:
        try:
            reply = link.read_exactly(ql.STATUS_REPLY_SIZE, config.page_timeout)
            if len(reply) < ql.STATUS_REPLY_SIZE:
                raise PrinterTimeout(
                    f"The printer stopped reporting after {printed} of {pages} labels: check what came out before "
                    "printing the rest.", url=config.url)
            state = ql.parse_status(reply)
            ql.raise_for_status(state, url=config.url)
        except PrinterError as exc:
            return PrintResult(pages, sent, printed, PAGES, f"{exc.message} ({printed} of {pages} labels printed.)",
                               exc)
        if state.status_type == ql.ERROR_OCCURRED:
            fault = PrinterError("The printer reported an error while printing.", url=config.url)
            return PrintResult(pages, sent, printed, PAGES, f"{fault.message} ({printed} of {pages} labels printed.)",
                               fault)
        if state.status_type == ql.PRINTING_COMPLETED:
            printed += 1
    return PrintResult(pages, sent, printed, PAGES, f"{pages} labels printed.")


#: How often a Zebra is asked whether the job has printed.
ZEBRA_POLL_S = 0.2


def _zebra_done(link: Transport, config: PrinterConfig, labels: list[Label], sent: int) -> PrintResult:
    """Ask ~HS after the job until the printer holds no format and no label of the batch, with no fault: then the
    run has printed. A fault, or no progress for `page_timeout`, leaves the run unproven (a Zebra resumes the
    batch once the fault is cleared, so which labels came out is not known)."""
    total = len(labels)
    deadline = time.monotonic() + config.page_timeout
    last = None
    while True:
        try:
            state = _zpl_status(link, config, required=True)
            zpl.raise_for_status(state, url=config.url)
        except PrinterError as exc:
            return PrintResult(total, sent, 0, HOST_STATUS, exc.message, exc)
        if state.done:
            return PrintResult(total, sent, total, HOST_STATUS, f"{total} labels printed.")
        progress = (state.formats_waiting, state.labels_remaining)
        if progress != last:
            last, deadline = progress, time.monotonic() + config.page_timeout
        elif time.monotonic() > deadline:
            fault = PrinterTimeout(f"The printer stopped printing with {state.labels_remaining} label(s) of the batch "
                                   "left: check it.", url=config.url)
            return PrintResult(total, sent, 0, HOST_STATUS, fault.message, fault)
        time.sleep(ZEBRA_POLL_S)


def _read_zpl_status(link: Transport, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    reply = b""
    while reply.count(b"\x03") < 3 and time.monotonic() < deadline:
        reply += link.read(256, deadline - time.monotonic())
    return reply
