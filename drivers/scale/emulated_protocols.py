"""How each emulated scale answers on the wire.

Written from the protocol descriptions, not from the driver's parsers, so that the driver tests check the two
against each other rather than against themselves. A responder is fed what the host sends and ticked
regularly; both return the bytes to send back.
"""

from __future__ import annotations

from decimal import Decimal

from .emulated_scale import EmulatedScale, Snapshot


class Responder:
    def __init__(self, scale: EmulatedScale, *, rate: float, stable_timeout: float, checksum: bool,
                 dialect: str = "") -> None:
        self.scale = scale
        self.period = 1.0 / rate
        self.stable_timeout = stable_timeout
        self.checksum = checksum
        self.dialect = dialect
        # False: the scale has no tare command (SMA answers `?`, MT-SICS `ES`), as many indicators are set up.
        self.tare_command = True

    def check(self, unit: str, decimals: int) -> None:
        """Refuse settings this protocol cannot express."""
        if not 0 <= decimals <= 6:
            raise ValueError(f"decimals must be 0..6, not {decimals}")

    def feed(self, data: bytes, now: float) -> list[bytes]:
        return []

    def tick(self, now: float) -> list[bytes]:
        return []

    def reset(self) -> None:
        """The line dropped: forget anything asked before."""

    def _number(self, value: Decimal) -> str:
        return format(value, f".{self.scale.decimals}f")


