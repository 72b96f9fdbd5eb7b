"""ZPL II from the same label model: one ^XA...^XZ format per label, byte-for-byte deterministic.

The printer encodes the barcodes itself, so GS1-128 data is written with Zebra's explicit Code 128 invocation
codes (>; start C, >: start B, >5 to C, >6 to B, >8 FNC1) rather than left to the printer's automatic mode,
which could put a GS byte where GS1 needs FNC1. Interpretation lines are our own text fields, the same as on
the raster labels, since a Zebra's own line under a GS1 barcode does not show the AIs in brackets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from drivers.printer.barcode import needs_fnc1_after
from drivers.printer.errors import LabelError, OutOfPaper, PrinterError, PrinterNotReady, WrongMedia
from drivers.printer.layout import (
    Layout,
    PlacedBarcode,
    PlacedBox,
    PlacedText,
    layout,
    stroke,
)
from drivers.printer.model import Canvas, Label, LabelSize, Symbology

DPIS = (203, 300)
STATUS_REQUEST = b"~HS"


def canvas(size: LabelSize, dpi: int = 203) -> Canvas:
    if dpi not in DPIS:
        raise LabelError(f"ZPL printers here print at {' or '.join(map(str, DPIS))} dpi, not {dpi}")
    dpmm = dpi / 25.4
    height = None if size.height_mm is None else math.floor(size.height_mm * dpmm)
    return Canvas(math.floor(size.width_mm * dpmm), height, dpi, size)


def zpl(label: Label, dpi: int = 203, copies: int = 1) -> str:
    return zpl_layout(layout(label, canvas(label.size, dpi)), copies)


def zpl_bytes(labels, dpi: int = 203) -> bytes:
    return "".join(zpl(label, dpi) for label in labels).encode("utf-8")


def zpl_layout(lay: Layout, copies: int = 1) -> str:
    lines = ["^XA", "^CI28", f"^PW{lay.width}", f"^LL{lay.height}", "^LH0,0"]
    for item in lay.items:
        if isinstance(item, PlacedText):
            lines.extend(_text(item))
        elif isinstance(item, PlacedBarcode):
            lines.append(_barcode(item))
        elif isinstance(item, PlacedBox):
            lines.append(_box(item))
    lines.append(f"^PQ{int(copies)}")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def _field_text(text: str) -> str:
    # With ^FH, '_' starts a hex escape; '^' and '~' would start a command inside ^FD.
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


_ALIGN = {"left": "L", "center": "C", "right": "R"}


def _text(t: PlacedText) -> list[str]:
    # ^FB keeps the text inside its box and lets the printer centre it with its own font's widths.
    offsets = [0, stroke(t.px, True)] if t.bold else [0]
    return [
        f"^FO{t.box_x + dx},{t.y}^A0N,{t.px},{t.px}^FB{t.box_width},1,0,{_ALIGN[t.align]},0^FH_^FD{_field_text(t.text)}^FS"
        for dx in offsets
    ]


def _box(b: PlacedBox) -> str:
    thickness = min(b.width, b.height) if b.filled else b.thickness
    return f"^FO{b.x},{b.y}^GB{b.width},{b.height},{thickness},B,0^FS"


def _barcode(b: PlacedBarcode) -> str:
    symbology = b.symbol.symbology
    if symbology is Symbology.GS1_DATAMATRIX:
        return f"^FO{b.x},{b.y}^BXN,{b.module},200,{b.symbol.columns},{b.symbol.rows},,_^FD{datamatrix_field(b.data)}^FS"
    if symbology is Symbology.GS1_128:
        field = code128_field(gs1_segments(b.data), gs1=True)
    else:
        field = code128_field([b.data], gs1=False)  # type: ignore[list-item]
    return f"^FO{b.x},{b.y}^BY{b.module},3,{b.bar_height}^BCN,{b.bar_height},N,N,N,N^FD{field}^FS"


def gs1_segments(pairs) -> list[str]:
    """The element string cut where an FNC1 separator goes."""
    segments, current = [], ""
    for i, (ai, value) in enumerate(pairs):
        current += ai + value
        if needs_fnc1_after(ai, i, len(pairs)):
            segments.append(current)
            current = ""
    if current:
        segments.append(current)
    return segments


def datamatrix_field(pairs) -> str:
    out = ["_1"]
    for i, (ai, value) in enumerate(pairs):
        out.append(ai + value.replace("_", "__"))
        if needs_fnc1_after(ai, i, len(pairs)):
            out.append("_1")
    return "".join(out)


def _digit_run(text: str, i: int) -> int:
    j = i
    while j < len(text) and text[j].isdigit():
        j += 1
    return j - i


def code128_field(segments: list[str], gs1: bool) -> str:
    """Zebra ^BC field data: subset C for runs of four or more digits, B for the rest, FNC1 between segments."""
    for segment in segments:
        for c in segment:
            if not 32 <= ord(c) < 127 or c in "^~":
                raise LabelError(f"{c!r} cannot go into a Code 128 barcode on a ZPL printer")
    first = segments[0]
    lead = _digit_run(first, 0)
    mode = "C" if lead >= 4 or (lead >= 2 and lead == len(first) and lead % 2 == 0) else "B"
    out = [">;" if mode == "C" else ">:"]
    if gs1:
        out.append(">8")
    for n, segment in enumerate(segments):
        if n:
            out.append(">8")
        i = 0
        while i < len(segment):
            run = _digit_run(segment, i)
            if mode == "C":
                if run >= 2:
                    pairs = run // 2 * 2
                    out.append(segment[i:i + pairs])
                    i += pairs
                    continue
                out.append(">6")
                mode = "B"
                continue
            if run >= 4:
                if run % 2:
                    out.append(segment[i])
                    i += 1
                out.append(">5")
                mode = "C"
                continue
            out.append("><" if segment[i] == ">" else segment[i])
            i += 1
    return "".join(out)


# --- status ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZPLStatus:
    """Zebra's ZPL II Programming Guide, ~HS "Host Status Return": string 1 is aaa,b,c,dddd,eee,f,g,h,iii,j,k,l
    (b paper out, c pause, dddd label length in dots, eee formats in the receive buffer, f buffer full); string 2
    is mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www (o head up, p ribbon out, uuuuuuuu labels remaining in the batch)."""

    paper_out: bool
    paused: bool
    head_open: bool
    ribbon_out: bool
    label_length_dots: int
    formats_waiting: int
    labels_remaining: int = 0
    buffer_full: bool = False

    @property
    def done(self) -> bool:
        """Everything sent has been printed: no format waiting and no label left in the batch."""
        return self.formats_waiting == 0 and self.labels_remaining == 0


def parse_host_status(reply: bytes) -> ZPLStatus:
    """The three STX...ETX strings a Zebra sends back for ~HS."""
    strings = [part.split(b"\x03", 1)[0].decode("ascii", "replace") for part in reply.split(b"\x02")[1:]]
    if len(strings) < 2:
        raise PrinterError("The printer's status answer is incomplete; is it a ZPL printer?")
    one, two = strings[0].split(","), strings[1].split(",")
    if len(one) < 6 or len(two) < 9:
        raise PrinterError("The printer's status answer is not a ZPL host status.")
    flag = lambda v: v.strip() == "1"  # noqa: E731
    try:
        return ZPLStatus(
            paper_out=flag(one[1]), paused=flag(one[2]), head_open=flag(two[2]), ribbon_out=flag(two[3]),
            label_length_dots=int(one[3] or 0), formats_waiting=int(one[4] or 0), buffer_full=flag(one[5]),
            labels_remaining=int(two[8] or 0),
        )
    except ValueError:
        raise PrinterError("The printer's status answer is not a ZPL host status.") from None


def raise_for_status(status: ZPLStatus, url: str | None = None) -> None:
    """The fault an operator can fix, in floor words; silent when the printer can print."""
    if status.paper_out:
        raise OutOfPaper("The printer is out of labels: load a new roll and press feed.", url=url)
    if status.ribbon_out:
        raise WrongMedia("The printer is out of ribbon: load a new ribbon.", url=url)
    if status.head_open:
        raise PrinterNotReady("The printer head is up: close it and print again.", url=url)
    if status.paused:
        raise PrinterNotReady("The printer is paused (a jam or an error stops it too): clear it and press pause on "
                              "the printer to continue.", url=url)
