import os
from functools import partial
from pathlib import Path

import pytest

from core.gs1.keys import sscc
from core.labels.carton import carton_label
from core.labels.pallet import pallet_label
from core.labels.product import product_label
from core.labels.sizes import DEFAULT_SIZES, choose_size
from core.labels.trackid import trackid_label
from drivers.printer.errors import LabelDoesNotFit, UnsupportedLabel
from drivers.printer.model import SIZE_62, SIZE_62X29, SIZE_102, SIZE_102X152
from drivers.printer.printing import PrinterConfig, check_label
from drivers.printer.zpl import zpl

GOLDEN = Path(__file__).parent / "golden"
SSCC = sscc(0, "9501101", 1)


def test_default_sizes():
    assert DEFAULT_SIZES == {"pallet": SIZE_102X152, "carton": SIZE_102, "product": SIZE_62, "trackid": SIZE_62X29}


@pytest.mark.parametrize("kind", ["pallet", "carton"])
def test_logistic_labels_on_62mm_are_refused_rather_than_printed_with_thin_bars(bread, kind):
    if kind == "pallet":
        label = pallet_label(bread, sscc=SSCC, qty=480_000, index=1, of=2, size=SIZE_62)
    else:
        label = carton_label(bread, qty=12_000, index=1, of=42, size=SIZE_62)
    with pytest.raises(LabelDoesNotFit) as err:
        check_label(label, PrinterConfig("file:///dev/null", model="QL-1110NWB"))
    assert f"{kind} label 1 of" in err.value.message and "0.51 mm (6 dots)" in err.value.message
    assert "Use a 102" in err.value.message


def test_choose_size_falls_back_to_the_wide_label(bread):
    build = partial(pallet_label, bread, sscc=SSCC, qty=480_000, index=1, of=2)
    wide = PrinterConfig("file:///dev/null", model="QL-1110NWB")
    label = choose_size(lambda size: build(size=size), [SIZE_62, SIZE_102X152], partial(check_label, config=wide))
    assert label.size == SIZE_102X152


def test_choose_size_names_every_refusal(bread):
    build = partial(pallet_label, bread, sscc=SSCC, qty=480_000, index=1, of=2)
    narrow = PrinterConfig("file:///dev/null", model="QL-820NWB")
    with pytest.raises(LabelDoesNotFit) as err:
        choose_size(lambda size: build(size=size), [SIZE_62, SIZE_102X152], partial(check_label, config=narrow))
    assert "62 mm endless:" in err.value.message and "QL-820NWB cannot print 102x152" in err.value.message


def test_every_default_fits_a_wide_ql_and_the_62mm_kind_fits_a_62mm_ql(bread):
    wide = PrinterConfig("file:///dev/null", model="QL-1110NWB")
    narrow = PrinterConfig("file:///dev/null", model="QL-820NWB")
    for label in (pallet_label(bread, sscc=SSCC, qty=480_000, index=1, of=2),
                  carton_label(bread, qty=12_000, index=1, of=42), product_label(bread)):
        check_label(label, wide)
    check_label(product_label(bread), narrow)
    for label in (pallet_label(bread, sscc=SSCC, qty=480_000, index=1, of=2),
                  carton_label(bread, qty=12_000, index=1, of=42)):
        with pytest.raises(UnsupportedLabel):
            check_label(label, narrow)


def check_golden(name: str, text: str) -> None:
    """UPDATE_GOLDEN=1 rewrites the stored output (review the diff before committing)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_zpl_golden_job_labels(bread):
    import datetime as dt

    check_golden("pallet_102x152_203dpi.zpl", zpl(pallet_label(bread, sscc=SSCC, qty=480_000, index=1, of=2), 203))
    check_golden("carton_102_300dpi.zpl", zpl(carton_label(bread, qty=12_000, index=1, of=42), 300))
    check_golden("product_62_300dpi.zpl", zpl(product_label(bread), 300))
    check_golden("trackid_62x29_203dpi.zpl", zpl(trackid_label(
        track_id="T000123", item="RM-FLOUR", description="Wheat flour type 550", lot="L2611-01", qty=25_500,
        uom="KG", expiry=dt.date(2027, 1, 31)), 203))
