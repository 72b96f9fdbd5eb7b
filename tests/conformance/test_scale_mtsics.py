"""MT-SICS, and RADWAG's dialect of it, checked against the published command and reply formats.

Sources: METTLER TOLEDO "Standard Interface Command Set MT-SICS" reference manual, level 0 and 1 commands (S,
SI, SIR, Z, T, TA, TAC, @) and section "Response formats" (a weight reply is the command, a status, the weight
right-aligned with its sign before the digits, and the unit; general errors ES, ET, EL). RADWAG's communication
protocol as printed in its balance and indicator manuals ("Send the result immediately in basic unit": the
command padded to three columns, a stability marker `?` when unstable and a space when stable, a sign column,
nine columns of mass right-aligned, three of unit left-aligned; `XX_A` command accepted, `XX_I` cannot be
executed now, `XX_E` time limit for a stable result exceeded).
"""
from decimal import Decimal

import pytest

from drivers.scale import mtsics
from drivers.scale.errors import ScaleBusy, ScaleOverload, ScaleProtocolError, ScaleUnderload
from drivers.scale.reading import Reading


@pytest.mark.parametrize(
    ("line", "value", "unit", "stable"),
    [
        (b"S S     100.00 g", "100.00", "g", True),  # S: stable weight
        (b"S D     129.07 g", "129.07", "g", False),  # SI / SIR: dynamic (moving) weight
        (b"S S      -0.25 kg", "-0.25", "kg", True),  # the sign goes before the digits
    ],
)
def test_mtsics_weight_replies(line, value, unit, stable):
    reading = mtsics.decode_weight(line)
    assert (reading.value, reading.unit, reading.stable) == (Decimal(value), unit, stable)


@pytest.mark.parametrize(
    ("line", "error"),
    [(b"S I", ScaleBusy), (b"S +", ScaleOverload), (b"S -", ScaleUnderload), (b"ES", ScaleProtocolError),
     (b"ET", ScaleProtocolError), (b"EL", ScaleBusy)],
)
def test_mtsics_weight_statuses_and_general_errors(line, error):
    with pytest.raises(error):
        mtsics.decode_weight(line)


def test_mtsics_commands_are_text_lines_ended_by_cr_lf():
    assert [mtsics.WEIGH_STABLE, mtsics.WEIGH_NOW, mtsics.WEIGH_REPEAT, mtsics.ZERO, mtsics.TARE,
            mtsics.TARE_QUERY, mtsics.TARE_CLEAR] == [b"S\r\n", b"SI\r\n", b"SIR\r\n", b"Z\r\n", b"T\r\n",
                                                       b"TA\r\n", b"TAC\r\n"]


def test_mtsics_zero_and_tare_replies():
    assert mtsics.decode_zero(b"Z A") is None
    assert mtsics.decode_tare(b"T S     100.00 g") == Reading(Decimal("100.00"), "g", True, decimals=2)
    assert mtsics.decode_tare_value(b"TA A      0.850 kg").value == Decimal("0.850")
    assert mtsics.decode_tare_clear(b"TAC A") is None
    with pytest.raises(ScaleBusy):
        mtsics.decode_tare(b"T I")


@pytest.mark.parametrize(
    ("line", "value", "unit", "stable"),
    [
        (b"SI ?       18.5 kg ", "18.5", "kg", False),  # the manual's SI example: '?' marks an unstable result
        (b"SI         18.5 kg ", "18.5", "kg", True),  # a space in the marker column: stable
        (b"S    -      8.5 g  ", "-8.5", "g", True),  # the S example: sign in its own column
        (b"SI         18.5 kg", "18.5", "kg", True),  # trailing blanks of the unit column left out
    ],
)
def test_radwag_mass_frames(line, value, unit, stable):
    reading = mtsics.decode_weight(line)
    assert (reading.value, reading.unit, reading.stable) == (Decimal(value), unit, stable)
    assert mtsics.reply_to(line) == "S"


def test_radwag_acknowledgements_and_refusals():
    assert mtsics.is_acknowledgement(b"S A") and mtsics.is_acknowledgement(b"SI A")
    for line in (b"SI I", b"S I", b"S E"):
        with pytest.raises(ScaleBusy):
            mtsics.decode_weight(line)


@pytest.mark.parametrize(
    "line",
    [
        b"SI ^       18.5 kg ",  # limit markers say nothing about motion
        b"SI ?      18.5 kg ",  # one column short: the weight is not where the format puts it
        b"SI ?       18,5 kg ",
        b"SI ?       18.5 k",  # a unit cut short
        b"SI ?       -8.5 kg ",  # the sign belongs in its own column
    ],
)
def test_radwag_frames_out_of_format_are_errors_never_weights(line):
    with pytest.raises(ScaleProtocolError):
        mtsics.decode_weight(line)
