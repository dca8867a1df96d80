"""The oven plan page: batches shown, Start and Done applied once, refusals in words (SPEC O1)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from powdercoat.models import Oven, StatusChange
from powdercoat.models.choices import JobStatus, OvenCapacityUnit, Priority
from powdercoat.services.submissions import submission_key_issue
from tests.factories import LineItemCoatFactory, LineItemFactory, UserFactory
from tests.helpers import page_key
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db
PLAN = reverse("admin_views:oven_plan")
START = reverse("admin_views:oven_batch_start")
FINISH = reverse("admin_views:oven_batch_finish")


@pytest.fixture(autouse=True)
def one_oven(db):
    """The oven a new shop starts with (migration 0026), made here so a flushed database (after
    a transactional test) plans the same."""
    Oven.objects.all().delete()
    return Oven.objects.create(name="Oven", capacity=120)


@pytest.fixture
def black(db):
    """Gloss Black RAL 9005, cured at 400 °F for 10 minutes."""
    return powder(
        "Gloss Black", "#111111", color_code="RAL 9005", cure_temperature_f=400, cure_minutes=10
    )


def _status(job) -> str:
    job.refresh_from_db()
    return job.status


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_floor_sees_batches_in_order_with_their_figures(floor_client, company, black):
    """A Rush black batch above a white one, the clear last; cure, the two-powder note."""
    white = powder(
        "Signal White", "#F4F4F4", color_code="", cure_temperature_f=400, cure_minutes=10
    )
    clear = powder("Super Clear", category="clear", color_code="")
    floor_job(JobStatus.CLEANING, powders=[white], customer="Ridge Cycles")
    rush = floor_job(JobStatus.COATING, powders=[black, clear], priority=Priority.RUSH)
    html = floor_client.get(PLAN).content.decode()
    titles = re.findall(r'<h2 class="ov-title">([^<]+)</h2>', html)
    assert titles == ["Gloss Black (RAL 9005)", "Signal White", "Super Clear"]
    assert "400 °F · 10 min" in html
    assert "⚠ Cure schedule missing" in html  # the clear has no cure data
    assert f"{rush.number} is also in Super Clear · cure schedule missing" in html
    assert "Ridge Cycles" in html
    assert "Start batch → Coating" in html
    assert "Batch done → Curing" in html
    assert "$" not in html  # Shop Floor sees no money


def test_start_then_done_moves_the_jobs_and_a_repeat_changes_nothing(floor_client, company, black):
    """Start takes the batch to Coating; Done to Curing; the same press again is "Already"."""
    job = floor_job(JobStatus.CLEANING, powders=[black])
    key = page_key(floor_client, PLAN)
    posted = {"submission_key": key, "powder": black.pk, "job": f"{job.number}|cleaning"}
    response = floor_client.post(START, posted, follow=True)
    assert _status(job) == JobStatus.COATING
    assert any("moved to Coating" in text for text in _messages(response))
    again = floor_client.post(START, posted, follow=True)
    assert any(text.startswith("Already recorded") for text in _messages(again))
    assert StatusChange.objects.filter(job=job, note__startswith="Oven batch").count() == 2
    finish = {
        "submission_key": page_key(floor_client, PLAN),
        "powder": black.pk,
        "job": f"{job.number}|coating",
    }
    floor_client.post(FINISH, finish)
    assert _status(job) == JobStatus.CURING
    # Curing is past the plan: the job has left it, and the plan says it is empty.
    after = floor_client.get(PLAN).content.decode()
    assert f'href="/jobs/{job.number}/bump/"' not in after
    assert "No jobs are waiting for the booth" in after


def test_a_moved_job_is_named_in_a_warning(floor_client, floor_user, company, black):
    """Done on a page that showed Coating, after someone else moved the job on: skipped, said."""
    job = floor_job(JobStatus.CURING, powders=[black])
    posted = {
        "submission_key": submission_key_issue(user=floor_user),
        "powder": black.pk,
        "job": f"{job.number}|coating",
    }
    response = floor_client.post(FINISH, posted, follow=True)
    assert _status(job) == JobStatus.CURING
    (text,) = _messages(response)
    assert f"{job.number} is now Curing; it moved since the plan was loaded" in text


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"powder": "x", "job": "JOB-1|coating"}, "That batch cannot be found"),
        ({"powder": "1", "job": "JOB-1|boiling"}, "job list is damaged"),
        ({"powder": "1"}, "lists no jobs"),
    ],
)
def test_bad_posts_get_a_message_not_an_error(floor_client, floor_user, company, fields, words):
    """A damaged form is answered in words and a redirect back to the plan."""
    key = submission_key_issue(user=floor_user)
    response = floor_client.post(START, {"submission_key": key, **fields}, follow=True)
    assert response.status_code == 200
    assert any(words in text for text in _messages(response))


def test_without_advance_permission_the_buttons_are_gone_and_posts_refused(company, black):
    """Someone who may see jobs but not move them sees the plan without buttons; a post is 403."""
    viewer = UserFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_job"))
    client = Client()
    client.force_login(viewer)
    floor_job(JobStatus.COATING, powders=[black])
    html = client.get(PLAN).content.decode()
    assert "Gloss Black (RAL 9005)" in html
    assert "Batch done" not in html
    assert client.post(FINISH, {"powder": black.pk}).status_code == 403


def test_an_empty_plan_says_so(floor_client, company):
    """No jobs ready to coat: a sentence, not an empty page."""
    assert "No jobs are waiting for the booth" in floor_client.get(PLAN).content.decode()


def test_the_sidebar_links_the_oven_plan_under_shop_floor(floor_client, company):
    """Shop floor → Oven plan in the admin's sidebar."""
    html = floor_client.get(reverse("admin:index")).content.decode()
    assert f'href="{PLAN}"' in html
    assert "Oven plan" in html


