"""The shop's Redis cache with Redis stopped: lookups miss, stores are skipped, counters raise."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from redis.exceptions import RedisError

from config.settings import cache_settings

# A port nothing listens on: a Redis that has stopped.
STOPPED_REDIS = cache_settings("redis://127.0.0.1:1/0")


def test_a_stopped_redis_is_an_empty_cache_for_lookups_and_stores():
    """get gives the default and set returns quietly, as for an empty cache."""
    with override_settings(CACHES=STOPPED_REDIS):
        cache = caches["default"]
        cache.set("answer", 42)
        assert cache.get("answer") is None
        assert cache.get("answer", "none cached") == "none cached"


def test_a_stopped_redis_still_fails_counters_and_key_checks():
    """add, incr and has_key raise, so the rate limit and /healthz can tell Redis is down."""
    with override_settings(CACHES=STOPPED_REDIS):
        cache = caches["default"]
        for ask in (lambda: cache.add("n", 0), lambda: cache.incr("n"), lambda: cache.has_key("n")):
            with pytest.raises(RedisError):
                ask()


@pytest.mark.django_db
def test_the_office_search_answers_with_redis_stopped(admin_client):
    """Unfold's ⌘K search caches its results: with Redis down it still finds, uncached."""
    with override_settings(CACHES=STOPPED_REDIS):
        response = admin_client.get(reverse("admin:search"), {"s": "job"})
    assert response.status_code == 200
    assert "Jobs" in response.content.decode()
