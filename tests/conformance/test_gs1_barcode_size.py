"""Pallet and carton barcodes a distribution centre can scan, measured on what the printer would print.

GS1 General Specifications: GS1-128 on logistic labels (the symbol specification table for GS1 logistic labels,
section 5.12.3) has an X-dimension of at least 0.495 mm (at most 1.016 mm) and bars at least 31.75 mm high;
section 5.4.4.2 asks for quiet zones of 10X each side. A printer prints whole dots, so at 300 dpi that is at least
6 dots a module and at 203 dpi at least 4. Everything is measured in the printed dots: Brother QL raster read
back with brother_ql's reader, ZPL drawn by zplkit, barcodes found and decoded by zxing-cpp.
"""
import datetime as dt

import pytest
from brother_ql.labels import LabelsManager
from brother_ql.models import ModelsManager

from core.gs1.keys import sscc
from core.labels.carton import carton_label
from core.labels.job import JobLabelInfo
from core.labels.pallet import pallet_label
from drivers.printer.errors import LabelDoesNotFit
from drivers.printer.printing import prepare, printer_config
from tests.conformance.barcode_measure import measure, render_zpl
from tests.drivers.printer.test_printer_ql import read_back

LOT = "7001-261126"
GTIN = "09501101020917"
SSCC = sscc(0, "9501101", 1)
MIN_X_MM = 0.495
MIN_BAR_MM = 31.75


@pytest.fixture
def job() -> JobLabelInfo:
    return JobLabelInfo(job="000000000012345", item="FG-BREAD-800", description="White bread 800 g", uom="EA",
                        lot=LOT, gtin="9501101020917", qty_to_make=500_000, start_date=dt.date(2026, 11, 26),
                        units_per_carton=12, cartons_per_pallet=40, shelf_life_days=7)


PRINTERS = {
    "QL-1100 300 dpi": printer_config("file:///unused", "ql", "QL-1100"),
    "ZPL 203 dpi": printer_config("file:///unused", "zpl", "ZD421"),
    "ZPL 300 dpi": printer_config("file:///unused", "zpl", "ZD421-300dpi"),
}


def printed(labels, config, tmp_path, monkeypatch) -> list[list]:
    """The labels as `config`'s printer gets them, read back into images and measured, page by page."""
    data = prepare(labels, config)
    if config.language == "zpl":
        return [measure(page) for page in render_zpl(data, config.dpi)]
    path = tmp_path / "job.prn"
    path.write_bytes(data)
    # The raster is as wide as the head; brother_ql puts the printable area its right offset from the head's
    # right end, and the label's unprinted margin lies either side of that area.
    spec = LabelsManager()[labels[0].size.name]
    offset = spec.offset_r + ModelsManager()[config.model].additional_offset_r
    margin = (spec.dots_total[0] - spec.dots_printable[0]) // 2
    pages = read_back(path, tmp_path, monkeypatch)
    right = pages[0].width - offset
    paper = (right - spec.dots_printable[0] - margin, right + margin)
    return [measure(page, paper) for page in pages]


def assert_logistic(symbol, dpi: int) -> None:
    least = 6 if dpi == 300 else 4
    assert symbol.module >= least and symbol.module * 25.4 / dpi >= MIN_X_MM, symbol
    assert symbol.quiet_left >= 10 * symbol.module and symbol.quiet_right >= 10 * symbol.module, symbol
    assert symbol.bar_height * 25.4 / dpi >= MIN_BAR_MM, symbol


@pytest.mark.parametrize("printer", PRINTERS)
def test_pallet_barcodes_at_the_logistic_x_dimension(job, printer, tmp_path, monkeypatch):
    config = PRINTERS[printer]
    counts = (480, 20, 5, 1234)  # every length of count a pallet of this site can hold
    labels = [pallet_label(job, sscc=sscc(0, "9501101", n + 1), qty=count * 1000, index=n + 1, of=len(counts))
              for n, count in enumerate(counts)]
    pages = printed(labels, config, tmp_path, monkeypatch)
    assert len(pages) == len(counts)
    for n, (count, symbols) in enumerate(zip(counts, pages)):
        assert [s.text for s in symbols] == [f"(02){GTIN}(37){count}", f"(10){LOT}",
                                             f"(00){sscc(0, '9501101', n + 1)}"]
        for symbol in symbols:
            assert_logistic(symbol, config.dpi)


@pytest.mark.parametrize("printer", PRINTERS)
def test_carton_barcodes_at_the_logistic_x_dimension(job, printer, tmp_path, monkeypatch):
    config = PRINTERS[printer]
    (symbols,) = printed([carton_label(job, qty=12_000, index=1, of=42)], config, tmp_path, monkeypatch)
    assert [s.text for s in symbols] == [f"(01){GTIN}", f"(10){LOT}"]
    for symbol in symbols:
        assert_logistic(symbol, config.dpi)


@pytest.mark.parametrize("printer", PRINTERS)
def test_a_label_that_cannot_hold_them_is_refused_never_shrunk(job, printer):
    config = PRINTERS[printer]
    too_many = pallet_label(job, sscc=SSCC, qty=12_345_000, index=1, of=1)  # (37)12345 makes the symbol too long
    with pytest.raises(LabelDoesNotFit, match=r"contents barcode needs bars at least 0\.5\d mm"):
        prepare([too_many], config)
    long_lot = carton_label(JobLabelInfo(**{**job.__dict__, "lot": "LOT-2026-11-26-LINE4"}), qty=12_000, index=1,
                            of=1)
    with pytest.raises(LabelDoesNotFit, match="carton lot barcode"):
        prepare([long_lot], config)


def test_zpl_asks_for_the_module_width_in_dots(job):
    """Zebra's ZPL II Programming Guide, ^BY: the module width in dots for the ^BC barcodes after it."""
    import re

    for model, least in (("ZD421", 4), ("ZD421-300dpi", 6)):
        config = printer_config("file:///unused", "zpl", model)
        data = prepare([pallet_label(job, sscc=SSCC, qty=480_000, index=1, of=2),
                        carton_label(job, qty=12_000, index=1, of=42)], config).decode()
        widths = [int(w) for w in re.findall(r"\^BY(\d+),", data)]
        assert len(widths) == 5 and min(widths) >= least