def _cycles_part(html: str) -> list[str]:
    """Each oven cycle's card, in order."""
    part = html.split('id="ov-cycles-title"', 1)[1]
    return re.split(r'<li class="ov-cycle[^"]*" id="cycle-\d+">', part)[1:]


def _coated_job(colour, *, parts: int, area: str, **fields):
    job = floor_job(JobStatus.COATING, **fields)
    item = LineItemFactory(job=job, quantity=parts, surface_area_sqft=area, description="Rails")
    LineItemCoatFactory(item=item, powder=colour, position=1)
    return job


def test_cycles_say_which_oven_and_what_hangs_in_it(floor_client, company, black, one_oven):
    """White (40 sq ft) and black (50 sq ft) share one 400 °F cycle in the 100 sq ft oven; a
    second job of black (12 sq ft) fills it to 100 and spills 2 sq ft into a second cycle,
    which goes to the idle rack oven; each batch names its cycles."""
    one_oven.name, one_oven.capacity = "Big oven", 100
    one_oven.save()
    Oven.objects.create(
        name="Batch oven", capacity=6, capacity_unit=OvenCapacityUnit.RACK_POSITIONS, position=2
    )
    white = powder(
        "Signal White", "#F4F4F4", color_code="", cure_temperature_f=400, cure_minutes=10
    )
    first = _coated_job(white, parts=10, area="4")
    second = _coated_job(black, parts=10, area="5")
    third = _coated_job(black, parts=6, area="2")
    html = floor_client.get(PLAN).content.decode()
    assert "2 oven cycles · Big oven 100 sq ft, Batch oven 6 rack positions" in html
    assert "Big oven: 1 cycle, 10 min of cure · Batch oven: 1 cycle, 10 min of cure" in html
    one, two = _cycles_part(html)
    assert "Big oven" in one
    assert "100 of 100 sq ft · 100% full" in one
    for number in (first.number, second.number, third.number):
        assert number in one
    assert "5 parts · 10.0 sq ft" in one  # the third job's share of the first cycle
    assert "Batch oven" in two
    assert "1 of 6 rack positions · 17% full" in two
    assert third.number in two
    assert first.number not in two
    assert 'Cycles <a href="#cycle-1">1</a>, <a href="#cycle-2">2</a>' in html  # the black
    assert 'Cycle <a href="#cycle-1">1</a>' in html  # the white
    assert "Shares its cycle with Gloss Black (RAL 9005)." in html
    assert "Shares its cycles with Signal White." in html


def test_with_every_oven_down_the_batches_show_and_the_page_says_why(floor_client, company, black):
    """No oven in use: the batches are still there to spray, and the page says what to do."""
    Oven.objects.update(is_active=False)
    floor_job(JobStatus.COATING, powders=[black])
    response = floor_client.get(PLAN)
    html = response.content.decode()
    assert "Gloss Black (RAL 9005)" in html
    assert "Not planned" in html
    assert 'id="ov-cycles-title"' not in html
    assert any("No oven is in use" in text for text in _messages(response))


def test_an_absurd_quantity_plans_200_cycles_and_says_what_it_left_out(
    floor_client, company, black
):
    """A million 10 sq ft parts: 200 cycles of 12 parts listed, the other 997,600 counted."""
    _coated_job(black, parts=1_000_000, area="10")
    html = floor_client.get(PLAN).content.decode()
    assert len(_cycles_part(html)) == 200
    assert "997,600 more parts could not be planned: the plan stops at 200 cycles" in html
