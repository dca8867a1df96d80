"""Forms of the admin's dialogs: the job status moves, and saving or using job templates."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from powdercoat.admin.once import OnceDialogForm
from powdercoat.admin.widgets import DatePickerWidget
from powdercoat.models import Customer, Job, JobTemplate
from powdercoat.models.base import plausible_date
from powdercoat.models.choices import WORKFLOW, JobStatus
from powdercoat.selectors import job_next_stage
from powdercoat.services.jobs import JobMove, job_moves_offered
from powdercoat.services.notifications import customer_email_refusal


def get_job_or_404(object_id, queryset=None) -> Job:
    """The job an admin address names; a missing or malformed id is a 404, never a crash."""
    queryset = queryset if queryset is not None else Job.objects.all()
    try:
        return get_object_or_404(queryset, pk=object_id)
    except (ValueError, ValidationError) as error:
        raise Http404("No such job.") from error


class SeenStatusDialogForm(OnceDialogForm):
    """A dialog that remembers the status its record had when it opened.

    If the record moved in the meantime (someone else pressed a button), the form refuses
    rather than act on a status the person never saw. Subclasses call `watch(record)`.
    """

    status_choices: type = JobStatus
    moved_verb = _("moved to")

    seen_status = forms.CharField(widget=forms.HiddenInput)

    def watch(self, record) -> None:
        """Remember `record` and the status it has now."""
        self.watched = record
        self.fields["seen_status"].initial = record.status

    def clean_seen_status(self):
        """Refuse when the record is no longer where the person saw it."""
        seen = self.cleaned_data["seen_status"]
        if seen != self.watched.status:
            raise forms.ValidationError(
                _(
                    "%(number)s %(moved)s %(status)s since this window opened. Close it "
                    "and look again."
                )
                % {
                    "number": self.watched.number,
                    "moved": self.moved_verb,
                    "status": self.status_choices(self.watched.status).label,
                }
            )
        return seen

    def clean(self):
        """Put a stale-status refusal where it is seen (hidden fields show no errors)."""
        cleaned = super().clean()
        if "seen_status" in self.errors:
            self.add_error(None, self.errors.pop("seen_status"))
        return cleaned


class StatusDialogForm(SeenStatusDialogForm):
    """A job status move: a note, and the job's status when the dialog opened."""

    form_before_template = "admin/powdercoat/job/status_dialog_before.html"
    note_label = _("Note (optional)")
    note_required = False

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.job = get_job_or_404(object_id, Job.objects.select_related("customer"))
        self.watch(self.job)
        self.fields["note"].label = self.note_label
        self.fields["note"].required = self.note_required

    def target_status(self) -> str | None:
        """Where the move will take the job, for the dialog's heading (None: chosen in form)."""
        return None

    def get_before_template_context(self, request, object_id=None):
        """The job and the move, shown above the fields."""
        target = self.target_status()
        return {
            "form": self,
            "job": self.job,
            "target": JobStatus(target) if target else None,
        }


class AdvanceForm(StatusDialogForm):
    def target_status(self):
        """The next stage, prep skipping applied."""
        return job_next_stage(self.job)


class ResumeForm(StatusDialogForm):
    def target_status(self):
        """The stage the job was held at."""
        return self.job.held_from_status or JobStatus.PENDING


class ReopenForm(StatusDialogForm):
    def target_status(self):
        """Reopened jobs start again at Pending."""
        return JobStatus.PENDING


class HoldForm(StatusDialogForm):
    note_label = _("Reason")
    note_required = True

    def target_status(self):
        """On Hold."""
        return JobStatus.ON_HOLD


class CancelForm(StatusDialogForm):
    note_label = _("Reason")
    note_required = True

    def target_status(self):
        """Cancelled."""
        return JobStatus.CANCELLED


