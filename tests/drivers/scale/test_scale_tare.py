"""The tare and net rule (drivers.scale.tare) against each emulated scale, and as pure arithmetic."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

from drivers.scale import (
    Reading,
    ScaleOffline,
    ScaleTareError,
    ScaleUnderload,
    ScaleUnitError,
    ScaleUnstable,
    Tare,
    take_tare,
    wait_for_zero,
    weigh,
)
from drivers.scale.tare import CONTAINER, KEPT, ON_SCALE, release
from tests.drivers.scale.scale_helpers import Recorder


def kg(text: str, *, stable: bool = True, net: bool = False, unit: str = "kg", decimals: int = 3,
       increment: int = 1) -> Reading:
    return Reading(Decimal(text), unit, stable, net=net, decimals=decimals, increment=increment)


# -- the arithmetic --------------------------------------------------------------------------------------------

def test_a_kept_tare_is_subtracted_exactly_whatever_the_unit():
    tare = Tare.kept(kg("0.850"))
    assert tare.describe() == "tare kept by jobfloor: 0.850 kg"
    assert tare.net(kg("90.350")).milli_kg == 89500
    assert tare.net(kg("90350", unit="g", decimals=0)).kg == Decimal("89.500")
    assert tare.net(kg("0.850")).at_zero


def test_zero_means_within_one_step_of_the_display():
    tare = Tare.none()
    assert tare.net(kg("0.000")).at_zero
    assert not tare.net(kg("0.001")).at_zero
    assert not tare.net(kg("-0.001")).at_zero
    assert not tare.net(kg("0.005", increment=5)).at_zero  # one x5 step is not zero either
    assert tare.net(kg("0.0", decimals=1, unit="g")).at_zero


def test_a_kept_tare_needs_a_steady_weight_at_or_above_zero():
    with pytest.raises(ScaleUnstable):
        Tare.kept(kg("0.850", stable=False))
    with pytest.raises(ScaleUnderload):
        Tare.kept(kg("-0.010"))
    with pytest.raises(ScaleUnitError, match="pounds"):
        Tare.kept(kg("1.9", unit="lb", decimals=1))


def test_a_kept_tare_is_void_when_the_scale_tares_or_clears_on_its_own():
    gross_basis = Tare.kept(kg("0.850"))
    with pytest.raises(ScaleTareError):
        gross_basis.net(kg("1.000", net=True))  # someone pressed TARE on the scale
    net_basis = Tare.kept(kg("0.200", net=True))  # the scale already had a tare of its own: keep on top of it
    assert net_basis.net(kg("1.200", net=True)).milli_kg == 1000
    with pytest.raises(ScaleTareError):
        net_basis.net(kg("1.200"))  # its tare was cleared


def test_a_tare_on_the_scale_expects_net_readings():
    tare = Tare.on_scale(kg("0.850"))
    assert tare.describe() == "tare on the scale: 0.850 kg"
    assert tare.net(kg("4.800", net=True)).milli_kg == 4800
    with pytest.raises(ScaleTareError, match="no longer holds"):
        tare.net(kg("5.650"))
    assert Tare.on_scale(None).describe() == "tare on the scale"
    assert Tare.on_scale(kg("0.000")).net(kg("0.000")).at_zero  # a bare pan tared: gross is net


def test_a_container_tare_is_taken_off_the_gross_only():
    tare = Tare.container(450)
    assert (tare.kind, tare.describe()) == (CONTAINER, "container tare 0.450 kg")
    assert tare.net(kg("2.700")).milli_kg == 2250
    with pytest.raises(ScaleTareError, match="tare of its own"):
        tare.net(kg("2.250", net=True))


# -- against the emulated scales -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("protocol", "tare_command", "kind"),
    [
        ("mt-sics", True, ON_SCALE),  # T -> T S 0.850 kg
        ("mt-sics", False, KEPT),  # a balance answering ES to T
        ("sma", True, ON_SCALE),  # LF T CR -> the net reply
        ("sma", False, KEPT),  # LF ? CR: no tare command on this indicator
        ("toledo", True, KEPT),  # continuous output takes no commands at all
    ],
)
def test_take_tare_on_each_protocol(emulators, scales, protocol, tare_command, kind):
    emu = emulators(protocol)
    emu.tare_command = tare_command
    emu.set_weight("0.850")
    scale = scales(emu.url, protocol)
    pressed = time.monotonic()
    tare, zero = take_tare(scale)
    assert tare.kind == kind and tare.kg == Decimal("0.850")
    assert zero.at_zero and zero.stable and zero.reading.received >= pressed
    assert emu.snapshot().net == (kind == ON_SCALE)
    emu.pour("4.786", settle_ms=0)
    assert weigh(scale, tare, time.monotonic()).milli_kg == 4786
    release(scale, tare)
    assert not emu.snapshot().net  # a tare jobfloor set on the scale is cleared when the weighing ends


def test_a_kept_tare_is_the_steady_weight_after_the_key_not_the_one_before(emulators, scales):
    emu = emulators("toledo")
    scale = scales(emu.url, "toledo")
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading(check=lambda r: r.stable and r.value == 0)  # an empty pan, steady
        emu.pour("0.850", settle_ms=300)  # the bucket goes on and Enter is pressed while it still swings
        tare, zero = take_tare(scale)
    assert tare.kg == Decimal("0.850") and zero.at_zero


def test_a_tare_that_does_not_take_never_starts_the_pour(emulators, scales):
    """Issue 22's defect at the rule: the scale still reads the bucket after the "tare", so the net is not zero
    and waiting for zero ends in a clear refusal, never in a pour step with the bucket counted."""
    emu = emulators("toledo")
    emu.set_weight("0.850")
    scale = scales(emu.url, "toledo")
    did_nothing = Tare.on_scale(kg("0.000"))
    with pytest.raises(ScaleTareError, match="reads 0.850 kg, not zero"):
        wait_for_zero(scale, did_nothing, time.monotonic(), timeout=0.5)


def test_weigh_takes_the_first_steady_weight_after_the_key(emulators, scales):
    emu = emulators("mt-sics")
    emu.set_weight("10.000")
    scale = scales(emu.url, "mt-sics")
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading(check=lambda r: r.stable)
        emu.pour("1.000", settle_ms=300)
        net = weigh(scale, Tare.none(), time.monotonic())
    assert net.milli_kg == 11000  # 10.000 was steady on the gauge a moment ago, and was never used


@pytest.mark.parametrize("transport", ["pty", "socket"])
@pytest.mark.parametrize("protocol", ["mt-sics", "toledo"])  # the two that stream their weight
def test_a_weight_that_came_before_the_key_is_not_taken_when_read_after_it(emulators, scales, protocol, transport):
    """A busy terminal may read the port late: steady frames of the old weight wait in the port's buffer while
    the load changes and Enter is pressed. They came in before the key, so they are not the weight after it."""
    emu = emulators(protocol, transport=transport, rate=400)
    emu.set_weight("10.000")
    scale = scales(emu.url, protocol)
    piled = threading.Event()
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading(check=lambda r: r.stable and r.value == Decimal("10.000"))
        with scale._lock:  # the port is busy for the feed: what the scale sends waits in the buffer
            sent = emu.frames_sent
            emu.on_sent = lambda frame, at: emu.frames_sent >= sent + 300 and piled.set()  # more than one read takes
            assert piled.wait(5), "the emulator sent nothing"
            emu.pour("1.000", settle_ms=300)  # returns once what was weighed before it is on the line
            pressed = time.monotonic()
        net = weigh(scale, Tare.none(), pressed)
    assert net.milli_kg == 11000


def test_weigh_while_the_scale_never_settles(emulators, scales):
    emu = emulators("sma")
    emu.set_weight("2.000")
    emu.set_motion(True)
    scale = scales(emu.url, "sma")
    with pytest.raises(ScaleUnstable, match="still moving"):
        weigh(scale, Tare.none(), time.monotonic(), timeout=0.5)


def test_weigh_refuses_at_once_while_the_scale_is_unplugged(emulators, scales):
    emu = emulators("mt-sics")
    scale = scales(emu.url, "mt-sics")
    scale.read()
    emu.disconnect()
    started = time.monotonic()
    with pytest.raises(ScaleOffline):
        weigh(scale, Tare.none(), started, timeout=3)
    assert time.monotonic() - started < 2.5  # said as soon as the driver knows, not at the end of the wait
