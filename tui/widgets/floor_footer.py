"""The function-key footer of every screen, made to fit a handheld's 40 columns as well as an 80-column terminal."""
from __future__ import annotations

from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# The keys every floor screen has. When a screen's keys do not fit, these three lose their words first ("Esc F1
# F10"): people learn them on day one, and the room is better spent on the keys this screen adds.
FIXED_KEYS = frozenset({"escape", "f1", "f10"})


def _width(keys: list[FooterKey], compact: bool, bare_fixed: bool) -> int:
    total = 0
    for k in keys:
        words = "" if bare_fixed and k.key in FIXED_KEYS else k.description
        if compact:
            total += len(k.key_display) + (1 + len(words) if words else 0) + 1  # margin-right 1
        else:
            total += 2 + len(k.key_display) + (len(words) + 1 if words else 0)  # " F1 " + "Help "
    return total


class FloorFooter(Footer):
    """Full words while they fit; then tighter spacing; then the fixed keys without words; then two lines (or
    more), so that no key of the screen's own falls off a handheld's edge."""

    DEFAULT_CSS = """
    FloorFooter.-lines { layout: vertical; }
    FloorFooter.-lines > HorizontalGroup { height: 1; }
    """

    _width_seen = 0

    def compose(self):
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey)]
        room = self._width_seen = self.app.size.width
        compact = _width(keys, False, False) > room
        bare_fixed = compact and _width(keys, True, False) > room
        self.compact = compact
        for widget in widgets:
            if bare_fixed and isinstance(widget, FooterKey) and widget.key in FIXED_KEYS:
                widget.description = ""
        lines = _lines(widgets, room) if bare_fixed and _width(keys, True, True) > room else [widgets]
        self.set_class(len(lines) > 1, "-lines")
        self.styles.height = len(lines)
        if len(lines) == 1:
            yield from widgets
            return
        for line in lines:
            yield HorizontalGroup(*line)

    async def on_resize(self) -> None:
        if self._width_seen and self.app.size.width != self._width_seen:
            await self.recompose()


def _lines(widgets: list, room: int) -> list[list]:
    """The footer's keys in lines that fit `room`, in their order (other widgets ride along with the key before)."""
    lines: list[list] = [[]]
    used = 0
    for widget in widgets:
        need = _width([widget], True, True) if isinstance(widget, FooterKey) else 0
        if lines[-1] and used + need > room:
            lines.append([])
            used = 0
        lines[-1].append(widget)
        used += need
    return lines
