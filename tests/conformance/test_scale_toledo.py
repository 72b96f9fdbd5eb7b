"""Toledo continuous output, checked against the published format.

Source: METTLER TOLEDO "standard continuous output" as documented in its terminal manuals, e.g. the WILDCAT
scale technical manual, Appendix 2 "Continuous Mode Output" (Table 6-8, the frame; Tables 6-9, 6-10 and 6-11,
status bytes A, B and C), and the IND-series terminals' status-byte C table, where bits 0-2 name the unit
(0 lb or kg as status B says, 1 grams, 2 metric tonnes, 3 ounces, 4 troy ounces, 5 pennyweight, 6 long tons,
7 custom). The same layout is reproduced by other makers' "Toledo" output (e.g. Fairbanks, "Toledo data format").

The frame: STX, status A, B, C, six digits of displayed weight without a decimal point, six digits of tare, CR,
and an optional checksum: the two's complement of the seven low bits of the sum of every byte from STX to CR.
"""
from decimal import Decimal

import pytest

from drivers.scale import toledo
from drivers.scale.errors import ScaleOverload, ScaleProtocolError, ScaleUnderload, ScaleUnitError
from drivers.scale.reading import Reading


def frame(a: int, b: int, c: int, weight: bytes, tare: bytes = b"000000", *, checksum: bool = True) -> bytes:
    body = bytes([0x02, a, b, c]) + weight + tare + b"\r"
    if checksum:  # written from the definition, not from the driver: sum + checksum is 0 in the low 7 bits
        body += bytes([(0x80 - (sum(body) & 0x7F)) & 0x7F])
    return body


A_X1 = 0x20 | 0x08  # bit 5 always 1; bits 3-4 = 01: display increment x1
B_KG = 0x20 | 0x10  # bit 5 always 1; bit 4: kg
C_PLAIN = 0x20  # bit 5 always 1; bits 0-2 = 0: the unit is status B's


def test_the_example_frame_is_12_345_kg_gross_stable():
    """STX '-' '0' ' ' "012345" "000000" CR: A = 0x2D (x1, XXX.XXX), B = 0x30 (kg), C = 0x20."""
    example = b"\x02-0 012345000000\r"
    assert toledo.decode(example) == Reading(Decimal("12.345"), "kg", True, net=False, decimals=3)
    with_checksum = example + bytes([toledo.checksum(example)])
    assert (sum(with_checksum) & 0x7F) == 0
    assert toledo.decode(with_checksum) == toledo.decode(example)


@pytest.mark.parametrize(
    ("code", "shown"),
    # Status A bits 0-2, the dummy zero or decimal position of Table 6-9.
    [(0, "1234500"), (1, "123450"), (2, "12345"), (3, "1234.5"), (4, "123.45"), (5, "12.345"), (6, "1.2345"),
     (7, "0.12345")],
)
def test_status_a_decimal_point(code, shown):
    reading = toledo.decode(frame(A_X1 | code, B_KG, C_PLAIN, b"012345"))
    assert reading.value == Decimal(shown)


@pytest.mark.parametrize(("bits", "increment"), [(0x08, 1), (0x10, 2), (0x18, 5)])
def test_status_a_increment_sets_the_resolution(bits, increment):
    """Bits 3-4: x1 = 01, x2 = 10, x5 = 11. One step is what "reads zero" is measured against."""
    reading = toledo.decode(frame(0x20 | bits | 5, B_KG, C_PLAIN, b"000010"))
    assert reading.increment == increment
    assert reading.resolution_kg() == Decimal(increment) / 1000


def test_status_a_without_an_increment_is_refused():
    with pytest.raises(ScaleProtocolError):
        toledo.decode(frame(0x20 | 5, B_KG, C_PLAIN, b"012345"))


@pytest.mark.parametrize(
    ("b", "net", "negative", "moving", "unit"),
    # Table 6-10: bit 0 net, bit 1 negative, bit 3 motion, bit 4 kg (0 = lb).
    [(0x30, False, False, False, "kg"), (0x31, True, False, False, "kg"), (0x32, False, True, False, "kg"),
     (0x38, False, False, True, "kg"), (0x20, False, False, False, "lb"), (0x3B, True, True, True, "kg")],
)
def test_status_b(b, net, negative, moving, unit):
    reading = toledo.decode(frame(A_X1 | 5, b, C_PLAIN, b"001250"))
    assert (reading.net, reading.value < 0, not reading.stable, reading.unit) == (net, negative, moving, unit)


def test_status_b_out_of_range():
    with pytest.raises(ScaleOverload):
        toledo.decode(frame(A_X1 | 5, B_KG | 0x04, C_PLAIN, b"000000"))
    with pytest.raises(ScaleUnderload):
        toledo.decode(frame(A_X1 | 5, B_KG | 0x04 | 0x02, C_PLAIN, b"000000"))


@pytest.mark.parametrize(
    ("code", "a_code", "weight", "milli_kg"),
    [
        (1, 2, b"012345", 12345),  # 12345 g is 12.345 kg, exactly
        (1, 3, b"012345", 1234),  # 1234.5 g: half-even to the gram stock is kept in
        (2, 5, b"012345", 12_345_000),  # 12.345 t
        (2, 7, b"000001", 10),  # 0.00001 t = 10 g
    ],
)
def test_status_c_grams_and_tonnes_are_good_readings_converted_exactly(code, a_code, weight, milli_kg):
    reading = toledo.decode(frame(A_X1 | a_code, 0x20, C_PLAIN | code, weight))
    assert reading.unit == {1: "g", 2: "t"}[code]
    assert reading.to_milli_kg() == milli_kg


@pytest.mark.parametrize(
    ("code", "named"),
    [(3, "ounces"), (4, "troy ounces"), (5, "pennyweights"), (6, "long tons")],
)
def test_status_c_units_without_an_exact_kg_are_refused_by_name(code, named):
    reading = toledo.decode(frame(A_X1 | 2, 0x20, C_PLAIN | code, b"000100"))
    with pytest.raises(ScaleUnitError, match=named):
        reading.to_milli_kg()


def test_status_c_custom_unit_is_refused_by_name():
    with pytest.raises(ScaleUnitError, match="custom unit"):
        toledo.decode(frame(A_X1 | 2, 0x20, C_PLAIN | 7, b"000100"))


def test_status_c_print_request_and_keyboard_tare_do_not_change_the_weight():
    """Bit 3 print requested, bit 6 keyboard tare: events, not part of the weight."""
    plain = toledo.decode(frame(A_X1 | 5, B_KG | 0x01, C_PLAIN, b"004800", b"000850"))
    flagged = toledo.decode(frame(A_X1 | 5, B_KG | 0x01, C_PLAIN | 0x08 | 0x40, b"004800", b"000850"))
    assert flagged == plain and plain.value == Decimal("4.800") and plain.net


def test_bit_5_of_every_status_byte_is_always_one():
    for broken in (frame(0x08 | 5, B_KG, C_PLAIN, b"012345"), frame(A_X1 | 5, 0x10, C_PLAIN, b"012345"),
                   frame(A_X1 | 5, B_KG, 0x00, b"012345")):
        with pytest.raises(ScaleProtocolError):
            toledo.decode(broken)


def test_a_wrong_checksum_is_refused():
    good = frame(A_X1 | 5, B_KG, C_PLAIN, b"012345")
    with pytest.raises(ScaleProtocolError, match="checksum"):
        toledo.decode(good[:-1] + bytes([(good[-1] + 1) & 0x7F]))
