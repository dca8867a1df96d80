"""Migration 0028 flags the supervisor alerts already in the outbox, and nothing else."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from powdercoat.models import EmailLog
from tests.helpers import migrated_back_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("powdercoat", "0027_phone_preference")]
AFTER = [("powdercoat", "0028_email_priority_alert_flag")]


def test_old_alerts_are_flagged_and_the_customers_emails_are_not():
    """An old "Rush: ..." e-mail about a job is an alert; its status-link e-mail is not."""
    with migrated_back_to(BEFORE) as old:
        customer = old.get_model("powdercoat", "Customer").objects.create(contact_name="Ada Ridge")
        job = old.get_model("powdercoat", "Job").objects.create(
            number="JOB-2612-0001", customer=customer
        )
        emails = old.get_model("powdercoat", "EmailLog").objects
        for subject, to in (
            ("Rush: JOB-2612-0001 for Ada Ridge", "lead@shop.example"),
            ("Urgent: JOB-2612-0001 for Ada Ridge", "lead@shop.example"),
            ("Follow your job JOB-2612-0001 at Ironclad", "ada@ridge.example"),
        ):
            emails.create(job=job, subject=subject, to_address=to)
        MigrationExecutor(connection).migrate(AFTER)
        flagged = dict(EmailLog.objects.values_list("subject", "is_priority_alert"))
    assert flagged == {
        "Rush: JOB-2612-0001 for Ada Ridge": True,
        "Urgent: JOB-2612-0001 for Ada Ridge": True,
        "Follow your job JOB-2612-0001 at Ironclad": False,
    }
