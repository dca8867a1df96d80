"""Template tags for the shop's badges, usable on admin and shop-floor pages alike."""

from django import template

from powdercoat import badges, formatting

register = template.Library()


@register.simple_tag
def status_badge(status: str):
    """Render a job status badge."""
    return badges.status_badge(status)


@register.simple_tag
def priority_badge(priority: int):
    """Render a priority badge."""
    return badges.priority_badge(priority)


@register.filter
def money(amount):
    """An amount written as the shop writes money everywhere: $1,250.50 (empty: a dash)."""
    if amount is None or amount == "":
        return "—"
    return formatting.money_text(amount)


# The PDF renderer only breaks lines at spaces: a longer run of letters would run out of its
# cell and over its neighbour (a 90-letter company name over the document's title).
_LONGEST_UNBROKEN = 24


@register.filter
def breakable(text) -> str:
    """Text with a space put into every run of more than 24 letters, so a PDF can wrap it."""
    words = []
    for word in str(text or "").split(" "):
        while len(word) > _LONGEST_UNBROKEN:
            words.append(word[:_LONGEST_UNBROKEN])
            word = word[_LONGEST_UNBROKEN:]
        words.append(word)
    return " ".join(words)
