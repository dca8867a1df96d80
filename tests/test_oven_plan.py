"""The oven planner, checked against plans worked out by hand (SPEC O1)."""

from datetime import date
from decimal import Decimal

import pytest

from powdercoat.oven_plan import (
    MOST_CYCLES,
    UNKNOWN,
    WHITES,
    OvenItem,
    OvenJob,
    OvenPlanError,
    OvenPowder,
    OvenSpec,
    plan_cycles,
    plan_oven,
    powder_shade,
)

D = Decimal
OVEN = OvenSpec(1, "Big oven", D("100"))

WHITE = OvenPowder(1, "Signal White", "#F4F4F4", cure_temperature_f=400, cure_minutes=10)
BLACK = OvenPowder(2, "Gloss Black", "#111111", cure_temperature_f=400, cure_minutes=10)
# The same black from another maker, cured lower and longer: its own batch.
LOW_BLACK = OvenPowder(3, "Low-cure Black", "#151515", cure_temperature_f=325, cure_minutes=20)
YELLOW = OvenPowder(4, "Safety Yellow", "#F5C400", cure_temperature_f=400, cure_minutes=10)
CLEAR = OvenPowder(5, "Super Clear", "", is_clear=True, cure_temperature_f=400, cure_minutes=20)
NO_CURE = OvenPowder(6, "Mystery Bronze", "#8C6A3F")


def job(number: int, *powders: OvenPowder, area="10", quantity=1, **flags) -> OvenJob:
    """A job with one item in `powders` (coat order), `quantity` parts of `area` sq ft each."""
    item = OvenItem(f"Part {number}", quantity, D(area), tuple(powders))
    return OvenJob(number, f"JOB-{number:04d}", "Customer", "coating", (item,), **flags)


def labels(batches) -> list[str]:
    """The batches' powders, in plan order."""
    return [batch.powder.label for batch in batches]


def numbers(batch) -> list[str]:
    """The batch's jobs, in the order they are listed."""
    return [share.job.number for share in batch.jobs]


def test_five_jobs_two_colours_two_schedules_make_three_batches_light_to_dark():
    """White, and black at two cure schedules: three batches, white first, then the blacks."""
    jobs = [
        job(1, BLACK),
        job(2, WHITE),
        job(3, LOW_BLACK),
        job(4, BLACK),
        job(5, WHITE),
    ]
    batches = plan_oven(jobs)
    assert labels(batches) == ["Signal White", "Low-cure Black", "Gloss Black"]
    assert numbers(batches[0]) == ["JOB-0002", "JOB-0005"]
    assert numbers(batches[2]) == ["JOB-0001", "JOB-0004"]
    assert [batch.label for batch in batches] == [
        "Signal White · 400 °F 10 min",
        "Low-cure Black · 325 °F 20 min",
        "Gloss Black · 400 °F 10 min",
    ]
    # The white and the 400 °F black share a cycle; the low-cure black cannot.
    assert plan_cycles(batches, (OVEN,)).cycle_numbers_of() == {1: (1,), 2: (1,), 3: (2,)}


def test_a_rush_jobs_batch_comes_first_even_when_dark():
    """Rush beats light-to-dark: the black batch holding a Rush job is sprayed first."""
    batches = plan_oven([job(1, WHITE), job(2, YELLOW), job(3, BLACK, is_rush=True)])
    assert labels(batches) == ["Gloss Black", "Signal White", "Safety Yellow"]
    assert batches[0].has_rush
    assert batches[0].is_pressing
    assert not batches[1].is_pressing


def test_an_overdue_jobs_batch_comes_first_and_its_job_leads_the_batch():
    """An overdue job pulls its batch forward and goes first inside it."""
    batches = plan_oven(
        [
            job(1, WHITE),
            job(2, BLACK),
            job(3, BLACK, is_overdue=True, due_date=date(2026, 11, 1)),
        ],
    )
    assert labels(batches) == ["Gloss Black", "Signal White"]
    assert numbers(batches[0]) == ["JOB-0003", "JOB-0002"]
    assert batches[0].has_overdue
    assert not batches[0].has_rush


def test_clear_coat_goes_last_even_after_black():
    """A clear coat is sprayed after every colour, however light it would sort."""
    batches = plan_oven([job(1, BLACK, CLEAR), job(2, WHITE), job(3, YELLOW)])
    # Whites open, colours follow, blacks close, and the clear comes after all of them.
    assert labels(batches) == ["Signal White", "Safety Yellow", "Gloss Black", "Super Clear"]


