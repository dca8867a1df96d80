"""A health check for load balancers and uptime monitors."""

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitedTooLong

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

# A load balancer wants an answer at once: a database that does not answer within this many
# seconds counts as down.
HEALTH_TIMEOUT_SECONDS = 2.0

# One probe at a time, on a thread of its own: while a hung database holds it, later probes
# wait their two seconds and answer 503 instead of piling up threads or blocking a worker.
_prober = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")


def _database_answers() -> bool:
    """Ask the database for `SELECT 1` on this thread's own connection."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    finally:
        connection.close()


def _cache_answers() -> bool:
    """Ask the cache whether a key exists: a round trip to Redis when REDIS_URL is set.

    The settings' socket timeouts keep a Redis that stopped answering to about a second.
    """
    try:
        cache.has_key("healthz")
    except RedisError:
        return False
    return True


@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the database answers within two seconds, else 503, quickly either way.

    A cache (Redis) that does not answer still gets 200, so a load balancer keeps the shop
    online: the pages work without it (the office's ⌘K search uncached), and the status page
    then counts no visits. The words say so, for whoever watches the check.
    """
    probe = _prober.submit(_database_answers)
    try:
        probe.result(timeout=HEALTH_TIMEOUT_SECONDS)
    except WaitedTooLong:
        return JsonResponse({"status": "database not answering"}, status=503)
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    if not _cache_answers():
        return JsonResponse({"status": "cache unavailable"})
    return JsonResponse({"status": "ok"})
