"""The security probe's own checks: what counts as a leaked secret on a page."""

from tests.security import probe


def test_a_money_figure_is_found_as_written_on_a_page():
    """11.75 is a leak in a price cell, after a dollar sign and at the end of a sentence."""
    for page in ("<td>11.75</td>", "costs $11.75", "unit cost 11.75."):
        assert probe.found_texts(page, ["11.75"]), page


def test_a_money_figure_is_not_found_inside_a_longer_number():
    """A timestamp's 08:43:11.750152 or 111.75 is another number, not the secret 11.75."""
    for page in ('<time datetime="2026-12-03T08:43:11.750152-06:00">', "111.75", "11.755"):
        assert probe.found_texts(page, ["11.75"]) == [], page


def test_a_word_secret_is_found_anywhere():
    """Contact details are found inside other text, as before."""
    assert probe.found_texts("mailto:owner@sentinel.example", ["owner@sentinel.example"])