def test_a_rush_clear_still_waits_for_every_colour():
    """A clear holding a Rush job is still sprayed after the colours: another job in that clear
    batch may have its colour in a batch without Rush, and clear never goes under colour."""
    batches = plan_oven([job(1, WHITE, CLEAR, is_rush=True), job(2, BLACK, CLEAR)])
    assert labels(batches) == ["Signal White", "Gloss Black", "Super Clear"]


def test_primer_goes_first_and_clear_last():
    """Primer under the colour, clear over it: primer batch first, clear batch last."""
    primer = OvenPowder(15, "Zinc Primer", "#7D7F7D", is_primer=True)
    batches = plan_oven([job(1, primer, BLACK, CLEAR), job(2, WHITE)])
    assert labels(batches) == ["Zinc Primer", "Signal White", "Gloss Black", "Super Clear"]


def test_a_job_with_two_powders_is_in_both_batches_and_says_so():
    """Black under clear: the job is in the black and the clear batch, each naming the other."""
    black, clear = plan_oven([job(1, BLACK, CLEAR, area="5", quantity=4)])
    assert black.jobs[0].other_batches == ("Super Clear · 400 °F 20 min",)
    assert clear.jobs[0].other_batches == ("Gloss Black · 400 °F 10 min",)
    assert black.area_sqft == clear.area_sqft == D("20")
    assert black.parts == 4


def test_powder_without_cure_data_is_marked_missing():
    """A powder with no cure temperature or time gets a batch that says its schedule is missing."""
    (batch,) = plan_oven([job(1, NO_CURE)])
    assert batch.cure_missing
    assert batch.label == "Mystery Bronze · cure schedule missing"


def test_pounds_use_the_shared_powder_maths_per_coat():
    """12 parts of 2.5 sq ft at 30 sq ft/lb and 65 %: 30 / 19.5 = 1.54, rounded up to 1.6 lb a
    coat; two jobs add their coats (3.2 lb); more than the 3 lb on hand is short."""
    powder = OvenPowder(
        7, "Black", "#000000", on_hand_lbs=D("3"), cure_temperature_f=400, cure_minutes=10
    )
    (batch,) = plan_oven(
        [job(1, powder, area="2.5", quantity=12), job(2, powder, area="2.5", quantity=12)],
    )
    assert batch.powder_lbs == D("3.2")
    assert batch.is_short


def test_two_coats_of_one_powder_count_the_parts_once_and_the_powder_twice():
    """Two black coats on one item: the oven holds the parts once, the gun sprays twice."""
    (batch,) = plan_oven([job(1, BLACK, BLACK, area="2.5", quantity=12)])
    assert batch.area_sqft == D("30")
    assert batch.parts == 12
    assert batch.powder_lbs == D("3.2")


def test_powders_without_swatch_go_by_colour_word_then_name():
    """No swatch: "Pearl White" sorts as a white, a name with no colour word goes last by name."""
    pearl = OvenPowder(8, "Pearl White", "", cure_temperature_f=400, cure_minutes=10)
    zebra = OvenPowder(9, "Zebra Special", "", cure_temperature_f=400, cure_minutes=10)
    aqua = OvenPowder(10, "Aardvark Special", "", cure_temperature_f=400, cure_minutes=10)
    batches = plan_oven([job(1, zebra), job(2, BLACK), job(3, pearl), job(4, aqua)])
    assert labels(batches) == ["Pearl White", "Gloss Black", "Aardvark Special", "Zebra Special"]
    assert powder_shade(zebra).family == UNKNOWN
    assert powder_shade(pearl).family == WHITES


def test_families_are_kept_together_light_to_dark():
    """Two reds and two greys: each family sprayed together, light to dark inside it."""
    pink = OvenPowder(11, "Soft Red", "#F08080", cure_temperature_f=400, cure_minutes=10)
    wine = OvenPowder(12, "Wine Red", "#7B1020", cure_temperature_f=400, cure_minutes=10)
    silver = OvenPowder(13, "Silver", "#C0C0C0", cure_temperature_f=400, cure_minutes=10)
    graphite = OvenPowder(14, "Graphite", "#383838", cure_temperature_f=400, cure_minutes=10)
    batches = plan_oven([job(1, wine), job(2, graphite), job(3, pink), job(4, silver)])
    assert labels(batches) == ["Silver", "Graphite", "Soft Red", "Wine Red"]


