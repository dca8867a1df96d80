"""The original product's addresses of the shop pages keep working (SPEC S6)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/Jobs/ShopDisplay", "/jobs/shop-display/"),
        ("/Jobs/ShopDisplay/", "/jobs/shop-display/"),
        ("/JobsPriority", "/jobs/priority/"),
        ("/JobsPriority/", "/jobs/priority/"),
        ("/Jobs/ShopMobile", "/jobs/mobile/"),
        ("/Jobs/ShopMobile/", "/jobs/mobile/"),
    ],
)
def test_old_addresses_redirect_to_the_new_pages(client, company, old, new):
    """Each old path, with or without its slash, redirects to the page of the same name."""
    response = client.get(old)
    assert response.status_code == 302
    assert response["Location"] == new


def test_the_old_display_address_keeps_its_key(client, company):
    """The TV's bookmarked ?key= survives the redirect and opens the display."""
    response = client.get("/Jobs/ShopDisplay", {"key": company.display_key}, follow=True)
    assert response.redirect_chain == [(f"/jobs/shop-display/?key={company.display_key}", 302)]
    assert response.status_code == 200


def test_the_old_phone_address_keeps_its_worker_filter(floor_client, company):
    """Any query string is carried over."""
    response = floor_client.get("/Jobs/ShopMobile", {"worker": "3"})
    assert response["Location"] == "/jobs/mobile/?worker=3"
