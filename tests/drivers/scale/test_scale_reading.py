from decimal import Decimal

import pytest

from drivers.scale.errors import ScaleError, ScaleOffline, ScaleUnitError
from drivers.scale.reading import Reading


def test_text_keeps_the_scales_decimals():
    assert Reading(Decimal("12.3"), "kg", True, decimals=3).text() == "12.300 kg stable"
    assert Reading(Decimal("12.345"), "KG", False, decimals=3).text() == "12.345 kg moving"
    assert Reading(Decimal("500"), "g", True, decimals=0).text() == "500 g stable"


def test_zero_never_prints_a_minus_sign():
    assert Reading(Decimal("-0.000"), "kg", True, decimals=3).text() == "0.000 kg stable"
    assert Reading(Decimal("-0.001"), "kg", True, decimals=3).text() == "-0.001 kg stable"


@pytest.mark.parametrize(
    ("value", "unit", "milli"),
    [
        ("12.345", "kg", 12345),
        ("-0.250", "kg", -250),
        ("1250", "g", 1250),
        ("12.5", "g", 12),  # half-even: whole grams
        ("13.5", "g", 14),
        ("1.2346", "kg", 1235),
        ("0.002", "t", 2000),
        ("2500", "mg", 2),
    ],
)
def test_to_milli_kg(value, unit, milli):
    assert Reading(Decimal(value), unit, True).to_milli_kg() == milli


@pytest.mark.parametrize("unit", ["lb", "oz", "ct"])
def test_to_milli_kg_refuses_units_it_cannot_convert(unit):
    with pytest.raises(ScaleUnitError) as caught:
        Reading(Decimal("1.0"), unit, True).to_milli_kg()
    assert unit in str(caught.value) and "kg" in str(caught.value)


def test_reading_is_frozen_and_wants_a_decimal():
    reading = Reading(Decimal("1"), "kg", True)
    with pytest.raises(AttributeError):
        reading.value = Decimal("2")
    with pytest.raises(TypeError):
        Reading(1.5, "kg", True)


def test_errors_carry_a_floor_message_and_a_detail():
    error = ScaleOffline(detail="[Errno 2] no such file")
    assert isinstance(error, ScaleError)
    assert "not connected" in str(error)
    assert error.detail == "[Errno 2] no such file"
    assert error == ScaleOffline(detail="[Errno 2] no such file")
