"""Request middleware: every page speaks the shop's own time zone."""

from django.db import DatabaseError
from django.utils import timezone

from powdercoat.models import CompanySettings


class ShopTimezoneMiddleware:
    """Activate the time zone from company settings and keep the settings on the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.company = CompanySettings.load()
        except DatabaseError:
            # The database is unreachable: let the view fail or, for /healthz, report it (503).
            request.company = None
        if request.company is not None:
            timezone.activate(request.company.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
