"""The pallet label: facts on top, the contents in two barcodes, the SSCC at the bottom as GS1 logistic labels
have it.

The contents, (02) GTIN with (37) count and (10) lot, go in two symbols: in one they make a symbol some 145 mm
long at the logistic X-dimension, wider than a 102 mm label. (02) and (37) stay together, since GS1 requires
each with the other.
"""

from __future__ import annotations

from core.gs1.keys import GS1Error, validate_sscc
from core.labels.job import JobLabelInfo, LabelContentError, gs1_data
from core.labels.kinds import PALLET
from core.labels.logistic import logistic_barcode
from core.labels.stack import Stack, date_text, qty_text
from drivers.printer.model import SIZE_102X152, Label, LabelSize, TextSize


def pallet_label(info: JobLabelInfo, *, sscc: str, qty: int, index: int, of: int,
                 size: LabelSize = SIZE_102X152) -> Label:
    """`qty` is what this pallet holds in thousandths; (37) states it in whole units."""
    name = f"pallet label {index} of {of}"
    try:
        sscc = validate_sscc(sscc)
    except GS1Error as exc:
        raise LabelContentError(f"{name}: {exc}") from None
    units = -(-qty // 1000)
    gtin = info.gtin14(PALLET)
    sscc_pairs = gs1_data([("00", sscc)], f"{name}, SSCC barcode")
    count_pairs = gs1_data([("02", gtin), ("37", units)], f"{name}, contents barcode")
    lot_pairs = gs1_data([("10", info.lot)], f"{name}, lot barcode")

    s = Stack(size, top=1.5)
    s.text(info.item, TextSize.LARGE, bold=True, right=f"PALLET {index}/{of}", right_size=TextSize.LARGE)
    s.text(info.description, TextSize.NORMAL)
    s.text(f"LOT {info.lot}", TextSize.LARGE, bold=True,
           right=f"EXP {date_text(info.expiry)}" if info.expiry else None, right_size=TextSize.NORMAL)
    s.text(f"QTY {qty_text(qty, info.uom)}", TextSize.NORMAL, bold=True, right=f"JOB {info.job}",
           right_size=TextSize.SMALL, right_bold=False, split=0.4)
    s.rule(gap_mm=1.0)
    logistic_barcode(s, count_pairs, "the contents barcode")
    logistic_barcode(s, lot_pairs, "the lot barcode")
    s.rule(gap_mm=1.0)
    s.text(f"SSCC {sscc}", TextSize.NORMAL, bold=True)
    logistic_barcode(s, sscc_pairs, "the SSCC barcode")
    return s.label(name)
