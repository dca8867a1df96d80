"""Quotes in the admin: the list, the quote page with its items and price, and its buttons (Q)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RangeDateFilter,
)
from unfold.decorators import action, display
from unfold.enums import ActionVariant
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldBooleanWidget

from admin_views.views.wizard import ItemWizardAdminMixin
from powdercoat import badges
from powdercoat.admin.forms import SeenStatusDialogForm
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.items import items_table
from powdercoat.admin.once import AppliedOnceAddMixin, Done, applied_once
from powdercoat.admin.spreadsheets import SpreadsheetExportMixin
from powdercoat.models import Quote
from powdercoat.models.choices import EmailOutcome, QuoteStatus
from powdercoat.resources import QuoteExportResource
from powdercoat.services import quotes as quote_services

# Fields that make up the price the customer was shown: fixed once the quote leaves Draft.
PRICE_FIELDS = ("customer", "discount_percent", "rush_surcharge_percent")

# Fields a person types; a converted quote keeps them as they were when it became a job.
EDITABLE_FIELDS = (
    *PRICE_FIELDS,
    "prospect_name",
    "prospect_company",
    "prospect_email",
    "prospect_phone",
    "description",
    "quote_date",
    "valid_until",
    "notes",
    "special_instructions",
)


def get_quote_or_404(object_id) -> Quote:
    """The quote an admin address names; a missing or malformed id is a 404, never a crash."""
    try:
        return get_object_or_404(Quote.objects.select_related("customer", "job"), pk=object_id)
    except (ValueError, ValidationError) as error:
        raise Http404("No such quote.") from error


# The email log table: left-aligned columns with room between them.
_EMAIL_CELL = '<td style="text-align: left; padding: 2px 24px 2px 0">{}</td>'
_EMAIL_HEADER = '<th style="text-align: left; padding: 2px 24px 2px 0">{}</th>'


def _when(moment) -> str:
    """A moment as the lists write it, in the shop's time zone: "Nov 26, 2026 14:05"."""
    local = timezone.localtime(moment)
    return f"{badges.date_label(local.date())} {local:%H:%M}"


def _outcome(log):
    """Sent, Queued (with its next try after a failed one) or Failed, in words (failed in red)."""
    label = log.get_outcome_display()
    if log.outcome == EmailOutcome.FAILED:
        return format_html('<span class="pc-overdue">✗ {}</span>', label)
    if log.outcome == EmailOutcome.QUEUED:
        if log.attempts and log.next_attempt_at:
            return _("⧗ %(label)s: try %(tries)s failed, trying again %(when)s") % {
                "label": label,
                "tries": log.attempts,
                "when": _when(log.next_attempt_at),
            }
        return f"⧗ {label}"
    return f"✓ {label}"


# -- dialogs ---------------------------------------------------------------------------------


class QuoteDialogForm(SeenStatusDialogForm):
    """A confirmation, plus the status the person saw when the dialog opened."""

    form_before_template = "admin/powdercoat/quote/dialog_before.html"
    status_choices = QuoteStatus
    moved_verb = _("changed to")
    target: QuoteStatus | None = None

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.quote = get_quote_or_404(object_id)
        self.watch(self.quote)

    def get_before_template_context(self, request, object_id=None):
        """The quote and the move, shown above the fields."""
        moves = self.target is not None and self.target != self.quote.status
        return {
            "form": self,
            "quote": self.quote,
            "target": self.target,
            "status_badge": badges.quote_status_badge(self.quote.status),
            "target_badge": badges.quote_status_badge(self.target) if moves else "",
        }


class NoteDialogForm(QuoteDialogForm):
    """A move with a short note that is kept in the quote's history."""

    note_label = _("Note (optional, kept in the history)")
    note_required = False

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=90,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.fields["note"].label = self.note_label
        self.fields["note"].required = self.note_required


class SendQuoteForm(QuoteDialogForm):
    target = QuoteStatus.SENT


