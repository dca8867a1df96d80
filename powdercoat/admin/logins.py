"""Failed logins in the admin: who is locked out, and the Administrator's Unlock (django-axes)."""

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.db.models import IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from powdercoat.admin.mixins import redirect_after_dialog
from powdercoat.admin.rooms import allowed_by

UNLOCK_PERMISSION = "axes.delete_accessattempt"


def _same_as_outer(field: str) -> Q:
    """Equal to the outer row's `field`, two blanks counting as equal as in axes' own lookups."""
    return Q(**{field: OuterRef(field)}) | Q(
        Q(**{f"{field}__isnull": True}), IsNull(OuterRef(field), True)
    )


def _with_lock_state(queryset, request):
    """Add the wrong passwords that still count against each row's user name at its address.

    Axes keeps a row per browser and adds the rows of one name and address together, counting
    only tries inside the cool-off time; the list counts the same way, so "Locked" means locked.
    """
    counted = AccessAttempt.objects.filter(_same_as_outer("username"), _same_as_outer("ip_address"))
    cool_off = get_cool_off(request)
    if cool_off is not None:
        counted = counted.filter(attempt_time__gte=timezone.now() - cool_off)
    counted = counted.order_by().values("username", "ip_address")
    return queryset.annotate(
        counted_failures=Coalesce(
            Subquery(counted.annotate(total=Sum("failures_since_start")).values("total")[:1]),
            Value(0),
            output_field=IntegerField(),
        ),
        last_failure=Subquery(counted.annotate(last=Max("attempt_time")).values("last")[:1]),
    )


def _unlock(attempts) -> list[str]:
    """Forget the wrong passwords of each chosen user name at its address; name what was unlocked.

    Deleting is naturally applied once: pressing Unlock again finds nothing left and says the same.
    """
    pairs = sorted(
        set(attempts.values_list("username", "ip_address")),
        key=lambda pair: (pair[0] or "", pair[1] or ""),
    )
    if pairs:
        matching = Q()
        for username, ip_address in pairs:
            matching |= Q(username=username, ip_address=ip_address)
        AccessAttempt.objects.filter(matching).delete()
    return [_who(username, ip_address) for username, ip_address in pairs]


def _who(username: str | None, ip_address: str | None) -> str:
    """A login as the Administrator reads it: user name and address."""
    return _("%(username)s from %(address)s") % {
        "username": username or "?",
        "address": ip_address or _("an unknown address"),
    }


class LockedNowFilter(admin.SimpleListFilter):
    """Logins locked at this moment, or still counting towards a lock."""

    title = _("locked now")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        """Locked or not."""
        return [("yes", _("Locked")), ("no", _("Not locked"))]

    def queryset(self, request, queryset):
        """Compare the counted wrong passwords with the limit."""
        limit = get_failure_limit(request, None)
        if self.value() == "yes":
            return queryset.filter(counted_failures__gte=limit)
        if self.value() == "no":
            return queryset.filter(counted_failures__lt=limit)
        return queryset


class ReadOnlyAdmin(ModelAdmin):
    """Records axes writes by itself: nobody adds, edits or deletes them by hand."""

    # Page titles in the shop's words; axes' own model names are "access attempt" and the like.
    list_title = ""
    record_title = ""

    def changelist_view(self, request, extra_context=None):
        """The list under its shop title."""
        return super().changelist_view(request, {**(extra_context or {}), "title": self.list_title})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """One record under its shop title, named by who tried and from where."""
        extra_context = {**(extra_context or {}), "title": self.record_title}
        record = self.get_object(request, object_id)
        if record is not None:
            extra_context["subtitle"] = _who(record.username, record.ip_address)
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request, obj=None):
        """Only axes writes these rows."""
        return False

    def has_change_permission(self, request, obj=None):
        """Read-only: the page shows the record, nothing to save."""
        return False

    def has_delete_permission(self, request, obj=None):
        """Not deleted by hand; Unlock is the one way to clear failed logins."""
        return False


