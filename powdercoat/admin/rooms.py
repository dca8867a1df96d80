"""The rooms of a record's page: read-only tabs (unfold inlines) and the buttons in them.

A job's notes, time, rework, photos, intake, materials and items each live in a tab of their
own, an unfold inline with `tab = True` that nobody edits in place: records are added through
their buttons' dialogs. Each tab's rows come from the inline's queryset, and its template is
rendered with the page's own request context, so who is looking is never stored on a model
instance. `?tab=<room>` opens a tab (`addresses.record_url`, powdercoat/static/powdercoat/forms.js).
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from unfold.admin import TabularInline


def allowed_by(*permissions: str) -> Callable[..., bool]:
    """An unfold action's permission method that asks Django's permissions.

    `has_add_note_permission = allowed_by("powdercoat.add_jobnote")`. unfold accepts dotted
    permissions in `@action(permissions=...)` too, but its system check then looks them up in
    the database, which does not exist yet when `migrate` runs on a new install.
    """

    def has_permission(self, request: HttpRequest, object_id=None) -> bool:
        return request.user.has_perms(permissions)

    has_permission.__doc__ = f"Whoever has {', '.join(permissions)}."
    return has_permission


class ReadOnlyInline(TabularInline):
    """Rows shown on the parent's page and never edited there."""

    extra = 0
    max_num = 0
    can_delete = False
    tab = True

    def has_add_permission(self, request, obj=None):
        """Rows are written by their own buttons, not in the page's form."""
        return False

    def has_change_permission(self, request, obj=None):
        """Shown, never edited in place."""
        return False

    def has_delete_permission(self, request, obj=None):
        """Records stay; money and stock are put right by reversals instead."""
        return False


class RoomFormSet(BaseInlineFormSet):
    """A room's rows, for reading; its prefix is the room's name (`?tab=notes`: the Notes tab).

    It holds no forms, posted or not: the page's Save never writes a room's rows, whatever a
    tampered form sends in their name (the template reads the rows from `get_queryset`).
    """

    room = ""

    @classmethod
    def get_default_prefix(cls) -> str:
        return cls.room or super().get_default_prefix()

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        return 0


class RoomInline(ReadOnlyInline):
    """A tab drawn by its own template rather than as a table of fields.

    A room names its `model`, its `room` (the tab's name; its template is
    `admin/powdercoat/rooms/<room>.html`) and `rows`, the selector that reads its rows. The
    template gets `rows` (this record's, read once), `record` (the page's record) and the
    page's context: `request`, `perms`, `adminform`.
    """

    room = ""
    rows: Callable[[], QuerySet] | None = None
    template = "admin/powdercoat/rooms/room.html"
    formset = RoomFormSet
    fields = ()

    @property
    def room_template(self) -> str:
        return f"admin/powdercoat/rooms/{self.room}.html"

    def get_queryset(self, request):
        """The room's rows, read by its selector (the parent's filter is added by the formset)."""
        return self.rows() if self.rows is not None else super().get_queryset(request)

    def has_view_permission(self, request, obj=None):
        """Only on a saved record's page: a record being added has nothing in its rooms yet."""
        return obj is not None and obj.pk is not None and super().has_view_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        """The rows' formset, named after the room."""
        formset = super().get_formset(request, obj, **{**kwargs, "fields": ()})
        formset.room = self.room
        return formset
