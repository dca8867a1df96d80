"""Document numbers like JOB-2511-0042: per-month sequences that never repeat (SPEC J1)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from powdercoat.models import CompanySettings, NumberSequence


def number_format(*, prefix: str, period: str, value: int) -> str:
    """Write a number as PREFIX-YYMM-0001; a fifth digit appears after 9999."""
    return f"{prefix}-{period}-{value:04d}"


def number_period(moment: datetime | None = None) -> str:
    """YYMM of `moment` (default: now) in the shop's time zone."""
    moment = moment or timezone.now()
    local = timezone.localtime(moment, CompanySettings.load().zone)
    return local.strftime("%y%m")


@transaction.atomic
def number_next(*, prefix: str, moment: datetime | None = None) -> str:
    """Hand out the next number for `prefix` in the month of `moment`.

    The month's counter row is created if missing (a racing creator is ignored, not an error)
    and then locked, so parallel callers queue on it and each gets the next value. The lock is
    held until the caller's transaction commits; if that transaction rolls back, so does the
    counter, and the number is handed out again: numbers stay consecutive and unique.
    """
    period = number_period(moment)
    NumberSequence.objects.bulk_create(
        [NumberSequence(prefix=prefix, period=period)], ignore_conflicts=True
    )
    sequence = NumberSequence.objects.select_for_update().get(prefix=prefix, period=period)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return number_format(prefix=prefix, period=period, value=sequence.last_value)
