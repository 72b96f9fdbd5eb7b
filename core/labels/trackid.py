"""The TrackID label on a stock container: Code 128 of the TrackID, and what the container holds."""

from __future__ import annotations

import datetime as dt

from core.labels.stack import Stack, date_text, qty_text
from drivers.printer.model import SIZE_62X29, Label, LabelSize, Symbology, TextSize


def trackid_label(*, track_id: str, item: str, description: str, lot: str | None, qty: int, uom: str,
                  expiry: dt.date | None, size: LabelSize = SIZE_62X29) -> Label:
    s = Stack(size, top=0.8)
    s.text(item, TextSize.SMALL, bold=True, right=qty_text(qty, uom), split=0.62)
    s.text(description, TextSize.SMALL)
    facts = [f"LOT {lot}" if lot else "", f"EXP {date_text(expiry)}" if expiry else ""]
    s.text("   ".join(f for f in facts if f) or " ", TextSize.SMALL, bold=True)
    s.gap(0.2)
    s.barcode(Symbology.CODE128, track_id, 7.5, what="the TrackID barcode")
    return s.label(f"TrackID label {track_id}")
