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
from drivers.printer.preview import half_blocks
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
    labels: int
    bytes_sent: int
    #: Pages the printer confirmed printed, or None where it cannot tell (network QL, ZPL, a file).
    confirmed: int | None
    message: str


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


def preview_lines(label: Label, config: PrinterConfig, columns: int, rows: int) -> list[str]:
    return half_blocks(render_for(label, config), columns, rows)


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
    labels = list(labels)
    if not labels:
        return PrintResult(0, 0, 0, "Nothing to print.")
    sizes = {label.size for label in labels}
    if len(sizes) > 1:
        names = ", ".join(sorted(s.name for s in sizes))
        raise WrongMedia(f"This print mixes label sizes ({names}); a printer holds one roll. Print them separately.",
                         url=config.url)
    data = prepare(labels, config)
    with open_transport(config.url, connect_timeout=config.connect_timeout, send_timeout=config.send_timeout,
                        baudrate=config.baudrate) as link:
        talks_back = config.language == QL and _ql_answers(link)
        if talks_back:
            state = _ql_status(link, config)
            if state is None:
                talks_back = False
            else:
                ql.raise_for_status(state, labels[0].size, url=config.url)
        link.send(data)
        if talks_back and config.wait_printed:
            _wait_printed(link, config, len(labels))
            return PrintResult(len(labels), len(data), len(labels), f"{len(labels)} labels printed.")
    where = "the network" if isinstance(link, TcpTransport) else ("a file" if isinstance(link, FileTransport) else "the port")
    return PrintResult(len(labels), len(data), None,
                       f"{len(labels)} labels sent to {where}; the printer does not confirm printing from there.")


def printer_status(config: PrinterConfig) -> PrinterState:
    """Ask the printer how it is. Raises StatusNotAvailable where it cannot tell (a QL on tcp://, a file)."""
    with open_transport(config.url, connect_timeout=config.connect_timeout, send_timeout=config.send_timeout,
                        baudrate=config.baudrate) as link:
        if config.language == QL:
            if not _ql_answers(link):
                raise StatusNotAvailable(_no_status_reason(link), url=config.url)
            state = _ql_status(link, config)
            if state is None:
                raise StatusNotAvailable(_no_status_reason(link), url=config.url)
            try:
                ql.raise_for_status(state, url=config.url)
            except PrinterError as exc:
                return PrinterState(False, exc.message, state)
            return PrinterState(True, f"Ready, {state.media} loaded.", state)
        if not link.can_read:
            raise StatusNotAvailable(_no_status_reason(link), url=config.url)
        link.send(zpl.STATUS_REQUEST)
        reply = _read_zpl_status(link, config.status_timeout)
        if reply.count(b"\x03") < 2:
            raise PrinterTimeout(
                "The printer did not answer a status request. A Zebra stays silent when it is out of labels or "
                "ribbon or its head is open: check the printer.", url=config.url)
        zstate = zpl.parse_host_status(reply)
        try:
            zpl.raise_for_status(zstate, url=config.url)
        except PrinterError as exc:
            return PrinterState(False, exc.message, zstate)
        return PrinterState(True, "Ready.", zstate)


def _ql_answers(link: Transport) -> bool:
    # Brother's raw network port takes jobs but never answers on it; status over the network needs SNMP.
    return link.can_read and not isinstance(link, TcpTransport)


def _no_status_reason(link: Transport) -> str:
    if isinstance(link, TcpTransport):
        return ("A Brother QL on the network does not report its state: the app only knows the labels were "
                "sent. Look at the printer's light or display.")
    if isinstance(link, FileTransport):
        return f"{link.url} is a file or a device that never answers: there is no printer state to show."
    return f"The printer on {link.url} does not answer status requests."


def _ql_status(link: Transport, config: PrinterConfig) -> ql.QLStatus | None:
    """The printer's answer; None if the device turned out to be one that never answers (end of file)."""
    # Replies left over from an earlier job would be taken for the answer to this request.
    while link.read(4096, 0.0):
        pass
    link.send(ql.status_request(config.model))
    reply = link.read_exactly(ql.STATUS_REPLY_SIZE, config.status_timeout)
    if not reply and not link.can_read:
        return None
    if len(reply) < ql.STATUS_REPLY_SIZE:
        raise PrinterTimeout(
            f"The printer at {config.url} did not answer within {config.status_timeout:g} s: check it is switched "
            "on and its cable is in.", url=config.url)
    return ql.parse_status(reply)


def _wait_printed(link: Transport, config: PrinterConfig, pages: int) -> None:
    printed = 0
    while printed < pages:
        reply = link.read_exactly(ql.STATUS_REPLY_SIZE, config.page_timeout)
        if len(reply) < ql.STATUS_REPLY_SIZE:
            raise PrinterTimeout(
                f"The printer stopped reporting after {printed} of {pages} labels: check it before printing the "
                "rest.", url=config.url)
        state = ql.parse_status(reply)
        try:
            ql.raise_for_status(state, url=config.url)
        except PrinterError as exc:
            exc.message = f"{exc.message} ({printed} of {pages} labels printed.)"
            exc.args = (exc.message,)
            raise
        if state.status_type == "Printing completed":
            printed += 1


def _read_zpl_status(link: Transport, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    reply = b""
    while reply.count(b"\x03") < 3 and time.monotonic() < deadline:
        reply += link.read(256, deadline - time.monotonic())
    return reply
