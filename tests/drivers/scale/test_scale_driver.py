"""The driver against each emulator over a real pty and over socket://."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from drivers.scale import (
    PROTOCOL_NAMES,
    Reading,
    Scale,
    ScaleBusy,
    ScaleFault,
    ScaleUnitError,
    ScaleUnsupported,
    read_once,
)
from tests.drivers.scale.scale_helpers import PROTOCOLS, TRANSPORTS, Recorder, wait_until

ALL = [(p, t) for p in PROTOCOLS for t in TRANSPORTS]


def test_registry_names():
    assert PROTOCOL_NAMES == ("mt-sics", "sma", "toledo")
    with pytest.raises(ValueError, match="mt-sics, sma, toledo"):
        Scale("loop://", "sartorius")


def test_bad_url_scheme_is_a_setting_error_not_offline():
    with pytest.raises(ValueError):
        Scale("nope://x", "sma")


def test_a_timeout_must_be_positive(emulators, scales):
    emu = emulators("mt-sics")
    scale = scales(emu.url, "mt-sics")
    with pytest.raises(ValueError):
        scale.read(timeout=0)
    assert scale.read().stable


@pytest.mark.parametrize(("protocol", "transport"), ALL)
def test_read_now_and_stable(emulators, scales, protocol, transport):
    emu = emulators(protocol, transport=transport)
    emu.set_weight("12.345")
    scale = scales(emu.url, protocol)
    assert scale.read() == Reading(Decimal("12.345"), "kg", stable=True, net=False, decimals=3)

    emu.pour("0.5", settle_ms=150)
    moving = scale.read()
    assert (moving.value, moving.stable) == (Decimal("12.845"), False)
    settled = scale.read(stable=True, timeout=2.0)
    assert settled.text() == "12.845 kg stable"


@pytest.mark.parametrize("protocol", ["mt-sics", "sma"])
def test_tare_then_zero(emulators, scales, protocol):
    emu = emulators(protocol)
    emu.set_weight("0.250")
    scale = scales(emu.url, protocol)
    taken = scale.tare()
    assert taken is not None and taken.value == Decimal("0.250")
    emu.pour("1.000", settle_ms=0)
    net = scale.read()
    assert (net.value, net.net) == (Decimal("1.000"), True)
    scale.zero()
    after = scale.read()
    assert (after.value, after.net) == (Decimal("0.000"), False)


@pytest.mark.parametrize(("protocol", "refusal"), [("mt-sics", ScaleBusy), ("sma", ScaleFault)])
def test_zero_and_tare_refused_while_the_weight_never_settles(emulators, scales, protocol, refusal):
    # MT-SICS answers Z I / T I once it gives up waiting; SMA answers with a zero or tare error status.
    emu = emulators(protocol, stable_timeout=0.1)
    emu.set_weight("1.000")
    emu.set_motion(True)
    scale = scales(emu.url, protocol)
    with pytest.raises(refusal):
        scale.zero()
    with pytest.raises(refusal):
        scale.tare()


def test_toledo_has_no_zero_or_tare_command(emulators, scales):
    emu = emulators("toledo")
    scale = scales(emu.url, "toledo")
    with pytest.raises(ScaleUnsupported, match="ZERO"):
        scale.zero()
    with pytest.raises(ScaleUnsupported, match="TARE"):
        scale.tare()


def test_toledo_emulator_keys_show_up_as_net(emulators, scales):
    emu = emulators("toledo")
    emu.set_weight("2.000")
    assert emu.tare() == "ok"
    emu.pour("0.500", settle_ms=0)
    scale = scales(emu.url, "toledo")
    reading = scale.read()
    assert (reading.value, reading.net) == (Decimal("0.500"), True)


@pytest.mark.parametrize("checksum", [True, False])
def test_toledo_with_and_without_checksum(emulators, scales, checksum):
    emu = emulators("toledo", checksum=checksum)
    emu.set_weight("7.250")
    scale = scales(emu.url, "toledo")
    assert [scale.read().value for _ in range(5)] == [Decimal("7.250")] * 5


def test_units_and_decimals_follow_the_scale(emulators, scales):
    emu = emulators("toledo", unit="lb", decimals=1)
    emu.set_weight("27.5")
    reading = scales(emu.url, "toledo").read()
    assert reading.text() == "27.5 lb stable"
    with pytest.raises(ScaleUnitError):
        reading.to_milli_kg()

    emu = emulators("mt-sics", unit="g", decimals=1)
    emu.set_weight("1250.4")
    reading = scales(emu.url, "mt-sics").read()
    assert (reading.text(), reading.to_milli_kg()) == ("1250.4 g stable", 1250)


def test_emulator_refuses_settings_its_protocol_cannot_send():
    from drivers.scale.emulator import Emulator

    with pytest.raises(ValueError):
        Emulator("toledo", unit="mg")  # status C has no code for milligrams
    with pytest.raises(ValueError):
        Emulator("toledo", decimals=6)
    with pytest.raises(ValueError):
        Emulator("sma", dialect="radwag")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_monitor_delivers_at_least_10_readings_a_second_from_a_20_per_second_stream(emulators, scales, protocol):
    emu = emulators(protocol, rate=20)
    emu.set_weight("3.000")
    scale = scales(emu.url, protocol)
    recorder = Recorder()
    with scale.monitor(recorder):
        first = recorder.wait_for_reading()
        mark = recorder.mark()
        started = time.monotonic()
        wait_until(lambda: len(recorder.readings(mark)) >= 10, timeout=2.0, what="ten readings")
        elapsed = time.monotonic() - started
    assert first.value == Decimal("3.000")
    assert elapsed <= 1.0, f"10 readings took {elapsed:.2f} s"
    assert not recorder.errors()


def test_monitor_follows_a_pour(emulators, scales):
    emu = emulators("mt-sics")
    scale = scales(emu.url, "mt-sics")
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        mark = recorder.mark()
        emu.pour("1.5", settle_ms=100)
        recorder.wait_for_reading(mark, lambda r: r.value == Decimal("1.500") and not r.stable)
        recorder.wait_for_reading(mark, lambda r: r.value == Decimal("1.500") and r.stable)


@pytest.mark.parametrize("protocol", ["mt-sics", "sma"])
def test_commands_while_the_monitor_runs(emulators, scales, protocol):
    emu = emulators(protocol)
    emu.set_weight("0.400")
    scale = scales(emu.url, protocol)
    recorder = Recorder()
    with scale.monitor(recorder):
        recorder.wait_for_reading()
        assert scale.tare().value == Decimal("0.400")
        assert scale.read(stable=True, timeout=1).value == 0
        mark = recorder.mark()
        recorder.wait_for_reading(mark, lambda r: r.net and r.value == 0)
        time.sleep(0.2)
        assert len(recorder.readings(mark)) >= 2  # the stream came back after the commands


def test_stream_generator(emulators, scales):
    emu = emulators("toledo")
    emu.set_weight("1.000")
    scale = scales(emu.url, "toledo")
    items = []
    for item in scale.stream():
        items.append(item)
        if len(items) == 3:
            break
    assert [item.value for item in items] == [Decimal("1.000")] * 3


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_read_once_for_the_cli(emulators, protocol):
    emu = emulators(protocol)
    emu.set_weight("12.3")
    assert read_once(emu.url, protocol, stable=True, timeout=2).text() == "12.300 kg stable"
    emu.set_motion(True)
    assert read_once(emu.url, protocol).text() == "12.300 kg moving"
