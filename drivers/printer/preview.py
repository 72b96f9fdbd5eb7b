"""A label a person can check in a terminal: its text laid out as on the label, and each barcode as a row of bars
with its human-readable line under it, as the label prints it.

A terminal cell is far coarser than a printer dot, so shrinking the printed image loses the type and the bars
alike. Instead the label's own layout is read: every line of text is placed in the row and at the side it has on
the label (left, centred or right), a rule is a row of dashes, a linear barcode a row of bars sampled from its
modules, and a 2D code a small block. Nothing depends on colour: a monochrome thin client shows the same.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from drivers.printer.layout import Layout, PlacedBarcode, PlacedBox, PlacedText

BAR, HALF, RIGHT_HALF, SPACE, RULE, ELLIPSIS = "\u2588", "\u258c", "\u2590", " ", "\u2500", "\u2026"


def text_preview(lay: Layout, columns: int) -> list[str]:
    """Lines of at most `columns` characters, top of the label first."""
    if columns < 8:
        return []
    scale = columns / lay.width
    rows: list[tuple[int, list]] = []  # (top in dots, items on that row)
    for item in sorted(lay.items, key=lambda i: (i.y, i.x)):
        if isinstance(item, PlacedText):
            height = max(1, item.px)
            same = next((r for r in rows if isinstance(r[1][0], PlacedText) and abs(r[0] - item.y) < height / 2),
                        None)
            if same:
                same[1].append(item)
                continue
        rows.append((item.y, [item]))
    out = []
    for _, items in rows:
        first = items[0]
        if isinstance(first, PlacedBarcode):
            out.append(_bars(first, scale, columns))
        elif isinstance(first, PlacedBox):
            left = int(first.x * scale)
            out.append(" " * left + RULE * max(1, min(columns - left, round(first.width * scale))))
        elif len(items) == 1 and len(first.text) > columns - int(first.box_x * scale):
            out.extend(_wrapped(first, scale, columns))  # a long line under a barcode loses nothing
        else:
            out.append(_texts(items, scale, columns))
    return [line.rstrip() for line in out]


def _wrapped(t: PlacedText, scale: float, columns: int) -> list[str]:
    """A line too long for the terminal, broken before an AI's bracket or at a space."""
    left = int(t.box_x * scale)
    room = max(8, columns - left)
    parts, rest = [], t.text
    while len(rest) > room:
        cut = max(rest.rfind("(", 1, room + 1), rest.rfind(" ", 1, room + 1))
        cut = cut if cut > 0 else room
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [_texts([_with_text(t, part)], scale, columns) for part in parts]


def _with_text(t: PlacedText, text: str) -> PlacedText:
    return PlacedText(t.x, t.y, t.px, text, t.bold, t.box_x, t.box_width, t.align)


def _texts(items: list[PlacedText], scale: float, columns: int) -> str:
    line = [" "] * columns
    for t in items:
        left = int(t.box_x * scale)
        width = max(1, min(columns - left, round(t.box_width * scale)))
        text = t.text if len(t.text) <= width else t.text[:max(0, width - 1)] + ELLIPSIS
        if t.align == "right":
            start = left + width - len(text)
        elif t.align == "center":
            start = left + (width - len(text)) // 2
        else:
            start = left
        start = max(0, min(start, columns - len(text)))
        # a text placed over another keeps one space between them rather than overwriting it
        while start < columns and any(c != " " for c in line[max(0, start - 1):start + len(text)]) and start:
            start += 1
        for k, ch in enumerate(text[:columns - start]):
            line[start + k] = ch
    return "".join(line)


def _bars(code: PlacedBarcode, scale: float, columns: int) -> str:
    """The symbol's modules on the row's cells, two to a cell (a left and a right half block): module for module
    where the row has room for half as many cells as the symbol has modules (the bars may then run wider than
    on the label, centred on it), so every bar and gap a scanner reads is there to see; otherwise each half cell
    shows whether most of its share of the symbol is bar."""
    left = int(code.x * scale)
    width = max(4, min(columns - left, round(code.width * scale)))
    modules = code.symbol.modules
    if not code.symbol.symbology.is_linear:
        side = min(width, 8)
        return " " * (left + (width - side) // 2) + BAR * side
    row = modules[0].astype(float)
    exact = (len(row) + 1) // 2
    if exact <= columns:
        halves = np.concatenate([row, np.zeros(2 * exact - len(row))]) > 0.5
        left = max(0, min(columns - exact, left + (width - exact) // 2))
    else:
        edges = np.linspace(0, len(row), 2 * width + 1)
        halves = np.array([row[int(a):max(int(a) + 1, int(np.ceil(b)))].mean() > 0.5
                           for a, b in pairwise(edges)])
    glyph = {(True, True): BAR, (True, False): HALF, (False, True): RIGHT_HALF, (False, False): SPACE}
    return " " * left + "".join(glyph[(bool(a), bool(b))] for a, b in zip(halves[0::2], halves[1::2]))
