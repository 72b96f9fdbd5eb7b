"""What can go wrong with a scale, each with a message an operator can act on.

`str(error)` is the floor message; `error.detail` keeps the technical cause (raw bytes, OS error) for logs, so
the screen never has to show a traceback to explain why there is no weight. `error.state` is the same in a few
words, for a status line or a gauge ("unplugged: reconnecting").
"""

from __future__ import annotations


class ScaleError(Exception):
    """Base of every scale problem the app is expected to show and recover from."""

    default_message = "The scale reported a problem."
    default_state = "error"

    def __init__(self, message: str | None = None, *, detail: str | None = None, state: str | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        self.state = state or self.default_state
        super().__init__(self.message)

    def __repr__(self) -> str:
        extra = f", detail={self.detail!r}" if self.detail else ""
        return f"{type(self).__name__}({self.message!r}{extra})"

    def __eq__(self, other: object) -> bool:
        # Monitors report the same condition many times a second; equality lets a screen skip repaints.
        return type(other) is type(self) and (other.message, other.detail) == (self.message, self.detail)

    def __hash__(self) -> int:
        return hash((type(self), self.message, self.detail))


class ScaleOffline(ScaleError):
    """The port is gone or the scale says nothing; the driver keeps reopening it by itself."""

    default_message = "The scale is not connected. Check its cable and power."
    default_state = "unplugged: reconnecting"
    SILENT = "not answering: reconnecting"


class ScaleOverload(ScaleError):
    default_message = "Too much weight on the scale (over capacity). Take some off."
    default_state = "over capacity"


class ScaleUnderload(ScaleError):
    default_message = "The scale reads below zero. Check the pan is in place and empty, then zero the scale."
    default_state = "below zero"


class ScaleUnstable(ScaleError):
    default_message = "The weight did not settle in time. Keep the load still and try again."
    default_state = "moving"


class ScaleBusy(ScaleError):
    default_message = "The scale is busy and could not do that now. Try again."
    default_state = "busy"


class ScaleProtocolError(ScaleError):
    default_message = (
        "The scale sent something the terminal could not understand. Check the scale's protocol and serial settings."
    )
    default_state = "unreadable reply"


class ScaleFault(ScaleError):
    """The scale itself reports an error state (zero or tare error) instead of a weight."""

    default_message = "The scale reports an error instead of a weight. Check the display on the scale."
    default_state = "fault"


class ScaleUnsupported(ScaleError):
    """The protocol has no command for this; the operator has to use the key on the scale."""

    default_message = "This scale cannot do that from the terminal. Use the key on the scale."
    default_state = "no such command"


class ScaleUnitError(ScaleError):
    default_message = "The scale weighs in a unit the terminal cannot use. Set the scale to kg or g."
    default_state = "wrong unit"


class ScaleTareError(ScaleError):
    """The tare of a weighing cannot be trusted: it did not take, or it changed on the scale since."""

    default_message = "The tare changed on the scale itself. Tare again with the empty container on the scale."
    default_state = "tare again"
