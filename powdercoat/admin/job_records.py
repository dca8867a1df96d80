"""The job page's records: intake card, photos, notes, time and rework tabs and their buttons.

SPEC J11-J15. Shop Floor users may only look at the job itself, so its change form is read-only
for them; everything here is written through its own small form (an unfold dialog, or the
Add photos page for file uploads) that calls one service in powdercoat/services/job_records.py.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from unfold.decorators import action, display
from unfold.views import UnfoldModelAdminViewMixin
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminImageFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleTimeWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from powdercoat.admin.forms import DatePickerWidget, get_job_or_404
from powdercoat.admin.mixins import can_see_prices
from powdercoat.admin.once import (
    Done,
    OnceDialogForm,
    OnceFormMixin,
    add_service_error,
    applied_once,
)
from powdercoat.models import (
    Job,
    JobNote,
    JobPhoto,
    PartIntake,
    ReworkRecord,
    TimeEntry,
    Worker,
)
from powdercoat.models.base import plausible_date
from powdercoat.models.choices import WORKFLOW, PhotoKind, ReworkKind, ReworkReason
from powdercoat.services import job_records as services
from powdercoat.services.submissions import SubmissionRepeated, submission_once

# The read-only fields of the job page's record tabs, and the permission needed to see each.
RECORD_FIELDS = {
    "display_intake": "powdercoat.view_partintake",
    "display_photos": "powdercoat.view_jobphoto",
    "display_notes": "powdercoat.view_jobnote",
    "display_time": "powdercoat.view_timeentry",
    "display_reworks": "powdercoat.view_reworkrecord",
}


# The record buttons (unfold detail actions), shown in the tabs rather than along the top.
RECORD_ACTIONS = (
    "record_intake",
    "add_photos",
    "add_note",
    "log_time",
    "record_rework",
    "resolve_rework",
)


def _hours(value: Decimal) -> str:
    """Hours without trailing zeros: 4, 5.5, 0.25."""
    return f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"


def _job_url(job_id, tab: str = "") -> str:
    url = reverse("admin:powdercoat_job_change", args=[job_id])
    # ?tab= opens that tab of the page (powdercoat/static/powdercoat/forms.js). Not a #fragment:
    # after a dialog, htmx sets location.href, and a change of fragment alone would not reload.
    return f"{url}?{urlencode({'tab': tab})}" if tab else url


def intake_count_text(intake: PartIntake) -> str:
    """'11 of 12 received — 1 missing': the difference in words, not colour alone."""
    text = _("%(actual)s of %(expected)s received") % {
        "actual": intake.actual_count,
        "expected": intake.expected_count,
    }
    difference = intake.actual_count - intake.expected_count
    if difference < 0:
        return _("%(text)s — %(n)s missing") % {"text": text, "n": -difference}
    if difference > 0:
        return _("%(text)s — %(n)s extra") % {"text": text, "n": difference}
    return text


def time_summary_text(actual: Decimal, estimated: Decimal | None) -> str:
    """'Actual 5.5 h of 4 h estimated (+1.5 h)'."""
    if not estimated:
        return _("Actual %(actual)s h (no estimate)") % {"actual": _hours(actual)}
    text = _("Actual %(actual)s h of %(estimated)s h estimated") % {
        "actual": _hours(actual),
        "estimated": _hours(estimated),
    }
    difference = actual - estimated
    if difference > 0:
        return f"{text} (+{_hours(difference)} h)"
    if difference < 0:
        return f"{text} (−{_hours(-difference)} h)"
    return text


# -- what the page shows ----------------------------------------------------------------------


@dataclass
class JobRecords:
    """Everything recorded against one job, loaded with one query per kind."""

    intake: PartIntake | None
    photos: list[JobPhoto]
    notes: list[JobNote]
    time_entries: list[TimeEntry]
    reworks: list[ReworkRecord]

    @property
    def intake_photos(self) -> list[JobPhoto]:
        """Photos of the parts as they came in."""
        return [photo for photo in self.photos if photo.kind == PhotoKind.BEFORE]

    @property
    def actual_hours(self) -> Decimal:
        return sum((entry.hours for entry in self.time_entries), Decimal("0"))


def job_records(job: Job) -> JobRecords:
    """The job's records for its page, loaded once per job object however many tabs show them."""
    cached = getattr(job, "_pc_records", None)
    if cached is None:
        cached = JobRecords(
            intake=PartIntake.objects.select_related("received_by").filter(job=job).first(),
            photos=list(job.photos.select_related("uploaded_by")),
            notes=list(job.notes.select_related("author")),
            time_entries=list(job.time_entries.select_related("worker", "created_by")),
            reworks=list(job.reworks.select_related("created_by")),
        )
        job._pc_records = cached
    return cached


