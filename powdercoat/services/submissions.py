"""One-time submission keys: every form that writes is applied once, however often it is posted.

A key is issued with the form (a random token signed with the time and the user, so no database
write is needed to show a form) and consumed when the form is applied: a `Submission` row under
a unique digest of the key, written in the same transaction as the work. A second post of the
same key (a double click, a retry, another app server) waits for the first to commit, finds its
row and is answered like the first, without doing the work again. If the first post is refused
or fails, its transaction takes the row with it, so the corrected form can be sent again.
"""

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from powdercoat.models import Submission
from powdercoat.models.base import max_length_of

KEY_MAX_AGE = timedelta(days=1)
_SALT = "powdercoat.submission-key"
_MESSAGE_LENGTH = max_length_of(Submission, "answer_message")
_URL_LENGTH = max_length_of(Submission, "answer_url")


class SubmissionRepeated(Exception):
    """The form was already applied; `submission` says how the first post was answered."""

    def __init__(self, submission: Submission):
        super().__init__(submission.answer_message)
        self.submission = submission

    @property
    def url(self) -> str:
        return self.submission.answer_url

    @property
    def message(self) -> str:
        """What to tell the person: it is already done, and what was done."""
        done = self.submission.answer_message
        return f"Already recorded: {done}" if done else "Already recorded."


def _user_part(user: User | None) -> str:
    return str(user.pk) if user is not None and user.pk is not None else "-"


def submission_key_issue(*, user: User | None) -> str:
    """A fresh key for one form shown to `user`."""
    payload = f"{_user_part(user)}:{secrets.token_urlsafe(18)}"
    return signing.TimestampSigner(salt=_SALT).sign(payload)


def submission_key_digest(*, key: str, user: User | None) -> str:
    """The stored form of a posted key, after checking it was issued here, to this user, lately.

    Refused with a message a person understands: a missing or altered key, a key of another
    login, or a form opened more than a day ago.
    """
    if not key:
        raise ValidationError(
            "This form is missing its one-time key, so it cannot be checked. Reload the page "
            "and enter it again.",
            code="submission_key_missing",
        )
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        payload = signer.unsign(key, max_age=KEY_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            "This form was opened more than a day ago. Close it, open it again and re-enter "
            "it; nothing was saved.",
            code="submission_key_expired",
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            "This form's one-time key is not valid. Reload the page and enter it again; "
            "nothing was saved.",
            code="submission_key_invalid",
        ) from None
    if payload.split(":", 1)[0] != _user_part(user):
        raise ValidationError(
            "This form was opened by another login. Reload the page and enter it again; "
            "nothing was saved.",
            code="submission_key_other_user",
        )
    return hashlib.sha256(key.encode()).hexdigest()


def submission_find(*, key: str, user: User | None) -> Submission | None:
    """The applied submission of `key`, if the form was already applied (else None).

    For pages that must tell a repeat apart before they can even build the form (the item
    wizard forgets its draft once it is finished). A bad key is simply not found.
    """
    try:
        digest = submission_key_digest(key=key, user=user)
    except ValidationError:
        return None
    return Submission.objects.filter(key_digest=digest).first()


class _Answer:
    """How the first post is answered; kept on the submission row for repeats."""

    def __init__(self, submission: Submission):
        self.submission = submission

    def __call__(self, *, url: str = "", message: str = "") -> None:
        self.submission.answer_url = url[:_URL_LENGTH]
        message = " ".join(str(message).split())
        if len(message) > _MESSAGE_LENGTH:
            message = message[: _MESSAGE_LENGTH - 1] + "…"
        self.submission.answer_message = message


@contextmanager
def submission_once(*, key: str, user: User | None) -> Iterator[_Answer]:
    """Apply a form's work at most once for its key: `with submission_once(...) as answer:`.

    The block runs inside one transaction that also records the key. Call `answer(url=...,
    message=...)` in the block with how the first post is answered. A repeat raises
    `SubmissionRepeated` before the block runs (after waiting for a first post still in
    flight to commit); an exception in the block rolls back the work and the key alike.
    """
    digest = submission_key_digest(key=key, user=user)
    with transaction.atomic():
        try:
            # A savepoint of its own: on PostgreSQL a second post with the same key waits here
            # for the first transaction, then fails on the unique key once that one commits.
            with transaction.atomic():
                submission = Submission.objects.create(key_digest=digest, user=user)
        except IntegrityError:
            first = Submission.objects.filter(key_digest=digest).first()
            if first is None:  # the first post rolled back meanwhile: nothing to repeat
                raise
            raise SubmissionRepeated(first) from None
        answer = _Answer(submission)
        yield answer
        if submission.answer_url or submission.answer_message:
            submission.save(update_fields=["answer_url", "answer_message"])


def submission_prune(*, older_than: timedelta = KEY_MAX_AGE * 2) -> int:
    """Delete applied submissions whose keys have long expired; returns how many went.

    A key older than a day is refused anyway, so its row no longer guards anything.
    """
    deleted, _by_model = Submission.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
