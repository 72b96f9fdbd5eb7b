"""Scale drivers: MT-SICS (and RADWAG's dialect of it), SMA and Toledo continuous output over any port pyserial
opens, with the tare and net rule every weighing uses (`tare`).

The emulators live in `drivers.scale.emulator` and are not imported here, so the app does not load them unless
it runs the demo.
"""

from .driver import STABLE_TIMEOUT, Scale, read_once
from .errors import (
    ScaleBusy,
    ScaleError,
    ScaleFault,
    ScaleOffline,
    ScaleOverload,
    ScaleProtocolError,
    ScaleTareError,
    ScaleUnderload,
    ScaleUnitError,
    ScaleUnstable,
    ScaleUnsupported,
)
from .monitor import ScaleMonitor
from .reading import Reading
from .registry import PROTOCOL_NAMES, PROTOCOLS_SAID
from .tare import STEADY_WAIT, NetReading, Tare, take_tare, wait_for_zero, weigh
from .urls import SIMULATED_SCHEME, URL_SCHEMES, is_scale_address, is_simulated, simulated_url

__all__ = [
    "PROTOCOL_NAMES",
    "PROTOCOLS_SAID",
    "SIMULATED_SCHEME",
    "STABLE_TIMEOUT",
    "STEADY_WAIT",
    "URL_SCHEMES",
    "NetReading",
    "Reading",
    "Scale",
    "ScaleBusy",
    "ScaleError",
    "ScaleFault",
    "ScaleMonitor",
    "ScaleOffline",
    "ScaleOverload",
    "ScaleProtocolError",
    "ScaleTareError",
    "ScaleUnderload",
    "ScaleUnitError",
    "ScaleUnstable",
    "ScaleUnsupported",
    "Tare",
    "is_scale_address",
    "is_simulated",
    "read_once",
    "simulated_url",
    "take_tare",
    "wait_for_zero",
    "weigh",
]
