"""The station's scale, for the screens: net weights arrive as messages, never as bytes.

The link holds the tare of the weighing in progress (`drivers.scale.Tare`: on the scale, kept by jobfloor, or a
container's recorded tare) and turns every reading into its net before a screen sees it, so the Pick and Return
screens show and confirm the same net by the same rule. The blocking calls (take_tare, weigh) are for workers.

A station whose scale URL is `sim://PROTOCOL` gets an emulated scale on a pseudo-terminal, driven through the
real driver and framing; the picker "pours" with keys, so the demo shows the whole flow without hardware.
"""
from __future__ import annotations

import threading
from decimal import Decimal

from textual.message import Message

from drivers.scale import NetReading, Reading, Scale, ScaleError, Tare, is_simulated, take_tare, weigh
from drivers.scale.tare import release


class ScaleUpdate(Message):
    """The latest net reading or scale error. Only the newest matters, so a queued one is replaced."""

    def __init__(self, item: NetReading | ScaleError) -> None:
        super().__init__()
        self.item = item

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScaleUpdate)


class ScaleLink:
    def __init__(self, station):
        self.station = station
        self.emulator = None
        self.scale = None
        self.monitor = None
        self.target = None
        self.latest = None
        self.tare = Tare.none()
        self._releasing: threading.Thread | None = None

    @property
    def configured(self) -> bool:
        return bool(self.station is not None and self.station.scale_url and self.station.scale_protocol)

    @property
    def simulated(self) -> bool:
        return self.configured and is_simulated(self.station.scale_url)

    def start(self, target) -> None:
        """Open the scale (and its emulator in the demo) and send net readings to `target` until stopped."""
        self.target = target
        if self.scale is None:
            url = self.station.scale_url
            if self.simulated:
                from drivers.scale.emulator import start_emulator

                self.emulator = start_emulator(self.station.scale_protocol, settle_ms=600, decimals=3)
                url = self.emulator.url
            self.scale = Scale(url, self.station.scale_protocol, baudrate=self.station.scale_baud,
                               bytesize=self.station.scale_bytesize, parity=self.station.scale_parity,
                               stopbits=self.station.scale_stopbits)
        if self.monitor is None:
            self.monitor = self.scale.monitor(self._deliver)

    def _deliver(self, item) -> None:
        # Runs on the driver's thread; post_message is thread-safe in Textual.
        self.latest = item
        target = self.target
        if target is not None:
            target.post_message(ScaleUpdate(self.net(item)))

    def net(self, item: Reading | ScaleError) -> NetReading | ScaleError:
        """A reading as its net under the tare in use, or the error that stops it being one."""
        if isinstance(item, Reading):
            try:
                return self.tare.net(item)
            except ScaleError as exc:
                return exc
        return item

    # --- a weighing: tare, then weigh; blocking, call from a worker -------------------------------------------
    def take_tare(self) -> NetReading:
        """Tare the container on the scale (the tare key was just pressed); the first net reading at zero. The
        tare is on the scale where it takes the command, else kept here."""
        self._wait_for_release()
        self.tare = Tare.none()
        tare, zero = take_tare(self.scale)
        self.tare = tare
        return zero

    def use_tare(self, tare: Tare) -> None:
        """Weigh against a known tare (a returned container's), or none."""
        self.tare = tare

    def weigh(self, pressed: float) -> NetReading:
        """The net of the first stable reading after the key pressed at `pressed`: what a confirm books."""
        return weigh(self.scale, self.tare, pressed)

    def end_weighing(self) -> None:
        """The quantity is booked: forget the tare, and clear one jobfloor set on the scale (in the background;
        the next tare waits for it)."""
        tare, self.tare = self.tare, Tare.none()
        if self.scale is not None:
            self._releasing = threading.Thread(target=release, args=(self.scale, tare), name="scale tare release",
                                               daemon=True)
            self._releasing.start()

    def _wait_for_release(self) -> None:
        if self._releasing is not None:
            self._releasing.join()
            self._releasing = None

    # --- the demo's emulated pan -------------------------------------------------------------------------------
    def pour(self, kg: Decimal) -> None:
        if self.emulator is not None:
            self.emulator.pour(kg)

    def place_container(self, kg: Decimal = Decimal("0.850")) -> None:
        """Demo only: the picker puts an empty job bucket on the pan (a real scale cannot tare nothing)."""
        if self.emulator is not None:
            self.emulator.set_weight(kg)

    def clear_pan(self) -> None:
        if self.emulator is not None:
            self.emulator.set_weight(Decimal(0))
            self.emulator.zero()

    def stop(self) -> None:
        self._wait_for_release()
        if self.monitor is not None:
            self.monitor.stop()
            self.monitor = None
        if self.scale is not None:
            self.scale.close()
            self.scale = None
        if self.emulator is not None:
            self.emulator.close()
            self.emulator = None
        self.target = None
