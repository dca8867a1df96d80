"""The job page (SPEC J3, J8): items with coats and prep, the timeline, and the status buttons."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from unfold.enums import ActionVariant

from powdercoat import formatting
from powdercoat.models import Job, StatusChange
from powdercoat.models.choices import JobStatus, Priority
from powdercoat.services.jobs import job_advance
from tests.factories import (
    CatalogProductFactory,
    CustomerFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    WorkerFactory,
    invoiced_job,
    job_at,
)
from tests.helpers import form_data, page_actions

pytestmark = pytest.mark.django_db


def _change_url(job):
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def _action_url(job, path):
    return f"{_change_url(job).removesuffix('change/')}{path}/"


def _buttons(client, job) -> list[str]:
    """Titles of the status buttons the job page offers (not the quick-change dialog's)."""
    actions = page_actions(client.get(_change_url(job)))
    others = {"Save as template", "Change status"}
    others |= {"Log material", "Change customer", "Clone job"}  # not status moves
    others |= {"Print work order", "Send status link", "Revoke status link"}
    return [str(a["title"]) for a in actions if str(a["title"]) not in others]


def test_job_page_shows_items_coats_prep_and_timeline(company, office_client, floor_user):
    """Office staff see the item, its powder and prep sub-line, the price and the timeline."""
    job = job_at(JobStatus.COATING, customer=CustomerFactory(company_name="Ridge Cycles"))
    item = LineItemFactory(job=job, description="Swingarm", quantity=2, unit_price=Decimal("120"))
    LineItemCoatFactory(item=item, powder=PowderFactory(name="Candy Apple Red"))
    LineItemPrepFactory(item=item, prep_service=PrepServiceFactory(name="Media blasting"))
    job_advance(job=Job.objects.get(pk=job.pk), user=floor_user, note="Into the booth")
    html = office_client.get(_change_url(job)).content.decode()
    for text in (job.number, "Swingarm", "Candy Apple Red", "Media blasting", "$240.00"):
        assert text in html, text
    assert "Into the booth" in html
    assert 'pc-status--coating" data-status="coating">Coating<' in html
    assert 'pc-status--coating" data-status="curing">Curing<' in html
    assert ">floor<" in html or "floor" in html


@pytest.mark.parametrize(
    ("status", "user_fixture", "expected"),
    [
        (
            JobStatus.COATING,
            "office_user",
            ["Advance to Curing", "Hold", "Cancel job", "Set status"],
        ),
        (JobStatus.COATING, "floor_user", ["Advance to Curing", "Hold"]),
        (
            JobStatus.ON_HOLD,
            "office_user",
            ["Resume at Coating", "Cancel job", "Set status"],
        ),
        (JobStatus.DELIVERED, "office_user", ["Set status"]),
        (JobStatus.CANCELLED, "office_user", []),
        (JobStatus.CANCELLED, "supervisor_user", ["Reopen"]),
    ],
)
def test_only_allowed_moves_are_offered(company, client, request, status, user_fixture, expected):
    """Buttons follow the job's status and the user's role."""
    if status == JobStatus.CANCELLED:
        job = job_at(JobStatus.APPROVED)
        from powdercoat.services.jobs import job_cancel

        job_cancel(job=job, user=None, reason="Duplicate order")
    else:
        job = job_at(status)
    client.force_login(request.getfixturevalue(user_fixture))
    assert _buttons(client, job) == expected


def test_advance_button_names_the_stage_after_skipping(company, office_client):
    """In Preparation with nothing to blast, mask or clean: the button says In Oven."""
    job = job_at(JobStatus.IN_PREPARATION)
    assert _buttons(office_client, job)[0] == "Advance to In Oven"


def test_advance_dialog_shows_the_move_then_advances(company, office_client, office_user):
    """The dialog shows Coating → Curing; submitting moves the job and records the note."""
    job = job_at(JobStatus.COATING)
    dialog = office_client.get(_action_url(job, "advance"), HTTP_HX_REQUEST="true")
    html = dialog.content.decode()
    move = re.search(r'data-testid="status-move">(.*?)</div>', html, re.S).group(1)
    assert "Coating" in move
    assert "Curing" in move
    data = form_data(html)
    data["note"] = "Second coat done"
    response = office_client.post(_action_url(job, "advance"), data, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == _change_url(job)
    job.refresh_from_db()
    assert job.status == JobStatus.CURING
    change = job.status_changes.first()
    assert (change.user, change.note) == (office_user, "Second coat done")
    page = office_client.get(_change_url(job)).content.decode()
    assert f"{job.number}: Coating → Curing." in page


def test_hold_without_a_reason_is_refused_in_the_dialog(company, floor_client):
    """An empty reason re-shows the dialog with an error; the job does not move."""
    job = job_at(JobStatus.CURING)
    data = form_data(floor_client.get(_action_url(job, "hold")).content.decode())
    data["note"] = ""
    response = floor_client.post(_action_url(job, "hold"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING


def test_hold_then_resume_from_the_job_page(company, floor_client):
    """Hold with a reason, then Resume: back at Curing, both in the timeline."""
    job = job_at(JobStatus.CURING)
    data = form_data(floor_client.get(_action_url(job, "hold")).content.decode())
    data["note"] = "Oven 2 down"
    floor_client.post(_action_url(job, "hold"), data)
    assert Job.objects.get(pk=job.pk).status == JobStatus.ON_HOLD
    data = form_data(floor_client.get(_action_url(job, "resume")).content.decode())
    response = floor_client.post(_action_url(job, "resume"), data)
    assert response.status_code == 302
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert list(job.status_changes.values_list("transition", flat=True)[:2]) == ["resume", "hold"]


def test_dialog_opened_before_someone_else_moved_the_job_is_refused(company, office_client):
    """The dialog remembers the status it showed; a later move by another person wins."""
    job = job_at(JobStatus.COATING)
    data = form_data(office_client.get(_action_url(job, "advance")).content.decode())
    job_advance(job=job, user=None)  # someone else, meanwhile
    response = office_client.post(_action_url(job, "advance"), data, HTTP_HX_REQUEST="true")
    assert "moved to Curing since this window opened" in response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert StatusChange.objects.filter(job=job, transition="advance").count() == 1


def test_set_status_moves_a_job_back(company, office_client):
    """Office staff move a job from Quality Check back to Coating."""
    job = job_at(JobStatus.QUALITY_CHECK)
    data = form_data(office_client.get(_action_url(job, "set-status")).content.decode())
    assert "quality_check" not in re.findall(
        r'<option value="(\w+)"', office_client.get(_action_url(job, "set-status")).content.decode()
    )
    data.update(status=JobStatus.COATING, note="Thin film on the back")
    office_client.post(_action_url(job, "set-status"), data)
    job.refresh_from_db()
    assert job.status == JobStatus.COATING
    assert job.status_changes.first().note == "Thin film on the back"


def test_shop_floor_cannot_cancel_even_by_typing_the_address(company, floor_client):
    """The server refuses what the role may not do, whatever the page shows."""
    job = job_at(JobStatus.COATING)
    assert floor_client.get(_action_url(job, "cancel")).status_code == 403
    response = floor_client.post(
        _action_url(job, "cancel"),
        {"seen_status": "coating", "note": "x", "_form_submitted": "True"},
    )
    assert response.status_code == 403
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING


def test_illegal_move_posted_directly_is_refused_with_a_message(company, office_client):
    """Posting Resume for a job that is not on hold gives a message, not a server error."""
    job = job_at(JobStatus.COATING)
    data = form_data(office_client.get(_action_url(job, "resume")).content.decode())
    response = office_client.post(_action_url(job, "resume"), data, follow=True)
    assert response.status_code == 200
    assert "is Coating; it cannot be resumed from there." in response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING


def _post_change_form(client, job, **changes):
    data = form_data(client.get(_change_url(job)).content.decode(), form_id="job_form")
    data.update(changes)
    return client.post(_change_url(job), data)


def test_editing_details_keeps_the_status(company, office_client):
    """Saving the edit form changes the fields and leaves the status where it is."""
    job = job_at(JobStatus.COATING)
    response = _post_change_form(
        office_client, job, po_number="PO-1009", priority=str(Priority.HIGH.value)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job.refresh_from_db()
    assert (job.po_number, job.priority, job.status) == (
        "PO-1009",
        Priority.HIGH,
        JobStatus.COATING,
    )


def test_new_job_from_the_admin_gets_a_number_and_pending(company, office_client):
    """The add form creates a numbered Pending job with the customer's discount."""
    customer = CustomerFactory(discount_percent=Decimal("5"))
    add_url = reverse("admin:powdercoat_job_add")
    data = form_data(office_client.get(add_url).content.decode(), form_id="job_form")
    data.update(customer=str(customer.pk), description="Trailer frame", priority="2")
    response = office_client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = Job.objects.get(description="Trailer frame")
    assert re.fullmatch(r"JOB-\d{4}-0001", job.number)
    assert (job.status, job.discount_percent) == (JobStatus.PENDING, Decimal("5"))


def test_history_page_lists_who_changed_the_job(company, office_client, floor_user):
    """The simple-history page shows the job's changes with their users."""
    job = job_at(JobStatus.COATING)
    job_advance(job=job, user=floor_user)
    history = office_client.get(reverse("admin:powdercoat_job_history", args=[job.pk]))
    assert history.status_code == 200
    assert "floor" in history.content.decode()


@pytest.mark.parametrize("object_id", ["abc", "999999", "1%20OR%201=1"])
def test_unknown_or_malformed_job_address_is_not_found(company, office_client, object_id):
    """A status button address for a job that does not exist is a 404, not a server error."""
    response = office_client.get(f"/admin/powdercoat/job/{object_id}/advance/")
    assert response.status_code == 404
    response = office_client.post(f"/admin/powdercoat/job/{object_id}/hold/", {"note": "x"})
    assert response.status_code == 404


def test_job_with_a_worker_who_has_left_can_still_be_saved(company, office_client):
    """A deactivated worker stays on old jobs and does not block saving them."""
    leaver = WorkerFactory(name="Former Coater")
    job = job_at(JobStatus.COATING, assigned_workers=[leaver])
    leaver.is_active = False
    leaver.save()
    response = _post_change_form(office_client, job, po_number="PO-2044")
    assert response.status_code == 302, response.content.decode()[:2000]
    job.refresh_from_db()
    assert job.po_number == "PO-2044"
    assert list(job.assigned_workers.all()) == [leaver]


def test_changing_the_discount_on_the_page_reprices_the_job(company, office_client):
    """A new discount on the Price tab changes the total when the job is saved."""
    job = job_at(JobStatus.COATING, discount_percent=Decimal("0"))
    LineItemCoatFactory(item=LineItemFactory(job=job, quantity=2, unit_price=Decimal("100")))
    response = _post_change_form(office_client, job, discount_percent="10")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.total_price == Decimal("180.00")


def test_job_page_queries_do_not_grow_with_items(company, office_client):
    """The job page runs the same number of queries for 1 item as for 12, coats and prep too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int) -> int:
        job = job_at(JobStatus.COATING)
        for _ in range(count):
            item = LineItemFactory(job=job)
            LineItemCoatFactory(item=item, powder=PowderFactory())
            LineItemPrepFactory(item=item, prep_service=PrepServiceFactory())
        office_client.get(_change_url(job))  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as captured:
            response = office_client.get(_change_url(job))
        assert response.status_code == 200
        return len(captured)

    assert queries_for(1) == queries_for(12)


# -- the header and the bar (issue 17) ---------------------------------------------------------


def _header(html: str) -> str:
    """The job page's header block, as text with single spaces."""
    start = html.index('data-testid="job-header"')
    block = html[start : html.index("</dl>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


def test_the_header_says_which_job_this_is(company, office_client):
    """Number, customer, description, status, the Rush badge, an overdue due date, the total
    and what its invoices still owe."""
    invoice = invoiced_job(
        customer=CustomerFactory(company_name="Ridge Cycles"),
        description="Swingarm and rims",
        priority=Priority.RUSH,
        due_date=timezone.localdate() - timedelta(days=2),
    )
    job = Job.objects.get(pk=invoice.job_id)
    html = office_client.get(_change_url(job)).content.decode()
    header = _header(html)
    for text in (job.number, "Ridge Cycles", "Swingarm and rims", "⚡ Rush", "overdue"):
        assert text in header, text
    assert "pc-job-header--rush" in html
    assert f"Total {formatting.money_text(job.total_price)}" in header
    assert f"Balance {formatting.money_text(invoice.balance)}" in header


def test_the_header_marks_due_today_and_a_job_not_yet_invoiced(company, office_client):
    """Due today is said in words; a job without an invoice says so instead of a balance."""
    job = job_at(JobStatus.COATING, due_date=timezone.localdate())
    header = _header(office_client.get(_change_url(job)).content.decode())
    assert "today" in header
    assert "Balance not invoiced" in header


def test_shop_floor_sees_the_header_without_money(company, floor_client):
    """The header names the job for Shop Floor too, with no total and no balance."""
    job = job_at(JobStatus.COATING)
    LineItemFactory(job=job, quantity=2, unit_price=Decimal("120"))
    header = _header(floor_client.get(_change_url(job)).content.decode())
    assert job.number in header
    for money_word in ("Total", "Balance", "$"):
        assert money_word not in header


def test_the_next_move_leads_the_bar_and_rarer_buttons_wait_under_more(company, office_client):
    """Advance is the first button and the only primary one; Hold and Create invoice sit in
    the More menu; a held job leads with Resume."""
    job = job_at(JobStatus.COMPLETED)
    LineItemFactory(job=job, quantity=1, unit_price=Decimal("50"))
    actions = office_client.get(_change_url(job)).context["actions_detail"]
    top = [str(action["title"]) for action in actions]
    assert top[0].startswith("Advance to")
    more = next(action for action in actions if action.get("items"))
    assert "Create invoice" in [str(item["title"]) for item in more["items"]]
    primary = [a for a in actions if "items" not in a and a.get("variant") == ActionVariant.PRIMARY]
    assert [str(a["title"]) for a in primary] == [top[0]]
    held = job_at(JobStatus.ON_HOLD, held_at=JobStatus.COATING)
    held_actions = office_client.get(_change_url(held)).context["actions_detail"]
    assert str(held_actions[0]["title"]) == "Resume at Coating"


# -- items from the start (issue 17) -----------------------------------------------------------


def test_a_new_job_goes_straight_on_to_its_first_item(company, office_client):
    """The add page offers *Save and add items*; pressing it saves the job and opens the item
    wizard for it."""
    add_url = reverse("admin:powdercoat_job_add")
    html = office_client.get(add_url).content.decode()
    assert 'name="_add_items"' in html
    assert "Save and add items" in html
    customer = CustomerFactory()
    data = form_data(html, form_id="job_form")
    data.update(customer=str(customer.pk), description="Gate and railings", priority="2")
    data["_add_items"] = "1"
    response = office_client.post(add_url, data)
    job = Job.objects.get(description="Gate and railings")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:powdercoat_job_item_add", args=[job.pk])
    wizard = office_client.get(response["Location"], follow=True)
    assert wizard.status_code == 200
    assert job.number in wizard.content.decode()


def test_the_items_table_ends_with_the_items_total(company, office_client, floor_client):
    """Under the items, a total row with the job's items total; Shop Floor sees no total."""
    job = job_at(JobStatus.COATING)
    LineItemFactory(job=job, quantity=2, unit_price=Decimal("120"))
    LineItemFactory(job=job, quantity=1, unit_price=Decimal("35.50"))
    html = office_client.get(_change_url(job)).content.decode()
    total = html[html.index('data-testid="items-total">') + len('data-testid="items-total">') :]
    total = " ".join(re.sub(r"<[^>]+>", " ", total[: total.index("</tr>")]).split())
    assert total == "Items total $275.50"
    assert 'data-testid="items-total"' not in floor_client.get(_change_url(job)).content.decode()


def test_a_catalogue_picture_shows_beside_its_item(company, office_client, settings, tmp_path):
    """An item made from a catalogue product with a picture shows that picture on the job
    page, for the office and for Shop Floor alike."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    product = CatalogProductFactory(name="Harley tank")
    product.image.save("tank.png", ContentFile(buffer.getvalue()))
    job = job_at(JobStatus.COATING)
    LineItemFactory(job=job, catalog_product=product, description="Tank")
    LineItemFactory(job=job, description="Fender")
    html = office_client.get(_change_url(job)).content.decode()
    pictures = re.findall(r'<img class="pc-item-picture" src="([^"]+)" alt="([^"]+)"', html)
    assert pictures == [(product.image.url, "Picture of Tank")]
    assert office_client.get(product.image.url).status_code == 200
