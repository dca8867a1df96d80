"""A mail server stand-in for the outbox tests: records every call, then accepts, refuses or hangs.

`use_mail_server(settings, "refuse")` points the default mailer at it; `use_database_tasks`
switches django.tasks to the production database backend for one test, and `run_worker` does
what `manage.py db_worker --batch` does: run every task that is due, then stop.
"""

import smtplib
import threading
from typing import ClassVar

from django.core.mail.backends.base import BaseEmailBackend
from django_tasks_db.management.commands.db_worker import Worker


class StandInMailServer(BaseEmailBackend):
    """Records each message it is handed; then does what `behaviour` says."""

    calls: ClassVar[list] = []
    behaviour: ClassVar[str] = "accept"
    # Set by a test to let a hanging server go (it never is, unless something waits on it).
    release: ClassVar[threading.Event] = threading.Event()

    def send_messages(self, email_messages):
        """Accept, refuse (an SMTP error) or hang (until released, then time out)."""
        StandInMailServer.calls.extend(email_messages)
        if StandInMailServer.behaviour == "refuse":
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if StandInMailServer.behaviour == "hang":
            StandInMailServer.release.wait(timeout=30)
            raise TimeoutError("timed out")
        return len(email_messages)


def use_mail_server(settings, behaviour: str = "accept") -> type[StandInMailServer]:
    """Point the default mailer at a fresh stand-in that will `behaviour` every message."""
    StandInMailServer.calls = []
    StandInMailServer.behaviour = behaviour
    StandInMailServer.release = threading.Event()
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.StandInMailServer"}}
    return StandInMailServer


def use_database_tasks(settings) -> None:
    """Tasks wait in the database for a worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """Run every task that is due now, as `manage.py db_worker --batch` does, then stop."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
