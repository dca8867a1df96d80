"""The job's status in the admin: the timeline tab and the status buttons (SPEC J3, J7, J8)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action, display
from unfold.enums import ActionVariant

from powdercoat import badges
from powdercoat.admin import forms as dialogs
from powdercoat.admin.once import Done, applied_once
from powdercoat.admin.rooms import allowed_by
from powdercoat.models import EmailLog, Job, StatusChange
from powdercoat.models.choices import EmailOutcome
from powdercoat.services import jobs as job_services
from powdercoat.services.notifications import customer_email_refusal, status_email_outcome


class StatusTimelineInline(TabularInline):
    """The job's status changes, newest first: who moved it, when, and why (SPEC J3)."""

    model = StatusChange
    fields = ("created_at", "display_move", "user", "note", "display_email")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    tab = True
    show_title = False  # the Change column already says from → to
    verbose_name_plural = _("status timeline")

    def has_add_permission(self, request, obj=None):
        """Timeline rows are written by the status buttons only."""
        return False

    def has_change_permission(self, request, obj=None):
        """The timeline is a record; it is never edited."""
        return False

    def get_queryset(self, request):
        """Newest first, with the user in one query and the customer emails in one more."""
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .prefetch_related(
                Prefetch("emails", queryset=EmailLog.objects.for_display().order_by("-pk"))
            )
            .order_by("-created_at", "-id")
        )

    @display(description=_("change"))
    def display_move(self, change):
        """From-status → to-status as badges."""
        return format_html(
            "{} → {}",
            badges.status_badge(change.from_status),
            badges.status_badge(change.to_status),
        )

    @display(description=_("customer emailed"))
    def display_email(self, change):
        """The email about this move: queued, sent, or failed and why; — when none was asked."""
        email = next(iter(change.emails.all()), None)
        if email is None:
            # Moves from before the outbox kept only the flag.
            return _("Yes") if change.customer_notified else "—"
        return render_to_string("admin/powdercoat/emails/state.html", {"email": email})


class JobActionsBase:
    """What every group of buttons on the job page needs: the job, loaded once per request."""

    def _job(self, request, object_id) -> Job:
        """The job behind a detail action, loaded once per request."""
        cache = request.__dict__.setdefault("_pc_jobs", {})
        if object_id not in cache:
            cache[object_id] = dialogs.get_job_or_404(object_id)
        return cache[object_id]


