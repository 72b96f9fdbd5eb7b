"""The station's scale, for the screens: readings arrive as messages, never as bytes.

A station whose scale URL is `sim://PROTOCOL` gets an emulated scale on a pseudo-terminal, driven through the
real driver and framing; the picker "pours" with keys, so the demo shows the whole flow without hardware.
"""
from __future__ import annotations

from decimal import Decimal

from textual.message import Message


class ScaleUpdate(Message):
    """The latest reading or scale error. Only the newest matters, so a queued one is replaced."""

    def __init__(self, item) -> None:
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

    @property
    def configured(self) -> bool:
        return bool(self.station is not None and self.station.scale_url and self.station.scale_protocol)

    @property
    def simulated(self) -> bool:
        return self.configured and self.station.scale_url.startswith("sim://")

    def start(self, target) -> None:
        """Open the scale (and its emulator in the demo) and send readings to `target` until stopped."""
        from drivers.scale import Scale

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
            target.post_message(ScaleUpdate(item))

    def tare(self):
        """Blocking: call from a worker."""
        return self.scale.tare()

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