class MtSicsResponder(Responder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._buf = bytearray()
        self.reset()

    def reset(self) -> None:
        self._buf.clear()
        self._repeat_at: float | None = None
        self._waiting: tuple[str, float] | None = None  # S, Z or T waiting for the weight to settle

    def feed(self, data: bytes, now: float) -> list[bytes]:
        out: list[bytes] = []
        for byte in data:
            if byte in b"\r\n":
                if self._buf:
                    out += self._command(self._buf.decode("ascii", "replace").split(), now)
                self._buf.clear()
            else:
                self._buf.append(byte)
        return out

    def tick(self, now: float) -> list[bytes]:
        out: list[bytes] = []
        if self._waiting is not None:
            name, give_up_at = self._waiting
            snap = self.scale.snapshot(now)
            if not snap.moving or snap.condition != "ok":
                self._waiting = None
                out += self._settled(name, snap)
            elif now >= give_up_at:
                self._waiting = None
                out.append(self._line(f"{name} {'E' if self.dialect == 'radwag' and name == 'S' else 'I'}"))
        if self._repeat_at is not None and now >= self._repeat_at:
            out.append(self._weight(self.scale.snapshot(now)))
            # Keep the beat, but do not burst to catch up after a stall.
            self._repeat_at = max(self._repeat_at + self.period, now)
        return out

    def _command(self, words: list[str], now: float) -> list[bytes]:
        self._repeat_at = None  # any command ends SIR, and replaces one still waiting
        self._waiting = None
        if not words:
            return []
        name = words[0]
        if words == ["T"] and not self.tare_command:
            return [self._line("ES")]
        if name in ("S", "Z", "T") and len(words) == 1:
            snap = self.scale.snapshot(now)
            ack = [self._line("S A")] if name == "S" and self.dialect == "radwag" else []
            if snap.moving and snap.condition == "ok":
                self._waiting = (name, now + self.stable_timeout)
                return ack
            return ack + self._settled(name, snap)
        if words == ["SI"]:
            return [self._weight(self.scale.snapshot(now), "SI")]
        if words == ["SIR"]:
            if self.dialect == "radwag":
                return [self._line("ES")]  # RADWAG streams with its own C1 command, not SIR
            self._repeat_at = now
            return []
        if name == "TA":
            return self._tare_value(words)
        if words == ["TAC"]:
            self.scale.clear_tare()
            return [self._line("TAC A")]
        if words == ["@"]:
            self.scale.clear_tare()
            return [self._line('I4 A "EMU0000001"')]
        return [self._line("ES")]

    def _settled(self, name: str, snap: Snapshot) -> list[bytes]:
        if name == "S":
            return [self._weight(snap)]
        result = self.scale.zero() if name == "Z" else self.scale.tare()
        if result == "ok":
            if name == "Z":
                return [self._line("Z A")]
            return [self._line(f"T S {self._number(self.scale.snapshot().tare):>10} {self.scale.unit}")]
        return [self._line(f"{name} {dict(over='+', under='-').get(result, 'I')}")]

    def _tare_value(self, words: list[str]) -> list[bytes]:
        if len(words) == 3:
            if words[2] != self.scale.unit:
                return [self._line("TA L")]
            try:
                self.scale.set_tare(Decimal(words[1]))
            except ArithmeticError:
                return [self._line("ES")]
        elif len(words) != 1:
            return [self._line("ES")]
        return [self._line(f"TA A {self._number(self.scale.snapshot().tare):>10} {self.scale.unit}")]

    def _weight(self, snap: Snapshot, command: str = "S") -> bytes:
        if snap.condition == "over":
            return self._line("S +")
        if snap.condition == "under":
            return self._line("S -")
        if self.dialect == "radwag":
            # RADWAG's columns: command padded to 3, stability (? moving), space, sign, 9 of weight, space, unit.
            sign = "-" if snap.display < 0 else " "
            return self._line(f"{command:<3}{'?' if snap.moving else ' '} {sign}"
                              f"{self._number(abs(snap.display)):>9} {self.scale.unit:<3}")
        return self._line(f"S {'D' if snap.moving else 'S'} {self._number(snap.display):>10} {self.scale.unit}")

    @staticmethod
    def _line(text: str) -> bytes:
        return text.encode("ascii") + b"\r\n"


class ToledoResponder(Responder):
    """Streams a frame every period and ignores what the host sends, like an indicator's print port."""

    # Status C bits 0-2 for each unit (0: kg or lb, as status B's bit 4 says).
    UNIT_CODES = {"kg": 0, "lb": 0, "g": 1, "t": 2, "oz": 3, "ozt": 4, "dwt": 5, "ton": 6, "custom": 7}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._next = 0.0

    def check(self, unit: str, decimals: int) -> None:
        if unit not in self.UNIT_CODES:
            raise ValueError(f"Toledo continuous output has no unit {unit!r}: use one of {', '.join(self.UNIT_CODES)}")
        if not 0 <= decimals <= 5:
            raise ValueError(f"Toledo continuous output has 0..5 decimals, not {decimals}")

    def tick(self, now: float) -> list[bytes]:
        if now < self._next:
            return []
        self._next = max(self._next + self.period, now)
        return [self.frame(self.scale.snapshot(now))]

    def frame(self, snap: Snapshot) -> bytes:
        decimals = self.scale.decimals
        weight = int(abs(snap.display).scaleb(decimals))
        tare = int(abs(snap.tare).scaleb(decimals))
        out_of_range = snap.condition != "ok" or weight > 999_999
        negative = snap.display < 0 or snap.condition == "under"
        status_a = 0x20 | 0x08 | (decimals + 2)  # display increment x1, decimal point position
        status_b = (0x20 | 0x01 * snap.net | 0x02 * negative | 0x04 * out_of_range | 0x08 * snap.moving
                    | 0x10 * (self.scale.unit == "kg"))
        digits = b"000000" if out_of_range else b"%06d" % weight
        status_c = 0x20 | self.UNIT_CODES[self.scale.unit]
        body = bytes([0x02, status_a, status_b, status_c]) + digits + b"%06d" % min(tare, 999_999) + b"\r"
        if self.checksum:
            body += bytes([(0x80 - (sum(body) & 0x7F)) & 0x7F])
        return body


class SmaResponder(Responder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._buf: bytearray | None = None
        self._last = b""

    def check(self, unit: str, decimals: int) -> None:
        super().check(unit, decimals)
        if not 1 <= len(unit) <= 3:
            raise ValueError(f"SMA units have 1..3 letters, not {unit!r}")

    def reset(self) -> None:
        self._buf = None

    def feed(self, data: bytes, now: float) -> list[bytes]:
        out: list[bytes] = []
        for byte in data:
            if byte == 0x0A:
                self._buf = bytearray()
            elif byte == 0x0D and self._buf is not None:
                out.append(self._command(bytes(self._buf), now))
                self._buf = None
            elif self._buf is not None:
                self._buf.append(byte)
        return out

    def _command(self, command: bytes, now: float) -> bytes:
        if command == b"R" and self._last:
            return self._last
        if command == b"W":
            reply = self._reply(self.scale.snapshot(now))
        elif command == b"Z":
            done = self.scale.zero()
            reply = self._reply(self.scale.snapshot(now), status="E" if done == "moving" else None)
        elif command in (b"T", b"C", b"M") and not self.tare_command:
            return b"\n?\r"
        elif command == b"C":
            self.scale.clear_tare()
            reply = self._reply(self.scale.snapshot(now))
        elif command == b"T":
            done = self.scale.tare()
            reply = self._reply(self.scale.snapshot(now), status="T" if done in ("moving", "under") else None)
        elif command == b"M":
            reply = self._reply(self.scale.snapshot(now), mode="T")
        else:
            return b"\n?\r"
        self._last = reply
        return reply

    def _reply(self, snap: Snapshot, *, status: str | None = None, mode: str | None = None) -> bytes:
        value = snap.tare if mode == "T" else snap.display
        if status is None:
            status = {"over": "O", "under": "U"}.get(snap.condition) or ("Z" if value.is_zero() else " ")
        weight = "-" * 10 if status in "EIT" else f"{self._number(value):>10}"
        mode = mode or ("N" if snap.net else "G")
        text = f"{status}1{mode}{'M' if snap.moving else ' '} {weight[-10:]}{self.scale.unit:<3}"
        return b"\n" + text.encode("ascii") + b"\r"


RESPONDERS: dict[str, type[Responder]] = {
    "mt-sics": MtSicsResponder,
    "sma": SmaResponder,
    "toledo": ToledoResponder,
}
