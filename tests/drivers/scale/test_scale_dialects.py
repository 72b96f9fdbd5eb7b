"""Readings in every unit and dialect the driver meets, and replies it does not know, through the real driver.

A reply the driver does not know is a clear error for that reading: the port stays open (same connection
generation), the next reading is tried, and the scale is never reported as "not answering".
"""

from __future__ import annotations

import os
import threading
import tty
from decimal import Decimal

import pytest

from drivers.scale import ScaleOffline, ScaleProtocolError, ScaleUnitError
from tests.drivers.scale.scale_helpers import Recorder, wait_until


@pytest.mark.parametrize(("unit", "decimals", "weight", "milli_kg"),
                         [("g", 0, "12345", 12345), ("t", 3, "1.250", 1_250_000), ("kg", 3, "12.345", 12345)])
def test_toledo_in_grams_and_tonnes(emulators, scales, unit, decimals, weight, milli_kg):
    emu = emulators("toledo", unit=unit, decimals=decimals)
    emu.set_weight(weight)
    reading = scales(emu.url, "toledo").read()
    assert (reading.unit, reading.to_milli_kg()) == (unit, milli_kg)


def test_toledo_in_ounces_is_refused_by_name_and_the_port_stays(emulators, scales):
    emu = emulators("toledo", unit="oz", decimals=1)
    emu.set_weight("16.0")
    scale = scales(emu.url, "toledo")
    recorder = Recorder()
    with scale.monitor(recorder):
        reading = recorder.wait_for_reading()
        with pytest.raises(ScaleUnitError, match="ounces"):
            reading.to_milli_kg()
        generation = scale.generation
        emu.unit = "custom"
        error = recorder.wait_for_error(ScaleUnitError, recorder.mark())
        assert "custom unit" in str(error)
        emu.unit = "kg"
        recorder.wait_for_reading(recorder.mark(), lambda r: r.unit == "kg")
    assert scale.generation == generation and not recorder.errors(ScaleOffline)


def test_radwag_dialect_read_now_and_stable(emulators, scales):
    emu = emulators("mt-sics", dialect="radwag", stable_timeout=0.1)
    emu.set_weight("18.5")
    scale = scales(emu.url, "mt-sics")
    assert scale.read().text() == "18.500 kg stable"
    emu.pour("1", settle_ms=300)  # longer than the balance's own limit: it answers S E, the driver asks again
    assert scale.read().text() == "19.500 kg moving"
    assert scale.read(stable=True, timeout=2).text() == "19.500 kg stable"


def test_radwag_without_sir_is_polled_and_never_offline(emulators, scales):
    emu = emulators("mt-sics", dialect="radwag")
    emu.set_weight("3.000")
    scale = scales(emu.url, "mt-sics")
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        mark = recorder.mark()
        wait_until(lambda: len(recorder.readings(mark)) >= 10, timeout=2.0, what="ten polled readings")
        emu.pour("1.5", settle_ms=100)
        recorder.wait_for_reading(mark, lambda r: r.value == Decimal("4.500") and not r.stable)
        recorder.wait_for_reading(mark, lambda r: r.value == Decimal("4.500") and r.stable)
    assert not recorder.errors(ScaleOffline)


class ScriptedScale:
    """The far end of a pty answering each command line from a script: command -> list of replies in turn."""

    def __init__(self, script: dict[bytes, list[bytes]]) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.url = os.ttyname(self.slave)
        self._script = {command: list(replies) for command, replies in script.items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import select

        buf = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            buf += os.read(self.master, 1024)
            while b"\r\n" in buf:
                line, buf = buf.split(b"\r\n", 1)
                replies = self._script.get(line)
                if replies:
                    os.write(self.master, replies.pop(0) if len(replies) > 1 else replies[0])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)
        os.close(self.master)
        os.close(self.slave)


def test_an_unknown_reply_is_an_error_for_that_reading_only(scales):
    far = ScriptedScale({b"TA": [b"ES\r\n"], b"SI": [b"QX 12.5 kg\r\n", b"S S      1.250 kg\r\n"]})
    try:
        scale = scales(far.url, "mt-sics")
        with pytest.raises(ScaleProtocolError) as caught:
            scale.read()
        assert "not answering" not in str(caught.value) and "QX" in caught.value.detail
        generation = scale.generation
        assert scale.online
        assert scale.read().value == Decimal("1.250")  # the next reading is tried on the same connection
        assert scale.generation == generation
    finally:
        far.close()


def test_a_tare_answer_it_does_not_understand_makes_the_tare_kept_by_jobfloor(scales):
    """A clone answers T in a shape of its own: it may or may not have tared, so jobfloor keeps the tare from a
    steady reading read after that answer (this one takes no SIR either, and is polled with SI)."""
    from drivers.scale import take_tare
    from drivers.scale.tare import KEPT

    far = ScriptedScale({b"TA": [b"ES\r\n"], b"T": [b"T A\r\n"], b"SIR": [b"ES\r\n"],
                         b"SI": [b"S S      0.850 kg\r\n"]})
    try:
        scale = scales(far.url, "mt-sics")
        tare, zero = take_tare(scale)
        assert (tare.kind, tare.kg) == (KEPT, Decimal("0.850")) and zero.at_zero
    finally:
        far.close()


def test_an_unknown_line_in_a_stream_does_not_drop_the_port(emulators, scales):
    emu = emulators("mt-sics")
    emu.set_weight("2.000")
    scale = scales(emu.url, "mt-sics")
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        generation = scale.generation
        mark = recorder.mark()
        emu.garbage(b"QX 12.5 kg\r\n")
        recorder.wait_for_error(ScaleProtocolError, mark)
        recorder.wait_for_reading(recorder.mark())
    assert scale.generation == generation and not recorder.errors(ScaleOffline)


def test_a_scale_set_to_another_protocol_is_told_as_such_not_as_silent(emulators, scales):
    """A Toledo stream arriving at a station set to SMA: bytes come, no SMA frame ever does."""
    emu = emulators("toledo")
    scale = scales(emu.url, "sma")
    with pytest.raises(ScaleProtocolError, match="set to SMA"):
        scale.read()
    assert scale.online
