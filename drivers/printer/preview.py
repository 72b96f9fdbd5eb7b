"""A rendered label as half-block characters for a terminal: each cell shows two stacked pixels.

The image is shrunk to fit `columns` x `rows` cells keeping its proportions (a cell is about twice as tall as
wide, which two pixels per cell makes square). Ink is any pixel that is at least `ink_share` dark after the
shrink, so thin text strokes survive as dots instead of vanishing.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

_CELLS = {(False, False): " ", (True, False): "\u2580", (False, True): "\u2584", (True, True): "\u2588"}


def preview_size(image_size: tuple[int, int], columns: int, rows: int) -> tuple[int, int]:
    """The pixel grid (width, height) a label shrinks to; height is even, two pixels per cell."""
    width, height = image_size
    if columns < 1 or rows < 1 or width < 1 or height < 1:
        return 0, 0
    scale = min(columns / width, (2 * rows) / height)
    w = max(1, min(columns, round(width * scale)))
    h = max(2, min(2 * rows, round(height * scale)))
    return w, h + (h % 2)


def half_blocks(image: Image.Image, columns: int, rows: int, ink_share: float = 0.25) -> list[str]:
    """Lines of ▀▄█ and spaces; ink is drawn as the foreground colour (style the widget black on white)."""
    w, h = preview_size(image.size, columns, rows)
    if not w:
        return []
    grey = image.convert("L").resize((w, h), Image.Resampling.BOX)
    ink = np.asarray(grey) < int(255 * (1 - ink_share))
    top, bottom = ink[0::2], ink[1::2]
    return ["".join(_CELLS[(bool(t), bool(b))] for t, b in zip(trow, brow)) for trow, brow in zip(top, bottom)]
