"""A health check for load balancers and uptime monitors."""

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitedTooLong

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the database answers within two seconds, else 503, quickly either way."""
    probe = _prober.submit(_database_answers)
    try:
        probe.result(timeout=HEALTH_TIMEOUT_SECONDS)
    except WaitedTooLong:
        return JsonResponse({"status": "database not answering"}, status=503)
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
