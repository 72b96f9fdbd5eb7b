"""Carton labels: (01) GTIN and (10) lot, with what the carton holds in words."""

from __future__ import annotations

from core.labels.job import JobLabelInfo, gs1_data
from core.labels.stack import Stack, qty_text
from drivers.printer.model import SIZE_62, Label, LabelSize, Symbology, TextSize

#: Below this height a label gets the compact layout (one small line per fact).
COMPACT_BELOW_MM = 40


def carton_label(info: JobLabelInfo, *, qty: int, index: int, of: int, size: LabelSize = SIZE_62) -> Label:
    name = f"carton label {index} of {of}"
    pairs = gs1_data([("01", info.gtin14("carton")), ("10", info.lot)], name)
    compact = size.height_mm is not None and size.height_mm < COMPACT_BELOW_MM
    if compact:
        s = Stack(size, top=1.0)
        s.text(f"{info.item}  {info.description}", TextSize.SMALL, bold=True)
        s.text(f"LOT {info.lot}", TextSize.SMALL, bold=True, right=f"CARTON {index}/{of}  {qty_text(qty, info.uom)}",
               split=0.45)
        s.text(f"JOB {info.job}", TextSize.SMALL)
        s.barcode(Symbology.GS1_128, pairs, 8.0, what="the carton barcode")
        return s.label(name)
    s = Stack(size)
    s.text(info.item, TextSize.LARGE, bold=True)
    s.text(info.description, TextSize.NORMAL)
    s.text(f"LOT {info.lot}", TextSize.LARGE, bold=True)
    s.text(f"CARTON {index} of {of}", TextSize.NORMAL, bold=True, right=qty_text(qty, info.uom),
           right_size=TextSize.LARGE)
    s.text(f"JOB {info.job}", TextSize.SMALL)
    s.gap(1.0)
    s.barcode(Symbology.GS1_128, pairs, 15.0, what="the carton barcode")
    return s.label(name)