def test_no_jobs_no_batches():
    """An empty floor plans nothing."""
    assert plan_oven([]) == []


# -- oven cycles ---------------------------------------------------------------------------------


def cycles_of(jobs, *ovens: OvenSpec):
    """The cycles the plan makes for `jobs` in `ovens` (the 100 sq ft oven by default)."""
    return plan_cycles(plan_oven(jobs), ovens or (OVEN,))


def contents(cycle) -> list[tuple[str, str, int]]:
    """What hangs in a cycle: (powder, job, parts) in loading order."""
    return [(load.powder.label, load.job.number, load.parts) for load in cycle.loads]


def test_batches_sharing_a_cure_schedule_share_one_cycle():
    """White (40 sq ft) and the 400 °F black (50 sq ft) fit one 100 sq ft cycle together; the
    325 °F black gets its own: three batches, two cycles."""
    plan = cycles_of(
        [
            job(1, WHITE, area="4", quantity=10),
            job(2, BLACK, area="5", quantity=10),
            job(3, LOW_BLACK, area="5", quantity=2),
        ]
    )
    first, second = plan.cycles
    assert contents(first) == [("Signal White", "JOB-0001", 10), ("Gloss Black", "JOB-0002", 10)]
    assert (first.schedule.label, first.used, first.load_percent) == ("400 °F 10 min", D("90"), 90)
    assert contents(second) == [("Low-cure Black", "JOB-0003", 2)]
    assert plan.cycle_numbers_of() == {1: (1,), 2: (1,), 3: (2,)}
    assert plan.cycle_mates_of() == {1: ("Gloss Black",), 2: ("Signal White",)}
    assert plan.parts_left_out == 0


def test_a_batch_larger_than_the_oven_is_split_part_by_part():
    """250 sq ft in a 100 sq ft oven: job 1's six 25 sq ft rails go four and two, and job 2's
    ten 10 sq ft panels fill the second cycle with five and the third with five."""
    plan = cycles_of([job(1, BLACK, area="25", quantity=6), job(2, BLACK, area="10", quantity=10)])
    assert [contents(cycle) for cycle in plan.cycles] == [
        [("Gloss Black", "JOB-0001", 4)],
        [("Gloss Black", "JOB-0001", 2), ("Gloss Black", "JOB-0002", 5)],
        [("Gloss Black", "JOB-0002", 5)],
    ]
    assert [cycle.used for cycle in plan.cycles] == [D("100"), D("100"), D("50")]


def test_rush_parts_go_in_the_first_cycle():
    """A Rush job's black goes first and its parts take the first cycle ahead of the white."""
    plan = cycles_of(
        [job(1, WHITE, area="10", quantity=10), job(2, BLACK, area="10", quantity=5, is_rush=True)]
    )
    assert contents(plan.cycles[0]) == [
        ("Gloss Black", "JOB-0002", 5),
        ("Signal White", "JOB-0001", 5),
    ]
    assert contents(plan.cycles[1]) == [("Signal White", "JOB-0001", 5)]


def test_a_new_cycle_goes_to_the_oven_free_soonest():
    """Two ovens: cycle 1 in the first (equal, lower position), cycle 2 in the idle second,
    cycle 3 back in the first; the batch oven counts rack positions, one part each."""
    rack = OvenSpec(2, "Batch oven", D("4"), counts_parts=True)
    plan = cycles_of([job(1, BLACK, area="1", quantity=110)], OvenSpec(1, "Big", D("100")), rack)
    assert [(cycle.oven.name, cycle.parts) for cycle in plan.cycles] == [
        ("Big", 100),
        ("Batch oven", 4),
        ("Big", 6),
    ]
    assert plan.cycles[1].used == D("4")
    assert plan.cycles[1].load_percent == 100
    assert plan.oven_totals() == [(OvenSpec(1, "Big", D("100")), 2, 20), (rack, 1, 10)]


def test_the_oven_free_soonest_counts_cure_minutes():
    """After a 20-minute clear cycle in the first oven and a 10-minute black one in the second,
    the next black cycle goes to the second oven, which is free sooner."""
    first, second = OvenSpec(1, "A", D("10")), OvenSpec(2, "B", D("10"))
    plan = cycles_of(
        [job(1, BLACK, area="10", quantity=2), job(2, CLEAR, area="10", quantity=1)],
        first,
        second,
    )
    assert [(cycle.oven.name, cycle.schedule.minutes) for cycle in plan.cycles] == [
        ("A", 10),
        ("B", 10),
        ("A", 20),
    ]


