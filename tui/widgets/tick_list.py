"""A list of things to tick whose ticks read without colour: "[x]" ticked, "[ ]" not, "[-]" not offered.

Textual's SelectionList draws the same "X" for both states and tells them apart by colour alone, which a
monochrome thin client or NO_COLOR cannot show. Same keys (Space ticks, arrows move), same messages.
"""
from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED, DISABLED = "[x]", "[ ]", "[-]"


class TickList(SelectionList):
    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        if len(segments) < 4:
            return line
        mark = DISABLED if option.disabled else TICKED if option.value in self._selected else UNTICKED
        # The button is the first three one-cell segments; the prompt's own style keeps the row's highlight.
        style = segments[3].style
        return Strip([Segment(mark, style), *segments[3:]])
