import pytest

from core.qty import QtyError, fmt_qty, fmt_short, mul_qty, parse_qty


def test_tenths_add_up_exactly():
    assert parse_qty("0.1") + parse_qty("0.2") == parse_qty("0.3")
    assert fmt_qty(parse_qty("0.1") + parse_qty("0.2")) == "0.300"


@pytest.mark.parametrize("text,milli", [("25", 25000), ("25.5", 25500), ("0.001", 1), ("1000.000", 1000000)])
def test_parse(text, milli):
    assert parse_qty(text) == milli


@pytest.mark.parametrize("bad", ["", "1,5", "1e3", "0.0001", "abc", "-1", " . ", "1.2.3", "NaN"])
def test_refused(bad):
    with pytest.raises(QtyError):
        parse_qty(bad)


def test_format():
    assert fmt_qty(-4500) == "-4.500"
    assert fmt_short(25000) == "25" and fmt_short(412350) == "412.35" and fmt_short(0) == "0"
    assert mul_qty(450, 500000) == 225000
