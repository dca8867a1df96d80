"""A NUL character anywhere in a request is refused in words, before it reaches a query."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [{"q": "a\x00b"}, {"status__exact": "coat\x00ing"}, {"worker\x00": "1"}],
)
def test_nul_in_a_query_is_a_400(query, office_client, company):
    """In a search, a filter value or a parameter name: 400 with the reason, never a 500."""
    response = office_client.get(reverse("admin:powdercoat_job_changelist"), query)
    assert response.status_code == 400
    assert b"NUL character" in response.content


def test_nul_in_a_posted_form_is_a_400(office_client, company):
    """A posted field holding a NUL changes nothing and says why."""
    response = office_client.post(reverse("admin:powdercoat_customer_add"), {"notes": "x\x00"})
    assert response.status_code == 400
