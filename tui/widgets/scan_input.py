"""ScanInput: the one field every screen uses for scanner (or typed) input.

A keyboard-wedge scanner types the barcode and presses Enter. Two things a plain
Input gets wrong for GS1 barcodes:

- FNC1 arrives as GS (0x1D), which Textual 8 reports as the non-printable key
  `ctrl+right_square_bracket`; Input drops it, gluing `10LOT<GS>17...` into one lot.
- A pasted scan is cut at the first GS, because str.splitlines() treats GS as a
  line break.

The field shows each GS as `␝` so the user can see it, and turns it back into
0x1D before parsing. Enter parses with core.gs1.scan.parse_scan, posts `Scanned` or
`ScanFailed`, and clears the field for the next scan.
"""
from __future__ import annotations

import re
from collections.abc import Collection

from textual import events
from textual.message import Message
from textual.widgets import Input

from core.gs1.scan import GS, TRACK_ID_PATTERN, Scan, ScanError, parse_scan

GS_SHOWN = "\u241d"  # SYMBOL FOR GROUP SEPARATOR: one cell wide, like the char it stands for
GS_KEY = "ctrl+right_square_bracket"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ScanInput(Input):
    """An Input that keeps GS1 separators and turns Enter into a parsed scan."""

    class Scanned(Message):
        """A scan that parsed; `scan.kind` says what it is."""

        def __init__(self, scan_input: ScanInput, scan: Scan) -> None:
            super().__init__()
            self.scan_input = scan_input
            self.scan = scan

        @property
        def control(self) -> ScanInput:
            return self.scan_input

    class ScanFailed(Message):
        """A scan that must not be used; `message` is ready to show the user."""

        def __init__(self, scan_input: ScanInput, message: str, raw: str) -> None:
            super().__init__()
            self.scan_input = scan_input
            self.message = message
            self.raw = raw

        @property
        def control(self) -> ScanInput:
            return self.scan_input

    def __init__(
        self,
        placeholder: str = "Scan or type, then Enter",
        *,
        locations: Collection[str] = frozenset(),
        track_id_pattern: str | re.Pattern[str] = TRACK_ID_PATTERN,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            placeholder=placeholder,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )
        # Public so a screen can refresh them (e.g. after loading locations) in place.
        self.locations = locations
        self.track_id_pattern = track_id_pattern

    @property
    def scan_text(self) -> str:
        """The current entry as the scanner sent it (GS as 0x1D)."""
        return self.value.replace(GS_SHOWN, GS)

    def _insert(self, text: str) -> None:
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    async def _on_key(self, event: events.Key) -> None:
        if event.key != GS_KEY:
            return  # Input's own _on_key runs next (Textual walks the MRO)
        # prevent_default keeps Input's handler from running for this key.
        event.stop()
        event.prevent_default()
        self._restart_blink()
        self._insert(GS_SHOWN)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if event.text:
            text = event.text.replace(GS, GS_SHOWN)
            self._insert(_LINE_BREAK.split(text, maxsplit=1)[0])

    async def action_submit(self) -> None:
        text = self.scan_text
        if not text.strip():
            # A stray Enter on an empty field is not worth an error on the floor.
            return
        self.clear()
        try:
            scan = parse_scan(
                text, locations=self.locations, track_id_pattern=self.track_id_pattern
            )
        except ScanError as exc:
            self.post_message(self.ScanFailed(self, exc.message, text))
            return
        self.post_message(self.Scanned(self, scan))
