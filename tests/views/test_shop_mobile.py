"""The phone view (SPEC S3): login, grouping and order, worker chips, the Advance button, the
floor stages, the remembered chip, search, the jump bar, Undo and the refresh that sends
nothing when nothing changed."""

import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import Customer, Job, PhonePreference, StatusChange
from powdercoat.models.choices import CustomerType, JobStatus, Priority
from tests.factories import WorkerFactory
from tests.helpers import page_key
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db
PAGE = reverse("admin_views:shop_mobile")
LIST = reverse("admin_views:shop_mobile_list")


def _advance_url(job) -> str:
    return reverse("admin_views:shop_mobile_advance", args=[job.number])


def _htmx_advance(client, job, *, seen=None, move="advance", key=None, shown=PAGE):
    """The Advance button pressed on the phone, whose page is `shown` (an address)."""
    return client.post(
        _advance_url(job),
        {
            "move": move,
            "seen_status": seen or job.status,
            "submission_key": key or page_key(client, PAGE),
        },
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{shown}"},
    )


def _section(html: str, stage: str) -> str:
    """The part of the list under the heading of `stage`, up to the next stage."""
    start = html.index(f'id="stage-{stage}"')
    end = html.find('<section class="m-stage', start)
    return html[start : end if end != -1 else len(html)]


def test_the_phone_view_needs_a_login(client, company):
    """Anonymous: to the login page, and back here afterwards."""
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={PAGE}"


