"""The forms behind the job page's record buttons: note, time, rework, intake, photos.

SPEC J11-J15. Each is an unfold dialog (or, for photos, the Add photos page) and is applied
once per submission key; the job admin's actions (powdercoat/admin/job_records.py) hand what
they clean to one service in powdercoat/services/job_records.py.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from powdercoat.admin.forms import get_job_or_404
from powdercoat.admin.mixins import can_see_prices
from powdercoat.admin.once import OnceDialogForm, OnceFormMixin
from powdercoat.admin.widgets import (
    DatePickerWidget,
    DateTimePickerWidget,
    MultiplePhotoInput,
    TimePickerWidget,
)
from powdercoat.models import JobPhoto, PartIntake, ReworkRecord, TimeEntry, Worker
from powdercoat.models.base import plausible_date
from powdercoat.models.choices import WORKFLOW, PhotoKind, ReworkKind, ReworkReason
from powdercoat.services import job_records as services


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
        # Whoever logs in as a worker most often logs their own time; an office login logs
        # the crew's, so a job worked by one person offers that person. With a crew of several
        # nobody is chosen: a pre-selected wrong name would be recorded unread.
        own = Worker.objects.filter(user_id=request.user.pk, is_active=True).first()
        crew = list(
            self.job.assigned_workers.filter(is_active=True).values_list("pk", flat=True)[:2]
        )
        if own is not None:
            self.fields["worker"].initial = own.pk
        elif len(crew) == 1:
            self.fields["worker"].initial = crew[0]


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


# -- the Add photos page's form (files cannot travel in an unfold dialog) ---------------------


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
