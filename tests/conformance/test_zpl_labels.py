"""Our ZPL read back by an independent renderer (zplkit), at both Zebra resolutions: every barcode decodes to the
data the label was built from, as GS1-128 where it should be.

Zebra's "ZPL II Programming Guide": ^BY sets the module width in dots; ^BC is Code 128 and, in its field data,
'>;' starts subset C, '>:' subset B, '>5'/'>6' switch to C/B and '>8' is FNC1. GS1 General Specifications
5.4.1: an FNC1 straight after the start character marks a GS1-128 symbol (a scanner then sends ']C1'), and
an FNC1 after a variable-length field ends it (sent as GS).
"""
import datetime as dt

import pytest
import zxingcpp

from core.gs1.keys import sscc
from core.labels.carton import carton_label
from core.labels.job import JobLabelInfo
from core.labels.pallet import pallet_label
from core.labels.product import product_label
from core.labels.trackid import trackid_label
from drivers.printer.model import SIZE_102
from drivers.printer.printing import prepare, printer_config
from tests.conformance.barcode_measure import render_zpl

JOB = JobLabelInfo(job="000000000012345", item="FG-BREAD-800", description="White bread 800 g ^~_", uom="EA",
                   lot="L2611-01", gtin="9501101020917", qty_to_make=500_000, start_date=dt.date(2026, 11, 26),
                   units_per_carton=12, cartons_per_pallet=40, shelf_life_days=7)


def scanned(image) -> list[tuple[str, str]]:
    """(symbology identifier, data as a scanner sends it) of each barcode, top to bottom."""
    found = sorted(zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain),
                   key=lambda r: r.position.top_left.y)
    return [(r.symbology_identifier, r.text) for r in found]


@pytest.mark.parametrize("model, dpi", [("ZD421", 203), ("ZD421-300dpi", 300)])
def test_every_kind_reads_back_as_built(model, dpi):
    config = printer_config("file:///unused", "zpl", model)
    assert config.dpi == dpi
    labels = [pallet_label(JOB, sscc=sscc(0, "9501101", 1), qty=480_000, index=1, of=2),
              carton_label(JOB, qty=12_000, index=1, of=42),
              product_label(JOB, size=SIZE_102),
              trackid_label(track_id="T000123", item="RM-FLOUR", description="Wheat flour", lot="L2611-01",
                            qty=25_000, uom="KG", expiry=None)]
    pages = render_zpl(prepare(labels, config), dpi)
    assert [p.size[0] for p in pages] == [int(102 * dpi / 25.4)] * 3 + [int(62 * dpi / 25.4)]
    assert [scanned(p) for p in pages] == [
        [("]C1", "020950110102091737480"), ("]C1", "10L2611-01"), ("]C1", "00095011010000000018")],
        [("]C1", "0109501101020917"), ("]C1", "10L2611-01")],
        [("]C1", "01095011010209171726120310L2611-01")],
        [("]C0", "T000123")],
    ]


def test_a_variable_field_before_another_is_closed_by_fnc1():
    """(37) is variable length: when another AI follows it in the same symbol, an FNC1 ends it (sent as GS)."""
    from drivers.printer.model import Barcode, Label, Symbology

    label = Label(SIZE_102, (Barcode(2, 2, Symbology.GS1_128, (("37", "480"), ("10", "L1")), 20),))
    (page,) = render_zpl(prepare([label], printer_config("file:///unused", "zpl", "ZD421")), 203)
    assert scanned(page) == [("]C1", "37480\x1d10L1")]
