"""The job page's customer status link (SPEC U1): shown with a copy button, sent, revoked."""

from django import forms
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from powdercoat.admin.forms import get_job_or_404
from powdercoat.admin.job_moves import JobActionsBase
from powdercoat.admin.once import Done, OnceDialogForm, applied_once
from powdercoat.admin.rooms import allowed_by
from powdercoat.models import Job, JobPhoto
from powdercoat.services.job_records import job_photos_share
from powdercoat.services.notifications import job_status_link_send
from powdercoat.services.status_links import job_status_link_issue, job_status_link_revoke


class StatusLinkSendForm(OnceDialogForm):
    """Nothing to fill in: the dialog says where the email goes."""


class StatusLinkRevokeForm(OnceDialogForm):
    """Nothing to fill in: the dialog confirms that the old link stops working."""


class JobStatusLinkAdminMixin(JobActionsBase):
    """The customer's status link on the job page: the address, Send and Revoke."""

    # Sending mails the customer (their address is contact data): office roles, not the floor.
    has_send_status_link_permission = allowed_by(
        "powdercoat.change_job", "powdercoat.view_customer"
    )
    # Revoking breaks the link the customer holds: whoever may edit jobs, not the floor.
    has_revoke_status_link_permission = allowed_by("powdercoat.change_job")

    def _job_url(self, job: Job) -> str:
        return reverse("admin:powdercoat_job_change", args=[job.pk])

    @display(description=_("Customer's status link"))
    def display_status_link(self, job: Job) -> str:
        """The link, issued on first showing, in a box with a button that copies it."""
        if job is None or job.pk is None:
            return "—"
        url = job_status_link_issue(job=job)
        # Alpine (shipped with unfold) copies; execCommand covers plain-http intranets, where
        # browsers withhold navigator.clipboard.
        return format_html(
            '<div x-data="{{ copied: false }}" class="flex flex-wrap items-center gap-2">'
            '<input type="text" readonly value="{}" x-ref="link" data-testid="status-link" '
            'class="border border-base-200 rounded-default px-3 py-2 w-full max-w-2xl '
            'font-mono text-sm bg-base-50 dark:bg-base-900 dark:border-base-700" '
            '@focus="$el.select()">'
            '<button type="button" class="border border-base-200 rounded-default px-3 py-2 '
            'font-medium text-sm hover:bg-base-100 dark:border-base-700" '
            '@click="$refs.link.select(); (navigator.clipboard ? '
            "navigator.clipboard.writeText($refs.link.value) : Promise.resolve("
            "document.execCommand('copy'))).then(() => {{ copied = true; "
            'setTimeout(() => copied = false, 2000) }})">{}</button>'
            '<span x-show="copied" x-cloak class="text-green-700 text-sm">{}</span>'
            '<a href="{}" target="_blank" rel="noreferrer noopener" class="text-primary-600 '
            'text-sm underline">{}</a></div>',
            url,
            _("Copy"),
            _("Copied"),
            url,
            _("Open as the customer sees it"),
        )

    @action(
        description=_("Send status link"),
        url_path="send-status-link",
        icon="share",
        permissions=["send_status_link"],
        dialog={
            "title": _("Email the customer their status link"),
            "description": _(
                "The customer gets an email with the link to a page that shows where their "
                "job is. It is sent even if they turned status emails off."
            ),
            "form_class": StatusLinkSendForm,
            "form_submit_text": _("Send link"),
        },
    )
    @applied_once
    def send_status_link(self, request, form, object_id):
        """Queue the email; the page says where it went."""
        job = self._job(request, object_id)
        email = job_status_link_send(job=job, user=request.user)
        return Done(
            self._job_url(job),
            _("The status link of %(number)s is on its way to %(to)s.")
            % {"number": job.number, "to": email.to_address},
        )

    @action(
        description=_("Revoke status link"),
        url_path="revoke-status-link",
        icon="link_off",
        permissions=["revoke_status_link"],
        dialog={
            "title": _("Revoke the customer's status link"),
            "description": _(
                "The link the customer has (printed, emailed or shared) stops working at once "
                "and shows “This link is no longer valid”. The job gets a new link; send or "
                "print it for the customer if they should keep following the job."
            ),
            "form_class": StatusLinkRevokeForm,
            "form_submit_text": _("Revoke link"),
        },
    )
    @applied_once
    def revoke_status_link(self, request, form, object_id):
        """Replace the secret; the old link answers like one that never existed."""
        job = self._job(request, object_id)
        job_status_link_revoke(job=job, user=request.user)
        return Done(
            self._job_url(job),
            _("The old status link of %(number)s no longer works; the job has a new one.")
            % {"number": job.number},
        )


# -- which photos the customer sees ------------------------------------------------------------


class CustomerPhotosForm(OnceDialogForm):
    """A tick box per photo of the job: ticked ones show on the customer's status page."""

    photos = forms.ModelMultipleChoiceField(
        label=_("Shown to the customer"),
        queryset=JobPhoto.objects.none(),
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=_("Untick a photo to take it off the page again."),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        # A malformed or unknown job id in the address is a 404, never a server error.
        self.job = get_job_or_404(object_id)
        photos = JobPhoto.objects.filter(job=self.job).order_by("uploaded_at", "id")
        field = self.fields["photos"]
        field.queryset = photos
        # The label is the caption or type and the date: text, escaped by the widget.
        field.label_from_instance = lambda photo: (
            f"{photo} · {photo.get_kind_display()} · "
            f"{formats.date_format(timezone.localtime(photo.uploaded_at), 'SHORT_DATE_FORMAT')}"
        )
        if not self.is_bound:
            field.initial = [photo.pk for photo in photos if photo.customer_visible]


class JobCustomerPhotosAdminMixin(JobActionsBase):
    """The Photos tab's button that chooses the photos on the customer's status page."""

    # Whoever may edit photos (the office); the floor adds photos but does not publish them.
    has_customer_photos_permission = allowed_by("powdercoat.change_jobphoto")

    @action(
        description=_("Choose customer photos"),
        url_path="customer-photos",
        icon="visibility",
        permissions=["customer_photos"],
        dialog={
            "title": _("Photos on the customer's status page"),
            "description": _("Tick the photos the customer may see on their status page."),
            "form_class": CustomerPhotosForm,
            "form_submit_text": _("Save"),
        },
    )
    @applied_once
    def customer_photos(self, request, form, object_id):
        """Show the ticked photos, hide the others."""
        job = self._job(request, object_id)
        count = job_photos_share(
            job=job,
            shown=[photo.pk for photo in form.cleaned_data["photos"]],
            user=request.user,
        )
        return Done(
            f"{reverse('admin:powdercoat_job_change', args=[job.pk])}?tab=photos",
            _("%(count)s photo(s) of %(number)s now on the customer's status page.")
            % {"count": count, "number": job.number},
        )
