import pytest

from drivers.printer import ql, zpl
from drivers.printer.errors import LabelDoesNotFit, LabelError, UnsupportedLabel
from drivers.printer.layout import PlacedBarcode, layout
from drivers.printer.model import (
    SIZE_62,
    SIZE_62X29,
    SIZE_102X152,
    Barcode,
    Box,
    Canvas,
    Label,
    LabelSize,
    Symbology,
    Text,
    TextSize,
    label_size,
)
from drivers.printer.render import render

from .conftest import decode, ink_rows, ink_runs

QL62 = Canvas(696, None, 300)


def test_ql_canvases_are_brothers_printable_dots():
    assert (ql.canvas(SIZE_62).width, ql.canvas(SIZE_62).height) == (696, None)
    assert (ql.canvas(SIZE_62X29).width, ql.canvas(SIZE_62X29).height) == (696, 271)
    assert (ql.canvas(SIZE_102X152).width, ql.canvas(SIZE_102X152).height) == (1164, 1660)
    assert (zpl.canvas(SIZE_102X152, 203).width, zpl.canvas(SIZE_102X152, 300).width) == (815, 1204)


def test_render_is_one_bit_at_printer_dots_and_decodes(sample_label):
    image = render(sample_label, QL62)
    assert image.mode == "1" and image.width == 696
    assert decode(image) == [("Code128", "(01)09501101020917(17)261203(10)L2611-01")]


def test_endless_height_follows_content_and_die_cut_is_exact():
    short = Label(SIZE_62, (Text(2, 2, "A"),))
    taller = Label(SIZE_62, (Text(2, 2, "A"), Text(2, 30, "B")))
    assert render(short, QL62).height < render(taller, QL62).height
    assert render(Label(SIZE_62X29, (Text(2, 2, "A"),)), ql.canvas(SIZE_62X29)).size == (696, 271)


