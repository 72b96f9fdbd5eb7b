"""Product (unit) labels: (01) GTIN, (17) expiry when the item has a shelf life, (10) lot."""

from __future__ import annotations

from core.labels.carton import COMPACT_BELOW_MM
from core.labels.job import JobLabelInfo, gs1_data
from core.labels.kinds import PRODUCT
from core.labels.stack import Stack, date_text, qty_text
from drivers.printer.model import SIZE_62, Label, LabelSize, Symbology, TextSize


def product_label(info: JobLabelInfo, *, qty: int = 1000, size: LabelSize = SIZE_62,
                  symbology: Symbology = Symbology.GS1_128) -> Label:
    """`qty` is the unit's quantity in thousandths (a whole unit unless the job ends on a part unit)."""
    name = "product label"
    expiry = info.expiry
    # Fixed-length AIs first: (17) then needs no FNC1 and the lot, variable, ends the symbol.
    pairs = [("01", info.gtin14(PRODUCT))] + ([("17", expiry)] if expiry else []) + [("10", info.lot)]
    data = gs1_data(pairs, name, gs1_128=symbology is Symbology.GS1_128)
    exp = f"EXP {date_text(expiry)}" if expiry else None
    compact = size.height_mm is not None and size.height_mm < COMPACT_BELOW_MM
    if compact:
        s = Stack(size, top=1.0)
        s.text(f"{info.item}  {info.description}", TextSize.SMALL, bold=True)
        s.text(f"LOT {info.lot}", TextSize.SMALL, bold=True, right=exp, split=0.5)
        s.text(f"JOB {info.job}  {qty_text(qty, info.uom)}", TextSize.SMALL)
        s.barcode(symbology, data, 8.0, what="the product barcode")
        return s.label(name)
    s = Stack(size)
    s.text(info.item, TextSize.LARGE, bold=True)
    s.text(info.description, TextSize.NORMAL)
    s.text(f"LOT {info.lot}", TextSize.LARGE, bold=True)
    if exp:
        s.text(exp, TextSize.LARGE, bold=True)
    s.text(f"JOB {info.job}", TextSize.SMALL, right=qty_text(qty, info.uom), right_size=TextSize.NORMAL)
    s.gap(1.0)
    s.barcode(symbology, data, 12.0, what="the product barcode")
    return s.label(name)
