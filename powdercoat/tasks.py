"""Background tasks (Django's `django.tasks`): sending the e-mail outbox.

With the database backend (production) `manage.py db_worker` runs them; with the immediate
backend (tests) they run in the enqueuing process as soon as they are enqueued.
"""

from django.tasks import task

from powdercoat.services import outbox


@task
def email_send(email_id: int, attempt: int = 1) -> str:
    """Make one try at sending the outbox email `email_id`; schedule the next try if it failed.

    A backend that can run a task later (the database one) gets the retry with `run_after`
    at the back-off moment; one that cannot (the immediate one) tries again at once.
    """
    retry_at = outbox.outbox_attempt(email_id=email_id, attempt=attempt)
    if retry_at is None:
        return "done"
    if email_send.get_backend().supports_defer:
        email_send.using(run_after=retry_at).enqueue(email_id, attempt + 1)
    else:
        email_send.enqueue(email_id, attempt + 1)
    return f"try {attempt + 1} at {retry_at.isoformat()}"
