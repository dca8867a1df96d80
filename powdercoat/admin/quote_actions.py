"""The quote page's buttons: send, approve, reject, revise, convert, make customer, PDF (SPEC Q)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.enums import ActionVariant

from powdercoat.admin.once import Done, applied_once
from powdercoat.admin.quote_forms import (
    ApproveQuoteForm,
    ConvertQuoteForm,
    MakeCustomerForm,
    RejectQuoteForm,
    ReviseQuoteForm,
    SendQuoteForm,
    get_quote_or_404,
)
from powdercoat.admin.rooms import allowed_by
from powdercoat.documents.responses import pdf_response
from powdercoat.models import Quote
from powdercoat.models.choices import EmailOutcome, QuoteStatus
from powdercoat.services import quotes as quote_services


class QuoteActionsAdminMixin:
    """The buttons of the quote page; each status move asks django-fsm-2 whether it is open."""

    # Send, approve, reject and revise: whoever may change quotes.
    has_change_quote_permission = allowed_by("powdercoat.change_quote")
    # Convert: change quotes and add jobs.
    has_convert_permission = allowed_by("powdercoat.change_quote", "powdercoat.add_job")
    # Make customer: change quotes and add customers.
    has_make_customer_permission = allowed_by("powdercoat.change_quote", "powdercoat.add_customer")
    # The PDF: whoever may see quotes.
    has_download_pdf_permission = allowed_by("powdercoat.view_quote")

    def _quote(self, request, object_id) -> Quote:
        """The quote behind a detail action, loaded once per request."""
        cache = request.__dict__.setdefault("_pc_quotes", {})
        if object_id not in cache:
            cache[object_id] = get_quote_or_404(object_id)
        return cache[object_id]

    # The buttons that move the quote and the transition each one makes.
    STATUS_ACTIONS = {
        "send_quote": "send",
        "approve_quote": "approve",
        "reject_quote": "reject",
        "revise_quote": "revise",
        "convert_quote": "convert",
    }

    def get_actions_detail(self, request, object_id):
        """Offer only the moves django-fsm-2 allows from the quote's status, labelled by them.

        Sending once more (a Sent quote) is not a move: the same button, "Send again".
        """
        quote = self._quote(request, object_id)
        available = {t.name: t for t in quote.get_available_status_transitions()}
        offered = []
        for unfold_action in super().get_actions_detail(request, object_id):
            name = unfold_action.action_name.removeprefix("powdercoat_quote_")
            transition = self.STATUS_ACTIONS.get(name)
            if name == "make_customer" and quote.customer_id is not None:
                continue
            if name == "send_quote" and quote.status == QuoteStatus.SENT:
                unfold_action.description = _("Send again")
            elif name == "convert_quote" and quote.job_id:
                continue
            elif transition is not None:
                if transition not in available:
                    continue
                unfold_action.description = available[transition].custom["label"]
            offered.append(unfold_action)
        return offered

    def _change_url(self, quote) -> str:
        return reverse("admin:powdercoat_quote_change", args=[quote.pk])

    def _run(self, request, object_id, service, success, **kwargs) -> Done:
        """Run a quote service and say what happened; back to the quote page."""
        quote = self._quote(request, object_id)
        service(quote=quote, user=request.user, **kwargs)
        return Done(self._change_url(quote), success % {"number": quote.number})

    @action(
        description=_("Send by email"),
        url_path="send",
        icon="send",
        variant=ActionVariant.PRIMARY,
        permissions=["change_quote"],
        dialog={
            "title": _("Email the quote"),
            "description": _("The quote goes out as a PDF attachment; a Draft becomes Sent."),
            "form_class": SendQuoteForm,
            "form_submit_text": _("Send"),
        },
    )
    @applied_once
    def send_quote(self, request, form, object_id):
        """Email the PDF to the customer or prospect."""
        quote = self._quote(request, object_id)
        last = quote.emails.order_by("-pk").values_list("pk", flat=True).first() or 0
        quote_services.quote_send(quote=quote, user=request.user)

        def after():
            # The email is queued with the change and leaves in the background; if it has
            # already failed for good, or is still waiting, say so.
            log = quote.emails.for_display().filter(pk__gt=last).order_by("-pk").first()
            if log is not None and log.outcome == EmailOutcome.FAILED:
                messages.error(
                    request,
                    _("%(number)s could not be emailed to %(to)s: %(reason)s")
                    % {"number": quote.number, "to": log.to_address, "reason": log.error},
                )
            elif log is not None and log.outcome == EmailOutcome.QUEUED:
                messages.info(
                    request, _("The email is queued; the Emails tab shows when it has gone.")
                )

        return Done(
            self._change_url(quote),
            _("%(number)s sent to %(to)s.") % {"number": quote.number, "to": quote.recipient_email},
            after=after,
        )

    @action(
        description=_("Approve"),
        url_path="approve",
        icon="thumb_up",
        variant=ActionVariant.SUCCESS,
        permissions=["change_quote"],
        dialog={
            "title": _("The customer accepted the quote"),
            "form_class": ApproveQuoteForm,
            "form_submit_text": _("Approve"),
        },
    )
    @applied_once
    def approve_quote(self, request, form, object_id):
        """Mark the quote approved."""
        return self._run(
            request,
            object_id,
            quote_services.quote_approve,
            _("%(number)s approved."),
            note=form.cleaned_data["note"],
        )

    @action(
        description=_("Reject"),
        url_path="reject",
        icon="thumb_down",
        variant=ActionVariant.DANGER,
        permissions=["change_quote"],
        dialog={
            "title": _("The customer turned the quote down"),
            "form_class": RejectQuoteForm,
            "form_submit_text": _("Reject"),
        },
    )
    @applied_once
    def reject_quote(self, request, form, object_id):
        """Mark the quote rejected, with the reason."""
        return self._run(
            request,
            object_id,
            quote_services.quote_reject,
            _("%(number)s marked as rejected."),
            reason=form.cleaned_data["note"],
        )

    @action(
        description=_("Revise"),
        url_path="revise",
        icon="edit",
        permissions=["change_quote"],
        dialog={
            "title": _("Back to Draft"),
            "description": _("Change the items or price, then send the quote again."),
            "form_class": ReviseQuoteForm,
            "form_submit_text": _("Revise"),
        },
    )
    @applied_once
    def revise_quote(self, request, form, object_id):
        """Put the quote back to Draft."""
        return self._run(
            request,
            object_id,
            quote_services.quote_revise,
            _("%(number)s is a Draft again."),
            note=form.cleaned_data["note"],
        )

    @action(
        description=_("Convert to job"),
        url_path="convert",
        icon="add_task",
        variant=ActionVariant.PRIMARY,
        permissions=["convert"],
        dialog={
            "title": _("Make this quote a job"),
            "description": _(
                "The job gets the quote's items, discount, rush fee and instructions, and starts "
                "at Approved."
            ),
            "form_class": ConvertQuoteForm,
            "form_submit_text": _("Create the job"),
        },
    )
    @applied_once
    def convert_quote(self, request, form, object_id):
        """Create the job (and, for a prospect, the customer first) and open it."""
        quote = self._quote(request, object_id)
        prospect = quote.customer_id is None
        job = quote_services.quote_convert_to_job(
            quote=quote,
            user=request.user,
            make_customer=bool(form.cleaned_data.get("make_customer")),
        )
        text = _("%(quote)s became %(job)s.") % {"quote": quote.number, "job": job.number}
        if prospect:
            text = _("%(name)s is now a customer, and %(text)s") % {
                "name": job.customer.display_name,
                "text": text,
            }
        return Done(reverse("admin:powdercoat_job_change", args=[job.pk]), text)

    @action(
        description=_("Make customer"),
        url_path="make-customer",
        icon="person_add",
        permissions=["make_customer"],
        dialog={
            "title": _("Turn the prospect into a customer"),
            "description": _(
                "A customer is made from the prospect's details (or the customer with the same "
                "email is used) and the quote is put in their name."
            ),
            "form_class": MakeCustomerForm,
            "form_submit_text": _("Make customer"),
        },
    )
    @applied_once
    def make_customer(self, request, form, object_id):
        """Create (or find) the customer and put the quote in their name."""
        quote = self._quote(request, object_id)
        customer = quote_services.quote_prospect_to_customer(quote=quote, user=request.user)
        return Done(
            self._change_url(quote),
            _("%(number)s is now for the customer %(customer)s.")
            % {"number": quote.number, "customer": customer.display_name},
        )

    @action(
        description=_("Download PDF"),
        url_path="download-pdf",
        icon="picture_as_pdf",
        permissions=["download_pdf"],
        attrs={"target": "_blank"},
    )
    def download_pdf(self, request, object_id):
        """Open the quote's PDF (a plain link; the PDF has an address of its own)."""
        return redirect(reverse("admin:powdercoat_quote_pdf", args=[object_id]))

    def pdf_view(self, request, object_id):
        """The quote as a PDF, shown in the browser."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        quote = get_quote_or_404(object_id)
        return pdf_response(
            quote_services.quote_pdf(quote=quote), quote_services.quote_pdf_filename(quote)
        )
