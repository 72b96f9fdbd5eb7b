"""Scale drivers: MT-SICS, SMA and Toledo continuous output over any port pyserial opens.

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
    ScaleUnderload,
    ScaleUnitError,
    ScaleUnstable,
    ScaleUnsupported,
)
from .monitor import ScaleMonitor
from .reading import Reading
from .registry import PROTOCOL_NAMES

__all__ = [
    "PROTOCOL_NAMES",
    "STABLE_TIMEOUT",
    "Reading",
    "Scale",
    "ScaleBusy",
    "ScaleError",
    "ScaleFault",
    "ScaleMonitor",
    "ScaleOffline",
    "ScaleOverload",
    "ScaleProtocolError",
    "ScaleUnderload",
    "ScaleUnitError",
    "ScaleUnstable",
    "ScaleUnsupported",
    "read_once",
]
