"""The jobs list (SPEC J6): quick views, search, filters, sorting, badges, fixed query count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat.admin.filters import JOB_VIEWS
from powdercoat.models import Job
from powdercoat.models.choices import ON_FLOOR_STAGES, OPEN_STAGES, JobStatus, Priority
from powdercoat.services.jobs import job_cancel, job_set_status
from tests.factories import (
    CustomerFactory,
    LineItemFactory,
    QuoteFactory,
    WorkerFactory,
    invoiced_job,
    job_at,
)

pytestmark = pytest.mark.django_db
LIST_URL = reverse("admin:powdercoat_job_changelist")


def _numbers(response) -> list[str]:
    """Job numbers in the order the list shows them."""
    return [job.number for job in response.context["cl"].result_list]


def test_list_opens_on_the_on_floor_view(company, office_client):
    """Without a choice, the list shows jobs in the shop, not pending or delivered ones."""
    pending = job_at(JobStatus.PENDING)
    coating = job_at(JobStatus.COATING)
    delivered = job_at(JobStatus.DELIVERED)
    response = office_client.get(LIST_URL)
    assert response.status_code == 200
    assert _numbers(response) == [coating.number]
    assert pending.number not in response.content.decode()
    assert delivered.number not in response.content.decode()


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("all", {"pending", "coating", "held", "ready", "completed", "delivered", "overdue"}),
        ("on_floor", {"coating", "held", "overdue"}),
        ("overdue", {"overdue"}),
        ("ready", {"ready"}),
        ("completed", {"completed", "delivered"}),
    ],
)
def test_quick_views_show_the_right_jobs(company, office_client, view, expected):
    """Each quick filter tab narrows the list as its name says."""
    today = timezone.localdate()
    jobs = {
        "pending": job_at(JobStatus.PENDING, due_date=today + timedelta(days=3)),
        "coating": job_at(JobStatus.COATING, due_date=today),
        "held": job_at(JobStatus.ON_HOLD, held_at=JobStatus.CURING),
        "ready": job_at(JobStatus.READY_FOR_PICKUP, due_date=today - timedelta(days=5)),
        "completed": job_at(JobStatus.COMPLETED, due_date=today - timedelta(days=5)),
        "delivered": job_at(JobStatus.DELIVERED, due_date=today - timedelta(days=9)),
        "overdue": job_at(JobStatus.SANDBLASTING, due_date=today - timedelta(days=1)),
    }
    response = office_client.get(LIST_URL, {"view": view})
    shown = set(_numbers(response))
    assert shown == {jobs[name].number for name in expected}


def test_tabs_are_shown_with_the_active_one_marked(company, office_client):
    """All / On Floor / Due Today / Overdue / Ready for Pickup / Completed appear above it."""
    html = office_client.get(LIST_URL, {"view": "overdue"}).content.decode()
    tabs = re.findall(r'<a href="[^"]*\?view=(\w+)" class="([^"]*)"', html)
    assert [name for name, _cls in tabs] == [
        "all",
        "on_floor",
        "due_today",
        "overdue",
        "ready",
        "completed",
    ]
    assert [name for name, cls in tabs if "active" in cls] == ["overdue"]
    for label in ("All", "On Floor", "Due Today", "Overdue", "Ready for Pickup", "Completed"):
        assert re.search(rf">\s*{label}\s*(<span class=\"pc-tab-count\"|</a>)", html), label


def test_search_finds_by_number_customer_description_and_po(company, office_client):
    """Search matches the job number, the customer, the description and the PO number."""
    wanted = job_at(
        JobStatus.COATING,
        customer=CustomerFactory(company_name="Harbor Marine"),
        description="Boat trailer fenders",
        po_number="PO-55120",
    )
    job_at(JobStatus.COATING, description="Patio set")
    for term in (wanted.number, "harbor", "trailer fend", "55120"):
        response = office_client.get(LIST_URL, {"view": "all", "q": term})
        assert _numbers(response) == [wanted.number], term


def test_every_word_must_match_somewhere_customer_contact_and_phrases_included(
    company, office_client
):
    """Words may match different fields (customer and description); a "quoted phrase" is one
    word; the contact's name counts as the customer; a job matching only one word is left out."""
    wanted = job_at(
        JobStatus.DELIVERED,
        customer=CustomerFactory(company_name="Harbor Marine", contact_name="Dana Whitfield"),
        description="Boat trailer fenders",
    )
    job_at(JobStatus.COATING, customer=CustomerFactory(company_name="Harbor Steel"))
    job_at(JobStatus.COATING, description="Fenders for a trailer")
    for term in ("harbor fenders", "whitfield", '"boat trailer"', "Dana   boat"):
        response = office_client.get(LIST_URL, {"view": "all", "q": term})
        assert _numbers(response) == [wanted.number], term
    assert _numbers(office_client.get(LIST_URL, {"view": "all", "q": '"trailer boat"'})) == []


