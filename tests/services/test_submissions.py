"""One-time submission keys: issued per person, applied once, refused when old or altered."""

import io
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from powdercoat.models import JobNote, Submission
from powdercoat.services.job_records import job_note_add
from powdercoat.services.submissions import (
    SubmissionRepeated,
    submission_find,
    submission_key_issue,
    submission_once,
)
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def _add_note(key, user, text="Masked"):
    job = JobFactory()
    with submission_once(key=key, user=user) as answer:
        job_note_add(job=job, text=text, user=user)
        answer(url="/job/", message=f"Note added: {text}")
    return job


def test_a_key_applies_its_work_once_and_remembers_the_answer(office_user):
    """The first use does the work; the second raises SubmissionRepeated with the first answer."""
    key = submission_key_issue(user=office_user)
    _add_note(key, office_user)
    with pytest.raises(SubmissionRepeated) as repeat:
        _add_note(key, office_user, text="Again")
    assert (repeat.value.url, repeat.value.message) == (
        "/job/",
        "Already recorded: Note added: Masked",
    )
    assert list(JobNote.objects.values_list("text", flat=True)) == ["Masked"]
    assert submission_find(key=key, user=office_user) == Submission.objects.get()


def test_work_that_fails_leaves_the_key_unused(office_user):
    """An error in the block rolls back the work and the key; the same key works afterwards."""
    key = submission_key_issue(user=office_user)
    with pytest.raises(ValidationError):
        _add_note(key, office_user, text="   ")
    assert not Submission.objects.exists()
    _add_note(key, office_user, text="Second try")
    assert JobNote.objects.get().text == "Second try"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "missing its one-time key"),
        ("not-a-key", "not valid"),
    ],
)
def test_missing_or_made_up_keys_are_refused(key, message, office_user):
    """Nothing is done for a post without a key of ours."""
    with pytest.raises(ValidationError, match=message):
        _add_note(key, office_user)
    assert not JobNote.objects.exists()


def test_a_key_is_for_the_person_it_was_issued_to(office_user, floor_user):
    """Another login's key is refused."""
    key = submission_key_issue(user=office_user)
    with pytest.raises(ValidationError, match="another login"):
        _add_note(key, floor_user)


def test_a_key_expires_after_a_day(office_user, monkeypatch):
    """Used 25 hours after the form was shown: refused, nothing done."""
    key = submission_key_issue(user=office_user)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 25 * 3600)
    with pytest.raises(ValidationError, match="more than a day ago"):
        _add_note(key, office_user)
    assert not JobNote.objects.exists()


def test_prune_forgets_keys_older_than_two_days(office_user):
    """Only rows older than two days go; fresher ones still guard against repeats."""
    _add_note(submission_key_issue(user=office_user), office_user)
    _add_note(submission_key_issue(user=office_user), office_user, text="Recent")
    old = Submission.objects.order_by("pk").first()
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    out = io.StringIO()
    call_command("prune_submissions", stdout=out)
    assert "1 expired form key forgotten." in out.getvalue()
    assert list(Submission.objects.values_list("answer_message", flat=True)) == [
        "Note added: Recent"
    ]
