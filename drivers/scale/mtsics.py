"""Mettler Toledo MT-SICS: commands and replies as text lines.

Pure: bytes in, a Reading or a typed ScaleError out. Replies are checked against the exact shapes the standard
defines; clones that answer in other shapes get a ScaleProtocolError rather than a guessed weight.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .errors import (
    ScaleBusy,
    ScaleError,
    ScaleOverload,
    ScaleProtocolError,
    ScaleUnderload,
)
from .framing import DelimitedFramer
from .reading import Reading

EOL = b"\r\n"

WEIGH_STABLE = b"S" + EOL
WEIGH_NOW = b"SI" + EOL
WEIGH_REPEAT = b"SIR" + EOL
ZERO = b"Z" + EOL
TARE = b"T" + EOL
TARE_QUERY = b"TA" + EOL
TARE_CLEAR = b"TAC" + EOL
RESET = b"@" + EOL

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_UNIT = re.compile(r"[A-Za-z]{1,5}")
_MAX_LINE = 80


def tare_preset(value: Decimal, unit: str) -> bytes:
    """`TA <value> <unit>`: set a known container tare instead of weighing it."""
    if not _UNIT.fullmatch(unit):
        raise ValueError(f"not an MT-SICS unit: {unit!r}")
    return f"TA {value} {unit}".encode("ascii") + EOL


def framer() -> DelimitedFramer:
    # CR and LF each end a line, so balances set to send only one of them still frame; empty lines are skipped.
    return DelimitedFramer(ends=b"\r\n", max_length=_MAX_LINE)


def reply_to(line: bytes) -> str | None:
    """Which command a reply line answers: `S`, `Z`, `T`, `TA`, `TAC`, `I4`, or `E` for a general error."""
    tokens = _split(line)
    if not tokens:
        return None
    if tokens[0] in ("ES", "ET", "EL"):
        return "E"
    return tokens[0]


def decode_weight(line: bytes, *, net: bool = False) -> Reading:
    """A reply to S, SI or SIR. MT-SICS does not say gross or net in the reply: the caller knows from TA."""
    tokens = _command_reply(line, "S")
    status = tokens[1]
    if status in ("S", "D") and len(tokens) == 4:
        value, decimals = _number(tokens[2], line)
        return Reading(value, _unit(tokens[3], line), stable=status == "S", net=net, decimals=decimals)
    if len(tokens) == 2:
        if status == "I":
            raise ScaleBusy(
                "The scale could not give a weight now (busy, or the weight did not settle).",
                detail=_show(line),
            )
        if status == "+":
            raise ScaleOverload(detail=_show(line))
        if status == "-":
            raise ScaleUnderload(detail=_show(line))
    raise _unknown(line)


def decode_zero(line: bytes) -> None:
    tokens = _command_reply(line, "Z")
    if len(tokens) == 2:
        status = tokens[1]
        if status == "A":
            return
        if status == "I":
            raise ScaleBusy("The scale could not zero now. Wait for it to settle and zero again.", detail=_show(line))
        if status == "+":
            raise ScaleOverload("Too much weight on the scale to zero it. Clear the pan and zero again.",
                                detail=_show(line))
        if status == "-":
            raise ScaleUnderload("The scale is below its zero range. Check the pan is in place, then zero again.",
                                 detail=_show(line))
    raise _unknown(line)


def decode_tare(line: bytes) -> Reading:
    """The reply to T: the tare the scale took."""
    tokens = _command_reply(line, "T")
    if tokens[1] == "S" and len(tokens) == 4:
        value, decimals = _number(tokens[2], line)
        return Reading(value, _unit(tokens[3], line), stable=True, net=False, decimals=decimals)
    if len(tokens) == 2:
        if tokens[1] == "I":
            raise ScaleBusy("The scale could not tare now. Wait for it to settle and tare again.", detail=_show(line))
        if tokens[1] == "+":
            raise ScaleOverload("Too much weight on the scale to tare it.", detail=_show(line))
        if tokens[1] == "-":
            raise ScaleUnderload("The scale cannot tare a weight below zero. Zero it first.", detail=_show(line))
    raise _unknown(line)


def decode_tare_value(line: bytes) -> Reading:
    """The reply to TA (query or preset): the tare now in use, zero when there is none."""
    tokens = _command_reply(line, "TA")
    if tokens[1] == "A" and len(tokens) == 4:
        value, decimals = _number(tokens[2], line)
        return Reading(value, _unit(tokens[3], line), stable=True, net=False, decimals=decimals)
    if len(tokens) == 2 and tokens[1] in ("I", "L"):
        raise ScaleBusy("The scale could not report or set its tare now.", detail=_show(line))
    raise _unknown(line)


def decode_tare_clear(line: bytes) -> None:
    tokens = _command_reply(line, "TAC")
    if len(tokens) == 2:
        if tokens[1] == "A":
            return
        if tokens[1] == "I":
            raise ScaleBusy("The scale could not clear its tare now.", detail=_show(line))
    raise _unknown(line)


def decode_reset(line: bytes) -> str:
    """The reply to @ is the serial number (`I4 A "0123456789"`)."""
    tokens = _command_reply(line, "I4")
    if len(tokens) == 3 and tokens[1] == "A" and len(tokens[2]) >= 2 and tokens[2][0] == tokens[2][-1] == '"':
        return tokens[2][1:-1]
    raise _unknown(line)


def _command_reply(line: bytes, command: str) -> list[str]:
    """Tokens of a reply to `command`, after turning a general error (ES/ET/EL) into its typed error."""
    tokens = _split(line)
    if tokens == ["ES"]:
        raise ScaleProtocolError(
            "The scale did not understand the command. Check the scale is set to MT-SICS.", detail=_show(line)
        )
    if tokens == ["ET"]:
        raise ScaleProtocolError(
            "The scale received garbled data. Check the baud rate and parity settings.", detail=_show(line)
        )
    if tokens == ["EL"]:
        raise ScaleBusy("The scale refused the command in its current state.", detail=_show(line))
    if len(tokens) < 2 or tokens[0] != command:
        raise _unknown(line)
    return tokens


def _split(line: bytes) -> list[str]:
    try:
        return line.decode("ascii").split()
    except UnicodeDecodeError:
        raise _unknown(line) from None


def _number(text: str, line: bytes) -> tuple[Decimal, int]:
    if not _NUMBER.fullmatch(text):
        raise _unknown(line)
    _, _, fraction = text.partition(".")
    return Decimal(text), len(fraction)


def _unit(text: str, line: bytes) -> str:
    if not _UNIT.fullmatch(text):
        raise _unknown(line)
    return text.lower()


def _unknown(line: bytes) -> ScaleError:
    return ScaleProtocolError(detail=f"unexpected MT-SICS reply {_show(line)}")


def _show(line: bytes) -> str:
    return repr(bytes(line))
