"""Lines of a label laid out top to bottom, so builders say what goes on a label rather than where."""

from __future__ import annotations

import datetime as dt

from core.gs1 import keys as gs1
from core.labels.job import LabelContentError
from core.qty import fmt_short
from drivers.printer.model import Barcode, Box, Label, LabelSize, Symbology, Text, TextSize

#: Printers cannot print the last millimetre or two at each edge (a QL prints 58.9 of 62 mm); keep clear.
EDGE_MARGIN_MM = 1.8


def usable_width(size: LabelSize) -> float:
    return size.width_mm - 2 * EDGE_MARGIN_MM - 3.2


def qty_text(qty: int, uom: str) -> str:
    return f"{fmt_short(qty)} {uom}".strip()


def date_text(day: dt.date) -> str:
    return day.isoformat()


class Stack:
    def __init__(self, size: LabelSize, *, top: float = 1.5, x: float = EDGE_MARGIN_MM):
        self.size = size
        self.x = x
        self.y = top
        self.elements: list = []

    def text(self, text: str, size: TextSize = TextSize.NORMAL, bold: bool = False, *,
             right: str | None = None, right_size: TextSize | None = None, right_bold: bool = True,
             split: float = 0.6) -> Stack:
        """One line; with `right`, a second text right-aligned on the same line and the left one narrowed."""
        if right is None:
            self.elements.append(Text(self.x, self.y, text, size, bold))
            self.y += size.line_mm
            return self
        rsize = right_size or size
        total = usable_width(self.size)
        left_w = round(total * split, 1)
        self.elements.append(Text(self.x, self.y, text, size, bold, width_mm=left_w))
        self.elements.append(Text(self.x + left_w + 1, self.y, right, rsize, right_bold,
                                  width_mm=round(total - left_w - 1, 1), align="right"))
        self.y += max(size.line_mm, rsize.line_mm)
        return self

    def barcode(self, symbology: Symbology, data, height_mm: float, **options) -> Stack:
        code = Barcode(self.x, self.y, symbology, data, height_mm, **options)
        self.elements.append(code)
        self.y += code.total_height_mm
        return self

    def rule(self, gap_mm: float = 1.0, thickness_mm: float = 0.4) -> Stack:
        self.y += gap_mm / 2
        self.elements.append(Box(self.x, self.y, thickness_mm, thickness_mm=thickness_mm, filled=True))
        self.y += thickness_mm + gap_mm / 2
        return self

    def gap(self, mm: float) -> Stack:
        self.y += mm
        return self

    def at(self, y_mm: float) -> Stack:
        self.y = y_mm
        return self

    def label(self, name: str) -> Label:
        """The label, once GS1's pairing rules hold over all its barcodes together (core.gs1.keys.check_label)."""
        try:
            gs1.check_label(e.data for e in self.elements if isinstance(e, Barcode) and e.symbology.is_gs1)
        except gs1.GS1Error as exc:
            raise LabelContentError(f"{name}: {exc}") from None
        return Label(self.size, tuple(self.elements), name)