# -- dialog forms -----------------------------------------------------------------------------


class TimePickerWidget(UnfoldAdminSingleTimeWidget):
    """The browser's own time picker (dialogs load after the admin's clock script ran)."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimePickerWidget(UnfoldAdminTextInputWidget):
    """The browser's own date-and-time picker."""

    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            # The form field hands over local time already; a bare datetime may still be aware.
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class RecordDialogForm(OnceDialogForm):
    """A dialog about one job: shows its number, and any refusal from the service on top."""

    form_before_template = "admin/powdercoat/job/records_dialog_before.html"

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.job = get_job_or_404(object_id)

    def get_before_template_context(self, request, object_id=None):
        return {"form": self, "job": self.job}


class NoteForm(RecordDialogForm):
    text = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=services.NOTE_MAX_LENGTH,
        help_text=gettext_lazy("For the shop only: notes never reach the customer."),
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 5}),
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TimeEntryForm(RecordDialogForm):
    worker = WorkerChoiceField(
        label=gettext_lazy("Worker"),
        queryset=Worker.objects.filter(is_active=True).order_by("name"),
        widget=UnfoldAdminSelectWidget,
    )
    work_date = forms.DateField(
        label=gettext_lazy("Date"), widget=DatePickerWidget, validators=[plausible_date]
    )
    started_at = forms.TimeField(
        label=gettext_lazy("Start"), required=False, widget=TimePickerWidget
    )
    ended_at = forms.TimeField(label=gettext_lazy("End"), required=False, widget=TimePickerWidget)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=gettext_lazy("Leave empty to work them out from the start and end."),
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.25", "min": "0"}),
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage worked on"), required=False, widget=UnfoldAdminSelectWidget
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=TimeEntry._meta.get_field("note").max_length,
        widget=UnfoldAdminTextInputWidget,
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.fields["stage"].choices = [("", "—")] + [(s.value, s.label) for s in WORKFLOW]
        self.fields["work_date"].initial = timezone.localdate()
        if self.job.status in WORKFLOW:
            self.fields["stage"].initial = self.job.status
        # Whoever logs in as a worker most often logs their own time.
        own = Worker.objects.filter(user_id=request.user.pk, is_active=True).first()
        if own is not None:
            self.fields["worker"].initial = own.pk


# Nothing is chosen for the person: a pre-selected reason would be recorded unread.
_CHOOSE = [("", gettext_lazy("— choose —"))]


