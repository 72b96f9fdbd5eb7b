import datetime as dt
from dataclasses import replace

import pytest

from core.gs1.keys import sscc
from core.labels.carton import carton_label
from core.labels.job import LabelContentError, expiry_date
from core.labels.job_set import job_labels
from core.labels.pallet import pallet_label
from core.labels.plan import LabelPlanError
from core.labels.product import product_label
from core.labels.trackid import trackid_label
from drivers.printer.layout import PlacedText, layout
from drivers.printer.model import SIZE_62X29, Symbology
from drivers.printer.printing import PrinterConfig, print_labels, render_for
from drivers.printer.ql import canvas
from tests.drivers.printer.test_printer_ql import read_back

from .conftest import scan

QL = PrinterConfig("file:///dev/null", model="QL-1110NWB")
SSCC = sscc(0, "9501101", 1)  # 095011010000000018


def texts(label) -> str:
    return " | ".join(i.text for i in layout(label, canvas(label.size)).items if isinstance(i, PlacedText))


def test_pallet_label_barcodes_and_text(bread):
    label = pallet_label(bread, sscc=SSCC, qty=480_000, index=1, of=2)
    content, lot, sscc_code = scan(render_for(label, QL))
    assert content == {"format": "Code128", "id": "]C1", "raw": "020950110102091737480", "02": "09501101020917",
                       "37": "480"}
    assert lot == {"format": "Code128", "id": "]C1", "raw": "10L2611-01", "10": "L2611-01"}
    assert sscc_code == {"format": "Code128", "id": "]C1", "raw": "00095011010000000018", "00": SSCC}
    shown = texts(label)
    for fact in ["FG-BREAD-800", "White bread 800 g", "L2611-01", "QTY 480 EA", "PALLET 1/2",
                 "JOB 000000000012345", "EXP 2026-12-03", f"SSCC {SSCC}"]:
        assert fact in shown


def test_pallet_sscc_bars_meet_the_logistics_minimum(bread):
    label = pallet_label(bread, sscc=SSCC, qty=20_000, index=2, of=2)
    from drivers.printer.layout import PlacedBarcode

    codes = [i for i in layout(label, canvas(label.size)).items if isinstance(i, PlacedBarcode)]
    assert len(codes) == 3 and all(code.module * 25.4 / 300 >= 0.495 for code in codes)


def test_last_pallet_counts_the_rest(bread):
    label = pallet_label(bread, sscc=sscc(0, "9501101", 2), qty=20_000, index=2, of=2)
    content, _, code = scan(render_for(label, QL))
    assert content["37"] == "20" and code["00"] == "095011010000000025"


def test_carton_label(bread):
    label = carton_label(bread, qty=8_000, index=42, of=42)
    gtin, lot = scan(render_for(label, QL))
    assert gtin["01"] == "09501101020917" and lot["10"] == "L2611-01" and "17" not in gtin | lot
    assert "CARTON 42/42" in texts(label) and "8 EA" in texts(label)


def test_product_label_carries_expiry_from_start_plus_shelf_life(bread):
    (code,) = scan(render_for(product_label(bread), QL))
    assert code["01"] == "09501101020917" and code["10"] == "L2611-01"
    assert code["17"] == dt.date(2026, 12, 3) == expiry_date(bread.start_date, bread.shelf_life_days)
    assert "EXP 2026-12-03" in texts(product_label(bread))


def test_product_label_without_shelf_life_has_no_expiry(bread):
    label = product_label(replace(bread, shelf_life_days=None))
    (code,) = scan(render_for(label, QL))
    assert "17" not in code and code["raw"] == "010950110102091710L2611-01"
    assert "EXP" not in texts(label)


def test_compact_62x29_product_layout_fits_and_scans(bread):
    image = render_for(product_label(bread, size=SIZE_62X29), QL)
    assert image.size == (696, 271)
    (code,) = scan(image)
    assert code["10"] == "L2611-01"


def test_product_label_as_datamatrix(bread):
    (code,) = scan(render_for(product_label(bread, symbology=Symbology.GS1_DATAMATRIX), QL))
    assert code["format"] == "DataMatrix" and code["id"] == "]d2" and code["17"] == dt.date(2026, 12, 3)


