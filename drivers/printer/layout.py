"""Place a label's elements in printer dots and check that everything fits, once for every printer language.

The raster renderer and the ZPL writer both draw from the same `Layout`, so a label that does not fit is
refused in the same words whichever printer it is going to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageFont

from drivers.printer.barcode import Symbol, encode
from drivers.printer.errors import LabelDoesNotFit
from drivers.printer.model import (
    ENDLESS_BOTTOM_MM,
    HRT_GAP_MM,
    HRT_MIN_MM,
    HRT_SIZE,
    KNOWN_SIZES,
    Barcode,
    Box,
    Canvas,
    Label,
    Text,
    TextSize,
)

ELLIPSIS = "..."


@dataclass(frozen=True)
class PlacedText:
    x: int  # left of the text as drawn (alignment already applied)
    y: int  # top of the line
    px: int  # font em height in dots
    text: str
    bold: bool
    box_x: int
    box_width: int
    align: str


@dataclass(frozen=True, eq=False)
class PlacedBarcode:
    x: int  # left edge of the first module (quiet zone not included)
    y: int
    module: int  # dots per module
    bar_height: int  # dots; for DataMatrix the symbol's height
    symbol: Symbol
    data: object

    @property
    def width(self) -> int:
        return self.symbol.columns * self.module

    @property
    def height(self) -> int:
        return self.bar_height


@dataclass(frozen=True)
class PlacedBox:
    x: int
    y: int
    width: int
    height: int
    thickness: int
    filled: bool


Placed = PlacedText | PlacedBarcode | PlacedBox


@dataclass(frozen=True, eq=False)
class Layout:
    canvas: Canvas
    width: int
    height: int
    items: tuple[Placed, ...]


@lru_cache(maxsize=64)
def font(px: int) -> ImageFont.FreeTypeFont:
    """Pillow's bundled scalable font: present on every install, so labels look the same on every terminal."""
    return ImageFont.load_default(size=px)  # type: ignore[return-value]


