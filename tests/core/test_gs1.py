import datetime as dt

import pytest

from core.gs1 import keys as gs1
from core.gs1.keys import GS1Error


# Worked by hand (weights 3,1,3,... from the rightmost data digit):
#   1061414112345678 9 -> 9*3+8+7*3+6+5*3+4+3*3+2+1*3+1+4*3+1+4*3+1+6*3+0+1*3 = 143 -> check 7
#   0950110102091     -> 43 -> check 7;   0950110100000000 1 -> 32 -> check 8
@pytest.mark.parametrize(
    "data, check",
    [("10614141123456789", 7), ("0950110102091", 7), ("09501101000000001", 8), ("400638133393", 1),
     ("03600029145", 2), ("9638507", 4), ("0", 0)],
)
def test_check_digit(data, check):
    assert gs1.check_digit(data) == check


def test_check_digit_refuses_non_digits():
    with pytest.raises(GS1Error):
        gs1.check_digit("12a4")
    with pytest.raises(GS1Error):
        gs1.check_digit("")


@pytest.mark.parametrize(
    "gtin, normal",
    [("96385074", "00000096385074"), ("036000291452", "00036000291452"),
     ("4006381333931", "04006381333931"), ("09501101020917", "09501101020917"), (4006381333931, "04006381333931")],
)
def test_normalize_gtin(gtin, normal):
    assert gs1.normalize_gtin(gtin) == normal
    assert gs1.is_valid_gtin(gtin)


@pytest.mark.parametrize("bad", ["09501101020918", "123", "0950110102091A", "095011010209170", "", "٠٩٥٠١١٠١٠٢٠٩١٧"])
def test_normalize_gtin_refuses(bad):
    with pytest.raises(GS1Error):
        gs1.normalize_gtin(bad)
    assert not gs1.is_valid_gtin(bad)


def test_sscc_gs1_example():
    assert gs1.sscc(1, "0614141", 123456789) == "106141411234567897"


def test_sscc_pads_serial_to_fill_17_digits():
    assert gs1.sscc(0, "9501101", 1) == "095011010000000018"
    # a 9-digit prefix leaves 7 digits for the serial
    value = gs1.sscc(3, "950110123", 42)
    assert value[:17] == "3950110123" + "0000042" and len(value) == 18
    assert gs1.has_valid_check_digit(value)


def test_sscc_refuses_exhausted_range_and_bad_parts():
    with pytest.raises(GS1Error, match="used up"):
        gs1.sscc(0, "9501101", 10**9)
    gs1.sscc(0, "9501101", 10**9 - 1)
    for args in [(10, "9501101", 1), (0, "95A1101", 1), (0, "123", 1), (0, "9501101", -1)]:
        with pytest.raises(GS1Error):
            gs1.sscc(*args)


def test_element_string_forms_and_fnc1_placement():
    es = gs1.element_string(
        [("02", "09501101020917"), ("17", dt.date(2026, 12, 3)), ("37", 480), ("10", "L2611-01")]
    )
    assert es.human == "(02)09501101020917(17)261203(37)480(10)L2611-01"
    # (02) and (17) have predefined lengths; (37) is variable and not last, so it is closed by FNC1
    assert es.raw() == "0209501101020917172612033748" + "0\x1d10L2611-01"
    assert es.raw("|") == "020950110102091717261203" + "37480|10L2611-01"
    assert es.pairs == (("02", "09501101020917"), ("17", "261203"), ("37", "480"), ("10", "L2611-01"))
    assert es.get("37") == "480" and es.get("00") is None
    assert es.data_length == len(es.raw())


def test_element_string_pads_short_gtin_and_sscc_checked():
    es = gs1.element_string([("01", "4006381333931"), ("10", "A")])
    assert es.get("01") == "04006381333931"
    with pytest.raises(GS1Error, match="check digit"):
        gs1.element_string([("00", "095011010000000013")])


