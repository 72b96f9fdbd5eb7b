"""A scale unplugged and plugged back: the driver reconnects by itself, with backoff, whatever name it returns under.

A USB serial adapter is modelled as udev presents it: a kernel name (ttyUSB0) and a stable by-id name, both
symlinks to a real pty. Plugged back, a fresh pty appears under the same kernel name or under the next one, with
the by-id name re-pointed. A serial device server (socket://) drops its TCP connection, or stops listening for a
while.
"""

from __future__ import annotations

import os
from decimal import Decimal

from drivers.scale import Reading, ScaleOffline
from tests.drivers.scale.scale_helpers import Recorder, wait_until


def _replugged(emu, scale, recorder, *, new_name: bool = False) -> list[ScaleOffline]:
    """Pull the cable with the monitor running, plug it back; the offline reports seen meanwhile."""
    recorder.wait_for_reading()
    before = scale.generation
    emu.disconnect()
    mark = recorder.mark()
    recorder.wait_for_error(ScaleOffline, mark)
    emu.set_weight("6.000")
    emu.reconnect(new_name=new_name)
    back = recorder.wait_for_reading(recorder.mark(), lambda r: r.value == Decimal("6.000"))
    assert back.generation == scale.generation > before  # read on the new connection
    return recorder.errors(ScaleOffline, mark)


def test_usb_adapter_back_under_the_same_name(emulators, scales):
    emu = emulators("toledo")
    emu.set_weight("5.000")
    scale = scales(emu.device, "toledo")  # configured with the kernel name, /dev/ttyUSB0
    recorder = Recorder()
    with scale.monitor(recorder):
        gone = _replugged(emu, scale, recorder)
    assert {error.state for error in gone} == {"unplugged: reconnecting"}
    assert "not connected" in str(gone[0]) and emu.device in str(gone[0])


def test_usb_adapter_back_under_a_new_name_is_followed_by_its_by_id_name(emulators, scales):
    emu = emulators("mt-sics")
    emu.set_weight("5.000")
    old_name = emu.device
    by_id = scales(emu.url, "mt-sics")  # /dev/serial/by-id/usb-...: the name a site should configure
    by_kernel_name = scales(old_name, "mt-sics")
    recorder = Recorder()
    with by_id.monitor(recorder):
        _replugged(emu, by_id, recorder, new_name=True)
    assert emu.device != old_name and os.path.realpath(emu.url) == os.path.realpath(emu.device)
    assert not os.path.exists(old_name)
    try:
        by_kernel_name.read()
        raise AssertionError("the old kernel name still answered")
    except ScaleOffline as exc:  # that name is gone; the by-id name is what follows the device
        assert "not connected" in str(exc)


def test_device_server_drops_the_connection_and_keeps_listening(emulators, scales):
    emu = emulators("sma", transport="socket")
    emu.set_weight("5.000")
    scale = scales(emu.url, "sma")
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        before = scale.generation
        emu.drop_connection()
        wait_until(lambda: scale.generation > before, what="a new connection")
        mark = recorder.mark()
        emu.set_weight("7.000")
        back = recorder.wait_for_reading(mark, lambda r: r.value == Decimal("7.000"))
    assert back.generation == scale.generation


def test_device_server_gone_for_a_while(emulators, scales):
    emu = emulators("mt-sics", transport="socket")
    emu.set_weight("5.000")
    scale = scales(emu.url, "mt-sics")
    recorder = Recorder()
    with scale.monitor(recorder):
        _replugged(emu, scale, recorder)


def test_reconnect_attempts_back_off(emulators, scales):
    """While the port is gone the driver tries again after 0.02, 0.04, 0.08 s, then every 0.1 s (the test
    scales' backoff): never faster, so an unplugged scale does not hammer the OS or a device server."""
    emu = emulators("toledo")
    scale = scales(emu.url, "toledo")
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        emu.disconnect()
        mark = recorder.mark()
        wait_until(lambda: len(recorder.errors(ScaleOffline, mark)) >= 6, what="six reconnect attempts")
        times = recorder.arrivals(ScaleOffline, mark)
    gaps = [b - a for a, b in zip(times, times[1:])]
    floors = [0.02, 0.04, 0.08, 0.1, 0.1]
    assert all(gap >= floor * 0.9 for gap, floor in zip(gaps, floors)), gaps
    assert not isinstance(recorder.since(mark)[-1], Reading)
