"""The pallet label: SSCC at the bottom as GS1 logistic labels have it, contents barcode above, facts on top."""

from __future__ import annotations

from core.gs1.keys import GS1Error, validate_sscc
from core.labels.job import JobLabelInfo, LabelContentError, gs1_data
from core.labels.stack import Stack, date_text, qty_text
from drivers.printer.model import SIZE_102X152, Label, LabelSize, Symbology, TextSize

#: GS1 General Specifications, symbol specification table for logistic labels: GS1-128 carrying an SSCC is
#: scanned from a distance, so its X-dimension must be at least 0.495 mm and its bars about 32 mm high.
SSCC_MIN_X_MM = 0.495
SSCC_BAR_MM = 32.0
CONTENT_BAR_MM = 25.0


def pallet_label(info: JobLabelInfo, *, sscc: str, qty: int, index: int, of: int,
                 size: LabelSize = SIZE_102X152) -> Label:
    """`qty` is what this pallet holds in thousandths; (37) states it in whole units."""
    name = f"pallet label {index} of {of}"
    try:
        sscc = validate_sscc(sscc)
    except GS1Error as exc:
        raise LabelContentError(f"{name}: {exc}") from None
    units = -(-qty // 1000)
    gtin = info.gtin14("pallet")
    sscc_pairs = gs1_data([("00", sscc)], f"{name}, SSCC barcode")
    content_pairs = gs1_data([("02", gtin), ("37", units), ("10", info.lot)], f"{name}, contents barcode")

    s = Stack(size, top=2.0)
    s.text(info.item, TextSize.LARGE, bold=True, right=f"PALLET {index}/{of}", right_size=TextSize.LARGE)
    s.text(info.description, TextSize.NORMAL)
    s.rule()
    s.text("LOT", TextSize.SMALL)
    s.text(info.lot, TextSize.HUGE, bold=True)
    s.text(f"QTY {qty_text(qty, info.uom)}", TextSize.LARGE, bold=True,
           right=f"EXP {date_text(info.expiry)}" if info.expiry else None, right_size=TextSize.LARGE)
    s.text(f"JOB {info.job}", TextSize.NORMAL, right=f"GTIN {gtin}", right_size=TextSize.NORMAL, right_bold=False,
           split=0.5)
    s.rule(gap_mm=2.0)
    s.barcode(Symbology.GS1_128, content_pairs, CONTENT_BAR_MM, what="the contents barcode")
    s.rule(gap_mm=2.0)
    s.text(f"SSCC {sscc}", TextSize.NORMAL, bold=True)
    s.gap(0.5)
    s.barcode(Symbology.GS1_128, sscc_pairs, SSCC_BAR_MM, min_x_mm=SSCC_MIN_X_MM, what="the SSCC barcode")
    return s.label(name)