def test_lot_character_set_and_length():
    gs1.element_string([("01", "09501101020917"), ("10", "AZaz09!\"%&'()*+,-./")])
    gs1.element_string([("01", "09501101020917"), ("10", ":;<=>?_")])
    for lot in ["L 1", "Lé", "L~1", "A" * 21, ""]:
        with pytest.raises(GS1Error):
            gs1.element_string([("01", "09501101020917"), ("10", lot)])
    gs1.element_string([("01", "09501101020917"), ("10", "A" * 20)])
    with pytest.raises(GS1Error):
        gs1.element_string([("400", "P" * 31)])
    assert gs1.element_string([("400", "P" * 30)]).human == "(400)" + "P" * 30


def test_dates():
    assert gs1.yymmdd(dt.date(2027, 2, 28)) == "270228"
    assert gs1.yymmdd("270200") == "270200"  # day 00: end of that month
    for bad in ["270229", "271301", "2702", dt.datetime(2027, 1, 1)]:
        with pytest.raises(GS1Error):
            gs1.yymmdd(bad)
    assert gs1.element_string([("01", "09501101020917"), ("11", dt.date(2026, 1, 5))]).get("11") == "260105"


def test_count_and_weights():
    assert gs1.element_string([("02", "09501101020917"), ("37", 12)]).get("37") == "12"
    for bad in [-1, 10**8, "12a", True]:
        with pytest.raises(GS1Error):
            gs1.element_string([("02", "09501101020917"), ("37", bad)])
    assert gs1.weight_ai("310", 1250) == ("3103", "001250")
    assert gs1.weight_ai("330", 1_234_500) == ("3302", "123450")
    with pytest.raises(GS1Error):
        gs1.weight_ai("310", 1_234_567)  # 1234.567 kg needs 7 digits
    ai, value = gs1.weight_ai("310", 1250)
    assert gs1.element_string([("01", "09501101020917"), (ai, value)]).human == "(01)09501101020917(3103)001250"
    with pytest.raises(GS1Error):
        gs1.element_string([("3106", "000001")])


def test_pairing_rules():
    """GS1 General Specifications 4.14: a barcode never holds a pair GS1 forbids; a label's barcodes together
    hold every association GS1 requires. Refused before printing, naming the pair."""
    with pytest.raises(GS1Error, match=r"\(01\) and \(37\) must not be on the same label"):
        gs1.element_string([("01", "09501101020917"), ("37", 5)])
    with pytest.raises(GS1Error, match=r"\(01\) and \(02\) must not be on the same label"):
        gs1.element_string([("01", "09501101020917"), ("02", "09501101020917"), ("37", 5)])
    # the pallet label's barcodes: the lot alone in one, the SSCC alone in another, together complete
    pallet = [[("02", "09501101020917"), ("37", 5)], [("10", "L1")], [("00", "095011010000000018")]]
    gs1.check_label(pallet)
    with pytest.raises(GS1Error, match=r"\(02\) needs \(37\) on the same label"):
        gs1.check_label([[("02", "09501101020917")], [("10", "L1")]])
    with pytest.raises(GS1Error, match=r"\(37\) needs \(00\) on the same label"):
        gs1.check_label(pallet[:2])
    with pytest.raises(GS1Error, match=r"\(10\) needs \(01\), \(02\), \(8006\) or \(8026\)"):
        gs1.check_label([[("10", "LOT")]])
    with pytest.raises(GS1Error, match="twice"):
        gs1.element_string([("10", "A"), ("10", "B")])
    with pytest.raises(GS1Error, match="twice"):
        gs1.element_string([("3102", 1), ("3103", 1)])
    with pytest.raises(GS1Error, match="not one"):
        gs1.element_string([("99", "x")])


def test_gs1_128_length_limit():
    ok = gs1.element_string([("02", "09501101020917"), ("37", 99999999), ("10", "L" * 19)])
    assert ok.data_length == 48
    ok.check_gs1_128()
    too_long = gs1.element_string([("00", "095011010000000018"), ("02", "09501101020917"), ("37", 1), ("10", "L" * 10)])
    with pytest.raises(GS1Error, match="at most 48"):
        too_long.check_gs1_128()
