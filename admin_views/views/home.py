"""The site's root address: each person's front door (the phone view for Shop Floor)."""

from django.shortcuts import redirect

from powdercoat import roles


def home(request):
    """Shop Floor people to the phone view, everyone else (and anyone logged out) to the admin."""
    if roles.works_on_the_floor_only(request.user):
        return redirect("admin_views:shop_mobile")
    return redirect("admin:index")
