"""Request middleware: the shop's time zone on every page; impossible input refused in words."""

from django.core.paginator import InvalidPage
from django.db import DatabaseError
from django.http import Http404, HttpResponseBadRequest
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


class ImpossibleInputMiddleware:
    """Answer what no page can handle with a clear 4xx instead of a server error.

    A number too large for any database column (an id of 99999999999999999999 put into a
    select by hand: SQLite cannot even bind it) is a 400; a page number that is not a page
    (`?page=-1` on the admin's search) is a 404. Either way the request changed nothing: the
    exception has already rolled its transaction back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return HttpResponseBadRequest(
                "A number in this request is too large for any field of this site; nothing "
                "was changed. Go back and check what was entered."
            )
        if isinstance(exception, InvalidPage):
            raise Http404("There is no such page.") from exception
        return None
