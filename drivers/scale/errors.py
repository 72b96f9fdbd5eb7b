"""What can go wrong with a scale, each with a message an operator can act on.

`str(error)` is the floor message; `error.detail` keeps the technical cause (raw bytes, OS error) for logs, so
the screen never has to show a traceback to explain why there is no weight.
"""

from __future__ import annotations


class ScaleError(Exception):
    """Base of every scale problem the app is expected to show and recover from."""

    default_message = "The scale reported a problem."

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
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
    default_message = "The scale is not connected. Check its cable and power."


class ScaleOverload(ScaleError):
    default_message = "Too much weight on the scale (over capacity). Take some off."


class ScaleUnderload(ScaleError):
    default_message = "The scale reads below zero. Check the pan is in place and empty, then zero the scale."


class ScaleUnstable(ScaleError):
    default_message = "The weight did not settle in time. Keep the load still and try again."


class ScaleBusy(ScaleError):
    default_message = "The scale is busy and could not do that now. Try again."


class ScaleProtocolError(ScaleError):
    default_message = (
        "The scale sent something the terminal could not understand. Check the scale's protocol and serial settings."
    )


class ScaleFault(ScaleError):
    """The scale itself reports an error state (zero or tare error) instead of a weight."""

    default_message = "The scale reports an error instead of a weight. Check the display on the scale."


class ScaleUnsupported(ScaleError):
    """The protocol has no command for this; the operator has to use the key on the scale."""

    default_message = "This scale cannot do that from the terminal. Use the key on the scale."


class ScaleUnitError(ScaleError):
    default_message = "The scale weighs in a unit the terminal cannot use. Set the scale to kg or g."
