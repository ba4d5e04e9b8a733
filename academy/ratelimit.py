"""A small in-process rate limit: at most ``limit`` events per ``window``
seconds for each key (a client address).

Kept in memory, in this process only: with several app processes each
counts on its own, so a client gets ``limit`` events per window from each
(see docs/security.md). Memory is bounded: at most ``max_keys`` keys, each
holding at most ``limit`` times; when a new key would exceed ``max_keys``,
the least recently seen key is forgotten. Thread-safe (a WSGI server serves
requests in threads).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, limit: int, window: float, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self.clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Count one event for ``key``. Returns 0 when it is allowed, else the
        seconds until one is allowed again; a refused event is not counted
        (hammering does not make the wait longer)."""
        if self.limit <= 0:  # a limit of 0 turns the limit off
            return 0
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                events = self._events[key] = deque()
                if len(self._events) > self.max_keys:
                    self._events.popitem(last=False)
            else:
                self._events.move_to_end(key)
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return events[0] + self.window - now
            events.append(now)
            return 0

    def __len__(self) -> int:
        return len(self._events)
