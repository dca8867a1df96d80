"""Background tasks (Django's `django.tasks`): the e-mail outbox and big spreadsheet imports.

With the database backend (production) `manage.py db_worker` runs them; with the immediate
backend (tests) they run in the enqueuing process as soon as they are enqueued.
"""

from django.tasks import task

from powdercoat.services import import_runs, outbox


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


@task
def spreadsheet_check(import_id: int) -> str:
    """Check a big uploaded spreadsheet as its preview would, saving nothing."""
    import_runs.spreadsheet_import_check(import_id=import_id)
    return "checked"


@task
def spreadsheet_apply(import_id: int) -> str:
    """Import a big spreadsheet the person confirmed after its check."""
    import_runs.spreadsheet_import_apply(import_id=import_id)
    return "applied"
