"""The device-level label: a size and what is printed on it, independent of printer language.

Positions and sizes are in millimetres from the top-left of the printable area, so one label prints the same on
a 300 dpi Brother QL and a 203 dpi Zebra; only barcode module widths are in dots, because a bar must be a whole
number of printer dots wide to scan. An element whose `width_mm` is None spans the printable width with the
same margin on the right as its `x_mm` on the left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

from drivers.printer.errors import LabelError, UnsupportedLabel


class Symbology(str, Enum):
    GS1_128 = "gs1-128"
    CODE128 = "code128"
    GS1_DATAMATRIX = "gs1-datamatrix"

    @property
    def is_gs1(self) -> bool:
        return self is not Symbology.CODE128

    @property
    def is_linear(self) -> bool:
        return self is not Symbology.GS1_DATAMATRIX


class TextSize(Enum):
    """Type sizes by role; the value is the font's em height in mm."""

    SMALL = 2.6
    NORMAL = 3.4
    LARGE = 5.2
    HUGE = 8.0

    @property
    def mm(self) -> float:
        return self.value

    @property
    def line_mm(self) -> float:
        """Room one line takes when stacking lines under each other."""
        return round(self.value * 1.25, 2)


#: The human-readable line under every barcode.
HRT_SIZE = TextSize.SMALL
HRT_GAP_MM = 0.6
#: Below this em height the interpretation line under a barcode stops being readable.
HRT_MIN_MM = 1.8
#: Room left under the last element of an endless label before the cut.
ENDLESS_BOTTOM_MM = 2.0


@dataclass(frozen=True)
class LabelSize:
    """A label stock: `height_mm` None is endless tape (the label is as long as its content)."""

    name: str
    width_mm: float
    height_mm: float | None = None

    @property
    def endless(self) -> bool:
        return self.height_mm is None

    def __str__(self) -> str:
        return f"{self.name} mm endless" if self.endless else f"{self.name} mm"


SIZE_62 = LabelSize("62", 62)
SIZE_62X29 = LabelSize("62x29", 62, 29)
SIZE_62X100 = LabelSize("62x100", 62, 100)
SIZE_102 = LabelSize("102", 102)
SIZE_102X51 = LabelSize("102x51", 102, 51)
SIZE_102X152 = LabelSize("102x152", 102, 152)

KNOWN_SIZES: dict[str, LabelSize] = {
    s.name: s for s in (SIZE_62, SIZE_62X29, SIZE_62X100, SIZE_102, SIZE_102X51, SIZE_102X152)
}


def label_size(name: str) -> LabelSize:
    """A size by its name as the command line and settings spell it: `62`, `62x29`, `102x152`."""
    key = str(name).strip().lower().removesuffix("mm")
    try:
        return KNOWN_SIZES[key]
    except KeyError:
        known = ", ".join(KNOWN_SIZES)
        raise UnsupportedLabel(f"Label size {name!r} is not known; use one of {known}") from None


@dataclass(frozen=True)
class Text:
    x_mm: float
    y_mm: float
    text: str
    size: TextSize = TextSize.NORMAL
    bold: bool = False
    width_mm: float | None = None
    align: str = "left"  # "left", "center", "right" within the box

    @property
    def height_mm(self) -> float:
        return self.size.line_mm


@dataclass(frozen=True)
class Barcode:
    """A barcode with its human-readable line under it.

    `data` is the text for Code 128 and a tuple of (AI, value) pairs for the GS1 symbologies; the renderer adds
    the FNC1 characters. For linear symbols `height_mm` is the bar height and the symbol is centred in its box
    with its quiet zones inside the box; for DataMatrix `width_mm` x `height_mm` is the box the square symbol
    must fit. The module width is `module_dots` if given (shrunk if the box is too narrow), else the widest that
    fits, at most `max_x_mm`; never below `min_module_dots` nor below `min_x_mm` (a spec's minimum X-dimension):
    bars are never made thinner to fit. A linear symbol whose box spans the label (`width_mm` None) may use the
    whole printable width for its bars, its quiet zones reaching into the blank margin the printer cannot print.
    """

    x_mm: float
    y_mm: float
    symbology: Symbology
    data: str | tuple[tuple[str, str], ...]
    height_mm: float
    width_mm: float | None = None
    module_dots: int | None = None
    min_module_dots: int = 2
    min_x_mm: float = 0.0
    max_x_mm: float | None = None
    human_readable: bool = True
    what: str = "barcode"  # how error messages name it: "the SSCC barcode"

    def __post_init__(self):
        if self.symbology.is_gs1:
            if isinstance(self.data, str) or not self.data:
                raise LabelError(f"{self.what}: a GS1 barcode takes (AI, value) pairs")
            for pair in self.data:
                if len(pair) != 2 or not str(pair[0]).isdigit() or not isinstance(pair[1], str):
                    raise LabelError(f"{self.what}: {pair!r} is not an (AI, value) pair of strings")
        elif not isinstance(self.data, str) or not self.data:
            raise LabelError(f"{self.what}: a Code 128 barcode takes text")
        if self.min_module_dots < 1:
            raise LabelError(f"{self.what}: bars must be at least one dot wide")

    @property
    def total_height_mm(self) -> float:
        """Bars plus the interpretation line: what a builder stacking elements must leave room for."""
        if not self.human_readable:
            return self.height_mm
        return self.height_mm + HRT_GAP_MM + HRT_SIZE.line_mm


@dataclass(frozen=True)
class Box:
    """A frame (`thickness_mm` wide lines) or, with `filled`, a solid bar; a thin box is a rule."""

    x_mm: float
    y_mm: float
    height_mm: float
    width_mm: float | None = None
    thickness_mm: float = 0.3
    filled: bool = False


Element = Text | Barcode | Box


@dataclass(frozen=True)
class Label:
    size: LabelSize
    elements: tuple[Element, ...]
    name: str = "label"  # for messages: "pallet label 2 of 3"

    def __post_init__(self):
        object.__setattr__(self, "elements", tuple(self.elements))


@dataclass(frozen=True)
class Canvas:
    """The dots a printer prints a label size into; `height` None for endless tape."""

    width: int
    height: int | None
    dpi: int
    size: LabelSize = field(compare=False, default=SIZE_62)
    #: The label's own width in dots where the printer cannot print to its edges (a QL prints 1164 of the
    #: 1200 dots a 102 mm label is wide): a barcode's quiet zone may run into that blank margin, its bars may not.
    label_width: int | None = field(compare=False, default=None)

    @property
    def paper_width(self) -> int:
        return max(self.width, self.label_width or 0)

    @property
    def dpmm(self) -> float:
        return self.dpi / 25.4

    def dots(self, mm: float) -> int:
        return int(round(mm * self.dpmm))

    def dots_up(self, mm: float) -> int:
        """Dots for a minimum: never rounds below the millimetres asked for."""
        return math.ceil(mm * self.dpmm - 1e-9)

    def mm(self, dots: int) -> float:
        return dots / self.dpmm