class ApproveQuoteForm(NoteDialogForm):
    target = QuoteStatus.APPROVED


class RejectQuoteForm(NoteDialogForm):
    target = QuoteStatus.REJECTED
    note_label = _("Reason (kept in the history)")
    note_required = True


class ReviseQuoteForm(NoteDialogForm):
    target = QuoteStatus.DRAFT


class ConvertQuoteForm(QuoteDialogForm):
    """Confirms the conversion; a prospect's quote offers to make the customer first."""

    target = QuoteStatus.CONVERTED

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        if self.quote.customer_id is None:
            self.fields["make_customer"] = forms.BooleanField(
                label=_("Make %(name)s a customer from the details below, then create the job")
                % {"name": self.quote.recipient_name},
                error_messages={
                    "required": _(
                        "A job needs a customer: tick the box to make one from the "
                        "prospect's details."
                    )
                },
                widget=UnfoldBooleanWidget,
            )

    def clean(self):
        """Making the customer needs the right to add customers."""
        cleaned = super().clean()
        if "make_customer" in self.fields and not self.request.user.has_perm(
            "powdercoat.add_customer"
        ):
            raise forms.ValidationError(
                _("Your role may not add customers; ask the office to make the customer first.")
            )
        return cleaned

    def get_before_template_context(self, request, object_id=None):
        """The quote, and for a prospect the details the customer will be made from."""
        return {**super().get_before_template_context(request, object_id), "convert": True}


class MakeCustomerForm(QuoteDialogForm):
    pass


class QuoteForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)
        help_texts = {
            "discount_percent": _("Leave empty to use the customer's discount."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "discount_percent" in self.fields:
            self.fields["discount_percent"].required = False
            if self.instance.pk is None:
                self.fields["discount_percent"].initial = None

    def clean(self):
        """A quote is for a customer or a named prospect; its price is fixed outside Draft."""
        cleaned = super().clean()
        customer = cleaned.get("customer", self.instance.customer if self.instance.pk else None)
        prospect_name = (cleaned.get("prospect_name") or "").strip()
        if customer is None and not prospect_name and "prospect_name" in self.fields:
            self.add_error("prospect_name", _("Pick a customer, or give the prospect's name."))
        if self.instance.pk:
            status = (
                Quote.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
            )
            changed = [name for name in PRICE_FIELDS if name in self.changed_data]
            if status and status != QuoteStatus.DRAFT and changed:
                raise forms.ValidationError(
                    _(
                        "%(number)s is %(status)s now; revise it back to Draft to change its "
                        "customer, discount or rush fee."
                    )
                    % {"number": self.instance.number, "status": QuoteStatus(status).label}
                )
        return cleaned


# -- the quote admin -------------------------------------------------------------------------


@admin.register(Quote)
class QuoteAdmin(
    AppliedOnceAddMixin,
    SpreadsheetExportMixin,
    ItemWizardAdminMixin,
    ShopHistoryAdmin,
    ModelAdmin,
):
    # List.
    list_display = (
        "display_number",
        "display_recipient",
        "description",
        "display_status",
        "display_quote_date",
        "display_valid_until",
        "display_total",
    )
    list_display_links = ("display_number",)
    search_fields = (
        "number",
        "customer__company_name",
        "customer__contact_name",
        "customer__email",
        "prospect_name",
        "prospect_company",
        "prospect_email",
        "description",
    )
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("customer", AutocompleteSelectFilter),
        ("quote_date", RangeDateFilter),
    )
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    ordering = ("-quote_date", "-number")
    resource_classes = [QuoteExportResource]

    # Form.
    form = QuoteForm
    autocomplete_fields = ("customer",)
    readonly_fields = (
        "number",
        "display_status_field",
        "display_job",
        "display_items",
        "price_summary",
        "display_emails",
        "created_at",
        "created_by",
        "updated_at",
    )
    fieldsets = (
        (
            _("Details"),
            {
                "fields": (
                    ("number", "display_status_field"),
                    "display_job",
                    "customer",
                    ("prospect_name", "prospect_company"),
                    ("prospect_email", "prospect_phone"),
                    "description",
                    ("quote_date", "valid_until"),
                    "notes",
                    "special_instructions",
                ),
                "classes": ["tab"],
            },
        ),
        (_("Line items"), {"fields": ("display_items",), "classes": ["tab"]}),
        (
            _("Price"),
            {
                "fields": ("discount_percent", "rush_surcharge_percent", "price_summary"),
                "classes": ["tab"],
            },
        ),
        (_("Emails"), {"fields": ("display_emails",), "classes": ["tab"]}),
        (
            _("Record"),
            {"fields": (("created_at", "created_by"), "updated_at"), "classes": ["tab"]},
        ),
    )

    # No bulk actions: a quote is deleted from its own page, where the rule below applies.
    actions = None

    # Buttons on the quote page.
    actions_detail = (
        "send_quote",
        "approve_quote",
        "reject_quote",
        "revise_quote",
        "convert_quote",
        "make_customer",
        "download_pdf",
    )

    def get_urls(self):
        """The PDF address, ahead of the wizard's and the admin's own."""
        pdf = path(
            "<path:object_id>/pdf/",
            self.admin_site.admin_view(self.pdf_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_pdf",
        )
        return [pdf, *super().get_urls()]

    def get_queryset(self, request):
        """Customer joined: the list runs a fixed number of queries."""
        return super().get_queryset(request).select_related("customer")

    def changelist_view(self, request, extra_context=None):
        """Expire quotes past their date first, so the list never shows a stale status."""
        if self.has_view_or_change_permission(request):
            quote_services.quote_expire_overdue()
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        """Outside Draft the price is settled; a converted quote is kept as it was."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None or obj.status == QuoteStatus.DRAFT:
            return fields
        settled = EDITABLE_FIELDS if obj.status == QuoteStatus.CONVERTED else PRICE_FIELDS
        return fields + [name for name in settled if name not in fields]

    def has_delete_permission(self, request, obj=None):
        """A converted quote stays: its job links back to it."""
        if obj is not None and obj.status == QuoteStatus.CONVERTED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Create through numbering; edits never touch the status."""
        if change:
            quote_services.quote_update(quote=obj, user=request.user)
        else:
            quote_services.quote_create(quote=obj, user=request.user)

    # -- list columns -------------------------------------------------------------------------

    @display(description=_("quote"), ordering="number")
    def display_number(self, quote):
        """The quote number, the link to the quote page."""
        return format_html('<span class="pc-job-number">{}</span>', quote.number)

    @display(description=_("for"), ordering="customer__company_name")
    def display_recipient(self, quote):
        """The customer, or the prospect marked as such."""
        if quote.customer_id:
            return quote.customer.display_name
        return format_html(
            '{} <span class="text-base-500">({})</span>', quote.recipient_name, _("prospect")
        )

    @display(description=_("status"), ordering="status")
    def display_status(self, quote):
        """Status badge with its name."""
        return badges.quote_status_badge(quote.status)

    @display(description=_("date"), ordering="quote_date")
    def display_quote_date(self, quote):
        """The quote date, written like every other date in the lists."""
        return badges.date_label(quote.quote_date)

    @display(description=_("valid until"), ordering="valid_until")
    def display_valid_until(self, quote):
        """Valid-until date, marked in words once it has gone by unanswered."""
        text = badges.date_label(quote.valid_until)
        if quote.is_past_validity:
            return format_html('<span class="pc-overdue">⚠ {} · {}</span>', text, _("past due"))
        if quote.status == QuoteStatus.EXPIRED:
            return format_html('<span class="pc-overdue">{} · {}</span>', text, _("expired"))
        return text

    @display(description=_("total"), ordering="total")
    def display_total(self, quote):
        """The quote's total, tax included."""
        return badges.money_label(quote.total)

    # -- quote page fields --------------------------------------------------------------------

    @display(description=_("status"))
    def display_status_field(self, quote):
        """Status badge (a new quote starts as a Draft)."""
        return badges.quote_status_badge(quote.status if quote.pk else QuoteStatus.DRAFT)

    @display(description=_("job"))
    def display_job(self, quote):
        """The job this quote became, linked."""
        if not quote.job_id:
            return _("Not converted yet: an approved quote can become a job.")
        return format_html(
            '<a class="text-primary-600" href="{}">{}</a>',
            reverse("admin:powdercoat_job_change", args=[quote.job_id]),
            quote.job.number,
        )

    @display(description=_("line items"))
    def display_items(self, quote):
        """The items with their coats and prep sub-lines; changed through the item wizard."""
        return items_table(self, quote)

    @display(description=_("price"))
    def price_summary(self, quote):
        """Items total, discount, rush fee, tax and total, one line each."""
        if quote.pk is None:
            return _("Worked out from the items when the quote is saved.")
        percent = quote_services.percent_text
        rows = [(_("Items total"), badges.money_label(quote.subtotal))]
        if quote.discount_percent:
            rows.append(
                (
                    _("Discount %(p)s%%") % {"p": percent(quote.discount_percent)},
                    f"−{badges.money_label(quote.discount_amount)}",
                )
            )
        if quote.rush_surcharge_percent:
            rows.append(
                (
                    _("Rush fee %(p)s%%") % {"p": percent(quote.rush_surcharge_percent)},
                    badges.money_label(quote.rush_surcharge_amount),
                )
            )
        if quote_services.quote_is_tax_exempt(quote):
            tax_label = _("Tax (customer is tax exempt)")
        else:
            tax_label = _("Tax %(p)s%%") % {"p": percent(quote.tax_rate_percent)}
        rows.append((tax_label, badges.money_label(quote.tax_amount)))
        rows.append((_("Total"), badges.money_label(quote.total)))
        return format_html(
            '<table class="pc-price-lines">{}</table>',
            format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows),
        )

    @display(description=_("emails"))
    def display_emails(self, quote):
        """Every email of this quote: when, to whom, queued, sent, or failed and why."""
        if quote.pk is None:
            return "—"
        logs = list(quote.emails.for_display())
        if not logs:
            return _("No email sent yet.")
        rows = format_html_join(
            "",
            "<tr>" + _EMAIL_CELL * 4 + "</tr>",
            (
                (_when(log.created_at), log.to_address, _outcome(log), log.error or "—")
                for log in logs
            ),
        )
        return format_html(
            '<table data-testid="quote-emails"><thead><tr>'
            + _EMAIL_HEADER * 4
            + "</tr></thead><tbody>{}</tbody></table>",
            _("When"),
            _("To"),
            _("Outcome"),
            _("Reason"),
            rows,
        )

    # -- buttons ------------------------------------------------------------------------------

    def has_change_quote_permission(self, request, object_id=None):
        """Send, approve, reject and revise: whoever may change quotes."""
        return self.has_change_permission(request)

    def has_convert_permission(self, request, object_id=None):
        """Convert: change quotes and add jobs."""
        return self.has_change_permission(request) and request.user.has_perm("powdercoat.add_job")

    def has_make_customer_permission(self, request, object_id=None):
        """Make customer: change quotes and add customers."""
        return self.has_change_permission(request) and request.user.has_perm(
            "powdercoat.add_customer"
        )

    def has_download_pdf_permission(self, request, object_id=None):
        """The PDF: whoever may see quotes."""
        return self.has_view_permission(request)

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
        response = HttpResponse(
            quote_services.quote_pdf(quote=quote), content_type="application/pdf"
        )
        filename = quote_services.quote_pdf_filename(quote)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
