"""SMA (Scale Manufacturers Association) Level 1: polled weight requests.

Request `LF W CR`; reply `LF s r n m f weight(10) unit(3) CR`, 20 bytes. Pure: bytes in, a Reading or a typed
ScaleError out. Frames handed to the decoders are the bytes between LF and CR.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .errors import ScaleFault, ScaleOverload, ScaleProtocolError, ScaleUnderload
from .framing import DelimitedFramer
from .reading import Reading

LF = 0x0A
CR = 0x0D

WEIGH = b"\nW\r"
ZERO = b"\nZ\r"
TARE = b"\nT\r"
READ_TARE = b"\nM\r"
CLEAR_TARE = b"\nC\r"
REPEAT = b"\nR\r"
UNKNOWN_COMMAND = b"?"  # the whole frame an indicator sends back for a command it does not have

_REPLY_LENGTH = 18  # 20 on the wire, less LF and CR
_WEIGHT = re.compile(r" *[+-]?\d+(?:\.\d+)?")
_DASHES = re.compile(r" *-+ *")
_UNIT = re.compile(r" *([A-Za-z]{1,3}) *")

_FAULTS = {
    "E": "The scale reports a zero error. Check the pan is empty and clear, then zero the scale.",
    "I": "The scale could not find zero when it started. Empty the pan and zero the scale.",
    "T": "The scale reports a tare error. Wait for the weight to settle, then tare again.",
}


def framer() -> DelimitedFramer:
    return DelimitedFramer(start=LF, ends=bytes([CR]), max_length=_REPLY_LENGTH)


def decode_weight(frame: bytes) -> Reading:
    """A reply to W, Z, T or R: the displayed gross or net weight."""
    mode, reading = _decode(frame)
    if mode == "T":
        raise ScaleProtocolError(detail=f"SMA reply {frame!r}: a tare where a weight was expected")
    return reading


def decode_tare(frame: bytes) -> Reading:
    """A reply to M: the tare held by the scale."""
    mode, reading = _decode(frame)
    if mode != "T":
        raise ScaleProtocolError(detail=f"SMA reply {frame!r}: a weight where the tare was expected")
    return reading


def _decode(frame: bytes) -> tuple[str, Reading]:
    if frame == b"?":
        raise ScaleProtocolError(
            "The scale did not recognise the command. Check the scale is set to SMA.", detail="SMA reply '?'"
        )
    if frame == b"!":
        raise ScaleProtocolError(
            "The scale reports a communication error. Check the baud rate and parity settings.",
            detail="SMA reply '!'",
        )
    try:
        text = frame.decode("ascii")
    except UnicodeDecodeError:
        raise _bad(frame, "not ASCII") from None
    if len(text) != _REPLY_LENGTH:
        raise _bad(frame, f"{len(text)} characters between LF and CR, expected {_REPLY_LENGTH}")
    status, scale_range, mode, motion = text[0], text[1], text[2], text[3]
    weight, unit = text[5:15], text[15:18]
    unit_match = _UNIT.fullmatch(unit)
    if scale_range not in "123456789" or mode not in "GNT" or motion not in " M" or not unit_match:
        raise _bad(frame, "bad range, mode, motion or unit field")
    if status in "EITOU" and not (_DASHES.fullmatch(weight) or _WEIGHT.fullmatch(weight)):
        raise _bad(frame, "bad weight field")
    if status in _FAULTS:
        raise ScaleFault(_FAULTS[status], detail=f"SMA status {status!r} in {frame!r}")
    if status == "O":
        raise ScaleOverload(detail=f"SMA reply {frame!r}")
    if status == "U":
        raise ScaleUnderload(detail=f"SMA reply {frame!r}")
    if status not in " Z" or not _WEIGHT.fullmatch(weight):
        raise _bad(frame, "unknown status or bad weight field")
    number = weight.strip()
    _, _, fraction = number.partition(".")
    reading = Reading(
        Decimal(number),
        unit_match.group(1).lower(),
        stable=motion == " ",
        net=mode == "N",
        decimals=len(fraction),
    )
    return mode, reading


def _bad(frame: bytes, why: str) -> ScaleProtocolError:
    return ScaleProtocolError(detail=f"SMA reply {bytes(frame)!r}: {why}")
