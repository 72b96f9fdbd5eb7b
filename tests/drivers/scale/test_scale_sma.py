"""SMA Level 1 replies as indicators send them (LF and CR included where framing is tested)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.scale import sma
from drivers.scale.errors import ScaleFault, ScaleOverload, ScaleProtocolError, ScaleUnderload
from drivers.scale.reading import Reading


def reply(s: str, n: str, m: str, weight: str, unit: str = "kg ") -> bytes:
    text = f"{s}1{n}{m} {weight:>10}{unit}"
    assert len(text) == 18
    return text.encode()


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (b" 1G      12.345kg ", Reading(Decimal("12.345"), "kg", True, net=False, decimals=3)),
        (b" 1NM     12.340kg ", Reading(Decimal("12.340"), "kg", False, net=True, decimals=3)),
        (b"Z1G       0.000kg ", Reading(Decimal("0.000"), "kg", True, decimals=3)),
        (b" 1G      -0.125 kg", Reading(Decimal("-0.125"), "kg", True, decimals=3)),
        (b" 1G        1250g  ", Reading(Decimal("1250"), "g", True, decimals=0)),
        (b" 2G       27.56lb ", Reading(Decimal("27.56"), "lb", True, decimals=2)),
    ],
)
def test_weight_replies(frame, expected):
    assert len(frame) == 18
    assert sma.decode_weight(frame) == expected


def test_overload_and_underload():
    with pytest.raises(ScaleOverload):
        sma.decode_weight(reply("O", "G", " ", "160.250"))
    with pytest.raises(ScaleUnderload):
        sma.decode_weight(reply("U", "G", " ", "-2.000"))
    with pytest.raises(ScaleOverload):
        sma.decode_weight(reply("O", "G", " ", "----------"))


@pytest.mark.parametrize(("status", "word"), [("E", "zero"), ("I", "zero"), ("T", "tare")])
def test_faults_with_dashes(status, word):
    with pytest.raises(ScaleFault) as caught:
        sma.decode_weight(reply(status, "G", " ", "----------"))
    assert word in str(caught.value)


def test_tare_reply():
    assert sma.decode_tare(reply(" ", "T", " ", "0.500")) == Reading(Decimal("0.500"), "kg", True, decimals=3)
    with pytest.raises(ScaleProtocolError):
        sma.decode_tare(reply(" ", "G", " ", "0.500"))
    with pytest.raises(ScaleProtocolError):
        sma.decode_weight(reply(" ", "T", " ", "0.500"))


@pytest.mark.parametrize(
    "frame",
    [
        b"?",
        b"!",
        b"",
        b" 1G      12.345kg",  # 17 characters
        b" 1G      12.345kg  ",
        reply("X", "G", " ", "12.345"),
        reply(" ", "X", " ", "12.345"),
        reply(" ", "G", "S", "12.345"),
        reply(" ", "G", " ", "----------"),  # dashes with a fine status
        reply(" ", "G", " ", "12,345"),
        reply(" ", "G", " ", "1 2.345"),
        reply(" ", "G", " ", "12.345", "k1 "),
        reply("E", "G", " ", "--x-------"),
        b" 0G      12.345kg ",
        b" 1G      12.345\xb5g ",
    ],
)
def test_unknown_replies_are_protocol_errors(frame):
    with pytest.raises(ScaleProtocolError):
        sma.decode_weight(frame)


def test_unknown_command_and_communication_error_say_what_happened():
    with pytest.raises(ScaleProtocolError, match="did not recognise"):
        sma.decode_weight(b"?")
    with pytest.raises(ScaleProtocolError, match="communication error"):
        sma.decode_weight(b"!")


def test_encoders():
    assert (sma.WEIGH, sma.ZERO, sma.TARE, sma.READ_TARE) == (b"\nW\r", b"\nZ\r", b"\nT\r", b"\nM\r")


GOOD = b"\n 1G      12.345kg \r"


def test_framer_takes_what_is_between_lf_and_cr():
    framer = sma.framer()
    assert framer.feed(GOOD + b"\n?\r" + b"\n!\r") == [GOOD[1:-1], b"?", b"!"]


def test_framer_discards_garbage_and_restarts_on_lf():
    framer = sma.framer()
    assert framer.feed(b"xx\r\x00\n 1G  12\n 1G      12.345kg \r") == [GOOD[1:-1]]
    assert framer.feed(b"\n 1G  \x9912.345kg \r" + GOOD) == [GOOD[1:-1]]
    assert framer.feed(b"\n" + b"9" * 40 + b"\r" + GOOD) == [GOOD[1:-1]]


STREAM = b"noise" + GOOD + b"\n 1NM     12.340kg \r\x00\n?\r" + GOOD


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=8))
def test_framer_gives_the_same_frames_however_the_bytes_are_split(cuts):
    framer = sma.framer()
    edges = [0, *sorted(cuts), len(STREAM)]
    frames = [f for a, b in zip(edges, edges[1:]) for f in framer.feed(STREAM[a:b])]
    assert frames == sma.framer().feed(STREAM)
    assert len(frames) == 4
