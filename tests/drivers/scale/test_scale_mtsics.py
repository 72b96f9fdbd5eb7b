"""MT-SICS replies as balances send them (captured lines, CR LF included where framing is tested)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.scale import mtsics
from drivers.scale.errors import ScaleBusy, ScaleOverload, ScaleProtocolError, ScaleUnderload
from drivers.scale.reading import Reading


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"S S      12.345 kg", Reading(Decimal("12.345"), "kg", True, decimals=3)),
        (b"S D      12.340 kg", Reading(Decimal("12.340"), "kg", False, decimals=3)),
        (b"S S     -0.0021 g", Reading(Decimal("-0.0021"), "g", True, decimals=4)),
        (b"S S        1250 g", Reading(Decimal("1250"), "g", True, decimals=0)),
        (b"S S    100.00 Kg", Reading(Decimal("100.00"), "kg", True, decimals=2)),
    ],
)
def test_weight_replies(line, expected):
    assert mtsics.decode_weight(line) == expected


def test_net_comes_from_the_caller():
    assert mtsics.decode_weight(b"S S 1.000 kg", net=True).net


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b"S I", ScaleBusy),
        (b"S +", ScaleOverload),
        (b"S -", ScaleUnderload),
        (b"ES", ScaleProtocolError),
        (b"ET", ScaleProtocolError),
        (b"EL", ScaleBusy),
    ],
)
def test_weight_statuses(line, error):
    with pytest.raises(error):
        mtsics.decode_weight(line)


@pytest.mark.parametrize(
    "line",
    [
        b"S X 12.345 kg",  # unknown status
        b"S S 12.345",  # no unit
        b"S S 12,345 kg",  # decimal comma
        b"S S - 12.345 kg",  # sign apart from the digits
        b"S S 12.345 kg extra",
        b"S S 1.2.3 kg",
        b"SI S 1.000 kg",
        b"S S 1.000 k9",
        b"S",
        b"Z A",  # a reply to something else
        b"S I 12.345 kg",
        b"S S 1.000 \xb5g",
        b"",
        b"ESX",
    ],
)
def test_anything_else_is_a_protocol_error_never_a_reading(line):
    with pytest.raises(ScaleProtocolError):
        mtsics.decode_weight(line)


def test_zero_replies():
    assert mtsics.decode_zero(b"Z A") is None
    for line, error in [(b"Z I", ScaleBusy), (b"Z +", ScaleOverload), (b"Z -", ScaleUnderload),
                        (b"ES", ScaleProtocolError), (b"Z S", ScaleProtocolError), (b"S S 1 kg", ScaleProtocolError)]:
        with pytest.raises(error):
            mtsics.decode_zero(line)


def test_tare_replies():
    assert mtsics.decode_tare(b"T S       0.512 kg") == Reading(Decimal("0.512"), "kg", True, decimals=3)
    for line, error in [(b"T I", ScaleBusy), (b"T +", ScaleOverload), (b"T -", ScaleUnderload),
                        (b"T S", ScaleProtocolError), (b"TA A 0.512 kg", ScaleProtocolError)]:
        with pytest.raises(error):
            mtsics.decode_tare(line)


def test_tare_query_clear_and_reset_replies():
    assert mtsics.decode_tare_value(b"TA A      0.000 kg").value == 0
    assert mtsics.decode_tare_value(b"TA A    0.250 kg").value == Decimal("0.250")
    with pytest.raises(ScaleBusy):
        mtsics.decode_tare_value(b"TA I")
    assert mtsics.decode_tare_clear(b"TAC A") is None
    with pytest.raises(ScaleBusy):
        mtsics.decode_tare_clear(b"TAC I")
    assert mtsics.decode_reset(b'I4 A "B123456789"') == "B123456789"
    with pytest.raises(ScaleProtocolError):
        mtsics.decode_reset(b"I4 A B123")


def test_encoders():
    assert mtsics.WEIGH_STABLE == b"S\r\n"
    assert mtsics.WEIGH_NOW == b"SI\r\n"
    assert mtsics.WEIGH_REPEAT == b"SIR\r\n"
    assert (mtsics.ZERO, mtsics.TARE, mtsics.TARE_QUERY, mtsics.TARE_CLEAR, mtsics.RESET) == (
        b"Z\r\n", b"T\r\n", b"TA\r\n", b"TAC\r\n", b"@\r\n")
    assert mtsics.tare_preset(Decimal("0.250"), "kg") == b"TA 0.250 kg\r\n"
    with pytest.raises(ValueError):
        mtsics.tare_preset(Decimal("1"), "k g")


def test_reply_to_names_the_command():
    assert mtsics.reply_to(b"S D 1.0 kg") == "S"
    assert mtsics.reply_to(b"Z A") == "Z"
    assert mtsics.reply_to(b"TAC A") == "TAC"
    assert mtsics.reply_to(b"EL") == "E"
    assert mtsics.reply_to(b"   ") is None


STREAM = b"S S      12.345 kg\r\nS D      12.350 kg\r\nS +\r\n"


def test_framer_splits_lines_and_skips_empty_ones():
    framer = mtsics.framer()
    assert framer.feed(STREAM + b"\r\n\r\n") == [b"S S      12.345 kg", b"S D      12.350 kg", b"S +"]


def test_framer_accepts_lf_only_and_cr_only_balances():
    assert mtsics.framer().feed(b"Z A\nS I\rT I\r\n") == [b"Z A", b"S I", b"T I"]


def test_framer_drops_noise_before_a_line_and_keeps_the_line():
    framer = mtsics.framer()
    assert framer.feed(b"\x00\xff\x13S S 1.000 kg\r\n") == [b"S S 1.000 kg"]
    assert framer.discarded == 3


def test_framer_noise_inside_a_line_never_yields_a_reading():
    framer = mtsics.framer()
    for line in framer.feed(b"S S     1\xb22.345 kg\r\nS S 2.000 kg\r\n"):
        if line != b"S S 2.000 kg":
            with pytest.raises(ScaleProtocolError):
                mtsics.decode_weight(line)


def test_framer_drops_an_overlong_line_whole():
    framer = mtsics.framer()
    assert framer.feed(b"S S " + b"9" * 200 + b" kg\r\nS S 1.0 kg\r\n") == [b"S S 1.0 kg"]


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=8))
def test_framer_gives_the_same_lines_however_the_bytes_are_split(cuts):
    framer = mtsics.framer()
    edges = [0, *sorted(cuts), len(STREAM)]
    lines = [line for a, b in zip(edges, edges[1:]) for line in framer.feed(STREAM[a:b])]
    assert lines == mtsics.framer().feed(STREAM)
