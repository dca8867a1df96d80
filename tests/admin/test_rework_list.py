"""The rework list (SPEC J14, R2): every job's rework in one read-only list, filtered, priced
only for those who see prices, and the same records the rework report counts."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat.admin.reworks import rework_list_url
from powdercoat.models import ReworkRecord
from powdercoat.models.choices import ReworkKind, ReworkReason
from powdercoat.reports import Period
from powdercoat.reports.rework import rework_report
from tests.factories import CustomerFactory, JobFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:powdercoat_reworkrecord_changelist")
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def _at(*moment: int) -> datetime:
    """A moment on the shop's clock."""
    return timezone.make_aware(datetime(*moment))


def _rework(
    when: datetime | None = None,
    *,
    job=None,
    reason: str = ReworkReason.ADHESION_FAILURE,
    kind: str = ReworkKind.RECOAT,
    cost: str = "0",
    description: str = "",
    resolved_at: datetime | None = None,
) -> ReworkRecord:
    return ReworkRecord.objects.create(
        job=job or JobFactory(),
        kind=kind,
        reason=reason,
        description=description,
        cost=Decimal(cost),
        created_at=when or _at(2025, 3, 10, 9, 0),
        resolved_at=resolved_at,
    )


def _shown(response) -> list[int]:
    """The ids of the records the page lists, in its order."""
    assert response.status_code == 200
    return [rework.pk for rework in response.context["cl"].result_list]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_office_sees_each_records_columns_newest_first(company, office_client):
    """A row shows the day, the job linked to its Rework tab, the customer, type, reason, the
    start of what went wrong, the cost and whether it was resolved; newest first."""
    job = JobFactory(customer=CustomerFactory(company_name="Lakeside Rail"))
    older = _rework(
        _at(2025, 3, 3, 9, 0),
        job=job,
        reason=ReworkReason.ORANGE_PEEL,
        kind=ReworkKind.TOUCH_UP,
        cost="18.75",
        description="Orange peel on the left gate panel " + "and more words " * 10,
        resolved_at=_at(2025, 3, 5, 15, 0),
    )
    newer = _rework(_at(2025, 3, 20, 23, 30), cost="1250.50", description="Dropped off the rack")

    response = office_client.get(LIST_URL)

    assert _shown(response) == [newer.pk, older.pk]
    html = response.content.decode()
    job_tab = reverse("admin:powdercoat_job_change", args=[job.pk]) + "?tab=rework"
    for text in (
        f'href="{job_tab}"',
        job.number,
        "Lakeside Rail",
        "Touch-up",
        "Orange Peel",
        "Orange peel on the left gate panel and more words",
        "$18.75",
        "$1,250.50",
        "Mar 3, 2025",
        "Yes, Mar 5, 2025",
        "Mar 20, 2025",  # 23:30 on the shop's clock is still the 20th
    ):
        assert text in html, text
    assert "and more words " * 10 not in html  # cut short: the record's page has it all


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"reason__exact": "color"}, {"color_open", "color_fixed"}),
        ({"kind__exact": "reblast"}, {"color_fixed"}),
        ({"resolved": "yes"}, {"color_fixed", "damage_fixed"}),
        ({"resolved": "no"}, {"color_open", "adhesion_open"}),
        ({"created_at_from": "2025-03-10", "created_at_to": "2025-03-31"}, {"color_open"}),
        ({"created_at_to": "2025-03-09"}, {"color_fixed", "damage_fixed", "adhesion_open"}),
        ({"q": "Lakeside"}, {"adhesion_open"}),
        ({"q": "blistered"}, {"damage_fixed"}),
        ({"reason__exact": "color", "resolved": "no"}, {"color_open"}),
    ],
)
def test_filters_and_search_narrow_the_list(company, office_client, query, expected):
    """Reason, type, resolved, recorded days (the last day whole), and search by customer,
    job number or words of the description each narrow the list to the matching records."""
    records = {
        "color_open": _rework(_at(2025, 3, 31, 23, 30), reason=ReworkReason.COLOR_MISMATCH),
        "color_fixed": _rework(
            _at(2025, 3, 2, 8, 0),
            reason=ReworkReason.COLOR_MISMATCH,
            kind=ReworkKind.REBLAST,
            resolved_at=_at(2025, 3, 4, 8, 0),
        ),
        "damage_fixed": _rework(
            _at(2025, 2, 14, 8, 0),
            reason=ReworkReason.DAMAGE,
            description="Coat blistered near the weld",
            resolved_at=_at(2025, 2, 15, 8, 0),
        ),
        "adhesion_open": _rework(
            _at(2025, 3, 9, 23, 59),
            job=JobFactory(customer=CustomerFactory(company_name="Lakeside Rail")),
        ),
    }
    names = {record.pk: name for name, record in records.items()}

    shown = _shown(office_client.get(LIST_URL, query))

    assert {names[pk] for pk in shown} == expected


