"""A message for screens that show live data: something changed in the database, from any terminal."""
from __future__ import annotations

from textual.message import Message


class DataChanged(Message):
    """Coalesced: ten commits in a row mean one refresh."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataChanged)
