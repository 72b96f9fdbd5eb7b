"""Toledo continuous-output frames as indicators send them."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.scale import toledo
from drivers.scale.errors import ScaleOverload, ScaleProtocolError, ScaleUnderload, ScaleUnitError
from drivers.scale.reading import Reading

# The manual's example: 12.345 kg gross, stable, x1, XXX.XXX; checksum 0x25.
EXAMPLE = b"\x02-0 012345000000\r%"


def frame(a: str, b: str, weight: bytes, tare: bytes = b"000000", c: str = " ", *, check: bool = True) -> bytes:
    body = b"\x02" + (a + b + c).encode() + weight + tare + b"\r"
    # Independent of the module: the sum of STX..CR plus the checksum is 0 in the low 7 bits.
    return body + bytes([(128 - sum(body) % 128) % 128]) if check else body


def test_the_manual_example():
    assert toledo.checksum(EXAMPLE) == 0x25
    assert toledo.decode(EXAMPLE) == Reading(Decimal("12.345"), "kg", True, net=False, decimals=3)
    assert toledo.decode(EXAMPLE[:-1]) == toledo.decode(EXAMPLE)


@pytest.mark.parametrize(
    ("a", "weight", "value", "decimals"),
    [
        ("(", b"000123", "12300", 0),  # XXXX00
        (")", b"000123", "1230", 0),  # XXXXX0
        ("*", b"000123", "123", 0),  # XXXXXX
        ("+", b"012345", "1234.5", 1),
        (",", b"012345", "123.45", 2),
        ("-", b"012345", "12.345", 3),
        (".", b"012345", "1.2345", 4),
        ("/", b"012345", "0.12345", 5),
        ("-", b"  1234", "1.234", 3),  # leading zeros blanked
        ("5", b"000050", "0.050", 3),  # x2 increment bits set
    ],
)
def test_decimal_point_from_status_a(a, weight, value, decimals):
    reading = toledo.decode(frame(a, "0", weight))
    assert reading.value == Decimal(value)
    assert reading.decimals == decimals
    assert reading.text().startswith(format(Decimal(value), f".{decimals}f"))


@pytest.mark.parametrize(
    ("b", "unit", "stable", "net", "sign"),
    [
        ("0", "kg", True, False, 1),
        ("1", "kg", True, True, 1),
        ("2", "kg", True, False, -1),
        ("8", "kg", False, False, 1),
        (";", "kg", False, True, -1),
        (" ", "lb", True, False, 1),
        ("(", "lb", False, False, 1),
    ],
)
def test_status_b_flags(b, unit, stable, net, sign):
    reading = toledo.decode(frame("-", b, b"001250", b"000500"))
    assert (reading.unit, reading.stable, reading.net) == (unit, stable, net)
    assert reading.value == sign * Decimal("1.250")


def test_out_of_range():
    with pytest.raises(ScaleOverload):
        toledo.decode(frame("-", "4", b"999999"))
    with pytest.raises(ScaleUnderload):
        toledo.decode(frame("-", "6", b"000000"))


@pytest.mark.parametrize(
    "bad",
    [
        EXAMPLE[:-1] + b"&",  # wrong checksum
        frame("-", "0", b"01234X"),
        frame("-", "0", b"12 345"),  # space inside the digits
        frame("-", "0", b"      "),
        frame("-", "0", b"012345", b"0000-0"),
        frame("\x0d", "0", b"012345"),  # status without bit 5
        frame("-", "\xb0", b"012345"),  # bit 7 set
        frame("%", "0", b"012345"),  # status A bits 3-4 name no display increment
        b"\x02-0 012345000000\n%",
        b"-0 012345000000\r%",
        EXAMPLE + b"%",
    ],
)
def test_damaged_or_unknown_frames_are_protocol_errors(bad):
    with pytest.raises(ScaleProtocolError):
        toledo.decode(bad)


@pytest.mark.parametrize(
    ("c", "unit", "milli_kg"),
    [(" ", "kg", 12345), ("!", "g", 12), ('"', "t", 12345000)],
)
def test_units_from_status_c(c, unit, milli_kg):
    reading = toledo.decode(frame("-", "0", b"012345", c=c))
    assert (reading.unit, reading.to_milli_kg()) == (unit, milli_kg)


def test_a_custom_unit_is_refused_by_name():
    with pytest.raises(ScaleUnitError, match="custom unit"):
        toledo.decode(frame("-", "0", b"012345", c="'"))


def test_a_bad_checksum_says_so():
    with pytest.raises(ScaleProtocolError) as caught:
        toledo.decode(EXAMPLE[:-1] + b"&")
    assert "checksum" in str(caught.value)


def test_framer_with_checksum():
    framer = toledo.ToledoFramer()
    assert framer.feed(EXAMPLE * 3) == [EXAMPLE] * 3


def test_framer_without_checksum_hands_frames_over_at_cr_once_it_knows():
    framer = toledo.ToledoFramer()
    bare = EXAMPLE[:-1]
    # The first is dropped (a damaged checked frame whose checksum reads as STX would look the same), the second
    # is taken without a checksum, the third waits: the byte after its CR has not come yet.
    assert framer.feed(bare * 3) == [bare]
    assert framer.feed(bare) == [bare]  # the third, on the STX after it; the fourth waits
    assert framer.feed(bare) == [bare, bare]  # learnt from three: the fifth is out at its own CR
    assert framer.discarded == len(bare)


def test_a_damaged_frame_whose_checksum_reads_as_stx_gives_no_weight():
    """The checksum of a frame can be 0x02: damaged on the way, it looks like a frame without a checksum
    followed by the next STX. While the stream carries checksums that is never taken for a weight."""
    candidates = (frame(a, "0", b"012345", b"%06d" % tare) for a in "()*+,-./" for tare in range(0, 999_999, 7))
    good = next(f for f in candidates if f[-1] == 0x02)
    damaged = good[:9] + bytes([good[9] ^ 0x01]) + good[10:]  # one digit changed, checksum byte intact
    stream = EXAMPLE * 2 + damaged + EXAMPLE
    readings = []
    for piece in toledo.ToledoFramer().feed(stream):
        try:
            readings.append(toledo.decode(piece))
        except ScaleProtocolError:
            pass
    assert readings and all(r == toledo.decode(EXAMPLE) for r in readings)


def test_framer_notices_when_checksums_start():
    framer = toledo.ToledoFramer()
    bare = EXAMPLE[:-1]
    framer.feed(bare * 5)
    assert framer.feed(b"%" + EXAMPLE + b"\x02") == [EXAMPLE]
    assert framer.feed(b"-0 012345000000\r&") == [EXAMPLE[:-1] + b"&"]  # waits for the checksum again


def test_framer_passes_a_bad_checksum_on_for_decode_to_refuse():
    framer = toledo.ToledoFramer()
    damaged = EXAMPLE[:-1] + b"&"
    (got,) = framer.feed(damaged + EXAMPLE)[:1]
    with pytest.raises(ScaleProtocolError):
        toledo.decode(got)


def test_framer_set_to_checksum_drops_frames_without_one():
    framer = toledo.ToledoFramer(checksum=True)
    assert framer.feed(EXAMPLE[:-1] + EXAMPLE) == [EXAMPLE]


def test_framer_set_to_no_checksum_treats_checksum_bytes_as_noise():
    framer = toledo.ToledoFramer(checksum=False)
    assert framer.feed(EXAMPLE * 2) == [EXAMPLE[:-1]] * 2
    assert framer.discarded == 2


def test_framer_resyncs_after_garbage_and_partial_frames():
    framer = toledo.ToledoFramer()
    stream = b"\xff\x00garbage\x02-0 0123" + b"\x02\x02" + EXAMPLE + b"noise" + EXAMPLE
    assert framer.feed(stream) == [EXAMPLE, EXAMPLE]


STREAM = (b"junk" + EXAMPLE + frame("-", "8", b"012000") + b"\x02-0 01" + EXAMPLE + frame(",", "1", b"000500"))


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=10))
def test_framer_gives_the_same_frames_however_the_bytes_are_split(cuts):
    framer = toledo.ToledoFramer()
    edges = [0, *sorted(cuts), len(STREAM)]
    frames = [f for a, b in zip(edges, edges[1:]) for f in framer.feed(STREAM[a:b])]
    assert frames == toledo.ToledoFramer().feed(STREAM)
    assert len(frames) == 4
