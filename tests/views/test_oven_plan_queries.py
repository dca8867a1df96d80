"""The oven plan costs a pinned number of SQL queries for 30 or 300 active jobs (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import Oven
from powdercoat.models.choices import JobStatus, OvenCapacityUnit
from tests.shop_floor import crowded_floor

pytestmark = pytest.mark.django_db
PLAN = reverse("admin_views:oven_plan")

# Ready to coat, or not (Sandblasting, Quality Check), so the plan also leaves jobs out.
STAGES = (
    JobStatus.APPROVED,
    JobStatus.CLEANING,
    JobStatus.IN_OVEN,
    JobStatus.COATING,
    JobStatus.SANDBLASTING,
    JobStatus.QUALITY_CHECK,
)

# Login (session, user, the user's permissions x2), the company settings, the jobs ready to
# coat with their customers, their coats with items and powders, the ovens in use.
PINNED = 8


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PLAN)
    assert response.status_code == 200
    return len(queries)


def test_the_plan_costs_the_same_for_30_or_300_jobs(floor_client, company):
    """30 active jobs and 300 cost the same, pinned number of queries."""
    Oven.objects.all().delete()
    Oven.objects.create(name="Walk-in", capacity=200)
    Oven.objects.create(name="Rack", capacity=30, capacity_unit=OvenCapacityUnit.RACK_POSITIONS)
    today = timezone.localdate()
    crowded_floor(30, stages=STAGES, today=today)
    few = _queries(floor_client)
    crowded_floor(270, stages=STAGES, today=today)
    many = _queries(floor_client)
    assert many == few == PINNED
    html = floor_client.get(PLAN).content.decode()
    assert html.count('<li class="ov-batch') >= 5
    assert "Walk-in" in html
    assert "Rack" in html
