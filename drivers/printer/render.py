"""Labels as 1-bit images at the printer's own dots (white 1, ink 0), ready for a raster printer or a preview."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from drivers.printer.layout import Layout, PlacedBarcode, PlacedBox, PlacedText, font, layout, stroke
from drivers.printer.model import Canvas, Label

INK = 0
PAPER = 1


def render(label: Label, canvas: Canvas) -> Image.Image:
    return render_layout(layout(label, canvas))


def render_layout(lay: Layout) -> Image.Image:
    image = Image.new("1", (lay.width, lay.height), PAPER)
    draw = ImageDraw.Draw(image)
    # No anti-aliasing: a grey edge pixel would turn into a random dot on a thermal head.
    draw.fontmode = "1"
    for item in lay.items:
        if isinstance(item, PlacedBarcode):
            _barcode(image, item)
        elif isinstance(item, PlacedText):
            draw.text(
                (item.x, item.y), item.text, fill=INK, font=font(item.px), anchor="la",
                stroke_width=stroke(item.px, item.bold), stroke_fill=INK,
            )
        elif isinstance(item, PlacedBox):
            _box(draw, item)
    return image


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