def test_search_finds_a_job_by_its_number(company, office_client):
    """Typing the job's number lists that job's rework only."""
    wanted = _rework()
    _rework()

    assert _shown(office_client.get(LIST_URL, {"q": wanted.job.number})) == [wanted.pk]


@pytest.mark.parametrize(
    ("reason", "resolved"),
    [(None, None), (ReworkReason.ADHESION_FAILURE, None), (ReworkReason.DAMAGE, "no")],
)
def test_the_reports_link_lists_exactly_the_records_it_counted(
    company, office_client, reason, resolved
):
    """rework_list_url with the report's period (and a reason) lists as many records as the
    report counts: the last evening of the period in, the next morning and the day before
    out."""
    for when in (_at(2025, 3, 1, 0, 0), _at(2025, 3, 15, 12, 0), _at(2025, 3, 31, 23, 30)):
        _rework(when, reason=ReworkReason.ADHESION_FAILURE)
    _rework(_at(2025, 3, 18, 7, 0), reason=ReworkReason.DAMAGE)
    _rework(_at(2025, 3, 19, 7, 0), reason=ReworkReason.DAMAGE, resolved_at=_at(2025, 3, 20, 7, 0))
    _rework(_at(2025, 2, 28, 23, 59), reason=ReworkReason.ADHESION_FAILURE)
    _rework(_at(2025, 4, 1, 0, 0), reason=ReworkReason.DAMAGE)
    report = rework_report(period=MARCH)
    by_reason = {total.value: total.count for total in report.by_reason}
    expected = {
        (None, None): report.count,
        (ReworkReason.ADHESION_FAILURE, None): by_reason["adhesion"],
        (ReworkReason.DAMAGE, "no"): 1,
    }[reason, resolved]

    url = rework_list_url(
        reason=reason, first_day=MARCH.first_day, last_day=MARCH.last_day, resolved=resolved
    )
    response = office_client.get(url)

    assert response.context["cl"].result_count == expected
    assert len(_shown(response)) == expected
    assert (report.count, by_reason["adhesion"]) == (5, 3)


def test_rework_list_url_writes_the_filters_parameters():
    """Only the filters given, under the names the list's filters read."""
    assert rework_list_url() == LIST_URL
    assert rework_list_url(
        reason="color", kind="recoat", first_day=date(2025, 3, 1), last_day=date(2025, 3, 31)
    ) == (
        f"{LIST_URL}?reason__exact=color&kind__exact=recoat"
        "&created_at_from=2025-03-01&created_at_to=2025-03-31"
    )
    assert rework_list_url(resolved="no") == f"{LIST_URL}?resolved=no"
    with pytest.raises(ValueError, match="resolved"):
        rework_list_url(resolved="maybe")


