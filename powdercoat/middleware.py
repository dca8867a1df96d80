"""Request middleware: every page speaks the shop's own time zone."""

from django.utils import timezone

from powdercoat.models import CompanySettings


class ShopTimezoneMiddleware:
    """Activate the time zone from company settings and keep the settings on the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.company = CompanySettings.load()
        timezone.activate(request.company.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
