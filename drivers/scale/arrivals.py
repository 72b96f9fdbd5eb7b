"""When a port's bytes came in, as far as the reader can know: a moment each chunk it reads is known to have come
in after. A confirm books only a weight that came in after the key (Scale.next_stable), and a busy terminal may read
the port late: the moment a byte is read says nothing about when the scale sent it.

Before each read the reader looks at how many bytes are waiting. Bytes waiting at a look that were not waiting at
the previous one came in after that previous look; bytes not waiting at a look come in after it. Reads take bytes
oldest first, so a backlog keeps its old moment however many reads it takes, and a stream sent back to back
(bytes always waiting) still moves on, one look behind.

The count has a ceiling: a tty holds 4,096 bytes ready to read, and more can wait inside the kernel where no count
shows them. Once a look finds that many, later bytes may be older than any look, so every chunk keeps the moment
the port was last seen empty, until it is seen empty again.
"""

from __future__ import annotations

from collections import deque

# Bytes a tty holds ready to read (N_TTY's buffer); a count this high may hide more behind it.
COUNT_CEILING = 4095


class Arrivals:
    def __init__(self, now: float) -> None:
        self._unread: deque[list] = deque()  # [bytes, came in after], oldest first, for bytes seen waiting
        self.reset(now)

    def reset(self, now: float) -> None:
        """Nothing is waiting as of `now` (a port just opened or flushed)."""
        self._unread.clear()
        self._looked = now
        self._empty = now  # the last look that found nothing waiting
        self._overflowed = False  # a look found the count at its ceiling since then

    def seen(self, waiting: int, now: float) -> None:
        """`waiting` bytes wait to be read, looked at no earlier than `now`."""
        if waiting == 0:
            self._unread.clear()
            self._empty, self._overflowed = now, False
        elif waiting >= COUNT_CEILING:
            self._overflowed = True
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
        return min(first, self._empty) if self._overflowed else first