@pytest.mark.parametrize("few_customers", [0, 1, 200])
def test_rare_and_common_words_find_the_same_jobs(
    company, office_client, monkeypatch, few_customers
):
    """Words naming few customers are searched by their ids, common ones by a subquery: with
    every word counted as common (0), only the rare one (1) or every one (200), same rows."""
    from powdercoat import selectors

    monkeypatch.setattr(selectors, "FEW_CUSTOMERS", few_customers)
    fab = [
        CustomerFactory(company_name=f"Harbor Fab {bird}") for bird in ("Wren", "Osprey", "Kestrel")
    ]
    wanted = job_at(JobStatus.COATING, customer=fab[2], description="Gate")
    job_at(JobStatus.COATING, customer=fab[1], description="Gate")
    job_at(JobStatus.COATING, customer=CustomerFactory(company_name="Kestrel Dock Works"))
    for term in ("harbor fab kestrel", "kestrel fab gate", "gate harbor kestrel"):
        response = office_client.get(LIST_URL, {"view": "all", "q": term})
        assert _numbers(response) == [wanted.number], term


def test_a_search_counts_its_matches_up_to_a_cap(company, office_client, monkeypatch):
    """On PostgreSQL, past the cap a search says "3+ jobs" and still lists its rows; SQLite
    counts a search exactly (it reads every row anyway); a list without a search counts every
    row on both."""
    from powdercoat.admin import jobs as job_admin

    monkeypatch.setattr(job_admin, "SEARCH_COUNT_AT_MOST", 3)
    for _ in range(5):
        job_at(JobStatus.COATING, description="Bracket")
    searched = office_client.get(LIST_URL, {"view": "all", "q": "bracket"})
    assert len(_numbers(searched)) == 5
    total = r"\b3\+\s+jobs" if connection.vendor == "postgresql" else r"\b5\s+jobs"
    assert re.search(total, searched.content.decode())
    whole = office_client.get(LIST_URL, {"view": "all"})
    assert re.search(r"\b5\s+jobs", whole.content.decode())
    assert not re.search(r"\d\+\s+jobs", whole.content.decode())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_postgresql_answers_the_search_from_trigram_indexes(company):
    """With sequential scans priced out, the planner reads every searched column from its
    trigram index: the index expressions are the ones Django's search compares."""
    from powdercoat.selectors import jobs_matching

    sql, params = Job.objects.filter(jobs_matching("harbor")).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    indexes = ("job_number_trgm", "job_description_trgm", "job_po_number_trgm")
    indexes += ("customer_company_trgm", "customer_contact_trgm")
    assert [index for index in indexes if index not in plan] == [], plan


