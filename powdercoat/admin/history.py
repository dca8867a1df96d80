"""The History pages (django-simple-history) as a record to read: nothing is saved from them.

simple-history's version page is a full edit form that saves on POST (and "revert" is only a
hidden button), so anyone allowed to read a record's history could change the record through
it. Here the version page answers GET only, malformed ids are a 404, and people who may not see
prices get no money in the list of changes.
"""

import dataclasses
import itertools
from collections import defaultdict

from django.db.models import ForeignKey
from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

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

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """What changed between each version and the one before, as simple-history says it.

        simple-history reads a version's many-to-many rows (a job's workers) with two queries
        per version; here each such field is read once for the whole page, so the History
        page runs a fixed number of queries however many versions it shows.
        """
        records = list(historical_records)
        if not records:
            return
        m2m_names = [field.name for field in records[0]._history_m2m_fields]
        m2m_rows = {name: self._m2m_rows(records, name) for name in m2m_names}
        for newer, older in itertools.pairwise(records):
            delta = newer.diff_against(
                older, excluded_fields=m2m_names, foreign_keys_are_objs=foreign_keys_are_objs
            )
            changes = list(delta.changes)
            for name in m2m_names:
                before = m2m_rows[name][older.history_id]
                after = m2m_rows[name][newer.history_id]
                if before != after:
                    changes.append(ModelChange(name, before, after))
            delta = dataclasses.replace(
                delta, changes=changes, changed_fields=[change.field for change in changes]
            )
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)

    def _m2m_rows(self, records, name: str) -> dict:
        """history id → the version's rows of the many-to-many field `name`, in the shape
        simple-history's own diff gives them (related objects, ordered by the related one)."""
        through = getattr(records[0], name).model
        order = get_m2m_reverse_field_name(self.model._meta.get_field(name))
        fields = [
            field
            for field in through._meta.fields
            if field.editable and field.name not in ("id", "m2m_history_id", "history")
        ]
        related = [field.name for field in fields if isinstance(field, ForeignKey)]
        rows = defaultdict(list)
        versions = through.objects.filter(history__in=[record.history_id for record in records])
        for row in versions.select_related(*related).order_by(order, "pk"):
            rows[row.history_id].append({field.name: getattr(row, field.name) for field in fields})
        return rows

    def revert_disabled(self, request, obj=None):
        """Reverting would bypass the services (state machine, numbering, stock)."""
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        """Price and cost changes only for those who may see prices (SPEC 0)."""
        if can_see_prices(request):
            return super().get_historical_record_context_helper(request, historical_record)
        return _NoMoneyChanges(self.model, historical_record)