@admin.register(AccessAttempt)
class FailedLoginAdmin(ReadOnlyAdmin):
    list_title = _("Failed logins")
    record_title = _("Failed login")
    list_display = (
        "username",
        "ip_address",
        "display_failures",
        "display_state",
        "attempt_time",
        "user_agent",
    )
    list_filter = (LockedNowFilter,)
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    fields = ("username", "ip_address", "failures_since_start", "attempt_time", "user_agent")

    actions = ("unlock_selected",)
    actions_row = ("unlock",)
    actions_list = ("open_refused_tries", "open_logins")

    def get_queryset(self, request):
        """Each row with the count that decides whether its login is locked."""
        return _with_lock_state(super().get_queryset(request), request)

    # Unlocking is for the Administrator (who holds the axes permissions).
    has_unlock_permission = allowed_by(UNLOCK_PERMISSION)

    def _say_unlocked(self, request, names: list[str]) -> None:
        if names:
            message = ngettext(
                "Unlocked %(names)s: that login takes passwords again.",
                "Unlocked %(names)s: those logins take passwords again.",
                len(names),
            ) % {"names": ", ".join(str(name) for name in names)}
            self.message_user(request, message, messages.SUCCESS)
        else:
            self.message_user(request, _("That login was unlocked already."), messages.SUCCESS)

    @admin.action(description=_("Unlock the selected logins"), permissions=["unlock"])
    def unlock_selected(self, request, queryset):
        """Unlock every chosen user name at its address."""
        self._say_unlocked(request, _unlock(queryset))

    @action(
        description=_("Unlock"),
        url_path="unlock",
        icon="lock_open",
        permissions=["unlock"],
        dialog={
            "title": _("Unlock this login"),
            "description": _(
                "Forgets the wrong passwords of this user name at this address, so the person can "
                "log in again straight away. The refused tries stay in the record."
            ),
            "form_submit_text": _("Unlock"),
        },
    )
    def unlock(self, request, form, object_id):
        """Unlock the row's user name at its address."""
        attempt = self.get_object(request, object_id)
        self._say_unlocked(
            request, _unlock(AccessAttempt.objects.filter(pk=attempt.pk)) if attempt else []
        )
        return redirect_after_dialog(
            request, reverse(f"{self.admin_site.name}:axes_accessattempt_changelist")
        )

    @action(description=_("Refused tries"), url_path="open-refused", icon="history")
    def open_refused_tries(self, request):
        """The list's button to every refused login, kept after an unlock."""
        return redirect(reverse(f"{self.admin_site.name}:axes_accessfailurelog_changelist"))

    @action(description=_("Successful logins"), url_path="open-logins", icon="login")
    def open_logins(self, request):
        """The list's button to the record of who logged in when, and from where."""
        return redirect(reverse(f"{self.admin_site.name}:axes_accesslog_changelist"))

    @display(description=_("wrong passwords"), ordering="counted_failures")
    def display_failures(self, attempt):
        """Counted wrong passwords of this name and address, out of the limit."""
        return f"{attempt.counted_failures} / {get_failure_limit(None, None)}"

    @display(description=_("state"), label={"locked": "danger", "counting": "warning"})
    def display_state(self, attempt):
        """Locked (until when, if it opens by itself), or still counting, or expired."""
        if attempt.counted_failures < get_failure_limit(None, None):
            if attempt.counted_failures:
                return "counting", _("Not locked")
            return "expired", _("Expired")
        cool_off = get_cool_off(None)
        if cool_off is None or attempt.last_failure is None:
            return "locked", _("Locked")
        until = timezone.localtime(attempt.last_failure + cool_off)
        return "locked", _("Locked until %(time)s") % {
            "time": date_format(until, "DATETIME_FORMAT")
        }


@admin.register(AccessFailureLog)
class RefusedLoginAdmin(ReadOnlyAdmin):
    list_title = _("Refused tries")
    record_title = _("Refused try")
    list_display = ("attempt_time", "username", "ip_address", "locked_out", "user_agent")
    list_filter = ("locked_out",)
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    fields = ("attempt_time", "username", "ip_address", "locked_out", "user_agent", "path_info")


@admin.register(AccessLog)
class LoginRecordAdmin(ReadOnlyAdmin):
    list_title = _("Successful logins")
    record_title = _("Successful login")
    list_display = ("attempt_time", "logout_time", "username", "ip_address", "user_agent")
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    fields = ("attempt_time", "logout_time", "username", "ip_address", "user_agent", "path_info")


# Django's user names are at most 150 characters; axes stores what was typed in a 255-character
# column, so a 10,000-character "name" typed into the login page would be a server error.
_USERNAME_LENGTH = 150


def login_username(request, credentials=None) -> str | None:
    """The user name axes counts a login attempt under: as typed, cut to 150 characters."""
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "data", request.POST).get("username")
    return None if name is None else str(name)[:_USERNAME_LENGTH]
