"""A label shown in the terminal so a person can check it: its text laid out as on the label, each barcode as a
row of bars with its human-readable line, inside a frame for the label's edges (drivers.printer.preview).

Laying out a 102x152 label takes a moment, so it happens on a worker thread; the widget lays it out again when
it is resized. No colour is needed: the frame, the bars and the text are characters.
"""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.containers import Container
from textual.widgets import Static


class LabelPreview(Container):
    DEFAULT_CSS = """
    LabelPreview { width: 1fr; height: 1fr; background: $panel; align: center middle; }
    LabelPreview > #paper { width: auto; height: auto; border: round $foreground; padding: 0 1; }
    LabelPreview > #paper.message { width: 1fr; background: $panel; color: $text-muted; padding: 0 1;
                                    text-align: center; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.label = None
        self.config = None
        self.lines: list[str] = []
        self._drawn_for: tuple | None = None

    def compose(self):
        yield Static("", id="paper")

    @property
    def paper(self) -> Static:
        return self.query_one("#paper", Static)

    def show(self, label, config) -> None:
        """Draw `label` as `config`'s printer would print it."""
        self.label, self.config = label, config
        self._drawn_for = None
        self._redraw()

    def show_message(self, text: str) -> None:
        """Instead of a label: why there is none to show."""
        self.label = self.config = None
        self.lines = []
        self.paper.set_class(True, "message")
        self.paper.update(Text(text))

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if self.label is None or not self.is_mounted:
            return
        pad = self.paper.styles.padding
        columns, rows = self.size.width - 2 - pad.left - pad.right, self.size.height  # inside the frame
        if columns < 8 or rows < 2:
            return
        key = (self.label, self.config, columns, rows)
        if key == self._drawn_for:
            return
        self._drawn_for = key
        self._render_lines(self.label, self.config, columns, rows)

    @work(thread=True, exclusive=True, group="label-preview")
    def _render_lines(self, label, config, columns: int, rows: int) -> None:
        from drivers.printer.errors import LabelError, PrinterError
        from drivers.printer.printing import preview_lines

        try:
            lines = preview_lines(label, config, columns)
        except (LabelError, PrinterError) as exc:
            self.app.call_from_thread(self.show_message, exc.message)
            return
        self.app.call_from_thread(self._paint, label, lines)

    def _paint(self, label, lines: list[str]) -> None:
        if label is not self.label:  # another label was chosen while this one rendered
            return
        self.lines = lines
        self.paper.set_class(False, "message")
        self.paper.update(Text("\n".join(lines), no_wrap=True))
