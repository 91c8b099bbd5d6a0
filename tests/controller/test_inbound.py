"""The inbound token bucket of a connection, on a fake clock."""

from __future__ import annotations

import pytest

from odyssey.config import Settings
from odyssey.controller import inbound
from odyssey.controller.inbound import MessageRate


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(inbound, "monotonic", lambda: now[0])
    return now


def test_the_defaults_admit_the_web_client_with_room_to_spare() -> None:
    settings = Settings()
    # The web client sends at most one transform per 50 ms (web/src/state/worldSession.ts).
    assert settings.controller_messages_per_second >= 3 * 20
    assert settings.controller_messages_burst >= 5 * 20  # five seconds of backlog at once


def test_burst_then_rate_then_flood(clock: list[float]) -> None:
    rate = MessageRate(per_second=10, burst=5, max_dropped=3)
    assert all(rate.allow() for _ in range(5))  # the burst
    assert not rate.allow() and rate.dropped == 1 and not rate.flooding
    clock[0] += 0.1  # one message's worth
    assert rate.allow()
    assert not rate.allow()
    assert not rate.allow()
    assert rate.dropped == 3 and not rate.flooding
    assert not rate.allow()
    assert rate.flooding
    assert rate.describe().startswith("too many messages")


def test_a_pause_that_refills_the_burst_forgives_what_was_dropped(clock: list[float]) -> None:
    rate = MessageRate(per_second=10, burst=5, max_dropped=3)
    for _ in range(8):
        rate.allow()
    assert rate.dropped == 3
    clock[0] += 0.3  # not a full refill: still counted
    assert rate.allow()
    assert rate.dropped == 3
    clock[0] += 10.0
    assert rate.allow() and rate.dropped == 0
    assert sum(rate.allow() for _ in range(10)) == 4  # the burst again (one taken above)


def test_a_steady_client_at_the_rate_never_drops(clock: list[float]) -> None:
    rate = MessageRate(per_second=60, burst=120, max_dropped=120)
    for _ in range(10_000):
        clock[0] += 1 / 60
        assert rate.allow()