class JobMovesAdminMixin(JobActionsBase):
    """The status buttons of the job page and the quick-change dialog of the jobs list."""

    # Role checks of the status buttons (unfold calls has_<name>_permission).
    # Advance, hold and resume: every role, Shop Floor included.
    has_advance_permission = allowed_by("powdercoat.advance_job")

    # Cancel: office staff and supervisors.
    has_cancel_permission = allowed_by("powdercoat.cancel_job")

    # Reopen: supervisors and administrators.
    has_reopen_permission = allowed_by("powdercoat.reopen_job")

    # Set any stage: office staff and supervisors.
    has_set_status_permission = allowed_by("powdercoat.set_job_status")

    def has_quick_change_permission(self, request, object_id=None):
        """The quick-change dialog: whoever may make any status move (SPEC J7)."""
        return any(
            request.user.has_perm(f"powdercoat.{name}")
            for name in ("advance_job", "cancel_job", "reopen_job", "set_job_status")
        )

    # The status buttons and the transition each one makes.
    STATUS_ACTIONS = {
        "advance_job": "advance",
        "hold_job": "hold",
        "resume_job": "resume",
        "cancel_job": "cancel",
        "reopen_job": "reopen",
        "set_job_status": "set_status",
    }

    def get_actions_detail(self, request, object_id):
        """Offer only the moves django-fsm-2 says this user may make now, labelled by them."""
        job = self._job(request, object_id)
        moves = {
            move.name: move
            for move in job_services.job_moves_offered(job, request.user, company=request.company)
        }
        offered = []
        for unfold_action in super().get_actions_detail(request, object_id):
            name = unfold_action.action_name.removeprefix("powdercoat_job_")
            if name == "quick_change_job":
                if moves:
                    offered.append(unfold_action)
                continue
            transition = self.STATUS_ACTIONS.get(name)
            if transition is None:
                offered.append(unfold_action)
            elif transition in moves:
                unfold_action.description = moves[transition].label
                offered.append(unfold_action)
        return offered

    def _after_move(self, request, object_id, move, *, return_to=None, **kwargs) -> Done:
        """Make the move `move` (a transition's name) and say what happened; back to the job
        page afterwards, or to `return_to` (the jobs list)."""
        job = self._job(request, object_id)
        change = job_services.job_move(job=job, user=request.user, move=move, **kwargs)
        after = None
        if kwargs.get("notify_customer"):
            # The email leaves when the move commits; its outcome is known after that.
            def after():
                self._tell_how_the_email_went(request, change)

        return Done(
            return_to or reverse("admin:powdercoat_job_change", args=[job.pk]),
            _("%(number)s: %(from)s → %(to)s.")
            % {
                "number": job.number,
                "from": change.get_from_status_display(),
                "to": change.get_to_status_display(),
            },
            after=after,
        )

    def _tell_how_the_email_went(self, request, change):
        outcome = status_email_outcome(change)
        if outcome == EmailOutcome.SENT:
            messages.info(request, _("The customer was emailed the new status."))
        elif outcome == EmailOutcome.QUEUED:
            messages.info(
                request,
                _("The email to the customer is queued; the timeline shows when it has gone."),
            )
        elif (refusal := customer_email_refusal(change.job.customer)) is not None:
            messages.warning(request, refusal)
        else:
            messages.warning(
                request,
                _("The email to the customer could not be sent; the job's email log says why."),
            )

    def _return_url(self, request) -> str | None:
        """The page a dialog was opened from (its ?next=), if it is a page of this site."""
        url = request.GET.get("next", "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
        return None

    @action(
        description=_("Change status"),
        url_path="quick-change",
        icon="swap_horiz",
        permissions=["quick_change"],
        dialog={
            "title": _("Change status"),
            "form_class": dialogs.QuickChangeForm,
            "form_submit_text": _("Change status"),
        },
    )
    @applied_once
    def quick_change_job(self, request, form, object_id):
        """Move the job to the chosen status through the move that leads there (SPEC J7)."""
        move = form.chosen_move()
        return self._after_move(
            request,
            object_id,
            move.name,
            target=move.target,
            note=form.cleaned_data["note"],
            return_to=self._return_url(request),
            notify_customer=form.cleaned_data["notify_customer"],
        )

    @action(
        description=_("Advance"),
        url_path="advance",
        icon="arrow_forward",
        variant=ActionVariant.PRIMARY,
        permissions=["advance"],
        dialog={
            "title": _("Advance to the next stage"),
            "form_class": dialogs.AdvanceForm,
            "form_submit_text": _("Advance"),
        },
    )
    @applied_once
    def advance_job(self, request, form, object_id):
        """Move the job one stage on."""
        return self._after_move(request, object_id, "advance", note=form.cleaned_data["note"])

    @action(
        description=_("Hold"),
        url_path="hold",
        icon="pause_circle",
        variant=ActionVariant.WARNING,
        permissions=["advance"],
        dialog={
            "title": _("Put the job on hold"),
            "description": _("The job keeps its place; Resume brings it back to this stage."),
            "form_class": dialogs.HoldForm,
            "form_submit_text": _("Put on hold"),
        },
    )
    @applied_once
    def hold_job(self, request, form, object_id):
        """Pause the job with a reason."""
        return self._after_move(request, object_id, "hold", note=form.cleaned_data["note"])

    @action(
        description=_("Resume"),
        url_path="resume",
        icon="play_circle",
        variant=ActionVariant.SUCCESS,
        permissions=["advance"],
        dialog={
            "title": _("Resume the job"),
            "form_class": dialogs.ResumeForm,
            "form_submit_text": _("Resume"),
        },
    )
    @applied_once
    def resume_job(self, request, form, object_id):
        """Take the job off hold."""
        return self._after_move(request, object_id, "resume", note=form.cleaned_data["note"])

    @action(
        description=_("Cancel job"),
        url_path="cancel",
        icon="cancel",
        variant=ActionVariant.DANGER,
        permissions=["cancel"],
        dialog={
            "title": _("Cancel the job"),
            "description": _(
                "A cancelled job leaves every list of work; a supervisor can reopen it."
            ),
            "form_class": dialogs.CancelForm,
            "form_submit_text": _("Cancel job"),
        },
    )
    @applied_once
    def cancel_job(self, request, form, object_id):
        """Cancel the job with a reason."""
        return self._after_move(request, object_id, "cancel", note=form.cleaned_data["note"])

    @action(
        description=_("Reopen"),
        url_path="reopen",
        icon="restart_alt",
        permissions=["reopen"],
        dialog={
            "title": _("Reopen the job"),
            "form_class": dialogs.ReopenForm,
            "form_submit_text": _("Reopen"),
        },
    )
    @applied_once
    def reopen_job(self, request, form, object_id):
        """Bring a cancelled job back to Pending."""
        return self._after_move(request, object_id, "reopen", note=form.cleaned_data["note"])

    @action(
        description=_("Set status"),
        url_path="set-status",
        icon="edit_note",
        permissions=["set_status"],
        dialog={
            "title": _("Move the job to another stage"),
            "description": _("For corrections, e.g. back to Coating after a failed quality check."),
            "form_class": dialogs.SetStatusForm,
            "form_submit_text": _("Move"),
        },
    )
    @applied_once
    def set_job_status(self, request, form, object_id):
        """Move the job to any stage."""
        return self._after_move(
            request,
            object_id,
            "set_status",
            target=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
