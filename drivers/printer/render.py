"""Labels as 1-bit images at the printer's own dots (white 1, ink 0), ready for a raster printer or a preview."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from drivers.printer import barcode
from drivers.printer.layout import (
    Layout,
    PlacedBarcode,
    PlacedBox,
    PlacedText,
    font,
    layout,
    stroke,
)
from drivers.printer.model import Canvas, Label

INK = 0
PAPER = 1


def render(label: Label, canvas: Canvas) -> Image.Image:
    return render_layout(layout(label, canvas))


def render_layout(lay: Layout) -> Image.Image:
    image = Image.new("1", (lay.width, lay.height), PAPER)
    draw = ImageDraw.Draw(image)
    for item in lay.items:
        if isinstance(item, PlacedBarcode):
            _barcode(image, item)
        elif isinstance(item, PlacedText):
            mask, dx, dy = _text_mask(item.text, item.px, item.bold)
            if mask is not None:
                image.paste(INK, (item.x + dx, item.y + dy), mask)
        elif isinstance(item, PlacedBox):
            _box(draw, item)
    return image


@lru_cache(maxsize=4096)
def _text_mask(text: str, px: int, bold: bool) -> tuple[Image.Image | None, int, int]:
    """The text's ink as a paste mask, cached: a job's labels repeat the same item, lot and job lines, and
    drawing glyphs is most of the time a label takes to render."""
    width = stroke(px, bold)
    left, top, right, bottom = font(px).getbbox(text, anchor="la", stroke_width=width)
    if right <= left or bottom <= top:
        return None, 0, 0
    mask = Image.new("1", (right - left, bottom - top), 0)
    draw = ImageDraw.Draw(mask)
    # No anti-aliasing: a grey edge pixel would turn into a random dot on a thermal head.
    draw.fontmode = "1"
    draw.text((-left, -top), text, fill=1, font=font(px), anchor="la", stroke_width=width, stroke_fill=1)
    return mask, left, top


def clear_caches() -> None:
    """Forget cached glyphs and encoded barcodes (a benchmark's cold start; memory is bounded anyway)."""
    _text_mask.cache_clear()
    barcode.clear_cache()


def _barcode(image: Image.Image, item: PlacedBarcode) -> None:
    modules = item.symbol.modules
    if item.symbol.symbology.is_linear:
        bars = np.repeat(modules[:1], item.module, axis=1)
        ink = np.broadcast_to(bars, (item.bar_height, bars.shape[1]))
    else:
        ink = np.repeat(np.repeat(modules, item.module, axis=0), item.module, axis=1)
    patch = Image.fromarray(np.ascontiguousarray(~ink))
    image.paste(patch, (item.x, item.y))


def _box(draw: ImageDraw.ImageDraw, box: PlacedBox) -> None:
    x1, y1 = box.x + box.width - 1, box.y + box.height - 1
    if box.filled:
        draw.rectangle((box.x, box.y, x1, y1), fill=INK)
    else:
        draw.rectangle((box.x, box.y, x1, y1), outline=INK, width=box.thickness)
