"""The function-key footer of every screen, made to fit a handheld's 40 columns as well as an 80-column terminal."""
from __future__ import annotations

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
    """Full words while they fit; then tighter spacing; then the fixed keys without words."""

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
            yield widget

    async def on_resize(self) -> None:
        if self._width_seen and self.app.size.width != self._width_seen:
            await self.recompose()
