"""Document numbers: JOB-YYMM-####, per month, in the shop's time zone, never reused (SPEC J1)."""

from datetime import UTC, datetime

import pytest

from powdercoat.models import Job, NumberSequence
from powdercoat.services.numbering import number_format, number_next, number_period
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_format_pads_to_four_digits_and_grows_a_fifth():
    """0042 is padded; after 9999 comes 10000."""
    assert number_format(prefix="JOB", period="2503", value=42) == "JOB-2503-0042"
    assert number_format(prefix="JOB", period="2503", value=10000) == "JOB-2503-10000"


def test_numbers_are_consecutive_within_a_month(company):
    """Three jobs made in one month get 0001, 0002, 0003."""
    numbers = [JobFactory().number for _ in range(3)]
    assert [number[-4:] for number in numbers] == ["0001", "0002", "0003"]
    assert len({number[:8] for number in numbers}) == 1


def test_each_month_starts_again_at_one(company):
    """A new month has its own sequence."""
    assert (
        number_next(prefix="JOB", moment=datetime(2026, 1, 15, 12, tzinfo=UTC)) == "JOB-2601-0001"
    )
    assert (
        number_next(prefix="JOB", moment=datetime(2026, 1, 20, 12, tzinfo=UTC)) == "JOB-2601-0002"
    )
    assert number_next(prefix="JOB", moment=datetime(2026, 2, 1, 12, tzinfo=UTC)) == "JOB-2602-0001"


def test_month_is_taken_in_the_shops_time_zone(company):
    """03:00 UTC on 1 March is still February in Chicago."""
    company.time_zone = "America/Chicago"
    company.save()
    assert number_period(datetime(2026, 3, 1, 3, tzinfo=UTC)) == "2602"
    company.time_zone = "Europe/Berlin"
    company.save()
    assert number_period(datetime(2026, 3, 1, 3, tzinfo=UTC)) == "2603"


def test_a_deleted_jobs_number_is_not_handed_out_again(company):
    """Deleting the newest job does not free its number."""
    first = JobFactory()
    number = first.number
    Job.objects.filter(pk=first.pk).delete()
    assert JobFactory().number != number


def test_prefixes_have_separate_counters(company):
    """Quotes and jobs count independently."""
    moment = datetime(2026, 5, 5, 12, tzinfo=UTC)
    assert number_next(prefix="JOB", moment=moment) == "JOB-2605-0001"
    assert number_next(prefix="QUO", moment=moment) == "QUO-2605-0001"
    assert NumberSequence.objects.count() == 2
