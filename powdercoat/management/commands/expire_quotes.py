"""`manage.py expire_quotes`: mark open quotes whose valid-until date has passed as Expired.

Cron (or any scheduler) can run it once a day, e.g. `5 0 * * * manage.py expire_quotes`. The
quotes list does the same each time it opens, so the list is right even without the schedule.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from powdercoat.models import CompanySettings
from powdercoat.services.quotes import quote_expire_overdue


class Command(BaseCommand):
    help = (
        "Expire every Draft or Sent quote whose valid-until date is before today (in the "
        "shop's time zone). Safe to run as often as you like; meant for a daily cron job."
    )

    def handle(self, *args, **options):
        # "Today" is the shop's today, as on every page, not the server's.
        timezone.activate(CompanySettings.load().zone)
        try:
            count = quote_expire_overdue()
        finally:
            timezone.deactivate()
        noun = "quote" if count == 1 else "quotes"
        self.stdout.write(f"{count} {noun} expired.")
