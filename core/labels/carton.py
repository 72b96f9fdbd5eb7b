"""Carton labels: (01) GTIN and (10) lot, each in its own barcode at the logistic X-dimension (a carton is scanned
in distribution), with what the carton holds in words.

Together the two make a symbol about 125 mm long at that X, wider than a 102 mm label, so they are two symbols.
"""

from __future__ import annotations

from core.labels.job import JobLabelInfo, gs1_data
from core.labels.kinds import CARTON
from core.labels.logistic import logistic_barcode
from core.labels.stack import Stack, qty_text
from drivers.printer.model import SIZE_102, Label, LabelSize, TextSize

#: Below this height a label gets the compact layout (one small line per fact); product labels use it.
COMPACT_BELOW_MM = 40


def carton_label(info: JobLabelInfo, *, qty: int, index: int, of: int, size: LabelSize = SIZE_102) -> Label:
    name = f"carton label {index} of {of}"
    gtin_pairs = gs1_data([("01", info.gtin14(CARTON))], f"{name}, GTIN barcode")
    lot_pairs = gs1_data([("10", info.lot)], f"{name}, lot barcode")
    s = Stack(size)
    s.text(info.item, TextSize.LARGE, bold=True, right=f"CARTON {index}/{of}", right_size=TextSize.LARGE)
    s.text(info.description, TextSize.NORMAL)
    s.text(f"LOT {info.lot}", TextSize.LARGE, bold=True, right=qty_text(qty, info.uom), right_size=TextSize.LARGE)
    s.text(f"JOB {info.job}", TextSize.SMALL)
    s.gap(1.0)
    logistic_barcode(s, gtin_pairs, "the carton GTIN barcode")
    logistic_barcode(s, lot_pairs, "the carton lot barcode")
    return s.label(name)