def test_shop_floor_sees_the_list_without_any_cost(company, floor_client):
    """Shop Floor reads the records but no cost column, no amount, and cannot filter by cost."""
    rework = _rework(cost="987.65", description="Runs on the lid")

    response = floor_client.get(LIST_URL)

    assert _shown(response) == [rework.pk]
    html = response.content.decode()
    assert "Runs on the lid" in html
    assert "987.65" not in html
    assert not re.search(r"\$\d", html)
    assert "display_cost" not in response.context["cl"].list_display
    assert floor_client.get(LIST_URL, {"cost__gte": "900"}).status_code == 400
    page = floor_client.get(reverse("admin:powdercoat_reworkrecord_change", args=[rework.pk]))
    assert page.status_code == 200
    assert "987.65" not in page.content.decode()


def test_the_office_sees_the_cost_on_the_records_page(company, office_client):
    """The record's own page shows everything, the cost included, read-only."""
    rework = _rework(cost="987.65", description="Runs on the lid")

    page = office_client.get(reverse("admin:powdercoat_reworkrecord_change", args=[rework.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "987.65" in html
    assert "Runs on the lid" in html


@pytest.mark.parametrize("role", ["office_user", "supervisor_user", "admin_user", "floor_user"])
def test_nobody_gets_an_add_or_edit_form(company, client, request, role):
    """No Add page, no Save button, no change or delete by POST, for any role: rework is
    recorded and resolved on its job."""
    client.force_login(request.getfixturevalue(role))
    rework = _rework(description="Thin at the edges")
    change_url = reverse("admin:powdercoat_reworkrecord_change", args=[rework.pk])

    listing = client.get(LIST_URL)
    page = client.get(change_url)

    assert listing.status_code == 200
    assert reverse("admin:powdercoat_reworkrecord_add") not in listing.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="description"' not in page.content.decode()
    assert client.get(reverse("admin:powdercoat_reworkrecord_add")).status_code == 403
    assert client.post(change_url, {"description": "changed"}).status_code == 403
    delete_url = reverse("admin:powdercoat_reworkrecord_delete", args=[rework.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert ReworkRecord.objects.get(pk=rework.pk).description == "Thin at the edges"


def test_a_login_without_the_view_permission_is_refused(company, client):
    """Staff without powdercoat.view_reworkrecord get no list."""
    client.force_login(UserFactory(username="visitor", is_staff=True))

    assert client.get(LIST_URL).status_code == 403


def test_user_text_is_escaped(company, office_client):
    """A description and a customer name holding <script> show as text, never run."""
    customer = CustomerFactory(company_name="<script>alert('co')</script>")
    rework = _rework(
        job=JobFactory(customer=customer), description="<script>alert('rework')</script>"
    )

    listing = office_client.get(LIST_URL).content.decode()
    page = office_client.get(
        reverse("admin:powdercoat_reworkrecord_change", args=[rework.pk])
    ).content.decode()

    for html in (listing, page):
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(&#x27;rework&#x27;)&lt;/script&gt;" in html
        assert "&lt;script&gt;alert(&#x27;co&#x27;)&lt;/script&gt;" in html


def test_an_absurd_day_in_the_range_is_no_server_error(company, office_client):
    """The last day 9999-12-31 or a day that is no date: the list still answers."""
    rework = _rework()

    for query in ({"created_at_to": "9999-12-31"}, {"created_at_from": "someday"}):
        assert _shown(office_client.get(LIST_URL, query)) == [rework.pk]


def test_the_list_runs_the_same_queries_for_10_or_40_records(company, office_client):
    """Job and customer are joined: 40 records cost the queries 10 do, filtered or not."""
    for index in range(10):
        _rework(_at(2025, 3, 1 + index, 9, 0), job=JobFactory())
    filtered = rework_list_url(reason="adhesion", first_day=MARCH.first_day, resolved="no")
    few = (_queries(office_client, LIST_URL), _queries(office_client, filtered))
    for index in range(30):
        _rework(_at(2025, 3, 1 + index % 28, 10, 0), job=JobFactory())

    assert (_queries(office_client, LIST_URL), _queries(office_client, filtered)) == few
