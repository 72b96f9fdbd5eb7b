"""When a port's bytes came in, as far as the reader can know: a moment each chunk it reads is known to have come
in after. A confirm books only a weight that came in after the key (Scale.next_stable), and a busy terminal may read
the port late: the moment a byte is read says nothing about when the scale sent it.

Before each read the reader looks at how many bytes are waiting. Bytes waiting at a look that were not waiting at
the previous one came in after that previous look; bytes not waiting at a look come in after it. Reads take bytes
oldest first, so a backlog keeps its old moment however many reads it takes, and a stream sent back to back
(bytes always waiting) still moves on, one look behind.
"""

from __future__ import annotations

from collections import deque


class Arrivals:
    def __init__(self, now: float) -> None:
        self._unread: deque[list] = deque()  # [bytes, came in after], oldest first, for bytes seen waiting
        self._looked = now

    def reset(self, now: float) -> None:
        """Nothing is waiting as of `now` (a port just opened or flushed)."""
        self._unread.clear()
        self._looked = now

    def seen(self, waiting: int, now: float) -> None:
        """`waiting` bytes wait to be read, looked at no earlier than `now`."""
        known = sum(n for n, _ in self._unread)
        if waiting > known:
            self._unread.append([waiting - known, self._looked])
        self._looked = now

    def took(self, count: int) -> float:
        """`count` bytes were read: the moment their first byte is known to have come in after."""
        first = self._unread[0][1] if self._unread else self._looked
        while count and self._unread:
            taken = min(count, self._unread[0][0])
            self._unread[0][0] -= taken
            count -= taken
            if not self._unread[0][0]:
                self._unread.popleft()
        return first
