"""Parallel posts of one form apply it once; parallel reversals of a row reverse it once (PG).

A double click on bad Wi-Fi, a retry through a second app server: the posts arrive together, on
separate database connections. The one-time key's unique row makes all but one wait and then
answer "Already recorded"; exactly one payment, ledger row or status move is written.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from powdercoat.models import (
    CompanySettings,
    InventoryActivity,
    InventoryItem,
    Invoice,
    Job,
    Payment,
    StatusChange,
    Submission,
)
from powdercoat.models.choices import ActivityKind, JobStatus
from powdercoat.services.inventory import inventory_activity_reverse, material_usage_log
from powdercoat.services.invoices import payment_reverse
from powdercoat.services.submissions import (
    SubmissionRepeated,
    submission_key_issue,
    submission_once,
)
from tests.concurrency.test_parallel_writers import WRITERS, _run_in_parallel
from tests.factories import (
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    invoiced_job,
    paid,
)
from tests.helpers import form_data, page_key
from tests.shop_floor import floor_job

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HTMX = {"HTTP_HX_REQUEST": "true"}


class _SamePost:
    """Each writer has a browser session of its own (logged in before the start signal) and
    sends exactly the same post: the form's fields and its one key."""

    def __init__(self, user, url: str, data: dict, **extra):
        self.user, self.url, self.data, self.extra = user, url, data, extra

    def prepare(self, _index):
        client = Client()
        client.force_login(self.user)
        return client

    def __call__(self, _index, client):
        response = client.post(self.url, self.data, **self.extra)
        said = " ".join(str(m) for m in get_messages(response.wsgi_request))
        return response, said


def test_parallel_use_of_one_key_runs_the_work_once():
    """8 connections enter `submission_once` with one key: one runs its block, 7 are repeats."""
    key = submission_key_issue(user=None)

    def apply(index, _prepared):
        try:
            with submission_once(key=key, user=None) as answer:
                answer(url="/done/", message=f"writer {index}")
                return "applied"
        except SubmissionRepeated as repeat:
            return repeat.url

    results, errors = _run_in_parallel(apply, WRITERS)
    assert errors == []
    assert sorted(results) == ["/done/"] * (WRITERS - 1) + ["applied"]
    assert Submission.objects.count() == 1


def test_parallel_payment_posts_record_one_payment(office_user):
    """8 identical Add payment posts at once: one $40 payment, balance down by $40 once."""
    CompanySettings.load()
    invoice = invoiced_job()
    url = reverse("admin:powdercoat_invoice_change", args=[invoice.pk]).removesuffix("change/")
    url += "add-payment/"
    opener = Client()
    opener.force_login(office_user)
    data = form_data(opener.get(url, **HTMX).content.decode())
    data.update(amount="40.00", method="check", reference="1234")

    results, errors = _run_in_parallel(_SamePost(office_user, url, data, **HTMX), WRITERS)

    assert errors == []
    assert Payment.objects.filter(invoice=invoice).count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("40.00")
    assert invoice.balance == invoice.total - Decimal("40.00")
    redirects = {response.headers.get("HX-Redirect") for response, _said in results}
    assert redirects == {reverse("admin:powdercoat_invoice_change", args=[invoice.pk])}
    repeats = [said for _response, said in results if "Already recorded" in said]
    assert len(repeats) == WRITERS - 1
    assert Invoice.objects.get(pk=invoice.pk).payments.count() == 1


def test_parallel_usage_posts_book_one_ledger_row(floor_user):
    """8 identical Log material posts at once: one 0.5 lb row, stock down by 0.5 once."""
    CompanySettings.load()
    powder = PowderFactory(opening_stock=Decimal("20"))
    job = floor_job(JobStatus.COATING)
    LineItemCoatFactory(item=LineItemFactory(job=job), powder=powder)
    url = reverse("admin:powdercoat_job_change", args=[job.pk]).removesuffix("change/")
    url += "log-material/"
    opener = Client()
    opener.force_login(floor_user)
    data = form_data(opener.get(url, **HTMX).content.decode())
    data.update(item=str(powder.pk), lbs="0.5")

    results, errors = _run_in_parallel(_SamePost(floor_user, url, data, **HTMX), WRITERS)

    assert errors == []
    assert InventoryActivity.objects.filter(job=job, kind=ActivityKind.USAGE).count() == 1
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == Decimal("19.5")
    assert all(response.headers.get("HX-Redirect") for response, _said in results)


def test_parallel_phone_advances_move_one_stage(floor_user):
    """8 identical Advance taps at once from one phone card: Coating → Curing, once."""
    CompanySettings.load()
    job = floor_job(JobStatus.COATING)
    opener = Client()
    opener.force_login(floor_user)
    data = {
        "move": "advance",
        "seen_status": JobStatus.COATING,
        "submission_key": page_key(opener, reverse("admin_views:shop_mobile")),
    }
    url = reverse("admin_views:shop_mobile_advance", args=[job.number])

    results, errors = _run_in_parallel(_SamePost(floor_user, url, data, **HTMX), WRITERS)

    assert errors == []
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert StatusChange.objects.filter(job=job, transition="advance").count() == 1
    cards = [response.content.decode() for response, _said in results]
    assert sum("Already recorded" in card for card in cards) == WRITERS - 1
    assert all("m-note--ok" in card for card in cards)


def test_parallel_reversals_of_one_payment_take_the_money_back_once():
    """8 people reverse the same $40 at once (separate forms): one reversal, 7 refusals."""
    CompanySettings.load()
    invoice = invoiced_job()
    payment = paid(invoice, "40.00")

    def reverse(index, _prepared):
        try:
            return payment_reverse(payment=payment, reason=f"writer {index}", user=None).pk
        except ValidationError as refusal:
            return refusal.messages[0]

    results, errors = _run_in_parallel(reverse, WRITERS)
    assert errors == []
    assert Payment.objects.filter(reverses=payment).count() == 1
    refusals = [result for result in results if isinstance(result, str)]
    assert len(refusals) == WRITERS - 1
    assert all("was already reversed on" in text for text in refusals)
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("0")
    assert invoice.balance == invoice.total


def test_parallel_reversals_of_one_ledger_row_return_the_stock_once():
    """8 people reverse the same 5 lb usage at once: stock back by 5 lb exactly, one row."""
    CompanySettings.load()
    powder = PowderFactory(opening_stock=Decimal("20"))
    usage = material_usage_log(
        job=floor_job(JobStatus.COATING), item=powder, lbs=Decimal("5"), user=None, confirmed=True
    )

    def reverse(index, _prepared):
        try:
            return inventory_activity_reverse(activity=usage, reason=f"writer {index}", user=None)
        except ValidationError:
            return None

    results, errors = _run_in_parallel(reverse, WRITERS)
    assert errors == []
    assert sum(result is not None for result in results) == 1
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == Decimal("20")
    assert InventoryActivity.objects.filter(reverses=usage).count() == 1
