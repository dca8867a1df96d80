"""`manage.py requeue_emails`: send again the queued emails whose task was lost.

An email's task is enqueued right after its change commits; a process killed in between (a
gunicorn timeout, a deploy) or a worker that died in the middle of a try leaves the email
Queued with nobody to send it. This finds those (overdue by more than ten minutes) and
enqueues their next try. Safe at any time; cron can run it, e.g.
`*/10 * * * * manage.py requeue_emails`.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from powdercoat.services.outbox import outbox_lost_tries
from powdercoat.tasks import email_send


class Command(BaseCommand):
    help = (
        "Enqueue the next try of every queued email that is overdue (its task was lost). "
        "Safe to run at any time; meant for cron every few minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=10,
            help="How long past its due time an email must be to count as lost (default 10).",
        )

    def handle(self, *args, grace_minutes: int, **options):
        tries = outbox_lost_tries(grace=timedelta(minutes=grace_minutes))
        for email_id, attempt in tries:
            email_send.enqueue(email_id, attempt)
        noun = "email" if len(tries) == 1 else "emails"
        self.stdout.write(f"{len(tries)} lost {noun} queued again.")
