"""Cables pulled, ports gone, noise, overload, a load that never settles, a scale that says nothing."""

from __future__ import annotations

import os
import threading
import time
import tty
from decimal import Decimal

import pytest

from drivers.scale import (
    Reading,
    ScaleError,
    ScaleOffline,
    ScaleOverload,
    ScaleProtocolError,
    ScaleUnderload,
    ScaleUnstable,
    read_once,
)
from tests.drivers.scale.scale_helpers import PROTOCOLS, TRANSPORTS, Recorder, wait_until

ALL = [(p, t) for p in PROTOCOLS for t in TRANSPORTS]


@pytest.mark.parametrize(("protocol", "transport"), ALL)
def test_unplugged_mid_stream_reports_offline_then_recovers(emulators, scales, protocol, transport):
    emu = emulators(protocol, transport=transport)
    emu.set_weight("5.000")
    scale = scales(emu.url, protocol)
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        emu.disconnect()
        mark = recorder.mark()
        recorder.wait_for_error(ScaleOffline, mark)
        time.sleep(0.1)  # several reconnect attempts while the port is gone
        assert not recorder.readings(recorder.mark())
        assert not scale.online

        emu.set_weight("6.000")
        emu.reconnect()
        mark = recorder.mark()
        assert recorder.wait_for_reading(mark).value == Decimal("6.000")
        assert scale.online


@pytest.mark.parametrize(("protocol", "transport"), ALL)
def test_a_port_that_vanishes_and_comes_back(emulators, scales, protocol, transport):
    emu = emulators(protocol, transport=transport)
    emu.set_weight("1.000")
    scale = scales(emu.url, protocol)
    assert scale.read().value == Decimal("1.000")
    emu.disconnect()
    with pytest.raises(ScaleOffline) as caught:
        scale.read()
    assert emu.url in str(caught.value)
    with pytest.raises(ScaleOffline):  # still gone: the backoff or the open fails, without hanging
        scale.read()
    emu.reconnect()
    wait_until(lambda: _reads(scale), what="a reading after the port came back")


def _reads(scale) -> bool:
    try:
        return scale.read().value == Decimal("1.000")
    except ScaleOffline:
        return False


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_cable_pulled_during_a_stable_read(emulators, scales, protocol):
    emu = emulators(protocol)
    emu.set_motion(True)
    scale = scales(emu.url, protocol)
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(scale.read(stable=True, timeout=3))
        except ScaleError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.15)
    emu.disconnect()
    reader.join(2)
    assert len(outcome) == 1 and isinstance(outcome[0], ScaleOffline)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_motion_that_never_settles(emulators, scales, protocol):
    emu = emulators(protocol, stable_timeout=0.2)
    emu.set_weight("2.000")
    emu.set_motion(True)
    scale = scales(emu.url, protocol)
    started = time.monotonic()
    with pytest.raises(ScaleUnstable, match="0.4 s"):
        scale.read(stable=True, timeout=0.4)
    assert time.monotonic() - started < 1.0
    assert scale.read() == Reading(Decimal("2.000"), "kg", stable=False, decimals=3)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_motion_that_settles_while_waiting(emulators, scales, protocol):
    emu = emulators(protocol, stable_timeout=0.1)  # MT-SICS gives up (S I) before it settles: the driver asks again
    emu.set_weight("2.000")
    emu.set_motion(True, settle_ms=200)
    assert scales(emu.url, protocol).read(stable=True, timeout=2).text() == "2.000 kg stable"


@pytest.mark.parametrize(("fault", "error"), [("overload", ScaleOverload), ("underload", ScaleUnderload)])
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_overload_and_underload(emulators, scales, protocol, fault, error):
    emu = emulators(protocol)
    scale = scales(emu.url, protocol)
    getattr(emu, fault)()
    with pytest.raises(error):
        scale.read()
    with pytest.raises(error):
        scale.read(stable=True, timeout=1)
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_error(error)
        assert not recorder.readings()
        emu.clear_fault()
        recorder.wait_for_reading()


def test_capacity_overload(emulators, scales):
    emu = emulators("sma", capacity="150")
    emu.set_weight("150.001")
    with pytest.raises(ScaleOverload, match="over capacity"):
        scales(emu.url, "sma").read()


NOISE = [b"\xff\x00\xfe", b"S S 99.999 kg", b"\x02-0 0999", b"\n 1G 99.99", b"\r\n\r\n", bytes(range(256))]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_garbage_on_the_line_is_never_a_reading(emulators, scales, protocol):
    emu = emulators(protocol)
    emu.set_weight("4.000")
    scale = scales(emu.url, protocol)
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        for noise in NOISE:
            emu.garbage(noise)
            time.sleep(0.06)
        mark = recorder.mark()
        recorder.wait_for_reading(mark)
        assert {r.value for r in recorder.readings()} == {Decimal("4.000")}
        assert not recorder.errors(ScaleOffline)
    assert scale.read().value == Decimal("4.000")


def test_toledo_frame_with_a_bad_checksum_is_reported_not_read(emulators, scales):
    emu = emulators("toledo")
    emu.set_weight("4.000")
    scale = scales(emu.url, "toledo")
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        emu.garbage(b"\x02-0 099999000000\r\x00")  # 99.999 kg with a wrong checksum
        error = recorder.wait_for_error(ScaleProtocolError)
        assert "checksum" in str(error)
        recorder.wait_for_reading(recorder.mark())
    assert {r.value for r in recorder.readings()} == {Decimal("4.000")}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_port_that_opens_but_says_nothing_is_offline(scales, protocol):
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        scale = scales(os.ttyname(slave), protocol, timeout=0.3)
        started = time.monotonic()
        with pytest.raises(ScaleOffline, match="not answering"):
            scale.read()
        assert time.monotonic() - started < 1.5
        recorder = Recorder()
        with scale.monitor(recorder):
            recorder.wait_for_error(ScaleOffline)
        assert not recorder.readings()
    finally:
        os.close(master)
        os.close(slave)


def test_read_once_on_ports_that_are_not_there(tmp_path):
    with pytest.raises(ScaleOffline, match="not connected") as caught:
        read_once(str(tmp_path / "ttyUSB9"), "mt-sics")
    assert "No such file" in caught.value.detail
    with pytest.raises(ScaleOffline):
        read_once("socket://127.0.0.1:9", "toledo", stable=True, timeout=1)
