"""Test helper: date a job's timeline rows in the past, with the milestones they set."""

import datetime

from django.db.models import QuerySet

from powdercoat.models import Job, StatusChange


def date_moves(changes: QuerySet[StatusChange], at: datetime.datetime) -> None:
    """Date `changes` at `at`, and their jobs' milestones (Job.finished_at, Job.ready_at) with
    them, as if the moves had been made then."""
    job_ids = list(changes.values_list("job_id", flat=True))
    StatusChange.objects.filter(pk__in=changes.values("pk")).update(created_at=at)
    Job.objects.filter(pk__in=job_ids).restamp_milestones()


def date_move(change: StatusChange, at: datetime.datetime) -> None:
    """Date one timeline row at `at` (see date_moves)."""
    date_moves(StatusChange.objects.filter(pk=change.pk), at)