def test_an_expired_session_sends_the_auto_refresh_to_the_login(client, company):
    """The list's htmx refresh gets HX-Redirect to the login page, not a login form fragment."""
    response = client.get(
        LIST, headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{PAGE}"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('admin:login')}?next=%2Fjobs%2Fmobile%2F"


def test_jobs_are_grouped_by_stage_and_ordered_by_due_date(floor_client, company):
    """Stages in workflow order (On Hold last); inside a stage, soonest due first."""
    today = timezone.localdate()
    later = floor_job(JobStatus.COATING, due=today + timedelta(days=5))
    sooner = floor_job(JobStatus.COATING, due=today + timedelta(days=1))
    blasting = floor_job(JobStatus.SANDBLASTING, due=today + timedelta(days=9))
    held = floor_job(JobStatus.ON_HOLD, due=today)
    delivered = floor_job(JobStatus.DELIVERED)
    html = floor_client.get(PAGE).content.decode()
    headings = [
        html.index(f'id="stage-{stage}"') for stage in ("sandblasting", "coating", "on_hold")
    ]
    assert headings == sorted(headings)
    positions = [html.index(f'id="job-{job.number}"') for job in (blasting, sooner, later, held)]
    assert positions == sorted(positions)
    assert delivered.number not in html


def test_a_card_shows_what_the_floor_needs_and_no_prices(floor_client, company):
    """Number, customer, priority, due, items, powders, workers, instructions; no money."""
    ana = WorkerFactory(name="Ana Ruiz")
    job = floor_job(
        customer="Ridge Cycles",
        priority=Priority.URGENT,
        powders=[powder("Candy Red", "#b00020")],
        workers=[ana],
        items=3,
        special_instructions="Mask the bearing seats",
    )
    assert job.total_price > 0
    html = floor_client.get(PAGE).content.decode()
    for text in (job.number, "Ridge Cycles", "Urgent", "3 items", "Candy Red", "Ana Ruiz"):
        assert text in html
    assert "Mask the bearing seats" in html
    assert "+ 1 more" in html  # two item descriptions, then the count of the rest
    assert "$" not in html
    assert "Advance to Curing" in html


def test_worker_chips_filter_to_one_persons_jobs(floor_client, company):
    """?worker= keeps that worker's jobs only; the chip is marked; Everyone shows everyone."""
    ana, ben = WorkerFactory(name="Ana Ruiz"), WorkerFactory(name="Ben Ode")
    anas = floor_job(workers=[ana])
    bens = floor_job(workers=[ben])
    nobodys = floor_job()
    everyone = floor_client.get(PAGE).content.decode()
    assert all(job.number in everyone for job in (anas, bens, nobodys))
    assert "Ana Ruiz" in everyone
    assert "Ben Ode" in everyone
    filtered = floor_client.get(PAGE, {"worker": ana.pk}).content.decode()
    assert anas.number in filtered
    assert bens.number not in filtered
    assert nobodys.number not in filtered
    assert f'href="{PAGE}?worker={ana.pk}" aria-current="true"' in filtered
    # The auto-refresh keeps the filter.
    assert f'hx-get="{LIST}?worker={ana.pk}"' in filtered
    refreshed = floor_client.get(LIST, {"worker": ana.pk}).content.decode()
    assert anas.number in refreshed
    assert bens.number not in refreshed


def test_the_chosen_chip_is_remembered_for_the_next_visit(floor_client, company):
    """Ben's chip, then the page opened plainly: still Ben's jobs; Everyone is kept too."""
    ben = WorkerFactory(name="Ben Ode")
    bens = floor_job(workers=[ben])
    others = floor_job()
    floor_client.get(PAGE, {"worker": ben.pk})
    again = floor_client.get(PAGE).content.decode()
    assert bens.number in again
    assert others.number not in again
    assert "<h1>Jobs · Ben Ode</h1>" in again
    floor_client.get(PAGE, {"worker": "all"})
    everyone = floor_client.get(PAGE).content.decode()
    assert others.number in everyone
    assert f'href="{PAGE}?worker=all" aria-current="true"' in everyone


def test_the_chosen_chip_follows_the_login_to_another_phone(floor_client, floor_user, company):
    """Ben's chip chosen on one phone; a second phone (a new session of the same login) opens
    on Ben's jobs too, and a choice there carries back to a third."""
    ben = WorkerFactory(name="Ben Ode")
    bens = floor_job(workers=[ben])
    others = floor_job()
    floor_client.get(PAGE, {"worker": ben.pk})
    second_phone = Client()
    second_phone.force_login(floor_user)
    html = second_phone.get(PAGE).content.decode()
    assert bens.number in html
    assert others.number not in html
    second_phone.get(PAGE, {"worker": "all"})
    third_phone = Client()
    third_phone.force_login(floor_user)
    assert others.number in third_phone.get(PAGE).content.decode()
    assert PhonePreference.objects.get(user=floor_user).worker is None


def test_a_chip_for_a_worker_who_does_not_exist_is_kept_as_everyone(
    floor_client, floor_user, company
):
    """A hand-typed ?worker=424242 is answered, and remembered as everyone: the next plain
    visit shows everyone's jobs."""
    everyone = floor_job()
    assert floor_client.get(PAGE, {"worker": 424242}).status_code == 200
    assert PhonePreference.objects.get(user=floor_user).worker_id is None
    assert everyone.number in floor_client.get(PAGE).content.decode()


def test_a_worker_with_jobs_opens_on_their_own_first(floor_client, floor_user, company):
    """The first visit of a worker with jobs on the floor shows theirs, their chip first."""
    me = WorkerFactory(name="Zoe Marsh", user=floor_user)
    ana = WorkerFactory(name="Ana Ruiz")
    mine = floor_job(workers=[me])
    anas = floor_job(workers=[ana])
    html = floor_client.get(PAGE).content.decode()
    assert mine.number in html
    assert anas.number not in html
    chips = html[html.index('class="chips"') : html.index("</nav>", html.index('class="chips"'))]
    assert chips.index("Zoe Marsh (me)") < chips.index("Ana Ruiz")
    assert f'href="{PAGE}?worker={me.pk}" aria-current="true"' in html
    # Everyone, once chosen, stays chosen: the own-jobs default is for a first visit only.
    floor_client.get(PAGE, {"worker": "all"})
    assert anas.number in floor_client.get(PAGE).content.decode()


def test_only_the_floor_stages_of_the_company_setting_are_shown(floor_client, company):
    """By default Pending and Quoted stay in the office; ticking Pending brings it out."""
    pending = floor_job(JobStatus.PENDING)
    quoted = floor_job(JobStatus.QUOTED)
    approved = floor_job(JobStatus.APPROVED)
    html = floor_client.get(PAGE).content.decode()
    assert approved.number in html
    assert pending.number not in html
    assert quoted.number not in html
    assert "Advance to Quoted" not in html
    company.floor_stages = ["pending", "coating"]
    company.save()
    html = floor_client.get(PAGE).content.decode()
    assert pending.number in html
    assert approved.number not in html
    # A stage off the floor cannot be asked for either.
    assert approved.number not in floor_client.get(PAGE, {"stage": "approved"}).content.decode()


def test_the_jump_bar_leads_to_each_stage_with_its_count(floor_client, company):
    """One link per stage with jobs, in workflow order, with how many jobs it holds."""
    for _ in range(3):
        floor_job(JobStatus.COATING)
    floor_job(JobStatus.SANDBLASTING)
    html = floor_client.get(PAGE).content.decode()
    jump = html[html.index('class="m-jump"') : html.index("</nav>", html.index('class="m-jump"'))]
    assert 'href="#stage-sandblasting">Sandblasting <b>1</b></a>' in jump
    assert 'href="#stage-coating">Coating <b>3</b></a>' in jump
    assert jump.index("stage-sandblasting") < jump.index("stage-coating")
    assert "stage-curing" not in jump


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("NUMBER-TAIL", "second"),
        ("ridge", "first"),
        ("  RIDGE  cycles ", "first"),
        ("Dana", "second"),
    ],
)
def test_search_finds_a_job_by_number_or_customer(floor_client, company, typed, found):
    """Part of the job number, the company or the contact name; any case and spacing."""
    first = floor_job(customer="Ridge Cycles")
    second = floor_job()
    Customer.objects.filter(pk=second.customer_id).update(
        customer_type=CustomerType.RETAIL, company_name="", contact_name="Dana Fox"
    )
    jobs = {"first": first, "second": second}
    typed = typed.replace("NUMBER-TAIL", second.number[-4:].lower())
    html = floor_client.get(PAGE, {"q": typed}).content.decode()
    other = second if found == "first" else first
    assert f'id="job-{jobs[found].number}"' in html
    assert f'id="job-{other.number}"' not in html
    assert "1 job matching" in html


