"""Mettler Toledo MT-SICS: commands and replies as text lines.

Pure: bytes in, a Reading or a typed ScaleError out. Replies are checked against the exact shapes the standard
defines; clones that answer in other shapes get a ScaleProtocolError rather than a guessed weight.

One clone dialect is read as well, because it is common and cannot be mistaken for anything else: RADWAG
balances and indicators answer `SI` (and `S`) with a fixed-column frame of their own, the command name padded
to three columns, a stability marker (`?` moving, space stable), a sign column, nine columns of weight and three
of unit: `SI ?       18.5 kg ` is 18.5 kg moving, `SI         18.5 kg ` the same weight settled. They may
first acknowledge a command (`S A`, `SI A`) and answer `SI I` / `S E` when they cannot give a weight.
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
# The weight units MT-SICS balances and their clones send (MT-SICS reference, "weight units"; RADWAG's unit
# list). A token outside the list is a damaged or unknown reply, never a weight in a unit nobody heard of.
UNITS = frozenset({"g", "kg", "mg", "ug", "t", "ct", "lb", "oz", "ozt", "dwt", "gn", "gr", "mom", "msg", "tlh",
                   "tls", "tlt", "tlc", "tola", "baht", "n"})
_MAX_LINE = 80
# RADWAG's fixed columns (0-based): command 0-2, stability 3, sign 5, weight 6-14, unit 16-18.
_RADWAG_HEADS = (b"SI ", b"S  ")
_RADWAG_WEIGHT = re.compile(r" *\d+(?:\.\d+)?")


def tare_preset(value: Decimal, unit: str) -> bytes:
    """`TA <value> <unit>`: set a known container tare instead of weighing it."""
    if not _UNIT.fullmatch(unit):
        raise ValueError(f"not an MT-SICS unit: {unit!r}")
    return f"TA {value} {unit}".encode("ascii") + EOL


def framer() -> DelimitedFramer:
    # CR and LF each end a line, so balances set to send only one of them still frame; empty lines are skipped.
    return DelimitedFramer(ends=b"\r\n", max_length=_MAX_LINE)


def reply_to(line: bytes) -> str | None:
    """Which command a reply line answers: `S` (also RADWAG's `SI`), `Z`, `T`, `TA`, `TAC`, `I4`, or `E` for a
    general error. None for a line that is nobody's reply."""
    try:
        tokens = _split(line)
    except ScaleProtocolError:
        return None
    if not tokens:
        return None
    if tokens[0] in ("ES", "ET", "EL"):
        return "E"
    if tokens[0] == "SI":
        return "S"
    return tokens[0]


def is_acknowledgement(line: bytes) -> bool:
    """`S A` / `SI A`: a clone saying it took the command and the weight follows on another line."""
    return line.split() in ([b"S", b"A"], [b"SI", b"A"])


def decode_weight(line: bytes, *, net: bool = False) -> Reading:
    """A reply to S, SI or SIR. MT-SICS does not say gross or net in the reply: the caller knows from TA."""
    if line[:3] in _RADWAG_HEADS:
        return _radwag_weight(line, net)
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
        if status == "E":  # RADWAG: the time limit for a stable result ran out
            raise ScaleBusy("The weight did not settle in the scale's own time limit.", detail=_show(line))
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


def _radwag_weight(line: bytes, net: bool) -> Reading:
    try:
        text = line.decode("ascii")
    except UnicodeDecodeError:
        raise _unknown(line) from None
    stability, sign, weight, unit = text[3:4], text[5:6], text[6:15], text[16:19].rstrip(" ")
    if text.split() == ["SI", "I"]:
        raise ScaleBusy("The scale could not give a weight now.", detail=_show(line))
    if (len(text) < 17 or text[2] != " " or text[4] != " " or text[15] != " " or sign not in " -"
            or not _RADWAG_WEIGHT.fullmatch(weight) or unit.lower() not in UNITS):
        raise _unknown(line)
    if stability not in " ?":
        # `^` / `v` mark a weight outside the checkweighing limits set on the balance, and say nothing of motion.
        raise ScaleProtocolError(
            "The scale marks its weight as outside its own limits instead of saying whether it is steady. Switch "
            "the checkweighing limits off on the scale.",
            detail=f"RADWAG stability marker {stability!r} in {_show(line)}",
        )
    value, decimals = _number(weight.strip(), line)
    return Reading(-value if sign == "-" else value, unit, stable=stability == " ", net=net, decimals=decimals)


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
    if not _UNIT.fullmatch(text) or text.lower() not in UNITS:
        raise _unknown(line)
    return text.lower()


def _unknown(line: bytes) -> ScaleError:
    return ScaleProtocolError(detail=f"unexpected MT-SICS reply {_show(line)}")


def _show(line: bytes) -> str:
    return repr(bytes(line))