def test_trackid_label():
    label = trackid_label(track_id="T000123", item="RM-FLOUR", description="Wheat flour type 550", lot="L2611-01",
                          qty=25_500, uom="KG", expiry=dt.date(2027, 1, 31))
    image = render_for(label, QL)
    assert image.size == (696, 271)
    assert scan(image) == [{"format": "Code128", "id": "]C0", "raw": "T000123"}]
    shown = texts(label)
    for fact in ["RM-FLOUR", "25.5 KG", "Wheat flour type 550", "LOT L2611-01", "EXP 2027-01-31", "T000123"]:
        assert fact in shown
    bare = trackid_label(track_id="T9", item="RM-SALT", description="Salt", lot=None, qty=1_000, uom="KG", expiry=None)
    assert scan(render_for(bare, QL))[0]["raw"] == "T9"


def test_job_labels_draw_an_sscc_per_pallet_only(bread):
    serials = iter(range(1, 100))
    drawn = []

    def next_sscc():
        drawn.append(sscc(0, "9501101", next(serials)))
        return drawn[-1]

    labels = list(job_labels(bread, next_sscc))
    assert [e.kind for e, _ in labels].count("pallet") == 2 and len(drawn) == 2
    assert len(labels) == 2 + 42 + 500
    products = {lab for e, lab in labels if e.kind == "product"}
    assert len(products) == 1  # identical, so the printer side renders it once
    only_cartons = list(job_labels(bread, next_sscc, kinds=["carton"]))
    assert len(only_cartons) == 42 and len(drawn) == 2


def test_job_without_gtin_is_refused_before_any_label(bread):
    calls = []
    with pytest.raises(LabelContentError, match="FG-BREAD-800 has no GTIN"):
        next(job_labels(replace(bread, gtin=None), lambda: calls.append(1) or SSCC))
    assert not calls


def test_bad_data_is_refused_with_the_label_named(bread):
    with pytest.raises(LabelContentError, match=r"carton label 1 of 2, lot barcode: AI \(10\).*' '"):
        carton_label(replace(bread, lot="L 26"), qty=12_000, index=1, of=2)
    with pytest.raises(LabelContentError, match="check digit"):
        carton_label(replace(bread, gtin="9501101020918"), qty=12_000, index=1, of=2)
    with pytest.raises(LabelContentError, match="pallet label 1 of 1: SSCC"):
        pallet_label(bread, sscc="095011010000000013", qty=1_000, index=1, of=1)
    with pytest.raises(LabelPlanError):
        next(job_labels(replace(bread, units_per_carton=None), lambda: SSCC))


def test_print_a_job_to_a_raster_file_and_read_it_back(bread, tmp_path, monkeypatch, capsys):
    small = replace(bread, qty_to_make=30_000, cartons_per_pallet=2)  # 2 pallets, 3 cartons, 30 products
    serials = iter(range(7, 100))
    plan = list(job_labels(small, lambda: sscc(0, "9501101", next(serials)), kinds=["pallet", "carton"]))
    plan.append(next(job_labels(small, lambda: SSCC, kinds=["product"])))
    out = tmp_path / "job.prn"
    # one roll per printer: pallets and cartons each on their own wide roll, products on a 62 mm printer
    pages = []
    for name, kind, model in (("pallets", "pallet", "QL-1110NWB"), ("cartons", "carton", "QL-1110NWB"),
                              ("products", "product", "QL-820NWB")):
        out = tmp_path / f"{name}.prn"
        print_labels([lab for e, lab in plan if e.kind == kind], replace(QL, url=f"file://{out}", model=model))
        pages += read_back(out, tmp_path, monkeypatch)
    assert len(pages) == 2 + 3 + 1
    pallet1, pallet2 = scan(pages[0]), scan(pages[1])
    assert (pallet1[0]["37"], pallet2[0]["37"]) == ("24", "6")
    assert pallet1[2]["00"] == sscc(0, "9501101", 7) and pallet2[2]["00"] == sscc(0, "9501101", 8)
    assert [scan(p)[1]["10"] for p in pages[:5]] == ["L2611-01"] * 5  # the lot barcode, second on both kinds
    assert scan(pages[-1])[0]["17"] == dt.date(2026, 12, 3)
