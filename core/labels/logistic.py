"""The barcode size logistic labels need so that a distribution centre's scanners read them from a distance.

GS1 General Specifications, the symbol specification table for GS1 logistic labels (section 5.12.3): GS1-128 with
an X-dimension (the narrowest bar) of 0.495 mm to 1.016 mm, bars at least 31.75 mm high, and quiet zones of 10X
each side (section 5.4.4.2). The printer's dots decide the X actually printed: at 300 dpi the least is 6 dots
(0.508 mm), at 203 dpi 4 dots (0.500 mm). The bars are never made thinner to fit: a label too narrow is refused.
"""

from __future__ import annotations

from core.labels.stack import Stack
from drivers.printer.model import Symbology

MIN_X_MM = 0.495
MAX_X_MM = 1.016
BAR_MM = 32.0


def logistic_barcode(stack: Stack, pairs, what: str) -> Stack:
    return stack.barcode(Symbology.GS1_128, pairs, BAR_MM, min_x_mm=MIN_X_MM, max_x_mm=MAX_X_MM, what=what)