def test_a_typed_job_number_or_its_start_finds_those_jobs_through_the_index(company, office_client):
    """ "job-2612-0042" in any case finds that job, "JOB-2612" every job of the month; the
    search is a look-up from the start of the number, never a LIKE '%...%' scan of every job."""
    jobs = [job_at(JobStatus.COATING) for _ in range(3)]
    month = jobs[0].number[: len("JOB-YYMM")]
    first = office_client.get(LIST_URL, {"view": "all", "q": jobs[0].number.lower()})
    assert _numbers(first) == [jobs[0].number]
    month_jobs = office_client.get(LIST_URL, {"view": "all", "q": f" {month} "})
    assert sorted(_numbers(month_jobs)) == sorted(
        job.number for job in Job.objects.filter(number__startswith=month)
    )
    assert len(_numbers(month_jobs)) == 3
    with CaptureQueriesContext(connection) as queries:
        office_client.get(LIST_URL, {"view": "all", "q": month})
    searched = [q["sql"] for q in queries.captured_queries if "powdercoat_job" in q["sql"]]
    assert not any("LIKE" in sql and "%" + month in sql for sql in searched)


def test_filters_by_status_priority_worker_and_due_dates(company, office_client):
    """The filter panel narrows by status, priority, assigned worker and a due-date range."""
    today = timezone.localdate()
    maria = WorkerFactory(name="Maria")
    rush = job_at(JobStatus.COATING, priority=Priority.RUSH, due_date=today + timedelta(days=1))
    rush.assigned_workers.add(maria)
    normal = job_at(JobStatus.CURING, priority=Priority.NORMAL, due_date=today + timedelta(days=20))

    def shown(**params):
        return set(_numbers(office_client.get(LIST_URL, {"view": "all", **params})))

    assert shown(status__exact="curing") == {normal.number}
    assert shown(priority__exact=str(Priority.RUSH.value)) == {rush.number}
    assert shown(assigned_workers__id__exact=str(maria.pk)) == {rush.number}
    assert shown(
        due_date_from=today.isoformat(), due_date_to=(today + timedelta(days=7)).isoformat()
    ) == {rush.number}


def test_nonsense_filter_values_do_not_break_the_list(company, office_client):
    """A hand-edited address gets a normal page, never a server error."""
    job_at(JobStatus.COATING)
    for params in (
        {"view": "bogus"},
        {"priority__exact": "abc"},
        {"due_date_from": "not-a-date"},
        {"o": "99"},
    ):
        response = office_client.get(LIST_URL, params, follow=True)
        assert response.status_code == 200, params


def test_default_order_puts_rush_first_then_earliest_due(company, office_client):
    """Most urgent on top: priority high to low, then due date."""
    today = timezone.localdate()
    low = job_at(JobStatus.COATING, priority=Priority.LOW, due_date=today)
    rush_late = job_at(
        JobStatus.COATING, priority=Priority.RUSH, due_date=today + timedelta(days=2)
    )
    rush_soon = job_at(
        JobStatus.COATING, priority=Priority.RUSH, due_date=today + timedelta(days=1)
    )
    assert _numbers(office_client.get(LIST_URL)) == [
        rush_soon.number,
        rush_late.number,
        low.number,
    ]


def _sort_param(client, column: str, descending: bool = False) -> str:
    """The ?o= value the list uses when its `column` header is clicked."""
    index = client.get(LIST_URL).context["cl"].list_display.index(column)
    return f"-{index}" if descending else str(index)


def test_status_column_sorts_in_shop_order(company, office_client):
    """Sorting by status follows the workflow, not the alphabet."""
    curing = job_at(JobStatus.CURING)
    approved = job_at(JobStatus.APPROVED)
    sandblasting = job_at(JobStatus.SANDBLASTING)
    ordered = _numbers(
        office_client.get(LIST_URL, {"o": _sort_param(office_client, "display_status")})
    )
    assert ordered == [approved.number, sandblasting.number, curing.number]


def test_price_column_sorts_by_total(company, office_client):
    """Sorting by price orders by the job's total."""
    cheap = job_at(JobStatus.COATING)
    LineItemFactory(job=cheap, quantity=1, unit_price="50")
    dear = job_at(JobStatus.COATING)
    LineItemFactory(job=dear, quantity=1, unit_price="900")
    order = _sort_param(office_client, "display_price", descending=True)
    assert _numbers(office_client.get(LIST_URL, {"o": order})) == [dear.number, cheap.number]