def stroke(px: int, bold: bool) -> int:
    return max(1, px // 22) if bold else 0


def text_width(text: str, px: int, bold: bool = False) -> int:
    return int(round(font(px).getlength(text))) + 2 * stroke(px, bold)


def layout(label: Label, canvas: Canvas) -> Layout:
    items: list[Placed] = []
    for element in label.elements:
        if isinstance(element, Text):
            items.append(_place_text(element, canvas, label))
        elif isinstance(element, Barcode):
            items.extend(_place_barcode(element, canvas, label))
        elif isinstance(element, Box):
            items.append(_place_box(element, canvas, label))
        else:
            raise TypeError(f"not a label element: {element!r}")
    bottom = max((_bottom(i) for i in items), default=0)
    if canvas.height is None:
        height = bottom + canvas.dots(ENDLESS_BOTTOM_MM)
    else:
        height = canvas.height
        if bottom > height:
            over = canvas.mm(bottom - height)
            raise LabelDoesNotFit(
                f"The {label.name} does not fit on {label.size}: its content runs {over:.1f} mm past the "
                "bottom. Use a longer label or the endless roll."
            )
    for item in items:
        if _right(item) > canvas.width or min(item.x, item.y) < 0:
            raise LabelDoesNotFit(
                f"The {label.name} does not fit on {label.size}: {_describe(item)} is placed outside the printable "
                f"{canvas.mm(canvas.width):.0f} mm width."
            )
    return Layout(canvas, canvas.width, height, tuple(items))


def _box(x_mm: float, width_mm: float | None, canvas: Canvas) -> tuple[int, int]:
    x = canvas.dots(x_mm)
    width = canvas.width - 2 * x if width_mm is None else canvas.dots(width_mm)
    return x, width


def _bottom(item: Placed) -> int:
    if isinstance(item, PlacedText):
        return item.y + int(round(item.px * 1.2))
    return item.y + item.height


def _describe(item: Placed) -> str:
    if isinstance(item, PlacedText):
        return f"the text {item.text!r}"
    if isinstance(item, PlacedBarcode):
        return f"the barcode {item.symbol.hrt}"
    return "a line or box"


def _right(item: Placed) -> int:
    if isinstance(item, PlacedText):
        return item.box_x + item.box_width
    return item.x + item.width


def fit_text(text: str, px: int, min_px: int, width: int, bold: bool) -> tuple[str, int]:
    """Shrink towards `min_px` until the text fits, then cut it: a long description must not push other text."""
    while text_width(text, px, bold) > width and px > min_px:
        px = max(min_px, int(px * 0.92))
    if text_width(text, px, bold) <= width:
        return text, px
    cut = text
    while cut and text_width(cut + ELLIPSIS, px, bold) > width:
        cut = cut[:-1]
    return (cut.rstrip() + ELLIPSIS if cut else ""), px


def _aligned_x(box_x: int, box_width: int, used: int, align: str) -> int:
    if align == "center":
        return box_x + (box_width - used) // 2
    if align == "right":
        return box_x + box_width - used
    return box_x


def _place_text(t: Text, canvas: Canvas, label: Label) -> PlacedText:
    x, width = _box(t.x_mm, t.width_mm, canvas)
    px = canvas.dots(t.size.mm)
    min_px = canvas.dots(min(t.size.mm, TextSize.SMALL.mm))
    text, px = fit_text(t.text, px, min_px, width, t.bold)
    used = text_width(text, px, t.bold)
    return PlacedText(_aligned_x(x, width, used, t.align), canvas.dots(t.y_mm), px, text, t.bold, x, width, t.align)


def _place_box(b: Box, canvas: Canvas, label: Label) -> PlacedBox:
    x, width = _box(b.x_mm, b.width_mm, canvas)
    height = max(1, canvas.dots(b.height_mm))
    thickness = max(1, canvas.dots(b.thickness_mm))
    return PlacedBox(x, canvas.dots(b.y_mm), width, height, min(thickness, height, width), b.filled)


def _suggest(needed_mm: float, current: Label) -> str:
    bigger = [s for s in KNOWN_SIZES.values() if s.width_mm >= needed_mm and s.width_mm > current.size.width_mm]
    if not bigger:
        return "No label size this app knows is wide enough: shorten the data."
    best = min(bigger, key=lambda s: (s.width_mm, s.height_mm or 0))
    return f"Use a {best.name} mm label" + (" (QL-1xxx or a 4-inch printer)." if best.width_mm >= 100 else ".")


def _place_barcode(b: Barcode, canvas: Canvas, label: Label) -> list[Placed]:
    symbol = encode(b.symbology, b.data, b.what)
    x, box_width = _box(b.x_mm, b.width_mm, canvas)
    y = canvas.dots(b.y_mm)
    floor = max(b.min_module_dots, canvas.dots_up(b.min_x_mm))
    span_cols = symbol.columns + 2 * symbol.quiet
    if b.symbology.is_linear:
        if b.width_mm is None:
            # Bars anywhere on the printable width, quiet zones out to the label's edges (GS1 General
            # Specifications 5.4.4.2: clear space of 10X each side, printed on or not).
            fit = min(canvas.width // symbol.columns, canvas.paper_width // span_cols)
            bars_left, bars_room = 0, canvas.width
        else:
            fit = box_width // span_cols
            bars_left, bars_room = x, box_width
    else:
        span_rows = symbol.rows + 2 * symbol.quiet
        fit = min(box_width // span_cols, canvas.dots(b.height_mm) // span_rows)
        bars_left, bars_room = x, box_width
    if b.max_x_mm is not None:
        fit = min(fit, max(floor, int(b.max_x_mm * canvas.dpmm)))
    module = min(b.module_dots or fit, fit)
    if module < floor:
        needed_mm = canvas.mm(floor * span_cols)
        bar_mm = canvas.mm(floor)
        room = canvas.paper_width if b.symbology.is_linear and b.width_mm is None else box_width
        raise LabelDoesNotFit(
            f"The {label.name} does not fit on {label.size}: {b.what} needs bars at least {bar_mm:.2f} mm "
            f"({floor} dots) wide, which makes it {needed_mm:.0f} mm wide with its quiet zones, and the label "
            f"has {canvas.mm(room):.0f} mm. {_suggest(needed_mm, label)}"
        )
    width = symbol.columns * module
    left = bars_left + (bars_room - width) // 2
    if b.symbology.is_linear:
        bar_height = canvas.dots(b.height_mm)
    else:
        bar_height = symbol.rows * module
    placed: list[Placed] = [PlacedBarcode(left, y, module, bar_height, symbol, b.data)]
    if b.human_readable:
        ty = y + bar_height + canvas.dots(HRT_GAP_MM)
        for line, px in _hrt_lines(b, symbol, canvas, box_width, label):
            used = text_width(line, px)
            placed.append(PlacedText(_aligned_x(x, box_width, used, "center"), ty, px, line, False, x, box_width, "center"))
            ty += int(round(px * 1.2))
    return placed


def _hrt_lines(b: Barcode, symbol: Symbol, canvas: Canvas, width: int, label: Label) -> list[tuple[str, int]]:
    """The interpretation line, shrunk to fit, else broken between AIs: it must never lose a character."""
    px, min_px = canvas.dots(HRT_SIZE.mm), canvas.dots(HRT_MIN_MM)
    text, size = fit_text(symbol.hrt, px, min_px, width, False)
    if text == symbol.hrt:
        return [(text, size)]
    if b.symbology.is_gs1:
        lines: list[str] = []
        for ai, value in b.data:  # type: ignore[misc]
            part = f"({ai}){value}"
            if lines and text_width(lines[-1] + part, min_px) <= width:
                lines[-1] += part
            else:
                lines.append(part)
        if all(text_width(line, min_px) <= width for line in lines):
            return [(line, min_px) for line in lines]
    raise LabelDoesNotFit(
        f"The {label.name} does not fit on {label.size}: the text under {b.what} ({symbol.hrt}) does "
        f"not fit its width. {_suggest(canvas.mm(width) * 1.4, label)}"
    )