class SetStatusForm(StatusDialogForm):
    status = forms.ChoiceField(label=_("New stage"), widget=UnfoldAdminSelectWidget)

    field_order = ("status", "note", "seen_status")

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.fields["status"].choices = [
            (stage.value, stage.label) for stage in WORKFLOW if stage != self.job.status
        ]


# -- the quick-change dialog (SPEC J7) ----------------------------------------------------------


class QuickChangeForm(StatusDialogForm):
    """Any status this person may move the job to, a note, and whether to email the customer.

    When the customer has email notifications off (or no address) the toggle is disabled and
    the dialog says why; a disabled field ignores whatever is posted for it.
    """

    form_before_template = "admin/powdercoat/job/quick_change_before.html"
    note_label = _("Note (a reason is required for On Hold and Cancelled)")

    status = forms.ChoiceField(label=_("New status"), widget=UnfoldAdminSelectWidget)
    notify_customer = forms.BooleanField(
        label=_("Notify customer via email"), required=False, widget=UnfoldBooleanSwitchWidget
    )

    field_order = ("status", "note", "notify_customer", "seen_status")

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        # The named moves first; Set status's stages only where no named move leads already.
        self.moves = {}
        for move in job_moves_offered(
            self.job, request.user, company=getattr(request, "company", None)
        ):
            self.moves.setdefault(move.target, move)
        named = [(t, m.choice) for t, m in self.moves.items() if m.name != "set_status"]
        anywhere = [(t, m.choice) for t, m in self.moves.items() if m.name == "set_status"]
        self.fields["status"].choices = named + (
            [(_("Any other stage (correction)"), anywhere)] if anywhere else []
        )
        self.email_refusal = customer_email_refusal(self.job.customer)
        notify = self.fields["notify_customer"]
        if self.email_refusal:
            notify.disabled = True
            notify.help_text = _("Not available for this customer (see above).")
        elif request.user.has_perm("powdercoat.view_customer"):
            # unfold renders help text as HTML, and an address may hold markup ("<img…>"@x.com).
            notify.help_text = format_html(
                _("Emails {address} the new status once it is saved."),
                address=self.job.customer.email,
            )
        else:
            # Shop Floor sees no customer contact details (SPEC 0).
            notify.help_text = _("Emails the customer the new status once it is saved.")

    def get_before_template_context(self, request, object_id=None):
        """The job, and why the customer cannot be emailed if they cannot."""
        return {
            **super().get_before_template_context(request, object_id),
            "email_refusal": self.email_refusal,
        }

    def clean(self):
        """Moves whose note is a reason (Hold, Cancel) need it."""
        cleaned = super().clean()
        move = self.moves.get(cleaned.get("status"))
        if move and move.reason and not cleaned.get("note", "").strip():
            self.add_error("note", move.reason)
        return cleaned

    def chosen_move(self) -> JobMove:
        """The move behind the chosen status (after validation)."""
        return self.moves[self.cleaned_data["status"]]


# -- job templates (SPEC T) -------------------------------------------------------------------


class SaveAsTemplateForm(OnceDialogForm):
    """The name of the template a job's items are saved as; it starts as the job's description."""

    name = forms.CharField(
        label=_("Template name"),
        max_length=JobTemplate._meta.get_field("name").max_length,
        widget=UnfoldAdminTextInputWidget,
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        job = get_job_or_404(object_id)
        self.fields["name"].initial = job.description[: self.fields["name"].max_length]


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        """The customer's short name, with the contact person for companies."""
        if obj.company_name and obj.contact_name:
            return f"{obj.company_name} ({obj.contact_name})"
        return obj.display_name


class JobFromTemplateForm(OnceDialogForm):
    """The customer a job made from a template is for, and when it is due."""

    customer = CustomerChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.active().order_by("company_name", "contact_name"),
        widget=UnfoldAdminSelectWidget,
    )
    due_date = forms.DateField(
        label=_("Due (optional)"),
        required=False,
        widget=DatePickerWidget,
        validators=[plausible_date],
    )
