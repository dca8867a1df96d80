"""Request middleware: every page speaks the shop's own time zone; NUL bytes are refused."""

from django.db import DatabaseError
from django.http import HttpResponseBadRequest
from django.utils import timezone

from powdercoat.models import CompanySettings

HEALTH_CHECK_PATH = "/healthz"


class ShopTimezoneMiddleware:
    """Activate the time zone from company settings and keep the settings on the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_CHECK_PATH:
            # The health check must answer even when the database hangs: it asks on its own.
            request.company = None
            return self.get_response(request)
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


class RejectNulBytesMiddleware:
    """Answer 400 to a request whose address or form holds a NUL character.

    No form or filter of the shop has a use for one, PostgreSQL refuses to store it (a server
    error wherever it reached a query) and some libraries cut text at it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = [request.GET] + ([request.POST] if request.method == "POST" else [])
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for data in sent
            for key, values in data.lists()
        ):
            return HttpResponseBadRequest(
                "The request contains a NUL character, which no field of this site accepts."
            )
        return self.get_response(request)
