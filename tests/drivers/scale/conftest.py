"""Emulated scales on real ptys and loopback sockets, closed after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from drivers.scale import Scale
from drivers.scale.emulator import Emulator, start_emulator
from tests.drivers.scale.scale_helpers import BACKOFF, REPLY_TIMEOUT


@pytest.fixture
def emulators() -> Iterator[Callable[..., Emulator]]:
    started: list[Emulator] = []

    def start(protocol: str, **options: object) -> Emulator:
        options.setdefault("settle_ms", 100)
        emu = start_emulator(protocol, **options)
        started.append(emu)
        return emu

    yield start
    for emu in started:
        emu.close()


@pytest.fixture
def scales() -> Iterator[Callable[..., Scale]]:
    opened: list[Scale] = []

    def open_scale(url: str, protocol: str, **options: object) -> Scale:
        options.setdefault("timeout", REPLY_TIMEOUT)
        options.setdefault("backoff", BACKOFF)
        scale = Scale(url, protocol, **options)
        opened.append(scale)
        return scale

    yield open_scale
    for scale in opened:
        scale.close()