def test_badges_carry_colour_family_and_words(company, office_client):
    """Status and priority appear as labelled badges in their colour families (SPEC J4, J5)."""
    job_at(JobStatus.MASKING, priority=Priority.RUSH)
    job_at(JobStatus.QUALITY_CHECK, priority=Priority.URGENT)
    job_at(JobStatus.ON_HOLD, priority=Priority.LOW)
    html = office_client.get(LIST_URL).content.decode()
    assert 'pc-status pc-status--prep" data-status="masking">Masking / Taping<' in html
    assert 'pc-status--qc" data-status="quality_check">Quality Check<' in html
    assert 'pc-priority--rush">⚡ Rush<' in html
    assert 'pc-priority--urgent">Urgent<' in html
    assert 'pc-status--hold" data-status="on_hold">On Hold<' in html


def test_rush_rows_are_marked_for_highlighting(company, office_client):
    """A Rush job's row carries the rush badge the stylesheet highlights the whole row by."""
    rush = job_at(JobStatus.COATING, priority=Priority.RUSH)
    normal = job_at(JobStatus.COATING, priority=Priority.NORMAL)
    html = office_client.get(LIST_URL).content.decode()
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"<tr[^>]*>.*?(JOB-\d{4}-\d{4}).*?</tr>", html, re.S)
    }
    assert "pc-priority--rush" in rows[rush.number]
    assert "pc-priority--rush" not in rows[normal.number]
    assert "powdercoat/admin.css" in html


def test_overdue_due_dates_are_marked_in_words(company, office_client):
    """A past due date on open work says overdue; finished work is never overdue."""
    today = timezone.localdate()
    late = job_at(JobStatus.COATING, due_date=today - timedelta(days=2))
    done = job_at(JobStatus.COMPLETED, due_date=today - timedelta(days=2))
    html = office_client.get(LIST_URL, {"view": "all"}).content.decode()
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"<tr[^>]*>.*?(JOB-\d{4}-\d{4}).*?</tr>", html, re.S)
    }
    assert "overdue" in rows[late.number]
    assert "overdue" not in rows[done.number]


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"view": "all"})
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(company, office_client):
    """3 jobs or 40 jobs (each with workers): the same, pinned number of SQL queries.

    Settings, session, user, the user's two permission lookups, the worker filter's choices,
    the count, the page of jobs (customer joined), their workers (one prefetch) and the
    tabs' counts (one query for all of them).
    """
    workers = [WorkerFactory() for _ in range(3)]

    def make_jobs(count):
        for index in range(count):
            job_at(JobStatus.COATING, assigned_workers=workers[: 1 + index % 3])

    make_jobs(3)
    few = _list_queries(office_client)
    make_jobs(37)
    many = _list_queries(office_client)
    assert few == many == 10


# -- tabs and filters together, search everywhere, tab counts (issue 17) ---------------------

TAB_MEMBERS = {
    "all": lambda job, today: True,
    "on_floor": lambda job, today: job.status in ON_FLOOR_STAGES,
    "due_today": lambda job, today: job.status in OPEN_STAGES and job.due_date == today,
    "overdue": lambda job, today: job.status in OPEN_STAGES and job.due_date < today,
    "ready": lambda job, today: job.status == JobStatus.READY_FOR_PICKUP,
    "completed": lambda job, today: job.status in (JobStatus.COMPLETED, JobStatus.DELIVERED),
}


def _one_job_of_each_status_and_due_day() -> list[Job]:
    """Every status, each due yesterday, today and next week: 39 jobs."""
    today = timezone.localdate()
    jobs = []
    for status in JobStatus:
        for days in (-1, 0, 7):
            due = today + timedelta(days=days)
            if status == JobStatus.CANCELLED:
                job = job_at(JobStatus.PENDING, due_date=due)
                job_cancel(job=job, user=None, reason="Customer changed their mind")
                jobs.append(Job.objects.get(pk=job.pk))
            else:
                jobs.append(job_at(status, due_date=due, held_at=JobStatus.CURING))
    return jobs


