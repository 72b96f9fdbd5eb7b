"""SMA, checked against the Scale Manufacturers Association serial protocol.

Source: SMA "Serial Communication Protocol" standard (SMA SCP-0499, Level 1), as reproduced in indicator manuals
(e.g. Sartorius PR 5211/PR 5220 instrument manuals, chapter "SMA Protocol"; Cardinal 190). A command is
`LF c CR`; the standard reply is `LF s r n m f xxxxxx.xxx uuu CR`, 20 bytes: status (Z centre of zero, O over,
U under, E zero error, I initial zero error, T tare error, space fine; dashes for the weight on E, I, T), range,
G gross / N net / T tare, M in motion or space, a reserved byte, ten columns of weight and three of unit. `LF ? CR`
answers an unknown command, `LF ! CR` a communication error. W weight, Z zero, T tare, M read tare, C clear tare.
"""
from decimal import Decimal

import pytest

from drivers.scale import sma
from drivers.scale.errors import ScaleFault, ScaleOverload, ScaleProtocolError, ScaleUnderload
from drivers.scale.reading import Reading


def wire(status: str, mode: str, motion: str, weight: str, unit: str) -> bytes:
    """A reply put together from the standard's fields: LF s r n m f, 10 of weight, 3 of unit, CR."""
    return f"\n{status}1{mode}{motion} {weight:>10}{unit:<3}\r".encode()


def test_commands():
    assert (sma.WEIGH, sma.ZERO, sma.TARE, sma.READ_TARE, sma.CLEAR_TARE) == (
        b"\nW\r", b"\nZ\r", b"\nT\r", b"\nM\r", b"\nC\r")


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        # The manual's examples: W -> a stable gross weight; Z -> centre of zero; R repeats, here while moving.
        (wire(" ", "G", " ", "5.025", "lb"), Reading(Decimal("5.025"), "lb", True, net=False, decimals=3)),
        (wire("Z", "G", " ", "0.000", "lb"), Reading(Decimal("0.000"), "lb", True, net=False, decimals=3)),
        (wire(" ", "G", "M", "7.650", "kg"), Reading(Decimal("7.650"), "kg", False, net=False, decimals=3)),
        (wire(" ", "N", " ", "4.800", "kg"), Reading(Decimal("4.800"), "kg", True, net=True, decimals=3)),
    ],
)
def test_reply_examples(wire, expected):
    assert len(wire) == 20
    (frame,) = sma.framer().feed(wire)
    assert sma.decode_weight(frame) == expected


def test_the_tare_reply_is_marked_t():
    (frame,) = sma.framer().feed(wire(" ", "T", " ", "0.850", "kg"))
    assert sma.decode_tare(frame).value == Decimal("0.850")


@pytest.mark.parametrize(("status", "error"), [("E", ScaleFault), ("I", ScaleFault), ("T", ScaleFault)])
def test_error_statuses_carry_dashes(status, error):
    (frame,) = sma.framer().feed(wire(status, "G", " ", "-" * 10, "kg"))
    with pytest.raises(error):
        sma.decode_weight(frame)


def test_over_and_under():
    with pytest.raises(ScaleOverload):
        sma.decode_weight(wire("O", "G", " ", "160.250", "kg")[1:-1])
    with pytest.raises(ScaleUnderload):
        sma.decode_weight(wire("U", "G", " ", "-2.000", "kg")[1:-1])


@pytest.mark.parametrize("frame", [sma.UNKNOWN_COMMAND, b"!"])
def test_unknown_command_and_communication_error(frame):
    with pytest.raises(ScaleProtocolError):
        sma.decode_weight(frame)
