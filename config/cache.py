"""Django's Redis cache, with lookups and stores that treat a stopped Redis as an empty cache."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    """A Redis cache whose `get` is a miss and whose `set` is skipped while Redis is down.

    Unfold's ⌘K search caches its results with `get` and `set`: with these failing, the search
    works (uncached) instead of answering 500. Counters (`add`, `incr`) and `has_key` still
    raise RedisError, so callers that must know (the status page's rate limit, /healthz) can
    tell a stopped Redis from an empty one.
    """

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            logger.warning("Cache lookup treated as a miss: Redis did not answer: %s", error)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            logger.warning("Cache store skipped: Redis did not answer: %s", error)