class ReworkForm(RecordDialogForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=_CHOOSE + ReworkKind.choices,
        widget=UnfoldAdminSelectWidget,
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        choices=_CHOOSE + ReworkReason.choices,
        widget=UnfoldAdminSelectWidget,
    )
    description = forms.CharField(
        label=gettext_lazy("What went wrong"),
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )
    cost = forms.DecimalField(
        label=gettext_lazy("Cost to the shop"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01", "min": "0"}),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        if not can_see_prices(request):
            del self.fields["cost"]


class ReworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = timezone.localtime(obj.created_at).date()
        return f"{obj.get_kind_display()}: {obj.get_reason_display()} ({when:%b} {when.day})"


class ResolveReworkForm(RecordDialogForm):
    rework = ReworkChoiceField(
        label=gettext_lazy("Rework"),
        queryset=ReworkRecord.objects.none(),
        empty_label=None,
        widget=UnfoldAdminSelectWidget,
    )
    resolution = forms.CharField(
        label=gettext_lazy("How it was put right"),
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )
    cost = forms.DecimalField(
        label=gettext_lazy("Final cost to the shop"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=gettext_lazy("Leave empty to keep the cost recorded so far."),
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01", "min": "0"}),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        field = self.fields["rework"]
        field.queryset = ReworkRecord.objects.filter(job=self.job, resolved_at__isnull=True)
        if request.GET.get("rework"):
            field.initial = request.GET["rework"]
        if not can_see_prices(request):
            del self.fields["cost"]


class IntakeForm(RecordDialogForm):
    expected_count = forms.IntegerField(
        label=gettext_lazy("Pieces expected"),
        min_value=1,
        max_value=services.MAX_PIECES,
        widget=UnfoldAdminIntegerFieldWidget(attrs={"min": "1"}),
    )
    actual_count = forms.IntegerField(
        label=gettext_lazy("Pieces received"),
        min_value=0,
        max_value=services.MAX_PIECES,
        widget=UnfoldAdminIntegerFieldWidget(attrs={"min": "0"}),
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received at"), widget=DateTimePickerWidget, validators=[plausible_date]
    )
    condition_notes = forms.CharField(
        label=gettext_lazy("Condition"),
        required=False,
        help_text=gettext_lazy("Damage, rust, old coating, missing hardware…"),
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.intake = PartIntake.objects.filter(job=self.job).first()
        if self.intake is not None:
            for name in ("expected_count", "actual_count", "received_at", "condition_notes"):
                self.fields[name].initial = getattr(self.intake, name)
        else:
            # What the job's items add up to is the count the customer said they would bring.
            pieces = self.job.items.aggregate(total=Sum("quantity"))["total"]
            self.fields["expected_count"].initial = pieces or None
            self.fields["received_at"].initial = timezone.now()


# -- the Add photos page (files cannot travel in an unfold dialog) ----------------------------


class MultiplePhotoInput(UnfoldAdminImageFieldWidget):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type="file" multiple>; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class PhotosForm(OnceFormMixin, forms.Form):
    photos = MultipleFileField(
        label=gettext_lazy("Photos"),
        error_messages={"required": gettext_lazy("Choose at least one photo.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=PhotoKind.choices,
        initial=PhotoKind.PROGRESS,
        widget=UnfoldAdminSelectWidget,
    )
    caption = forms.CharField(
        label=gettext_lazy("Caption"),
        required=False,
        max_length=JobPhoto._meta.get_field("caption").max_length,
        help_text=gettext_lazy("Goes with every photo of this upload."),
        widget=UnfoldAdminTextInputWidget,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_submission_key(user)
        self.fields["photos"].widget.attrs.update(
            {
                "accept": "image/jpeg,image/png,image/webp,image/gif",
                "x-on:change": "names = Array.from($event.target.files).map(f => f.name)",
            }
        )
        self.fields["photos"].help_text = _(
            "JPEG, PNG, WebP or GIF, up to %(mb)s MB each. Choose several at once."
        ) % {"mb": f"{services.photo_max_mb():g}"}


class JobPhotosAddView(UnfoldModelAdminViewMixin, FormView):
    """Upload several photos of a job with one type and caption (SPEC J11)."""

    title = gettext_lazy("Add photos")
    template_name = "admin/powdercoat/job/records_photos_add.html"
    form_class = PhotosForm
    permission_required = ("powdercoat.view_job", "powdercoat.add_jobphoto")

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.job = get_job_or_404(kwargs["object_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job=self.job, job_url=_job_url(self.job.pk, "photos"))
        return context

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        url = _job_url(self.job.pk, "photos")
        try:
            with submission_once(key=form.submission_key, user=self.request.user) as answer:
                photos = services.job_photos_add(
                    job=self.job,
                    files=form.cleaned_data["photos"],
                    kind=form.cleaned_data["kind"],
                    caption=form.cleaned_data["caption"],
                    user=self.request.user,
                )
                text = ngettext(
                    "%(count)s photo added to %(number)s.",
                    "%(count)s photos added to %(number)s.",
                    len(photos),
                ) % {"count": len(photos), "number": self.job.number}
                answer(url=url, message=text)
        except SubmissionRepeated as repeat:
            messages.info(self.request, repeat.message)
            return HttpResponseRedirect(repeat.url or url)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, text)
        return HttpResponseRedirect(url)


# -- the admin mixin --------------------------------------------------------------------------


class JobRecordsAdminMixin:
    """Gives the job admin its record tabs, their buttons and the Add photos page."""

    def get_urls(self):
        opts = self.opts
        page = self.admin_site.admin_view(JobPhotosAddView.as_view(model_admin=self))
        return [
            path(
                "<path:object_id>/photos/add/",
                page,
                name=f"{opts.app_label}_{opts.model_name}_photos_add",
            ),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        """No record tabs before the job exists, nor tabs the user may not look at."""
        fieldsets = super().get_fieldsets(request, obj)
        hidden = {
            name
            for name, permission in RECORD_FIELDS.items()
            if obj is None or not request.user.has_perm(permission)
        }
        if not hidden:
            return fieldsets
        kept = []
        for title, options in fieldsets:
            fields = [name for name in options.get("fields", ()) if name not in hidden]
            if fields:
                kept.append((title, {**options, "fields": fields}))
        return kept

    # -- which buttons, and who may press them ------------------------------------------------

    def _has_intake(self, request, object_id) -> bool:
        """Whether the job's parts were already taken in (looked up once per request)."""
        cache = request.__dict__.setdefault("_pc_job_has_intake", {})
        if object_id not in cache:
            try:
                cache[object_id] = PartIntake.objects.filter(job_id=object_id).exists()
            except (ValueError, ValidationError, OverflowError):
                cache[object_id] = False
        return cache[object_id]

    def get_actions_detail(self, request, object_id):
        """Not in the bar along the top: each record button sits in its own tab, beside what it
        adds, and the bar is already full with the job's moves."""
        return [
            unfold_action
            for unfold_action in super().get_actions_detail(request, object_id)
            if unfold_action.action_name.removeprefix("powdercoat_job_") not in RECORD_ACTIONS
        ]

    def has_add_photos_permission(self, request, object_id=None):
        """Photos: every role, Shop Floor included."""
        return request.user.has_perm("powdercoat.add_jobphoto")

    def has_add_note_permission(self, request, object_id=None):
        """Notes: every role, Shop Floor included."""
        return request.user.has_perm("powdercoat.add_jobnote")

    def has_log_time_permission(self, request, object_id=None):
        """Time entries: every role, Shop Floor included."""
        return request.user.has_perm("powdercoat.add_timeentry")

    def has_record_rework_permission(self, request, object_id=None):
        """Recording a rework: every role, Shop Floor included."""
        return request.user.has_perm("powdercoat.add_reworkrecord")

    def has_resolve_rework_permission(self, request, object_id=None):
        """Closing a rework: those who may change rework records (Office and up)."""
        return request.user.has_perm("powdercoat.change_reworkrecord")

    def has_record_intake_permission(self, request, object_id=None):
        """The first intake needs the add right, a correction the change right."""
        if object_id is not None and self._has_intake(request, object_id):
            return request.user.has_perm("powdercoat.change_partintake")
        return request.user.has_perm("powdercoat.add_partintake")

    # -- the buttons ----------------------------------------------------------------------------

    @action(
        description=gettext_lazy("Add photos"),
        url_path="add-photos",
        icon="add_a_photo",
        permissions=["add_photos"],
    )
    def add_photos(self, request, object_id):
        """Open the Add photos page (an upload needs a page of its own)."""
        job = get_job_or_404(object_id)
        return redirect(reverse("admin:powdercoat_job_photos_add", args=[job.pk]))

    @action(
        description=gettext_lazy("Add note"),
        url_path="add-note",
        icon="sticky_note_2",
        permissions=["add_note"],
        dialog={
            "title": gettext_lazy("Add an internal note"),
            "form_class": NoteForm,
            "form_submit_text": gettext_lazy("Add note"),
        },
    )
    @applied_once
    def add_note(self, request, form, object_id):
        """Write a note on the job."""
        services.job_note_add(job=form.job, text=form.cleaned_data["text"], user=request.user)
        return Done(
            _job_url(form.job.pk, "notes"),
            _("Note added to %(number)s.") % {"number": form.job.number},
        )

    @action(
        description=gettext_lazy("Log time"),
        url_path="log-time",
        icon="schedule",
        permissions=["log_time"],
        dialog={
            "title": gettext_lazy("Log time on the job"),
            "description": gettext_lazy("Give the hours, or a start and an end time."),
            "form_class": TimeEntryForm,
            "form_submit_text": gettext_lazy("Log time"),
        },
    )
    @applied_once
    def log_time(self, request, form, object_id):
        """Record hours a worker spent on the job."""
        data = form.cleaned_data
        entry = services.time_entry_add(
            job=form.job,
            worker=data["worker"],
            work_date=data["work_date"],
            hours=data["hours"],
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            stage=data["stage"],
            note=data["note"],
            user=request.user,
        )
        return Done(
            _job_url(form.job.pk, "time"),
            _("%(hours)s h logged for %(worker)s on %(number)s.")
            % {
                "hours": _hours(entry.hours),
                "worker": entry.worker.name,
                "number": form.job.number,
            },
        )

    @action(
        description=gettext_lazy("Record rework"),
        url_path="record-rework",
        icon="build",
        permissions=["record_rework"],
        dialog={
            "title": gettext_lazy("Record rework"),
            "form_class": ReworkForm,
            "form_submit_text": gettext_lazy("Record rework"),
        },
    )
    @applied_once
    def record_rework(self, request, form, object_id):
        """Record work that has to be done again, and why."""
        data = form.cleaned_data
        rework = services.rework_record_add(
            job=form.job,
            kind=data["kind"],
            reason=data["reason"],
            description=data["description"],
            cost=data.get("cost"),
            user=request.user,
        )
        return Done(
            _job_url(form.job.pk, "rework"),
            _("Rework recorded on %(number)s: %(rework)s.")
            % {"number": form.job.number, "rework": rework},
        )

    @action(
        description=gettext_lazy("Resolve rework"),
        url_path="resolve-rework",
        icon="task_alt",
        permissions=["resolve_rework"],
        dialog={
            "title": gettext_lazy("Resolve a rework"),
            "form_class": ResolveReworkForm,
            "form_submit_text": gettext_lazy("Resolve"),
        },
    )
    @applied_once
    def resolve_rework(self, request, form, object_id):
        """Close an open rework with how it was put right."""
        data = form.cleaned_data
        rework = services.rework_resolve(
            rework=data["rework"],
            resolution=data["resolution"],
            cost=data.get("cost"),
            user=request.user,
        )
        return Done(
            _job_url(form.job.pk, "rework"),
            _("Rework resolved on %(number)s: %(rework)s.")
            % {"number": form.job.number, "rework": rework},
        )

    @action(
        description=gettext_lazy("Record intake"),
        url_path="intake",
        icon="inventory_2",
        permissions=["record_intake"],
        dialog={
            "title": gettext_lazy("Part intake"),
            "description": gettext_lazy("Count the pieces as they come in and note their state."),
            "form_class": IntakeForm,
            "form_submit_text": gettext_lazy("Save intake"),
        },
    )
    @applied_once
    def record_intake(self, request, form, object_id):
        """Record how the parts arrived, or correct it."""
        data = form.cleaned_data
        intake = services.part_intake_save(
            job=form.job,
            expected_count=data["expected_count"],
            actual_count=data["actual_count"],
            condition_notes=data["condition_notes"],
            received_at=data["received_at"],
            user=request.user,
        )
        return Done(
            _job_url(form.job.pk, "intake"),
            _("Intake of %(number)s saved: %(count)s.")
            % {"number": form.job.number, "count": intake_count_text(intake)},
        )

    # -- the tabs ---------------------------------------------------------------------------

    def _render_records(self, job, template: str, **context) -> str:
        request = getattr(job, "viewing_request", None)
        if job is None or job.pk is None or request is None:
            return "—"
        user = request.user
        base = reverse("admin:powdercoat_job_change", args=[job.pk]).removesuffix("change/")
        state = {"intake": job_records(job).intake is not None}
        buttons = {
            "photos": user.has_perm("powdercoat.add_jobphoto")
            and reverse("admin:powdercoat_job_photos_add", args=[job.pk]),
            "note": self.has_add_note_permission(request) and f"{base}add-note/",
            "time": self.has_log_time_permission(request) and f"{base}log-time/",
            "rework": self.has_record_rework_permission(request) and f"{base}record-rework/",
            "resolve": self.has_resolve_rework_permission(request) and f"{base}resolve-rework/",
            "intake": user.has_perm(
                "powdercoat.change_partintake" if state["intake"] else "powdercoat.add_partintake"
            )
            and f"{base}intake/",
        }
        return render_to_string(
            template,
            {
                "job": job,
                "records": job_records(job),
                "buttons": buttons,
                "prices": can_see_prices(request),
                **context,
            },
            request=request,
        )

    @display(description=gettext_lazy("part intake"))
    def display_intake(self, job):
        """The intake card: when, by whom, the count (a difference said in words), photos."""
        intake = job_records(job).intake if job.pk else None
        return self._render_records(
            job,
            "admin/powdercoat/job/intake_card.html",
            intake=intake,
            count_text=intake_count_text(intake) if intake else "",
        )

    @display(description=gettext_lazy("photos"))
    def display_photos(self, job):
        """Thumbnails with type, caption, who and when."""
        return self._render_records(job, "admin/powdercoat/job/records_photos.html")

    @display(description=gettext_lazy("notes"))
    def display_notes(self, job):
        """Internal notes, newest first."""
        return self._render_records(job, "admin/powdercoat/job/records_notes.html")

    @display(description=gettext_lazy("time entries"))
    def display_time(self, job):
        """Time entries and actual against estimated hours."""
        if job.pk is None:
            return "—"
        records = job_records(job)
        actual = records.actual_hours
        estimated = job.estimated_hours
        return self._render_records(
            job,
            "admin/powdercoat/job/records_time.html",
            summary=time_summary_text(actual, estimated),
            over=bool(estimated) and actual > estimated,
            total=_hours(actual),
        )

    @display(description=gettext_lazy("rework"))
    def display_reworks(self, job):
        """Rework records; the cost only for those who see prices."""
        return self._render_records(job, "admin/powdercoat/job/records_rework.html")
