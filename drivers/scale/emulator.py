"""Emulated scales for the demo, the tests and testing by hand.

    emu = start_emulator("mt-sics")              # or "sma", "toledo"; transport="socket" for socket://
    scale = Scale(emu.url, "mt-sics")
    emu.pour("12.5")                             # moves, then settles after settle_ms
    ...
    emu.close()

By hand: `python -m drivers.scale.emulator --protocol toledo` prints the port to open and takes commands on
stdin (type `?` for the list).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from .emulated_ports import PtyLink, SocketLink
from .emulated_protocols import RESPONDERS
from .emulated_scale import EmulatedScale, Snapshot

# How often the emulator thread looks for input and due frames: the jitter on a 50 ms stream.
_TICK = 0.002


class Emulator:
    """A scale on the far end of a real tty (default) or of a loopback TCP port, run by a background thread."""

    def __init__(
        self,
        protocol: str,
        *,
        transport: str = "pty",
        unit: str = "kg",
        decimals: int = 3,
        rate: float = 20.0,
        settle_ms: float = 300,
        stable_timeout: float = 1.0,
        capacity: Decimal | str | None = None,
        checksum: bool = True,
        dialect: str = "",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if protocol not in RESPONDERS:
            raise ValueError(f"unknown scale protocol {protocol!r}: use one of {', '.join(RESPONDERS)}")
        if transport not in ("pty", "socket"):
            raise ValueError(f"transport must be 'pty' or 'socket', not {transport!r}")
        if dialect not in ("", "radwag") or (dialect and protocol != "mt-sics"):
            raise ValueError(f"no dialect {dialect!r} of {protocol}: only mt-sics has one (radwag)")
        self.protocol = protocol
        self.scale = EmulatedScale(unit=unit, decimals=decimals, settle_ms=settle_ms,
                                   capacity=None if capacity is None else Decimal(capacity))
        self._responder = RESPONDERS[protocol](self.scale, rate=rate, stable_timeout=stable_timeout,
                                               checksum=checksum, dialect=dialect)
        self._responder.check(unit, decimals)
        self._link = PtyLink() if transport == "pty" else SocketLink(host, port)
        # Cable changes run on the emulator thread, between steps, so a select never sees a closed fd.
        self._requests: deque[tuple[Callable[[], None], threading.Event]] = deque()
        self._garbage: deque[bytes] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = False
        self.frames_sent = 0
        # Held from weighing a frame until it is written, and by every change of the pan: as on a real scale, what
        # was weighed before the load changed is on the line before the change, however late this thread runs.
        # Reentrant: an on_sent callback may change the pan for the next frame.
        self._on_air = threading.RLock()
        # Called on the emulator thread with each frame sent and the monotonic time its write began; keep it quick.
        self.on_sent: Callable[[bytes, float], None] | None = None

    @property
    def url(self) -> str:
        """What to give the driver: the tty's stable by-id path, or socket://127.0.0.1:PORT."""
        return self._link.url

    @property
    def device(self) -> str:
        """The tty's kernel name now (`.../ttyUSB0`), which changes when it is plugged back as a new one."""
        return getattr(self._link, "device", self._link.url)

    @property
    def tare_command(self) -> bool:
        return self._responder.tare_command

    @tare_command.setter
    def tare_command(self, available: bool) -> None:
        """False: the scale answers a tare command as one it does not have (SMA `?`, MT-SICS `ES`)."""
        self._responder.tare_command = available

    # -- running -----------------------------------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._thread is None:
            self._link.open()
            self.connected = True
            self._thread = threading.Thread(target=self._run, name=f"{self.protocol} emulator", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self.connected = False
        self._link.shutdown()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the cable ---------------------------------------------------------------------------------------------

    def disconnect(self) -> None:
        """Pull the cable: the port goes away until reconnect()."""

        def pull() -> None:
            if self.connected:
                self._link.close()
                self._responder.reset()
                self.connected = False

        self._on_thread(pull)

    def reconnect(self, new_name: bool = False) -> None:
        """Plug the cable back; with `new_name` a USB adapter comes back under the next kernel name."""

        def plug() -> None:
            if not self.connected:
                self._link.open(new_name)
                self.connected = True

        self._on_thread(plug)

    def drop_connection(self) -> None:
        """The device server drops the host's TCP connection but keeps listening (socket transport)."""

        if not isinstance(self._link, SocketLink):
            raise ValueError("only a socket connection can be dropped; unplug a pty with disconnect()")

        def drop() -> None:
            self._link.drop()
            self._responder.reset()

        self._on_thread(drop)

    def garbage(self, data: bytes) -> None:
        """Send raw bytes as they are, between frames, like noise on the line."""
        self._garbage.append(bytes(data))

    # -- the pan -----------------------------------------------------------------------------------------------

    def set_weight(self, value: Decimal | str | int) -> None:
        with self._on_air:
            self.scale.set_weight(value)

    def pour(self, delta: Decimal | str | int, settle_ms: float | None = None) -> None:
        with self._on_air:
            self.scale.pour(delta, settle_ms)

    def set_motion(self, moving: bool, settle_ms: float | None = None) -> None:
        self.scale.set_motion(moving, settle_ms)

    def overload(self) -> None:
        self.scale.overload()

    def underload(self) -> None:
        self.scale.underload()

    def clear_fault(self) -> None:
        self.scale.clear_fault()

    def zero(self) -> str:
        return self.scale.zero()

    def tare(self) -> str:
        return self.scale.tare()

    def clear_tare(self) -> None:
        self.scale.clear_tare()

    def snapshot(self) -> Snapshot:
        return self.scale.snapshot()

    @property
    def unit(self) -> str:
        return self.scale.unit

    @unit.setter
    def unit(self, unit: str) -> None:
        self._responder.check(unit, self.scale.decimals)
        self.scale.unit = unit

    @property
    def decimals(self) -> int:
        return self.scale.decimals

    @decimals.setter
    def decimals(self, decimals: int) -> None:
        self._responder.check(self.scale.unit, decimals)
        self.scale.decimals = decimals

    # -- the thread --------------------------------------------------------------------------------------------

    def _on_thread(self, change: Callable[[], None]) -> None:
        if self._thread is None or not self._thread.is_alive():
            change()
            return
        done = threading.Event()
        self._requests.append((change, done))
        done.wait(2.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            while self._requests:
                change, done = self._requests.popleft()
                try:
                    change()
                finally:
                    done.set()
            if self.connected:
                self._step()
            else:
                self._stop.wait(_TICK)

    def _step(self) -> None:
        received = self._link.wait(_TICK)
        with self._on_air:  # the writes do not block: what does not fit is dropped
            now = time.monotonic()
            frames = self._responder.feed(received, now) if received else []
            frames += self._responder.tick(now)
            for frame in frames:
                # Stamped before the write: once written, the driver may hold the reading before this thread runs.
                started = time.monotonic()
                if self._link.send(frame):
                    self.frames_sent += 1
                    if self.on_sent is not None:
                        self.on_sent(frame, started)
        while self._garbage:
            self._link.send(self._garbage.popleft())


def start_emulator(protocol: str, **options: object) -> Emulator:
    """A running emulator; give `.url` to the driver. Options as for Emulator."""
    return Emulator(protocol, **options).start()  # type: ignore[arg-type]


HELP = """commands:
  w 12.5        set the weight on the pan
  p 0.25        pour: add weight (negative takes off); moves, then settles
  m on|off|MS   motion on, off, or on and settling after MS milliseconds
  o | u | n     overload, underload, normal
  z | t | c     zero, tare, clear tare (the keys on the scale)
  g TEXT        send TEXT as garbage (\\xNN escapes allowed)
  d | r         disconnect (pull the cable) | reconnect
  s             show the state
  q             quit"""


def run_command(emu: Emulator, line: str) -> str | None:
    """One stdin command; the text to print, or None to quit."""
    word, _, arg = line.strip().partition(" ")
    arg = arg.strip()
    try:
        if word == "q":
            return None
        if word == "w":
            emu.set_weight(Decimal(arg))
        elif word == "p":
            emu.pour(Decimal(arg))
        elif word == "m":
            emu.set_motion(arg != "off", None if arg in ("on", "off") else float(arg))
        elif word in ("o", "u", "n"):
            {"o": emu.overload, "u": emu.underload, "n": emu.clear_fault}[word]()
        elif word in ("z", "t"):
            return (emu.zero if word == "z" else emu.tare)()
        elif word == "c":
            emu.clear_tare()
        elif word == "g":
            emu.garbage(arg.encode("latin-1").decode("unicode_escape").encode("latin-1"))
        elif word in ("d", "r"):
            (emu.disconnect if word == "d" else emu.reconnect)()
        elif word == "s":
            return describe(emu)
        else:
            return HELP
    except (InvalidOperation, ValueError) as exc:
        return f"? {exc}"
    return "ok"


def describe(emu: Emulator) -> str:
    snap = emu.snapshot()
    shown = f"{format(snap.display, f'.{emu.decimals}f')} {emu.unit} {'net' if snap.net else 'gross'}"
    state = {"over": "OVERLOAD", "under": "UNDERLOAD"}.get(snap.condition) or ("moving" if snap.moving else "stable")
    cable = "connected" if emu.connected else "DISCONNECTED"
    return f"{shown} {state}, tare {format(snap.tare, f'.{emu.decimals}f')}, {cable}, {emu.frames_sent} frames sent"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.scale.emulator", description="An emulated scale.")
    parser.add_argument("--protocol", choices=sorted(RESPONDERS), default="mt-sics")
    parser.add_argument("--socket", type=int, metavar="PORT", help="serve socket://127.0.0.1:PORT instead of a pty")
    parser.add_argument("--unit", default="kg")
    parser.add_argument("--decimals", type=int, default=3)
    parser.add_argument("--rate", type=float, default=20.0, help="stream frames per second")
    parser.add_argument("--weight", default="0")
    parser.add_argument("--no-checksum", action="store_true", help="Toledo: frames without the checksum byte")
    args = parser.parse_args(argv)
    emu = Emulator(
        args.protocol,
        transport="socket" if args.socket is not None else "pty",
        port=args.socket or 0,
        unit=args.unit,
        decimals=args.decimals,
        rate=args.rate,
        checksum=not args.no_checksum,
    )
    emu.set_weight(Decimal(args.weight))
    with emu:
        print(emu.url, flush=True)
        print(f"{args.protocol} scale ready; type ? for commands", file=sys.stderr, flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            answer = run_command(emu, line)
            if answer is None:
                break
            print(answer, file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
