"""Every status move of a job or a quote is logged: the number, from, to and who moved it."""

import logging

import pytest
from django.core.exceptions import ValidationError

from powdercoat.models.choices import JobStatus, QuoteStatus
from powdercoat.services import jobs as job_services
from powdercoat.services import quotes as quote_services
from tests.factories import JobFactory, QuoteFactory, QuoteLineItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def _logged(caplog, logger: str) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == logger and record.levelno == logging.INFO
    ]


def test_a_job_move_is_logged_with_its_number_stages_and_mover(company, office_user, caplog):
    """Advancing logs the job's number, the stage it left, the one it reached and the user."""
    job = JobFactory()
    with caplog.at_level(logging.INFO, logger="powdercoat"):
        job_services.job_advance(job=job, user=office_user)
    assert _logged(caplog, "powdercoat.services.jobs") == [
        f"Job {job.number} moved from {JobStatus.PENDING} to {job.status} by office (advance)."
    ]


def test_a_move_made_by_the_shop_itself_names_the_system(company, caplog):
    """A move with no user (a script, a conversion step) says 'the system'."""
    job = JobFactory()
    with caplog.at_level(logging.INFO, logger="powdercoat"):
        job_services.job_hold(job=job, user=None, reason="Waiting on powder")
    assert _logged(caplog, "powdercoat.services.jobs") == [
        f"Job {job.number} moved from {JobStatus.PENDING} to {JobStatus.ON_HOLD} "
        "by the system (hold)."
    ]


def test_a_quote_move_is_logged_with_its_number_stages_and_mover(company, caplog):
    """Approving a draft logs the quote's number, both statuses and the user."""
    quote = QuoteFactory()
    QuoteLineItemFactory(quote=quote)
    dana = UserFactory(username="dana")
    with caplog.at_level(logging.INFO, logger="powdercoat"):
        quote_services.quote_approve(quote=quote, user=dana)
    assert _logged(caplog, "powdercoat.services.quotes") == [
        f"Quote {quote.number} moved from {QuoteStatus.DRAFT} to {QuoteStatus.APPROVED} by dana."
    ]


def test_a_refused_move_is_not_logged(company, office_user, caplog):
    """A move the state machine refuses changes nothing and logs nothing."""
    job = JobFactory()
    with (
        caplog.at_level(logging.INFO, logger="powdercoat"),
        pytest.raises(ValidationError, match="cannot be resumed"),
    ):
        job_services.job_resume(job=job, user=office_user)
    assert _logged(caplog, "powdercoat.services.jobs") == []