def test_narrowest_bar_is_the_module_and_at_least_two_dots(sample_label):
    lay = layout(sample_label, QL62)
    code = next(i for i in lay.items if isinstance(i, PlacedBarcode))
    assert code.module >= 2
    rows = ink_rows(render(sample_label, QL62))
    runs = ink_runs(rows[code.y + code.bar_height // 2])
    assert min(runs) == code.module
    # the quiet zones (10 modules each side) are inside the label
    assert code.x >= 10 * code.module and code.x + code.width + 10 * code.module <= 696


def test_module_dots_asked_for_is_kept_when_it_fits():
    label = Label(SIZE_62, (Barcode(1.5, 1, Symbology.CODE128, "T000123", 8, module_dots=3),))
    code = next(i for i in layout(label, QL62).items if isinstance(i, PlacedBarcode))
    assert code.module == 3


def test_refuses_bars_thinner_than_the_minimum_with_a_hint():
    sscc = Barcode(1.5, 1, Symbology.GS1_128, (("00", "095011010000000018"),), 30, min_x_mm=0.495,
                   what="the SSCC barcode")
    with pytest.raises(LabelDoesNotFit) as err:
        layout(Label(SIZE_62, (sscc,), "pallet label 1 of 1"), QL62)
    text = err.value.message
    assert "pallet label 1 of 1" in text and "the SSCC barcode" in text and "0.51 mm (6 dots)" in text
    assert "102" in text
    wide = Label(SIZE_102X152, (sscc,))
    code = next(i for i in layout(wide, ql.canvas(SIZE_102X152)).items if isinstance(i, PlacedBarcode))
    assert code.module >= 6


def test_refuses_what_runs_off_a_die_cut_label():
    label = Label(SIZE_62X29, (Text(2, 2, "A"), Barcode(2, 20, Symbology.CODE128, "X", 8)), "TrackID label")
    with pytest.raises(LabelDoesNotFit, match="past the bottom"):
        layout(label, ql.canvas(SIZE_62X29))


def test_gs1_128_holds_at_most_48_data_characters():
    long = (("02", "09501101020917"), ("37", "99999999"), ("10", "L" * 20))  # 49 with its FNC1
    with pytest.raises(LabelError, match="at most 48"):
        layout(Label(SIZE_102X152, (Barcode(2, 2, Symbology.GS1_128, long, 20),)), ql.canvas(SIZE_102X152))


def test_zint_refuses_a_wrong_check_digit():
    bad = Label(SIZE_62, (Barcode(2, 2, Symbology.GS1_128, (("01", "09501101020918"),), 10),))
    with pytest.raises(LabelError, match="cannot encode"):
        layout(bad, QL62)


def test_long_text_shrinks_then_is_cut_never_overflows():
    text = "A very long description that cannot possibly fit on a sixty-two millimetre label"
    lay = layout(Label(SIZE_62, (Text(2, 2, text, TextSize.LARGE),)), QL62)
    placed = lay.items[0]
    assert placed.px < QL62.dots(TextSize.LARGE.mm)
    assert placed.text.endswith("...") and placed.x + 1 >= placed.box_x


def test_long_interpretation_line_breaks_between_ais():
    data = (("01", "09501101020917"), ("17", "261203"), ("10", "LOT-ABCDEFGH-123456"))
    label = Label(SIZE_62, (Barcode(2, 2, Symbology.GS1_DATAMATRIX, data, 15, width_mm=26),))
    lines = [i.text for i in layout(label, QL62).items if not isinstance(i, PlacedBarcode)]
    assert "".join(lines) == "(01)09501101020917(17)261203(10)LOT-ABCDEFGH-123456" and len(lines) > 1


def test_gs1_datamatrix_renders_and_decodes_with_fnc1():
    data = (("01", "09501101020917"), ("10", "L2611-01"), ("17", "261203"))
    label = Label(SIZE_62, (Barcode(2, 2, Symbology.GS1_DATAMATRIX, data, 20, width_mm=25),))
    image = render(label, QL62)
    assert decode(image) == [("DataMatrix", "(01)09501101020917(10)L2611-01(17)261203")]


def test_code128_takes_text_gs1_takes_pairs():
    with pytest.raises(LabelError):
        Barcode(0, 0, Symbology.CODE128, (("01", "x"),), 5)
    with pytest.raises(LabelError):
        Barcode(0, 0, Symbology.GS1_128, "0109501101020917", 5)


def test_boxes_draw_frames_and_bars():
    label = Label(SIZE_62, (Box(2, 2, 10, width_mm=20, thickness_mm=0.5), Box(2, 14, 0.4, filled=True)))
    rows = ink_rows(render(label, QL62))
    frame_mid = rows[QL62.dots(7)]
    assert ink_runs(frame_mid) == [QL62.dots(0.5), QL62.dots(0.5)]
    assert ink_runs(rows[QL62.dots(14.1)]) == [696 - 2 * QL62.dots(2)]


def test_label_size_names():
    assert label_size("62x29") is SIZE_62X29 and label_size("102X152mm") is SIZE_102X152
    assert label_size("62").endless
    with pytest.raises(UnsupportedLabel, match="62x29"):
        label_size("50x30")
    assert str(LabelSize("62", 62)) == "62 mm endless"


def test_refuses_what_is_placed_past_the_right_edge():
    label = Label(SIZE_62, (Text(50, 2, "LOT", width_mm=20),), "carton label 1 of 2")
    with pytest.raises(LabelDoesNotFit, match="carton label 1 of 2 does not fit on 62 mm endless: the text 'LOT'"):
        layout(label, QL62)


FNC1 = "11110101110"  # Code 128 symbol value 102


def test_gs1_128_separators_are_fnc1_symbols_not_gs_bytes():
    from drivers.printer.barcode import encode

    data = (("02", "09501101020917"), ("37", "480"), ("10", "L2611-01"))
    row = "".join("1" if m else "0" for m in encode(Symbology.GS1_128, data).modules[0])
    symbols = [row[i:i + 11] for i in range(0, len(row) - 13, 11)]  # the stop pattern is 13 modules
    # one FNC1 right after the start character (GS1-128), one closing the variable-length (37)
    assert [i for i, sym in enumerate(symbols) if sym == FNC1] == [1, symbols.index(FNC1, 2)]
    assert symbols.count(FNC1) == 2
