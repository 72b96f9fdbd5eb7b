"""What can go wrong between a label and the printer, in words an operator can act on.

Every error carries `message` (floor language, shown as is on the screen and the command line) and, for
printer faults, the `url` of the printer so a screen can say which one.
"""

from __future__ import annotations


class PrinterError(Exception):
    """Any fault of the printer or the way to it. The base of the printer errors below."""

    def __init__(self, message: str, *, url: str | None = None):
        super().__init__(message)
        self.message = message
        self.url = url


class PrinterOffline(PrinterError):
    """Nothing takes the job: connection refused, no route, no such device, port busy."""


class PrinterTimeout(PrinterError):
    """The printer was reached but stopped taking data or did not answer in time (a hang)."""


class OutOfPaper(PrinterError):
    """No labels left, or the roll ran out while printing."""


class PrinterNotReady(PrinterError):
    """The printer says it cannot print now: cover or head open, paused, jammed. Nothing is sent to it."""


class WrongMedia(PrinterError):
    """The labels loaded are not the ones this job needs."""


class StatusNotAvailable(PrinterError):
    """This printer or connection cannot report its state; only that the bytes were accepted is known."""


class LabelError(ValueError):
    """A label that cannot be printed as asked, whatever the printer's state."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LabelDoesNotFit(LabelError):
    """Something on the label does not fit its size, or a barcode would print with bars too thin to scan."""


class UnsupportedLabel(LabelError):
    """The printer model cannot take that label size, or the size is not one the printer language knows."""