def test_a_part_larger_than_one_oven_goes_to_one_it_fits():
    """A 150 sq ft gate skips the 100 sq ft oven for the 200 sq ft one."""
    big = OvenSpec(2, "Walk-in", D("200"))
    plan = cycles_of([job(1, BLACK, area="150", quantity=1)], OVEN, big)
    (cycle,) = plan.cycles
    assert cycle.oven == big
    assert not cycle.is_over


def test_a_part_larger_than_every_oven_hangs_alone_and_is_flagged():
    """Two 150 sq ft gates and a bracket in a 100 sq ft oven: each gate alone, over capacity;
    the bracket in a cycle of its own after them."""
    plan = cycles_of([job(1, BLACK, area="150", quantity=2), job(2, BLACK, area="1", quantity=1)])
    assert [contents(cycle) for cycle in plan.cycles] == [
        [("Gloss Black", "JOB-0001", 1)],
        [("Gloss Black", "JOB-0001", 1)],
        [("Gloss Black", "JOB-0002", 1)],
    ]
    assert [cycle.is_over for cycle in plan.cycles] == [True, True, False]
    assert plan.cycles[0].load_percent == 150


def test_powders_without_a_cure_schedule_share_no_cycle():
    """Two powders with no cure data: one cycle each, even with room left."""
    bronze = OvenPowder(20, "Mystery Bronze", "#8C6A3F")
    copper = OvenPowder(21, "Mystery Copper", "#B87333")
    plan = cycles_of([job(1, bronze), job(2, copper)])
    assert len(plan.cycles) == 2
    assert all(cycle.schedule is None for cycle in plan.cycles)


def test_a_typing_slip_of_a_million_parts_stops_at_the_cycle_limit():
    """A million 10 sq ft parts would take 100,000 cycles: the plan lists 200 and counts the
    parts it left out, and returns at once."""
    plan = cycles_of([job(1, BLACK, area="10", quantity=1_000_000)])
    assert len(plan.cycles) == MOST_CYCLES == 200
    assert plan.parts_left_out == 1_000_000 - 200 * 10


def test_no_oven_in_use_is_refused_in_words():
    """Every oven down: the plan says where to set one up, not a crash."""
    with pytest.raises(OvenPlanError, match="No oven is in use"):
        plan_cycles(plan_oven([job(1, BLACK)]), ())


@pytest.mark.parametrize("capacity", [D("0"), D("-5"), D("NaN")])
def test_a_capacity_that_is_not_positive_is_refused_in_words(capacity):
    """No oven holds 0 sq ft: the plan refuses with a message, not a division by zero."""
    with pytest.raises(OvenPlanError, match="Oven Big oven's capacity per cycle must be more"):
        plan_cycles(plan_oven([job(1, BLACK)]), (OvenSpec(1, "Big oven", capacity),))


def test_a_primer_and_its_colour_on_the_same_parts_never_share_a_cycle():
    """Primer then black on one rail (same cure): two cycles, one after the other, even with
    room; another job's white still joins the primer's cycle."""
    primer = OvenPowder(
        22, "Zinc Primer", "#9E9E9E", is_primer=True, cure_temperature_f=400, cure_minutes=10
    )
    plan = cycles_of([job(1, primer, BLACK, area="10", quantity=2), job(2, WHITE, area="10")])
    assert [contents(cycle) for cycle in plan.cycles] == [
        [("Zinc Primer", "JOB-0001", 2), ("Signal White", "JOB-0002", 1)],
        [("Gloss Black", "JOB-0001", 2)],
    ]


def test_a_clear_cures_after_its_colour_even_when_an_earlier_cycle_has_room():
    """White opens a 400 °F cycle; a rail in low-cure black then clear (400 °F): the clear
    would fit in the white's cycle, but that cures before the black's, so it gets a third."""
    clear = OvenPowder(
        23, "Gloss Clear", "", is_clear=True, cure_temperature_f=400, cure_minutes=10
    )
    plan = cycles_of([job(1, LOW_BLACK, clear, area="5"), job(2, WHITE, area="5")])
    assert [contents(cycle) for cycle in plan.cycles] == [
        [("Signal White", "JOB-0002", 1)],
        [("Low-cure Black", "JOB-0001", 1)],
        [("Gloss Clear", "JOB-0001", 1)],
    ]