def test_search_looks_beyond_the_chosen_worker_and_says_when_nothing_matches(floor_client, company):
    """With Ben's chip on, a search still finds Ana's job; no match says so in words."""
    ana, ben = WorkerFactory(name="Ana Ruiz"), WorkerFactory(name="Ben Ode")
    anas = floor_job(customer="Harbor Gates", workers=[ana])
    floor_job(workers=[ben])
    floor_client.get(PAGE, {"worker": ben.pk})
    assert anas.number in floor_client.get(PAGE, {"q": "harbor"}).content.decode()
    html = floor_client.get(PAGE, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "No job on the floor matches “&lt;script&gt;alert(1)&lt;/script&gt;”." in html
    assert "<script>alert(1)" not in html
    assert floor_client.get(PAGE, {"q": "x" * 5000}).status_code == 200


def test_the_list_refreshes_itself_every_minute(floor_client, company):
    """The list re-reads itself every 60 s while Live is on; the Live toggle is there."""
    html = floor_client.get(PAGE).content.decode()
    assert 'hx-trigger="every 60s [shopLiveOn()]"' in html
    assert "live-dot" in html
    assert 'aria-pressed="true"' in html


def test_advance_moves_the_job_and_returns_the_card_at_its_new_stage(
    floor_client, floor_user, company
):
    """The htmx POST advances one stage and records the user; the list comes back with the
    card already under its new stage, a note, and an Undo for that advance."""
    job = floor_job(JobStatus.COATING)
    response = _htmx_advance(floor_client, job)
    assert response.status_code == 200
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    change = StatusChange.objects.get(job=job, transition="advance")
    assert change.user == floor_user
    html = response.content.decode()
    assert f'id="job-{job.number}"' in _section(html, "curing")
    assert 'id="stage-coating"' not in html
    assert f"{job.number}: Coating → Curing." in html
    assert "Advance to Quality Check" in html
    undo = reverse("admin_views:shop_mobile_undo", args=[job.number])
    assert f'hx-post="{undo}"' in html
    assert f'name="change_id" value="{change.pk}"' in html
    assert 'data-undo-seconds="10"' in html


def test_advance_answers_with_the_list_the_phone_was_showing(floor_client, company):
    """Pressed on the Coating stage page: the Coating page comes back, not every stage."""
    job = floor_job(JobStatus.COATING)
    other = floor_job(JobStatus.COATING)
    blasting = floor_job(JobStatus.SANDBLASTING)
    html = _htmx_advance(floor_client, job, shown=f"{PAGE}?stage=coating").content.decode()
    assert f'id="job-{other.number}"' in html
    assert f'id="job-{blasting.number}"' not in html
    assert f'id="job-{job.number}"' not in html  # it has left the stage on the screen
    assert f"{job.number}: Coating → Curing." in html


def test_a_stale_card_does_not_move_the_job_twice(floor_client, company):
    """Pressed on a card showing an older stage: nothing changes, the note says why and
    offers no Undo."""
    job = floor_job(JobStatus.CURING)
    response = _htmx_advance(floor_client, job, seen=JobStatus.COATING)
    html = response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert "it was moved since this page was loaded" in html
    assert "m-note--error" in html
    assert f'id="job-{job.number}"' in _section(html, "curing")
    assert "change_id" not in html


def _undo(client, job, change_id, *, key=None):
    return client.post(
        reverse("admin_views:shop_mobile_undo", args=[job.number]),
        {"change_id": change_id, "submission_key": key or page_key(client, PAGE)},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{PAGE}"},
    )


def test_undo_puts_the_job_back_as_a_move_by_the_same_person(floor_client, floor_user, company):
    """Undo: back to Coating, recorded in the timeline as an undo by the same user, once
    however often the button is pressed."""
    job = floor_job(JobStatus.COATING)
    _htmx_advance(floor_client, job)
    change = StatusChange.objects.get(job=job, transition="advance")
    key = page_key(floor_client, PAGE)
    first = _undo(floor_client, job, change.pk, key=key)
    second = _undo(floor_client, job, change.pk, key=key)
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING
    undo = StatusChange.objects.get(job=job, transition="undo")
    assert (undo.from_status, undo.to_status, undo.user) == ("curing", "coating", floor_user)
    assert StatusChange.objects.filter(job=job, transition="undo").count() == 1
    assert f"{job.number} is back in Coating." in first.content.decode()
    assert f'id="job-{job.number}"' in _section(first.content.decode(), "coating")
    assert "Already recorded" in second.content.decode()


def test_undo_is_refused_in_words_when_late_or_not_ones_own(floor_client, supervisor_user, company):
    """Another person's advance, an advance over a minute old, or a made-up id: the job
    stays where it is and the note says why."""
    job = floor_job(JobStatus.COATING)
    _htmx_advance(floor_client, job)
    change = StatusChange.objects.get(job=job, transition="advance")
    supervisor = Client()
    supervisor.force_login(supervisor_user)
    theirs = _undo(supervisor, job, change.pk).content.decode()
    assert "Only the person who advanced" in theirs
    for change_id in ("abc", "9" * 40, ""):
        assert "cannot be found" in _undo(floor_client, job, change_id).content.decode()
    # The whole timeline a minute older, so the advance is still the latest move.
    StatusChange.objects.filter(job=job).update(created_at=F("created_at") - timedelta(seconds=61))
    late = _undo(floor_client, job, change.pk).content.decode()
    assert "more than a minute ago" in late
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert not StatusChange.objects.filter(job=job, transition="undo").exists()


def test_the_refresh_sends_nothing_when_nothing_changed(floor_client, company):
    """The list's fingerprint sent back: 204 and no body; after a move, the new list."""
    job = floor_job(JobStatus.COATING)
    html = floor_client.get(LIST, {"worker": "all"}).content.decode()
    seen = re.search(r'data-fingerprint="([0-9a-f]+)"', html).group(1)
    unchanged = floor_client.get(LIST, {"worker": "all", "seen": seen})
    assert unchanged.status_code == 204
    assert unchanged.content == b""
    Job.objects.filter(pk=job.pk).update(priority=Priority.RUSH)
    changed = floor_client.get(LIST, {"worker": "all", "seen": seen})
    assert changed.status_code == 200
    assert "Rush" in changed.content.decode()


def test_a_job_on_hold_offers_resume(floor_client, company):
    """On Hold: the button resumes it at the stage it was held at."""
    job = floor_job(JobStatus.ON_HOLD, held_at=JobStatus.MASKING)
    assert "Resume at Masking / Taping" in floor_client.get(PAGE).content.decode()
    _htmx_advance(floor_client, job, move="resume")
    assert Job.objects.get(pk=job.pk).status == JobStatus.MASKING


def test_get_never_advances(floor_client, company):
    """Opening the advance address, or the page, changes nothing."""
    job = floor_job(JobStatus.COATING)
    assert floor_client.get(_advance_url(job)).status_code == 405
    floor_client.get(PAGE)
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING
    assert not StatusChange.objects.filter(job=job, transition="advance").exists()


def test_advance_needs_a_csrf_token(floor_user, company):
    """A POST without the token is refused."""
    job = floor_job(JobStatus.COATING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(floor_user)
    response = client.post(_advance_url(job), {"move": "advance", "seen_status": job.status})
    assert response.status_code == 403
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING


def _plain_advance(client, job):
    """Advance pressed on a phone without JavaScript: a plain form post, redirect followed."""
    return client.post(
        _advance_url(job),
        {"move": "advance", "seen_status": job.status, "submission_key": page_key(client, PAGE)},
        follow=True,
    )


def test_without_javascript_advance_comes_back_to_the_list(floor_client, company):
    """A plain form POST redirects to the list with the outcome on top."""
    job = floor_job(JobStatus.COATING)
    response = _plain_advance(floor_client, job)
    assert response.redirect_chain[-1][0] == f"{PAGE}#job-{job.number}"
    assert f"{job.number}: Coating → Curing." in response.content.decode()


def test_without_javascript_the_advance_is_offered_for_undo_once(floor_client, company):
    """The page the plain form comes back to holds the Undo form; pressing it (a plain form
    too) puts the job back; the offer is shown on that one page only."""
    job = floor_job(JobStatus.COATING)
    page = _plain_advance(floor_client, job).content.decode()
    undo = re.search(
        r'<form method="post" action="([^"]+)"[^>]*>.*?name="submission_key" value="([^"]+)"'
        r'.*?name="change_id" value="(\d+)"',
        page,
        re.S,
    )
    assert undo, "no Undo form on the page after a plain advance"
    assert 'class="m-undo">Undo</button>' in page
    assert 'class="m-undo"' not in floor_client.get(PAGE).content.decode()
    back = floor_client.post(
        undo.group(1), {"submission_key": undo.group(2), "change_id": undo.group(3)}, follow=True
    )
    assert back.status_code == 200
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING


@pytest.mark.parametrize("worker", ["99999999999999999999999", "-1", "1e5", "abc"])
def test_a_huge_or_odd_worker_filter_shows_everyone(worker, floor_client, company):
    """?worker= that names nobody possible is ignored: the whole list, not a server error."""
    floor_job(JobStatus.COATING)
    assert floor_client.get(PAGE, {"worker": worker}).status_code == 200


def _numbers_in(html: str, jobs) -> list[str]:
    """The job numbers of `jobs` that have a card in the page, in page order."""
    shown = [job.number for job in jobs if f'id="job-{job.number}"' in html]
    return sorted(shown, key=lambda number: html.index(f'id="job-{number}"'))


def test_a_crowded_stage_shows_its_first_cards_and_a_link_to_all(
    floor_client, company, monkeypatch
):
    """With many jobs in a stage, the soonest due come first and the rest are one tap away."""
    monkeypatch.setattr("admin_views.views.mobile.CARDS_PER_STAGE", 3)
    today = timezone.localdate()
    coating = [
        floor_job(JobStatus.COATING, due=today + timedelta(days=days)) for days in (4, 1, 3, 2, 5)
    ]
    blasting = floor_job(JobStatus.SANDBLASTING)
    html = floor_client.get(PAGE).content.decode()
    soonest = sorted(coating, key=lambda job: job.due_date)
    assert _numbers_in(html, coating) == [job.number for job in soonest[:3]]
    assert f'id="job-{blasting.number}"' in html
    assert "5 jobs" in html
    assert "All 5 Coating jobs (2 more)" in html
    assert f'href="{PAGE}?worker=all&amp;stage=coating"' in html


def test_a_stage_page_lists_all_its_jobs_a_page_at_a_time(floor_client, company, monkeypatch):
    """`?stage=` shows only that stage, soonest due first, with Previous and Next."""
    monkeypatch.setattr("admin_views.views.mobile.CARDS_PER_PAGE", 2)
    today = timezone.localdate()
    coating = [floor_job(JobStatus.COATING, due=today + timedelta(days=days)) for days in (3, 1, 2)]
    blasting = floor_job(JobStatus.SANDBLASTING)
    soonest = [job.number for job in sorted(coating, key=lambda job: job.due_date)]
    first = floor_client.get(PAGE, {"stage": "coating"}).content.decode()
    assert _numbers_in(first, coating) == soonest[:2]
    assert f'id="job-{blasting.number}"' not in first
    assert "3 jobs on the floor in Coating" in first
    assert "Page 1 of 2" in first
    assert 'href="?worker=all&amp;stage=coating&amp;page=2"' in first
    second = floor_client.get(PAGE, {"stage": "coating", "page": "2"}).content.decode()
    assert _numbers_in(second, coating) == soonest[2:]
    assert "← All stages" in second
    # The refresh re-reads the same page of the same stage.
    assert f'hx-get="{LIST}?worker=all&amp;stage=coating&amp;page=2"' in second


@pytest.mark.parametrize(
    "params", [{"stage": "delivered"}, {"stage": "<script>"}, {"stage": "coating", "page": "x"}]
)
def test_an_unknown_stage_or_page_falls_back_without_an_error(floor_client, company, params):
    """A finished or made-up stage shows all stages; a bad page number the first page."""
    job = floor_job(JobStatus.COATING)
    response = floor_client.get(PAGE, params)
    assert response.status_code == 200
    assert f'id="job-{job.number}"' in response.content.decode()
    assert "<script>" not in response.content.decode().split("<body", 1)[1].split("<main", 1)[0]


def test_the_worker_filter_is_kept_on_the_stage_links(floor_client, company, monkeypatch):
    """From one worker's list, "All N jobs" opens that worker's jobs of the stage."""
    monkeypatch.setattr("admin_views.views.mobile.CARDS_PER_STAGE", 1)
    worker = WorkerFactory()
    mine = [floor_job(JobStatus.COATING, workers=[worker]) for _ in range(2)]
    theirs = floor_job(JobStatus.COATING, workers=[WorkerFactory()])
    html = floor_client.get(PAGE, {"worker": worker.pk}).content.decode()
    assert f'href="{PAGE}?worker={worker.pk}&amp;stage=coating"' in html
    stage = floor_client.get(PAGE, {"stage": "coating", "worker": worker.pk}).content.decode()
    assert len(_numbers_in(stage, mine)) == 2
    assert f'id="job-{theirs.number}"' not in stage


def test_the_first_load_stays_light_with_150_jobs_on_the_floor(floor_client, company):
    """150 jobs over the floor stages, each with two powders, two items and a crew: the whole
    page is under 80 KB of HTML, every stage is in the jump bar with its full count."""
    stages = company.floor_stage_order
    crew = [WorkerFactory(name="Ana Ruiz"), WorkerFactory(name="Ben Ode")]
    colours = [powder("Gloss Black", "#111111"), powder("Signal Red", "#b00020")]
    for n in range(150):
        floor_job(
            stages[n % len(stages)],
            customer=f"Customer with a fairly long trading name {n}",
            powders=colours,
            workers=crew,
            items=2,
            special_instructions="Mask both bearing seats and the threaded holes.",
        )
    floor_client.get(PAGE, {"worker": "all"})
    response = floor_client.get(PAGE)
    html = response.content.decode()
    assert len(response.content) < 80_000, f"{len(response.content):,} bytes"
    for stage in stages:
        count = Job.objects.filter(status=stage).count()
        assert f'href="#stage-{stage.value}">{stage.label} <b>{count}</b>' in html
