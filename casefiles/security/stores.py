"""Where throttling counters live: the database by default, Redis when REDIS_URL is set.

Both stores apply the same rule in one atomic step, so every worker on every machine sees the same counts:

- an attempt opens a window of `window` seconds if none is open, else adds one to the window's count;
- the attempt that goes one past `allowed` is a strike: the window is stretched to `window * 2**(strikes-1)`
  seconds from now (capped at MAX_BLOCK), and every attempt until then is refused;
- strikes are forgotten STRIKE_MEMORY seconds after the last window ends.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, case, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from casefiles.security.models import LoginThrottle

MAX_BLOCK = 24 * 3600
STRIKE_MEMORY = 24 * 3600
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Count:
    """The state of one counter just after an attempt was added to it."""

    attempts: int
    window_ends: float


class ThrottleStore(Protocol):
    """Atomic counters shared by every worker."""

    def hit(self, key: str, allowed: int, window: int, now: float) -> Count:
        """Count one attempt; returns the count including it."""

    def forgive(self, key: str, allowed: int, now: float) -> None:
        """Take back one counted attempt that turned out to be a success (a refused key is left alone)."""


def block_seconds(window: int, strikes: int) -> float:
    """How long the refusals of the n-th strike last: the window, then twice as long each time, up to a day."""
    return float(min(window * 2 ** max(strikes - 1, 0), MAX_BLOCK))


class DatabaseStore:
    """Counters in the `login_throttle` table, each attempt one upsert on its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _insert(self):  # noqa: ANN202
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(LoginThrottle)

    def hit(self, key: str, allowed: int, window: int, now: float) -> Count:
        table = LoginThrottle.__table__
        fresh = now + window
        statement = self._insert().values(key=key, attempts=1, window_ends=fresh, strikes=0, expires_at=fresh)
        window_over = table.c.window_ends <= now
        # Every right-hand side reads the row as it was before this attempt (SQL UPDATE semantics).
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "attempts": case((window_over, 1), else_=table.c.attempts + 1),
                "window_ends": case((window_over, fresh), else_=table.c.window_ends),
                "strikes": case((table.c.expires_at <= now, 0), else_=table.c.strikes),
                "expires_at": case((table.c.expires_at < fresh, fresh), else_=table.c.expires_at),
            },
        ).returning(table.c.attempts, table.c.window_ends, table.c.strikes)
        with self.engine.begin() as conn:
            attempts, window_ends, strikes = conn.execute(statement).one()
            if attempts == allowed + 1:
                # Exactly one attempt sees the count go past the limit: it alone records the strike.
                strikes += 1
                window_ends = now + block_seconds(window, strikes)
                conn.execute(
                    update(table)
                    .where(table.c.key == key)
                    .values(strikes=strikes, window_ends=window_ends, expires_at=window_ends + STRIKE_MEMORY)
                )
            if secrets.randbelow(50) == 0:  # now and then, forget counters nobody needs any more
                conn.execute(delete(table).where(table.c.expires_at <= now))
        return Count(attempts, window_ends)

    def forgive(self, key: str, allowed: int, now: float) -> None:
        table = LoginThrottle.__table__
        with self.engine.begin() as conn:
            conn.execute(
                update(table)
                .where(
                    table.c.key == key,
                    table.c.attempts > 0,
                    table.c.attempts <= allowed,
                    table.c.window_ends > now,
                )
                .values(attempts=table.c.attempts - 1)
            )


# One Lua script per operation: Redis runs each atomically.
_HIT = """
local now, window, allowed = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local max_block, memory = tonumber(ARGV[4]), tonumber(ARGV[5])
local row = redis.call('HMGET', KEYS[1], 'attempts', 'window_ends', 'strikes')
local attempts, window_ends, strikes = tonumber(row[1]) or 0, tonumber(row[2]) or 0, tonumber(row[3]) or 0
if window_ends <= now then
  attempts, window_ends = 1, now + window
else
  attempts = attempts + 1
end
if attempts == allowed + 1 then
  strikes = strikes + 1
  window_ends = now + math.min(window * 2 ^ (strikes - 1), max_block)
end
local exact = string.format('%.6f', window_ends)  -- tostring() would keep only 14 digits
redis.call('HSET', KEYS[1], 'attempts', attempts, 'window_ends', exact, 'strikes', strikes)
redis.call('EXPIRE', KEYS[1], math.ceil(window_ends + memory - now))
return {attempts, exact}
"""

_FORGIVE = """
local now, allowed = tonumber(ARGV[1]), tonumber(ARGV[2])
local row = redis.call('HMGET', KEYS[1], 'attempts', 'window_ends')
local attempts, window_ends = tonumber(row[1]) or 0, tonumber(row[2]) or 0
if attempts > 0 and attempts <= allowed and window_ends > now then
  redis.call('HINCRBY', KEYS[1], 'attempts', -1)
end
return 0
"""


class RedisStore:
    """Counters in Redis hashes (`casefiles:throttle:<key>`); if Redis cannot be reached, the database counts."""

    PREFIX = "casefiles:throttle:"

    def __init__(self, url: str, fallback: ThrottleStore) -> None:
        from redis import Redis

        self.redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.fallback = fallback
        self._hit = self.redis.register_script(_HIT)
        self._forgive = self.redis.register_script(_FORGIVE)

    def hit(self, key: str, allowed: int, window: int, now: float) -> Count:
        from redis.exceptions import RedisError

        try:
            attempts, window_ends = self._hit(
                keys=[self.PREFIX + key], args=[repr(now), window, allowed, MAX_BLOCK, STRIKE_MEMORY]
            )
        except RedisError:
            # Never fail open: a Redis outage moves the counting to the database, shared just the same.
            log.warning("Redis unreachable for login throttling; counting in the database", exc_info=True)
            return self.fallback.hit(key, allowed, window, now)
        return Count(int(attempts), float(window_ends))

    def forgive(self, key: str, allowed: int, now: float) -> None:
        from redis.exceptions import RedisError

        try:
            self._forgive(keys=[self.PREFIX + key], args=[repr(now), allowed])
        except RedisError:
            self.fallback.forgive(key, allowed, now)
