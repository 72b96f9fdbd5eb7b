import os
from dataclasses import replace
from pathlib import Path

import pytest

from drivers.printer import zpl
from drivers.printer.emulator import zebra_host_status
from drivers.printer.errors import LabelDoesNotFit, LabelError, OutOfPaper, PrinterError
from drivers.printer.model import SIZE_62X29, SIZE_102X51, Barcode, Label, Symbology, Text
from drivers.printer.printing import PrinterConfig, prepare

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    """Compare with the stored output; UPDATE_GOLDEN=1 rewrites it (review the diff before committing)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def read_code128_field(field: str) -> str:
    """What a Zebra encodes for ^BC field data with invocation codes; FNC1 shown as '|'."""
    out, mode, i = [], None, 0
    while i < len(field):
        if field[i] == ">":
            code = field[i + 1]
            i += 2
            if code in ";:":
                mode = "C" if code == ";" else "B"
            elif code == "8":
                out.append("|")
            elif code == "5":
                mode = "C"
            elif code == "6" and mode == "C":
                mode = "B"
            elif code == "<":
                out.append(">")
            else:
                raise AssertionError(f"unexpected invocation >{code}")
            continue
        if mode == "C":
            pair = field[i:i + 2]
            assert len(pair) == 2 and pair.isdigit(), f"subset C needs digit pairs, got {pair!r} in {field}"
            out.append(pair)
            i += 2
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


@pytest.mark.parametrize("pairs, raw", [
    ((("00", "095011010000000018"),), "|00095011010000000018"),
    ((("02", "09501101020917"), ("37", "480"), ("10", "L2611-01")), "|020950110102091737480|10L2611-01"),
    ((("01", "09501101020917"), ("17", "261203"), ("10", "A>1234567")), "|01095011010209171726120310A>1234567"),
    ((("10", "12345"), ("21", "S1")), "|1012345|21S1"),
])
def test_gs1_128_field_encodes_the_element_string_with_fnc1(pairs, raw):
    field = zpl.code128_field(zpl.gs1_segments(pairs), gs1=True)
    assert field.startswith((">;>8", ">:>8"))
    assert read_code128_field(field) == raw


def test_gs1_128_field_matches_zebras_own_example():
    pairs = (("01", "12345678901231"), ("21", "123456"), ("10", "ABC123"))
    assert zpl.code128_field(zpl.gs1_segments(pairs), gs1=True) == ">;>8011234567890123121123456>810>6ABC123"


def test_code128_plain_and_refusals():
    assert read_code128_field(zpl.code128_field(["T000123"], gs1=False)) == "T000123"
    with pytest.raises(LabelError):
        zpl.code128_field(["A^B"], gs1=False)


def test_datamatrix_field_uses_escaped_fnc1():
    pairs = (("01", "09501101020917"), ("10", "L_1"), ("17", "261203"))
    assert zpl.datamatrix_field(pairs) == "_101095011010209171" + "0L__1_117261203"


def test_golden_sample_label_203_dpi(sample_label):
    text = zpl.zpl(replace(sample_label, size=SIZE_102X51), dpi=203)
    assert text.startswith("^XA\n^CI28\n^PW815\n^LL407\n") and text.endswith("^PQ1\n^XZ\n")
    assert "^FH_^FDWhite bread 800 g  _5E_7E_5F weiß^FS" in text
    check_golden("sample_102x51_203dpi.zpl", text)


def test_62mm_at_203_dpi_is_too_coarse_for_a_product_barcode(sample_label):
    # 2 dots at 203 dpi are 0.25 mm: the barcode would need 77 mm
    with pytest.raises(LabelDoesNotFit, match="0.25 mm"):
        zpl.zpl(sample_label, dpi=203)


def test_golden_sample_label_300_dpi(sample_label):
    check_golden("sample_62_300dpi.zpl", zpl.zpl(sample_label, dpi=300))


def test_golden_datamatrix_and_code128_label():
    label = Label(SIZE_62X29, (
        Text(1.5, 1, "T000123", bold=True),
        Barcode(1.5, 6, Symbology.CODE128, "T000123", 8, width_mm=35),
        Barcode(40, 1, Symbology.GS1_DATAMATRIX, (("01", "09501101020917"), ("10", "L2611-01")), 14, width_mm=18,
                human_readable=False),
    ))
    check_golden("trackid_dm_62x29_203dpi.zpl", zpl.zpl(label, dpi=203))


def test_output_is_deterministic_and_copies_group(sample_label):
    config = PrinterConfig("file:///dev/null", language="zpl", dpi=300)
    once = prepare([sample_label], config)
    assert prepare([sample_label], config) == once
    three = prepare([sample_label] * 3, config).decode()
    assert three.count("^XA") == 1 and "^PQ3\n" in three


def test_dpi_is_checked():
    with pytest.raises(LabelError, match="203 or 300"):
        zpl.canvas(SIZE_62X29, 600)


def test_host_status_parsing():
    ok = zpl.parse_host_status(zebra_host_status())
    assert not (ok.paper_out or ok.paused or ok.head_open) and ok.label_length_dots == 1218
    zpl.raise_for_status(ok)
    with pytest.raises(OutOfPaper):
        zpl.raise_for_status(zpl.parse_host_status(zebra_host_status(paper_out=True)))
    with pytest.raises(PrinterError, match="head is up"):
        zpl.raise_for_status(zpl.parse_host_status(zebra_host_status(head_open=True)))
    with pytest.raises(PrinterError, match="paused"):
        zpl.raise_for_status(zpl.parse_host_status(zebra_host_status(paused=True)))
    with pytest.raises(PrinterError):
        zpl.parse_host_status(b"garbage")
