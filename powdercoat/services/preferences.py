"""What a login chose to see, kept for its next visit on any device."""

from django.contrib.auth.models import User

from powdercoat.models import PhonePreference, Worker


def phone_worker_remember(*, user: User, worker_id: int | None) -> int | None:
    """Keep `worker_id` (None: everyone) as the phone view's choice for `user`; a worker who
    does not exist (a hand-typed address) is kept as everyone. Returns what was kept."""
    if worker_id is not None and not Worker.objects.filter(pk=worker_id).exists():
        worker_id = None
    PhonePreference.objects.update_or_create(user=user, defaults={"worker_id": worker_id})
    return worker_id


def phone_worker_remembered(user: User) -> tuple[bool, int | None]:
    """Whether `user` has chosen on the phone view before, and whose jobs (None: everyone)."""
    row = PhonePreference.objects.filter(user=user).values_list("worker_id", flat=True)
    found = list(row[:1])
    return (True, found[0]) if found else (False, None)
