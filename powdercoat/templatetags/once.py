"""The `{% submission_key %}` tag: a hidden one-time key for a hand-written form that writes."""

from django import template
from django.utils.html import format_html

from powdercoat.services.submissions import submission_key_issue

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_key(context) -> str:
    """A hidden input with a fresh key for the person looking at the page (put next to the
    CSRF token of every form that writes; the view applies the form once per key)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return format_html(
        '<input type="hidden" name="submission_key" value="{}">',
        submission_key_issue(user=user if user is not None and user.is_authenticated else None),
    )
