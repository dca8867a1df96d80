"""The quote's forms: the page's own form and the dialogs of its buttons (SPEC Q)."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldBooleanWidget

from powdercoat import badges
from powdercoat.admin.forms import SeenStatusDialogForm
from powdercoat.models import Quote
from powdercoat.models.choices import QuoteStatus

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
