"""The in-process rate limit: N events per window per key, bounded memory."""

from __future__ import annotations

import threading

from academy.ratelimit import RateLimiter


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_events_up_to_the_limit_are_allowed_and_the_next_waits():
    limiter = RateLimiter(3, 60, clock=Clock())
    assert [limiter.hit("10.0.0.1") for _ in range(4)] == [0, 0, 0, 60]


def test_the_wait_ends_when_the_oldest_event_leaves_the_window():
    clock = Clock()
    limiter = RateLimiter(2, 60, clock=clock)
    limiter.hit("a")
    clock.now += 20
    limiter.hit("a")
    clock.now += 10
    assert limiter.hit("a") == 30
    clock.now += 30
    assert limiter.hit("a") == 0


def test_a_refused_event_does_not_extend_the_wait():
    clock = Clock()
    limiter = RateLimiter(1, 60, clock=clock)
    limiter.hit("a")
    for _ in range(100):
        clock.now += 0.5
        limiter.hit("a")
    clock.now = 1060
    assert limiter.hit("a") == 0


def test_each_key_counts_on_its_own():
    limiter = RateLimiter(1, 60, clock=Clock())
    limiter.hit("a")
    assert limiter.hit("b") == 0


def test_memory_is_bounded_by_forgetting_the_least_recently_seen_key():
    limiter = RateLimiter(1, 60, max_keys=100, clock=Clock())
    for number in range(1000):
        limiter.hit(f"10.0.{number // 256}.{number % 256}")
    assert len(limiter) == 100
    assert limiter.hit("10.0.0.0") == 0  # long forgotten
    assert limiter.hit("10.0.3.231") > 0  # the last one seen is still counted


def test_counting_from_many_threads_allows_exactly_the_limit():
    limiter = RateLimiter(50, 60, clock=Clock())
    allowed = []

    def client():
        for _ in range(20):
            allowed.append(limiter.hit("same") == 0)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 50
