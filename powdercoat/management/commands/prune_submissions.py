"""`manage.py prune_submissions`: forget applied form keys once they have long expired.

Each form that writes leaves a small row behind (its one-time key, see
powdercoat/services/submissions.py). A key is refused after a day anyway, so rows older than
two days guard nothing; cron can run this daily, e.g. `15 0 * * * manage.py prune_submissions`.
"""

from django.core.management.base import BaseCommand

from powdercoat.services.submissions import submission_prune


class Command(BaseCommand):
    help = (
        "Delete the record of forms applied more than two days ago (their keys have expired). "
        "Safe to run at any time; meant for a daily cron job."
    )

    def handle(self, *args, **options):
        count = submission_prune()
        noun = "key" if count == 1 else "keys"
        self.stdout.write(f"{count} expired form {noun} forgotten.")
