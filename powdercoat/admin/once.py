"""Admin forms that write: applied once per submission key, refusals and questions in the dialog.

Every unfold dialog that creates a record or moves money, stock or status builds on
`OnceDialogForm` (which carries a one-time key) and its action is wrapped in `applied_once`,
which runs the action's service inside `submission_once`. The action itself stays a few lines:
it calls one service and returns `Done(url, message)`. What goes wrong is handled here, once:

- a repeat of the same key answers like the first post ("Already recorded: ...");
- a service's refusal (`ValidationError`) comes back inside the open dialog, on the field it
  is about where it names one, with a summary at the top that names the fields;
- an unlikely figure (`ConfirmationNeeded`) comes back with the figures side by side and a
  "Yes, ..." tick box tied to the exact figure that was typed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from unfold.forms import BaseDialogForm
from unfold.widgets import UnfoldBooleanWidget

from powdercoat.admin.mixins import redirect_after_dialog
from powdercoat.models import Submission
from powdercoat.services.checks import ConfirmationNeeded
from powdercoat.services.submissions import (
    SubmissionRepeated,
    submission_find,
    submission_key_issue,
    submission_once,
)

KEY_FIELD = "submission_key"


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, else above the fields."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_summary(form: forms.BaseForm) -> list[tuple[str, str]]:
    """Every error of the form as (field label or "", message), in the order of the fields."""
    found = [("", str(message)) for message in form.errors.get(NON_FIELD_ERRORS, [])]
    for name in form.fields:
        label = "" if form[name].is_hidden else str(form[name].label)
        found += [(label, str(message)) for message in form.errors.get(name, [])]
    return found


class OnceFormMixin:
    """A form that carries a one-time submission key, issued when the form is shown."""

    def add_submission_key(self, user) -> None:
        """Add the hidden key field; a bound form keeps the key it was posted with."""
        self.fields[KEY_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields[KEY_FIELD].initial = submission_key_issue(user=user)

    @property
    def submission_key(self) -> str:
        return self.data.get(self.add_prefix(KEY_FIELD), "") if self.is_bound else ""


class ConfirmFormMixin:
    """A form whose service may ask "are you sure?" about one figure (`confirm_field`).

    Call `add_confirm_fields()` in `__init__`. When the service raises `ConfirmationNeeded`,
    `ask()` shows the question and a "Yes, ..." tick box; `confirmed` is true only when the
    box was ticked for exactly the figure now in the form, so changing the figure asks again.
    """

    confirm_field: str | None = None

    def add_confirm_fields(self) -> None:
        self.question: ConfirmationNeeded | None = None
        if not self.confirm_field:
            return
        self.fields["confirm_for"] = forms.CharField(required=False, widget=forms.HiddenInput)
        if self.is_bound and self.data.get(self.add_prefix("confirm_for")):
            self._add_confirm_box(label="")

    def _add_confirm_box(self, label: str) -> None:
        self.fields["confirm"] = forms.BooleanField(
            label=label,
            required=False,
            widget=UnfoldBooleanWidget(attrs={"data-pc-confirm": "1"}),
        )

    @property
    def confirmed(self) -> bool:
        """The box was ticked for exactly the figure now in the form (not one typed before)."""
        if not self.confirm_field or not self.cleaned_data.get("confirm"):
            return False
        typed = self.data.get(self.add_prefix(self.confirm_field), "")
        return typed.strip() == self.data.get(self.add_prefix("confirm_for"), "").strip()

    def ask(self, question: ConfirmationNeeded) -> None:
        """Show `question` with its figures, and an unticked "Yes, ..." box for this figure."""
        self.question = question
        data = self.data.copy()
        data[self.add_prefix("confirm_for")] = data.get(self.add_prefix(self.confirm_field), "")
        data.pop(self.add_prefix("confirm"), None)
        self.data = data
        self._add_confirm_box(label=question.prompt)


class OnceDialogForm(OnceFormMixin, ConfirmFormMixin, BaseDialogForm):
    """An unfold dialog that writes. Subclasses set `confirm_field` to the field whose value a
    "Yes, ..." confirmation is tied to (the amount), when their service may ask one."""

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.add_submission_key(request.user)
        self.add_confirm_fields()
        self.repeat: Submission | None = None

    def full_clean(self) -> None:
        """A post whose key was already applied is not validated again: the record it names
        may have moved on because of it ("moved since this window opened"), and the answer is
        the first one's anyway (`applied_once` gives it)."""
        if self.is_bound:
            self.repeat = submission_find(key=self.submission_key, user=self.request.user)
            if self.repeat is not None:
                self._errors = ErrorDict()
                self.cleaned_data = {}
                return
        super().full_clean()

    def render_before_template(self) -> str:
        """What the subclass shows above the fields, then the errors and any question."""
        notices = render_to_string(
            "admin/powdercoat/dialog_notices.html",
            {"form": self, "errors": error_summary(self) if self.is_bound else []},
        )
        # Both parts are rendered templates (their user text escaped there): joined as they are.
        return format_html("{}{}", super().render_before_template(), notices)


