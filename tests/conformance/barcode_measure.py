"""Measuring a printed GS1-128 symbol from the printer's own dots: the narrowest bar or space (the X-dimension
actually printed), the clear space each side, and the bar height."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
import zplkit
import zxingcpp
from PIL import Image


@dataclass
class Printed:
    text: str  # as zxing-cpp reads it, GS1 in bracketed form
    module: int  # narrowest bar or space, in dots
    quiet_left: int
    quiet_right: int
    bar_height: int


def runs(row: np.ndarray) -> list[tuple[bool, int, int]]:
    """(ink, start, length) of each run of equal pixels along a row."""
    edges = np.flatnonzero(np.diff(row.astype(np.int8))) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [len(row)]))
    return [(bool(row[s]), int(s), int(e - s)) for s, e in zip(starts, ends)]


def measure(image: Image.Image, paper: tuple[int, int] | None = None) -> list[Printed]:
    """Every barcode zxing-cpp finds in `image`, measured along a row through its middle. `paper` is the label's
    own left and right edge in the image's columns where the image is wider than the label (a QL raster is as
    wide as the print head); by default the image's edges."""
    ink = np.asarray(image.convert("L")) < 128
    left_edge, right_edge = paper or (0, ink.shape[1])
    out = []
    for found in sorted(zxingcpp.read_barcodes(image.convert("L")), key=lambda r: r.position.top_left.y):
        points = [found.position.top_left, found.position.top_right, found.position.bottom_left,
                  found.position.bottom_right]
        y = sum(p.y for p in points) // 4
        x0, x1 = min(p.x for p in points), max(p.x for p in points)
        row = runs(ink[y])
        bars = [i for i, (is_ink, start, length) in enumerate(row) if is_ink and start + length > x0 and start <= x1]
        first, last = bars[0], bars[-1]
        symbol = row[first:last + 1]
        module = min(length for _, _, length in symbol)
        start_x = row[first][1]
        end_x = row[last][1] + row[last][2]
        column = ink[:, start_x]
        top = bottom = y
        while top > 0 and column[top - 1]:
            top -= 1
        while bottom < len(column) - 1 and column[bottom + 1]:
            bottom += 1
        out.append(Printed(found.text, module, start_x - left_edge, right_edge - end_x, bottom - top + 1))
    return out


def render_zpl(data: bytes, dpi: int) -> list[Image.Image]:
    """Each ^XA..^XZ format as zplkit (an independent ZPL renderer) draws it. zplkit does not know ^PQ (copies),
    so it is taken out: a format is drawn once whatever its copy count."""
    document = zplkit.render(re.sub(rb"\^PQ\d+", b"", data), zplkit.Options(profile="specification", dpi=dpi))
    return [Image.open(io.BytesIO(label.png())) for label in document.labels]