@pytest.mark.parametrize("tab", list(TAB_MEMBERS))
def test_every_tab_and_status_filter_combine(company, office_client, tab):
    """A tab and a status filter together show the jobs that are in both, for every status;
    the tab's count in the same page agrees with the rows of the tab."""
    jobs = _one_job_of_each_status_and_due_day()
    today = timezone.localdate()
    for status in JobStatus:
        response = office_client.get(LIST_URL, {"view": tab, "status__exact": status.value})
        expected = {
            job.number for job in jobs if job.status == status and TAB_MEMBERS[tab](job, today)
        }
        assert set(_numbers(response)) == expected, (tab, status)
    response = office_client.get(LIST_URL, {"view": tab})
    expected = {job.number for job in jobs if TAB_MEMBERS[tab](job, today)}
    assert set(_numbers(response)) == expected
    counts = _tab_counts(office_client.get(LIST_URL, {"view": "all", "q": "JOB-"}))
    assert counts[tab] == len(expected)


def _tab_counts(response) -> dict[str, int]:
    """The count each tab shows, by the tab's view."""
    html = response.content.decode()
    return {
        view: int(count)
        for view, count in re.findall(
            r'<a href="[^"]*\?view=(\w+)[^"]*"[^>]*>\s*[^<]*<span class="pc-tab-count" '
            r'data-count="(\d+)"',
            html,
        )
    }


def test_apply_filters_keeps_the_tab(company, office_client):
    """The filter panel's form carries the tab as a checked choice, so *Apply Filters*
    submits it with the filters instead of falling back to On Floor."""
    html = office_client.get(LIST_URL, {"view": "completed"}).content.decode()
    form = html[html.index('id="filter-form"') :]
    form = form[: form.index("</form>")]
    radios = re.findall(r'<input type="radio" name="view" value="(\w+)"([^>]*)>', form)
    checked = [
        value for value, attributes in radios if re.search(r"\schecked(?=[\s/=]|$)", attributes)
    ]
    assert len(radios) == len(JOB_VIEWS)
    assert checked == ["completed"]


def test_a_tab_keeps_the_search_and_filters_and_starts_at_page_one(company, office_client):
    """Clicking another tab keeps what was typed and filtered, and drops the page number."""
    job_at(JobStatus.DELIVERED)
    html = office_client.get(
        LIST_URL, {"view": "all", "status__exact": "delivered", "q": "JOB", "p": "2"}
    ).content.decode()
    link = re.search(r'<a href="([^"]*\?view=on_floor[^"]*)"', html).group(1)
    assert "status__exact=delivered" in link
    assert "q=JOB" in link
    assert "p=2" not in link


def test_from_the_all_tab_a_status_filter_finds_delivered_jobs(company, office_client):
    """All + Status = Delivered lists the delivered jobs (it said "No results" before)."""
    delivered = [job_at(JobStatus.DELIVERED) for _ in range(3)]
    job_at(JobStatus.COATING)
    response = office_client.get(LIST_URL, {"view": "all", "status__exact": "delivered"})
    assert sorted(_numbers(response)) == sorted(job.number for job in delivered)


def test_a_search_looks_through_every_status_and_the_tabs_say_where(company, office_client):
    """Typed from the list's first page (On Floor), a search finds delivered and pending jobs
    too, and the tabs count where the results sit; a tab then narrows the results."""
    harbor = CustomerFactory(company_name="Harbor Marine")
    delivered = job_at(JobStatus.DELIVERED, customer=harbor)
    coating = job_at(JobStatus.COATING, customer=harbor)
    pending = job_at(JobStatus.PENDING, customer=harbor)
    job_at(JobStatus.COATING)
    response = office_client.get(LIST_URL, {"q": "harbor"})
    assert set(_numbers(response)) == {delivered.number, coating.number, pending.number}
    counts = _tab_counts(response)
    assert counts == {
        "all": 3,
        "on_floor": 1,
        "due_today": counts["due_today"],
        "overdue": counts["overdue"],
        "ready": 0,
        "completed": 1,
    }
    narrowed = office_client.get(LIST_URL, {"q": "harbor", "view": "completed"})
    assert _numbers(narrowed) == [delivered.number]


