"""The job page's record buttons (intake, photos, notes, time, rework) and the Add photos page.

SPEC J11-J15. Shop Floor users may only look at the job itself, so its change form is read-only
for them; everything here is written through its own small form (job_record_forms.py: an
unfold dialog, or the Add photos page for file uploads) that calls one service in
powdercoat/services/job_records.py. The tabs that show the records are in job_rooms.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView
from unfold.decorators import action
from unfold.views import UnfoldModelAdminViewMixin

from powdercoat.addresses import record_url
from powdercoat.admin.forms import get_job_or_404
from powdercoat.admin.job_record_forms import (
    IntakeForm,
    NoteForm,
    PhotosForm,
    ResolveReworkForm,
    ReworkForm,
    TimeEntryForm,
)
from powdercoat.admin.once import Done, add_service_error, applied_once
from powdercoat.admin.rooms import allowed_by
from powdercoat.formatting import hours_text, intake_count_text
from powdercoat.models import PartIntake
from powdercoat.services import job_records as services
from powdercoat.services.submissions import SubmissionRepeated, submission_once

# The record buttons (unfold detail actions), shown in their tabs rather than along the top.
RECORD_ACTIONS = (
    "record_intake",
    "add_photos",
    "customer_photos",
    "add_note",
    "log_time",
    "record_rework",
    "resolve_rework",
)


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
        context.update(job=self.job, job_url=record_url(self.job, "photos"))
        return context

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        url = record_url(self.job, "photos")
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
    """Gives the job admin its record buttons and the Add photos page."""

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

    # Photos: every role, Shop Floor included.
    has_add_photos_permission = allowed_by("powdercoat.add_jobphoto")

    # Notes: every role, Shop Floor included.
    has_add_note_permission = allowed_by("powdercoat.add_jobnote")

    # Time entries: every role, Shop Floor included.
    has_log_time_permission = allowed_by("powdercoat.add_timeentry")

    # Recording a rework: every role, Shop Floor included.
    has_record_rework_permission = allowed_by("powdercoat.add_reworkrecord")

    # Closing a rework: those who may change rework records (Office and up).
    has_resolve_rework_permission = allowed_by("powdercoat.change_reworkrecord")

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
            record_url(form.job, "notes"),
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
            record_url(form.job, "time"),
            _("%(hours)s h logged for %(worker)s on %(number)s.")
            % {
                "hours": hours_text(entry.hours),
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
            record_url(form.job, "rework"),
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
            record_url(form.job, "rework"),
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
            record_url(form.job, "intake"),
            _("Intake of %(number)s saved: %(count)s.")
            % {"number": form.job.number, "count": intake_count_text(intake)},
        )
