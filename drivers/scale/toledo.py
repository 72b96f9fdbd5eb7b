"""Toledo continuous output: fixed binary-status frames streamed at every display update.

Frame: STX, status bytes A B C, 6 weight digits, 6 tare digits, CR, and an optional checksum byte. Pure: bytes
in, a Reading or a typed ScaleError out. The format has no commands, so there are no encoders here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .errors import ScaleOverload, ScaleProtocolError, ScaleUnderload, ScaleUnitError
from .reading import Reading

STX = 0x02
CR = 0x0D
FRAME_LENGTH = 17  # STX to CR inclusive; 18 with the checksum byte

# Status C bits 0-2 where they name the unit themselves (0 leaves it to status B's kg bit; 7 is a custom unit).
UNIT_CODES = {1: "g", 2: "t", 3: "oz", 4: "ozt", 5: "dwt", 6: "ton"}
# Status A bits 3-4: the display's step, in units of the last digit.
INCREMENTS = {1: 1, 2: 2, 3: 5}

# Some indicators blank insignificant leading zeros with spaces; that is lossless, so it is accepted.
_DIGITS = re.compile(rb" *[0-9]+")

# Consecutive frames seen without a checksum before the framer stops waiting for one after each CR.
_LEARN_AFTER = 3


def checksum(frame: bytes) -> int:
    """Two's complement of the low 7 bits of the sum of STX..CR, so (sum + checksum) is 0 in 7 bits."""
    return -sum(frame[:FRAME_LENGTH]) & 0x7F


class ToledoFramer:
    """Finds frames in the stream, with or without the optional checksum byte.

    With `checksum=None` (the default) either form is accepted. After a CR the next byte decides: the right
    checksum means a checked frame; another byte that is not STX, a damaged frame passed on whole so decoding
    refuses it; STX, a frame without a checksum, once the stream is known to send none. While the stream may
    carry checksums (at the start, or after checked frames) such a frame is dropped instead: a damaged frame whose
    checksum happens to be STX looks the same, and a wrong weight must never get through. The next frame
    followed by STX is then taken as unchecked, so an indicator set to send no checksum costs one frame.
    Waiting for the byte after CR would delay every frame of a checksum-less stream by one frame, so after a
    few checksum-less frames in a row the framer hands frames over at the CR.
    `checksum=True` discards frames that lack one; `checksum=False` never expects one.
    """

    def __init__(self, checksum: bool | None = None) -> None:
        self._setting = checksum
        self._buf = bytearray()
        self._checked: bool | None = None  # whether the stream sends checksums, as far as seen
        self._without_run = 0
        self._last_unchecked: bytes | None = None
        self.discarded = 0

    def reset(self) -> None:
        self.discarded += len(self._buf)
        self._buf.clear()

    @property
    def pending(self) -> bool:
        """Bytes of a frame not handed over yet (begun, or whole and waiting for its checksum byte)."""
        return bool(self._buf)

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buf += chunk
        frames: list[bytes] = []
        buf = self._buf
        while True:
            start = buf.find(STX)
            if start < 0:
                self.discarded += len(buf)
                buf.clear()
                break
            if start:
                self._notice_trailing_checksum(bytes(buf[:start]))
                self.discarded += start
                del buf[:start]
            if len(buf) < FRAME_LENGTH:
                break
            if buf[FRAME_LENGTH - 1] != CR:
                self.discarded += 1
                del buf[:1]
                continue
            if self._emit_at_cr():
                frames.append(bytes(buf[:FRAME_LENGTH]))
                self._last_unchecked = frames[-1]
                del buf[:FRAME_LENGTH]
                continue
            if len(buf) < FRAME_LENGTH + 1:
                break
            after = buf[FRAME_LENGTH]
            if after == checksum(buf) or after != STX:
                self._checked, self._without_run = True, 0
                frames.append(bytes(buf[: FRAME_LENGTH + 1]))
                del buf[: FRAME_LENGTH + 1]
            elif self._setting is True or self._checked is not False:
                self.discarded += FRAME_LENGTH
                del buf[:FRAME_LENGTH]
                if self._setting is None:
                    self._checked = False
            else:
                self._without_run += 1
                frames.append(bytes(buf[:FRAME_LENGTH]))
                del buf[:FRAME_LENGTH]
        return frames

    def _emit_at_cr(self) -> bool:
        if self._setting is not None:
            return self._setting is False
        return self._without_run >= _LEARN_AFTER

    def _notice_trailing_checksum(self, between: bytes) -> None:
        # A checksum byte right after a frame handed over at its CR means the indicator now sends checksums.
        previous, self._last_unchecked = self._last_unchecked, None
        if self._setting is None and previous is not None and between == bytes([checksum(previous)]):
            self._checked, self._without_run = True, 0


def decode(frame: bytes) -> Reading:
    """A Reading from one frame (17 bytes, or 18 with checksum); damaged or unknown frames raise."""
    if len(frame) not in (FRAME_LENGTH, FRAME_LENGTH + 1) or frame[0] != STX or frame[FRAME_LENGTH - 1] != CR:
        raise _bad(frame, "not a Toledo frame")
    if len(frame) == FRAME_LENGTH + 1 and frame[FRAME_LENGTH] != checksum(frame):
        raise ScaleProtocolError(
            "The scale's data was damaged on the way (checksum). Check the cable.", detail=_show(frame, "checksum")
        )
    a, b, c = frame[1], frame[2], frame[3]
    if any((status & 0xA0) != 0x20 for status in (a, b, c)):
        raise _bad(frame, "status bytes must have bit 5 set and bit 7 clear")
    increment = INCREMENTS.get((a >> 3) & 0x03)
    if increment is None:
        raise _bad(frame, "status A bits 3-4 name no display increment")
    unit = _unit(b, c, frame)
    negative = bool(b & 0x02)
    if b & 0x04:
        raise (ScaleUnderload if negative else ScaleOverload)(detail=_show(frame, "out of range"))
    weight, tare = frame[4:10], frame[10:16]
    if not (_DIGITS.fullmatch(weight) and _DIGITS.fullmatch(tare)):
        raise _bad(frame, "weight and tare must be digits")
    value, decimals = _scaled(int(weight), a & 0x07)
    return Reading(
        -value if negative else value,
        unit,
        stable=not b & 0x08,
        net=bool(b & 0x01),
        decimals=decimals,
        increment=increment,
    )


def _unit(b: int, c: int, frame: bytes) -> str:
    """Status C bits 0-2 extend status B's kg/lb bit: grams, tonnes and the imperial units each have a code."""
    code = c & 0x07
    if code == 0:
        return "kg" if b & 0x10 else "lb"
    if code == 7:
        raise ScaleUnitError(
            "The scale weighs in a custom unit of its own, which has no exact value in kg. Set the scale to kg.",
            detail=_show(frame, "status C: custom unit"),
        )
    return UNIT_CODES[code]


def _scaled(counts: int, point: int) -> tuple[Decimal, int]:
    """Status A bits 0-2: 0 and 1 append zeros (XXXX00, XXXXX0), 2 is whole, 3..7 put 1..5 decimals."""
    if point < 2:
        return Decimal(counts * (100 if point == 0 else 10)), 0
    decimals = point - 2
    return Decimal(counts).scaleb(-decimals), decimals


def _bad(frame: bytes, why: str) -> ScaleProtocolError:
    return ScaleProtocolError(detail=_show(frame, why))


def _show(frame: bytes, why: str) -> str:
    return f"Toledo frame {bytes(frame)!r}: {why}"