def test_a_new_search_from_a_tab_leaves_the_tab_behind(company, office_client):
    """The search box does not carry the tab it was typed in: its form has no view field."""
    html = office_client.get(LIST_URL, {"view": "ready"}).content.decode()
    form = html[html.index('id="changelist-search"') :]
    form = form[: form.index("</form>")]
    assert 'name="view"' not in form


def test_a_quote_or_invoice_number_finds_its_job(company, office_client):
    """QUO-… finds the job converted from that quote and INV-… the job billed on that
    invoice, in any case and whatever the job's status."""
    invoice = invoiced_job()
    job = invoice.job
    job_set_status(job=job, user=None, status=JobStatus.DELIVERED, note="setup")
    other = job_at(JobStatus.COATING)
    quote = QuoteFactory(customer=job.customer, job=job)
    for term in (quote.number, quote.number.lower(), invoice.number):
        assert _numbers(office_client.get(LIST_URL, {"q": term})) == [job.number], term
    assert other.number not in _numbers(office_client.get(LIST_URL, {"q": "INV-"}))


def test_tabs_count_work_in_hand_and_leave_history_uncounted(company, office_client):
    """Without a search, On Floor, Due Today, Overdue and Ready carry counts; All and
    Completed, which grow forever, do not."""
    today = timezone.localdate()
    job_at(JobStatus.COATING, due_date=today)
    job_at(JobStatus.SANDBLASTING, due_date=today - timedelta(days=2))
    job_at(JobStatus.READY_FOR_PICKUP)
    job_at(JobStatus.DELIVERED)
    counts = _tab_counts(office_client.get(LIST_URL))
    assert counts == {"on_floor": 2, "due_today": 1, "overdue": 1, "ready": 1}


def test_due_today_is_marked_as_plainly_as_overdue(company, office_client):
    """Open work due today says "today" in its own colour; finished work due today does not."""
    today = timezone.localdate()
    due = job_at(JobStatus.COATING, due_date=today)
    done = job_at(JobStatus.COMPLETED, due_date=today)
    html = office_client.get(LIST_URL, {"view": "all"}).content.decode()
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"<tr[^>]*>.*?(JOB-\d{4}-\d{4}).*?</tr>", html, re.S)
    }
    assert 'class="pc-due-today"' in rows[due.number]
    assert "today" in rows[due.number]
    assert "pc-due-today" not in rows[done.number]


def test_long_text_is_cut_to_one_line_and_whole_on_hover(company, office_client):
    """A long description and customer name sit in one-line cells with the whole text as
    the hover title; four workers show as the first and "+3"."""
    workers = [WorkerFactory(name=f"Worker{index} Surname") for index in range(4)]
    long_text = "Replacement machine guards for the whole second production line " * 2
    job = job_at(
        JobStatus.COATING,
        description=long_text.strip(),
        customer=CustomerFactory(company_name="Arkansas River Parks Authority and Friends"),
        assigned_workers=workers,
    )
    html = office_client.get(LIST_URL).content.decode()
    assert f'class="pc-clip pc-clip-description" title="{job.description}"' in html
    assert 'title="Arkansas River Parks Authority and Friends"' in html
    assert re.search(r'pc-clip-workers" title="[^"]*Worker3 Surname">Worker0 \+3<', html)


def test_the_list_offers_the_blank_work_order(company, office_client):
    """A *Print blank work order* button on the jobs list opens the form to fill in by hand."""
    html = office_client.get(LIST_URL).content.decode()
    button = reverse("admin:powdercoat_job_print_blank_work_order")
    assert f'href="{button}"' in html
    assert "Print blank work order" in html
    response = office_client.get(button, follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