@dataclass
class Done:
    """How a dialog's work went: where to go next and what to say.

    `after` runs once the work has committed, for messages about what happens on commit (an
    email that was sent); repeats show `message` only.
    """

    url: str
    message: str
    level: int = messages.SUCCESS
    after: Callable[[], None] | None = None
    notes: list[tuple[int, str]] = field(default_factory=list)


def _object_url(model_admin, object_id) -> str:
    opts = model_admin.opts
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])


def _back_to_dialog(request, form, dialog: dict, url: str) -> HttpResponse:
    """The dialog again with what stopped it; without htmx, the messages on the page."""
    if request.htmx:
        return render(
            request,
            "unfold/helpers/dialog.html",
            {
                "dialog": dialog,
                "form": form,
                "form_submit_text": dialog.get("form_submit_text", ""),
            },
        )
    if form.question is not None:
        messages.warning(request, form.question.message)
    for label, text in error_summary(form):
        messages.error(request, f"{label}: {text}" if label else text)
    return redirect_after_dialog(request, url)


def applied_once(action: Callable) -> Callable:
    """Wrap an unfold dialog action (`def x(self, request, form, object_id) -> Done`).

    Put it under `@action(...)`. The action's work and the form's submission key are one
    transaction; see the module docstring for repeats, refusals and questions.
    """

    @wraps(action)
    def wrapper(model_admin, request, form, *args, **kwargs):
        object_id = kwargs.get("object_id", args[0] if args else None)
        dialog = getattr(model_admin, action.__name__).dialog
        fallback = _object_url(model_admin, object_id) if object_id is not None else ""
        if form.repeat is not None:
            messages.info(request, SubmissionRepeated(form.repeat).message)
            return redirect_after_dialog(request, form.repeat.answer_url or fallback)
        try:
            with submission_once(key=form.submission_key, user=request.user) as answer:
                done = action(model_admin, request, form, *args, **kwargs)
                answer(url=done.url, message=done.message)
        except SubmissionRepeated as repeat:
            messages.info(request, repeat.message)
            return redirect_after_dialog(request, repeat.url or fallback)
        except ConfirmationNeeded as question:
            form.ask(question)
            return _back_to_dialog(request, form, dialog, fallback)
        except ValidationError as error:
            add_service_error(form, error)
            return _back_to_dialog(request, form, dialog, fallback)
        except PermissionDenied as error:
            form.add_error(None, str(error) or "Your role does not allow that.")
            return _back_to_dialog(request, form, dialog, fallback)
        messages.add_message(request, done.level, done.message)
        for level, text in done.notes:
            messages.add_message(request, level, text)
        if done.after is not None:
            done.after()
        return redirect_after_dialog(request, done.url)

    return wrapper


class _NotApplied(Exception):
    """The page refused the form (its errors shown again): roll the key back with it."""

    def __init__(self, response: HttpResponse):
        super().__init__("form not applied")
        self.response = response


def response_applied_once(
    request,
    view: Callable[[], HttpResponse],
    outcome: Callable[[HttpResponse], tuple[str, str] | None],
    *,
    fallback_url: str,
) -> HttpResponse:
    """Run a whole page's POST (`view`) once per the form's submission key.

    For pages whose refusal is their own answer (the admin's add form shown again with its
    errors, an import with problems): `outcome(response)` says whether the work was done, as
    (url, message) for repeats to answer with, or None to roll the key back with everything.
    """
    key = request.POST.get(KEY_FIELD, "")
    # Before the form is validated: the repeat of a new item would fail on its own SKU.
    if (applied := submission_find(key=key, user=request.user)) is not None:
        messages.info(request, SubmissionRepeated(applied).message)
        return redirect(applied.answer_url or fallback_url)
    try:
        with submission_once(key=key, user=request.user) as answer:
            response = view()
            done = outcome(response)
            if done is None:
                raise _NotApplied(response)
            answer(url=done[0], message=done[1])
    except _NotApplied as refused:
        return refused.response
    except SubmissionRepeated as repeat:
        messages.info(request, repeat.message)
        return redirect(repeat.url or fallback_url)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(fallback_url)
    return response


class AppliedOnceAddMixin:
    """A ModelAdmin whose add form saves once per submission key (a new job, customer, stock
    receipt...): pressing Save twice, or a retry, answers like the first save.

    The key is put in the form by `admin/powdercoat/change_form.html`.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is not None:
            return super().changeform_view(request, object_id, form_url, extra_context)

        def added(_response):
            obj = request.__dict__.get("_pc_added_object")
            if obj is None:
                return None
            label = self.opts.verbose_name.capitalize()
            return _object_url(self, obj.pk), f"{label} “{obj}” was added."

        return response_applied_once(
            request,
            lambda: super(AppliedOnceAddMixin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
            added,
            fallback_url=request.get_full_path(),
        )

    def response_add(self, request, obj, post_url_continue=None):
        """Remember what was added (for the key's answer); then the admin's own response."""
        request.__dict__["_pc_added_object"] = obj
        return super().response_add(request, obj, post_url_continue)
