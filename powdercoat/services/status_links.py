"""The customer's status link (/s/<token>/, SPEC U1): issuing it, revoking it, its address.

A job gets its secret the first time its link is printed, shown or sent, not in a migration:
the column is added empty, so a shop with a million old jobs upgrades in a moment, and only
the jobs whose customers were ever given a link carry one. Revoking gives the job a new
secret, so the old link answers exactly as a link that never existed.
"""

import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from powdercoat.models import Job

# 32 random bytes would be more than enough; 24 (192 bits) keeps the link short enough to
# read aloud from a printed sheet while staying far beyond guessing (128 bits asked for).
TOKEN_BYTES = 24


def new_status_token() -> str:
    """A fresh secret: 192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def status_link_path(token: str) -> str:
    """The page's path for `token`: /s/<token>/."""
    return reverse("admin_views:status_page", args=[token])


def status_link_url(token: str) -> str:
    """The page's absolute address, as printed and mailed (SITE_URL has no trailing slash)."""
    return f"{settings.SITE_URL}{status_link_path(token)}"


def job_status_link_issue(*, job: Job) -> str:
    """The job's status link, giving the job its secret first if it has none yet.

    Safe to call from two requests at once: the secret is set only where the column is still
    empty, in one UPDATE, and whoever loses reads the winner's, so a job never has two links
    handed out. `job.status_token` is updated in place. Writes nothing if the link exists.
    """
    if not job.status_token:
        token = new_status_token()
        with transaction.atomic():
            won = Job.objects.filter(pk=job.pk, status_token__isnull=True).update(
                status_token=token
            )
            if not won:  # another request issued it first (or a stale copy): read theirs
                token = str(Job.objects.values_list("status_token", flat=True).get(pk=job.pk))
        job.status_token = token
    return status_link_url(str(job.status_token))


@transaction.atomic
def job_status_link_revoke(*, job: Job, user: User | None) -> str:
    """Give the job a new secret, so the old link stops working; the new link.

    The old link then shows the same page as one that never existed. `user` is kept for the
    services' common signature (the job's history leaves the secret out on purpose).
    """
    token = new_status_token()
    Job.objects.filter(pk=job.pk).update(status_token=token)
    job.status_token = token
    return status_link_url(token)


def job_by_status_token(token: str) -> Job | None:
    """The job whose link carries `token`, or None (unknown, revoked or malformed).

    A token that cannot be one we issued (wrong length or characters) is refused before the
    database is asked.
    """
    if not token or len(token) > 64 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return Job.objects.filter(status_token=token).first()
