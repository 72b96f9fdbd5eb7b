"""The preview a person checks at a terminal: the label's text laid out as on the label, barcodes as bars with
their human-readable lines, nothing lost at 80 columns or at the Labels screen's narrower preview."""
import datetime as dt

import pytest

from core.labels.carton import carton_label
from core.labels.job import JobLabelInfo
from core.labels.pallet import pallet_label
from core.labels.product import product_label
from drivers.printer.layout import PlacedText, layout
from drivers.printer.preview import BAR
from drivers.printer.printing import canvas_for, preview_lines, printer_config

INFO = JobLabelInfo(job="000000000012345", item="FG-BREAD-800", description="White bread 800 g", uom="EA",
                    lot="7001-261126", gtin="9501101020917", qty_to_make=500_000, start_date=dt.date(2026, 11, 26),
                    units_per_carton=12, cartons_per_pallet=40, shelf_life_days=7)
LABELS = {
    "pallet": pallet_label(INFO, sscc="095011010000000018", qty=480_000, index=1, of=2),
    "carton": carton_label(INFO, qty=12_000, index=1, of=42),
    "product": product_label(INFO),
}


@pytest.mark.parametrize("kind", LABELS)
@pytest.mark.parametrize("columns", [38, 76])
def test_every_word_on_the_label_is_in_the_preview(kind, columns):
    label = LABELS[kind]
    config = printer_config("file:///unused", "ql", "QL-1100")
    lines = preview_lines(label, config, columns)
    assert all(len(line) <= columns for line in lines)
    assert len(lines) <= 20  # fits the Labels screen at 80x24
    shown = "".join(lines).replace(" ", "")
    for item in layout(label, canvas_for(label.size, config)).items:
        if isinstance(item, PlacedText):
            assert item.text.replace(" ", "") in shown, item.text
    assert sum(BAR in line for line in lines) == (3 if kind == "pallet" else 2 if kind == "carton" else 1)


def test_the_preview_keeps_the_label_s_sides():
    lines = preview_lines(LABELS["pallet"], printer_config("file:///unused", "ql", "QL-1100"), 60)
    top = lines[0]
    assert top.strip().startswith("FG-BREAD-800") and top.rstrip().endswith("PALLET 1/2")
    assert "(00)095011010000000018" in lines[-1].strip()


def test_a_label_the_printer_cannot_take_is_refused_in_the_preview_too():
    from drivers.printer.errors import UnsupportedLabel

    with pytest.raises(UnsupportedLabel):
        preview_lines(LABELS["pallet"], printer_config("file:///unused", "ql", "QL-820NWB"), 60)
