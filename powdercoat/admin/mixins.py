"""Admin behaviour shared by several aggregates: hiding prices, redirecting after dialogs."""

from django.contrib.admin.options import BaseModelAdmin
from django.http import HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

from powdercoat.models.base import MONEY_FIELDS

PRICES_PERMISSION = "powdercoat.view_prices"


def can_see_prices(request) -> bool:
    """Shop Floor users never see prices, costs or totals (SPEC 0)."""
    return request.user.has_perm(PRICES_PERMISSION)


def redirect_after_dialog(request, url: str) -> HttpResponse:
    """Go to `url` after an action: the htmx way when the request came from an unfold dialog."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


class HidesPricesMixin(BaseModelAdmin):
    """Drop the fields and columns named in `price_fields` for users without the price permission.

    Works for model admins and inlines alike: list columns, fieldsets and plain field lists.
    """

    price_fields: tuple[str, ...] = ()

    def _without_prices(self, request, names):
        if can_see_prices(request):
            return names
        return type(names)(name for name in names if name not in self.price_fields)

    def get_fieldsets(self, request, obj=None):
        """Fieldsets minus the price fields (and any fieldset left empty)."""
        fieldsets = super().get_fieldsets(request, obj)
        if can_see_prices(request):
            return fieldsets
        kept = []
        for title, options in fieldsets:
            fields = []
            for entry in options.get("fields", ()):
                if isinstance(entry, list | tuple):
                    row = tuple(name for name in entry if name not in self.price_fields)
                    if row:
                        fields.append(row)
                elif entry not in self.price_fields:
                    fields.append(entry)
            if fields:
                kept.append((title, {**options, "fields": fields}))
        return kept

    def get_fields(self, request, obj=None):
        """Field list minus the price fields."""
        return self._without_prices(request, list(super().get_fields(request, obj)))

    def get_readonly_fields(self, request, obj=None):
        """Read-only fields minus the price fields."""
        return self._without_prices(request, list(super().get_readonly_fields(request, obj)))

    def get_list_display(self, request):
        """List columns minus the price columns."""
        return self._without_prices(request, list(super().get_list_display(request)))

    def lookup_allowed(self, lookup, value, request):
        """No filtering on a price or cost for those who may not see them: a few requests of
        `?total_price__lte=` would otherwise find any job's price by halving."""
        if not can_see_prices(request) and MONEY_FIELDS.intersection(lookup.split("__")):
            return False
        return super().lookup_allowed(lookup, value, request)
