"""The History pages (django-simple-history) as a record to read: nothing is saved from them.

simple-history's version page is a full edit form that saves on POST (and "revert" is only a
hidden button), so anyone allowed to read a record's history could change the record through
it. Here the version page answers GET only, malformed ids are a 404, and people who may not see
prices get no money in the list of changes.
"""

import dataclasses

from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from powdercoat.admin.mixins import can_see_prices
from powdercoat.models.base import MONEY_FIELDS

# Primary keys and history ids are numbers; anything else (or a number no column can hold) is
# an address that names nothing.
_MAX_ID_DIGITS = 18


def _checked_id(value) -> str:
    text = str(value)
    if not text.isdigit() or len(text) > _MAX_ID_DIGITS:
        raise Http404("No such record.")
    return text


class _NoMoneyChanges(HistoricalRecordContextHelper):
    """The changes between two versions, without the fields that hold prices or costs."""

    def context_for_delta_changes(self, delta):
        kept = [change for change in delta.changes if change.field not in MONEY_FIELDS]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=kept))


class ShopHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin for reading only, with money kept from those who may not see it."""

    def history_view(self, request, object_id, extra_context=None):
        """The list of versions; a malformed id is a 404."""
        return super().history_view(request, _checked_id(object_id), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One version, shown read-only: a POST (edit or revert) is refused for everyone."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(
            request, _checked_id(object_id), _checked_id(version_id), extra_context
        )

    def revert_disabled(self, request, obj=None):
        """Reverting would bypass the services (state machine, numbering, stock)."""
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        """Price and cost changes only for those who may see prices (SPEC 0)."""
        if can_see_prices(request):
            return super().get_historical_record_context_helper(request, historical_record)
        return _NoMoneyChanges(self.model, historical_record)
