"""The oven plan: jobs ready to coat grouped into spray-and-cure batches, pure and database-free.

A batch is one powder (and so one cure schedule): the coater sprays that colour once. The
order keeps colour changes few (light to dark within a colour family, clear coats last) and
puts batches holding a Rush or overdue job first (SPEC O1). The batches' parts are then packed
into oven cycles: parts that share a cure schedule share a cycle, across batches, until the
oven is full, and each new cycle goes to the oven that is free soonest. The pages hand in
plain dataclasses (`OvenJob`, `OvenItem`, `OvenPowder`, `OvenSpec`) and get `OvenBatch`es
and `OvenCycle`s back.
"""

import colorsys
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from powdercoat import pricing

ZERO = Decimal("0")

# A swatch colour is only read from a plain #RRGGBB.
_HEX = re.compile(r"^#([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})$")

# Colour words a powder's name may carry when it has no swatch, with a typical shade, so
# "Signal White" without a swatch still goes before "Jet Black". Longest words are tried
# first ("silver" before "sil..."), and a name with none of them goes by its name alone.
_NAMED_SHADES = {
    "white": "#F4F4F4",
    "ivory": "#FFFFF0",
    "cream": "#FFFDD0",
    "almond": "#EFDECD",
    "beige": "#D8C8A8",
    "tan": "#D2B48C",
    "silver": "#C0C0C0",
    "grey": "#808080",
    "gray": "#808080",
    "charcoal": "#36454F",
    "black": "#111111",
    "yellow": "#F5C400",
    "gold": "#C9A227",
    "orange": "#F47C20",
    "red": "#B00020",
    "burgundy": "#800020",
    "pink": "#F4A7B9",
    "purple": "#6A0DAD",
    "violet": "#7F00FF",
    "blue": "#1F4E9C",
    "navy": "#1B2A4A",
    "teal": "#008080",
    "green": "#2E7D32",
    "olive": "#708238",
    "bronze": "#8C6A3F",
    "copper": "#B87333",
    "brown": "#5C4033",
}

# Colour families in the order their hue bands are named; a family's place in the plan comes
# from its lightest batch (see `_family_order`), not from this list.
# Greys are split by lightness so whites open the day and blacks close it, with the colours
# between them, instead of one "neutral" family running from white straight to black.
WHITES = "whites"
GREYS = "greys"
BLACKS = "blacks"
UNKNOWN = "unknown"
_WHITE_ABOVE = 0.85
_BLACK_BELOW = 0.2
_HUE_BANDS = (  # (upper bound of the hue in degrees, family)
    (15, "red"),
    (45, "orange"),
    (70, "yellow"),
    (170, "green"),
    (260, "blue"),
    (345, "purple"),
    (360, "red"),
)
# Below this saturation (or nearly black or white) a colour is a grey, whatever its hue.
_GREY_SATURATION = 0.15


class OvenPlanError(ValueError):
    """Input the plan cannot be made from (no oven, or a capacity that is not positive)."""


@dataclass(frozen=True)
class OvenPowder:
    """A powder as the plan needs it; rates already resolved against the shop's defaults."""

    pk: int
    label: str  # "Gloss Black (RAL 9005)"
    swatch_hex: str = ""
    is_clear: bool = False
    is_primer: bool = False
    cure_temperature_f: int | None = None
    cure_minutes: int | None = None
    on_hand_lbs: Decimal = ZERO
    coverage_sqft_per_lb: Decimal = Decimal("30")
    transfer_efficiency_percent: Decimal = Decimal("65")

    @property
    def swatch(self) -> str:
        """The swatch colour when it is a plain #RRGGBB (it goes into a style), else ""."""
        return self.swatch_hex if _HEX.match(self.swatch_hex or "") else ""

    @property
    def cure_schedule(self) -> "CureSchedule | None":
        """Temperature and time, or None when either is missing."""
        if not self.cure_temperature_f or not self.cure_minutes:
            return None
        return CureSchedule(self.cure_temperature_f, self.cure_minutes)


@dataclass(frozen=True)
class CureSchedule:
    """One oven setting: everything that shares it can cure in the same cycle."""

    temperature_f: int
    minutes: int

    @property
    def label(self) -> str:
        return f"{self.temperature_f} °F {self.minutes} min"


@dataclass(frozen=True)
class OvenItem:
    """A line item: its parts and their area, and its powders in coat order."""

    description: str
    quantity: int
    area_sqft_per_part: Decimal
    coats: tuple[OvenPowder, ...]


@dataclass(frozen=True)
class OvenJob:
    """A job ready to coat."""

    pk: int
    number: str
    customer: str
    status: str
    items: tuple[OvenItem, ...]
    is_rush: bool = False
    is_overdue: bool = False
    due_date: date | None = None

    @property
    def is_pressing(self) -> bool:
        """Rush or overdue: its batches go first."""
        return self.is_rush or self.is_overdue


def batch_label(powder: OvenPowder) -> str:
    """How a batch is named on the page and in the job's timeline:
    "Gloss Black (RAL 9005) · 400 °F 10 min"."""
    schedule = powder.cure_schedule
    return f"{powder.label} · {schedule.label if schedule else 'cure schedule missing'}"


@dataclass(frozen=True)
class Piece:
    """Parts of one item going into the oven together: they may be split between cycles."""

    description: str
    quantity: int
    area_sqft_per_part: Decimal
    item_number: int = 0  # the item's place in its job: the same parts in another coat


@dataclass(frozen=True)
class BatchJob:
    """One job's share of a batch: the parts coated in the batch's powder."""

    job: OvenJob
    parts: int
    area_sqft: Decimal
    descriptions: tuple[str, ...]
    # The other batches the job is in, by label: its parts come back for another colour.
    other_batches: tuple[str, ...] = ()
    pieces: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class OvenBatch:
    """One powder sprayed once and cured together."""

    powder: OvenPowder
    jobs: tuple[BatchJob, ...]
    area_sqft: Decimal
    powder_lbs: Decimal

    @property
    def label(self) -> str:
        return batch_label(self.powder)

    @property
    def schedule(self) -> CureSchedule | None:
        return self.powder.cure_schedule

    @property
    def cure_missing(self) -> bool:
        return self.schedule is None

    @property
    def parts(self) -> int:
        return sum(share.parts for share in self.jobs)

    @property
    def is_pressing(self) -> bool:
        """Holds a Rush or overdue job."""
        return any(share.job.is_pressing for share in self.jobs)

    @property
    def has_rush(self) -> bool:
        return any(share.job.is_rush for share in self.jobs)

    @property
    def has_overdue(self) -> bool:
        return any(share.job.is_overdue for share in self.jobs)

    @property
    def is_short(self) -> bool:
        """Needs more powder than is on the shelf."""
        return self.powder_lbs > self.powder.on_hand_lbs


@dataclass(frozen=True)
class Shade:
    """Where a powder sits among colours: its family and how light it is (0 black, 1 white)."""

    family: str
    lightness: float


def _rgb(hex_colour: str) -> tuple[float, float, float] | None:
    match = _HEX.match(hex_colour or "")
    if match is None:
        return None
    red, green, blue = (int(part, 16) / 255 for part in match.groups())
    return red, green, blue


def _named_hex(name: str) -> str:
    """A typical shade for the first colour word in `name`, or ""."""
    words = re.findall(r"[a-z]+", name.casefold())
    for word in words:
        if word in _NAMED_SHADES:
            return _NAMED_SHADES[word]
    return ""


def powder_shade(powder: OvenPowder) -> Shade:
    """The powder's colour family and lightness, from its swatch, else from a colour word in
    its name; a powder with neither is of an unknown family and goes by its name."""
    rgb = _rgb(powder.swatch_hex) or _rgb(_named_hex(powder.label))
    if rgb is None:
        return Shade(UNKNOWN, 0.0)
    red, green, blue = rgb
    # Perceived brightness (Rec. 601 luma): yellow reads lighter than a mid grey, as on the floor.
    lightness = 0.299 * red + 0.587 * green + 0.114 * blue
    hue, hls_lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < _GREY_SATURATION or hls_lightness < 0.08 or hls_lightness > 0.95:
        if lightness > _WHITE_ABOVE:
            return Shade(WHITES, lightness)
        return Shade(BLACKS if lightness < _BLACK_BELOW else GREYS, lightness)
    degrees = hue * 360
    family = next(name for bound, name in _HUE_BANDS if degrees < bound)
    return Shade(family, lightness)


def _family_order(powders: Iterable[OvenPowder]) -> dict[str, int]:
    """Families ranked by their lightest powder, lightest first (unknown last): the booth goes
    from light families to dark ones, and within a family from light to dark."""
    lightest: dict[str, float] = {}
    for powder in powders:
        shade = powder_shade(powder)
        if shade.family != UNKNOWN:
            lightest[shade.family] = max(lightest.get(shade.family, 0.0), shade.lightness)
    ranked = sorted(lightest, key=lambda family: (-lightest[family], family))
    order = {family: rank for rank, family in enumerate(ranked)}
    order[UNKNOWN] = len(order)
    return order


def _share_order(share: BatchJob) -> tuple:
    """Rush first, then overdue, then the soonest due date, then the job number."""
    job = share.job
    return (not job.is_rush, not job.is_overdue, job.due_date or date.max, job.number)


def plan_oven(jobs: Iterable[OvenJob]) -> list[OvenBatch]:
    """The batches for `jobs`, in the order to spray them.

    One batch per powder. A batch's area counts each item's parts once (area per part x
    quantity) however many coats of that powder it gets; its pounds are the powder needed for
    every such coat, each worked out by `pricing.powder_needed_lbs` as everywhere else.
    Order: primers first and clear coats last, as the coats go on; within each of those,
    batches holding a Rush or overdue job first, then by colour family and from light to dark
    (unknown colours by name after the known ones).
    """
    powders: dict[int, OvenPowder] = {}
    # (powder, job) -> [parts, area, lbs, pieces]
    shares: dict[int, dict[int, list]] = defaultdict(dict)
    jobs_by_pk: dict[int, OvenJob] = {}
    for job in jobs:
        jobs_by_pk[job.pk] = job
        for item_number, item in enumerate(job.items):
            seen_here: set[int] = set()
            for powder in item.coats:
                powders.setdefault(powder.pk, powder)
                share = shares[powder.pk].setdefault(job.pk, [0, ZERO, ZERO, []])
                share[2] += pricing.powder_needed_lbs(
                    area_sqft_per_part=item.area_sqft_per_part,
                    quantity=item.quantity,
                    coverage_sqft_per_lb=powder.coverage_sqft_per_lb,
                    transfer_efficiency_percent=powder.transfer_efficiency_percent,
                )
                if powder.pk in seen_here:  # a second coat of the same powder: same parts
                    continue
                seen_here.add(powder.pk)
                share[0] += item.quantity
                share[1] += item.area_sqft_per_part * item.quantity
                share[3].append(
                    Piece(item.description, item.quantity, item.area_sqft_per_part, item_number)
                )

    labels = {pk: batch_label(powder) for pk, powder in powders.items()}
    batches_of_job: dict[int, list[int]] = defaultdict(list)
    for powder_pk, by_job in shares.items():
        for job_pk in by_job:
            batches_of_job[job_pk].append(powder_pk)

    batches = []
    for powder_pk, by_job in shares.items():
        powder = powders[powder_pk]
        job_shares = sorted(
            (
                BatchJob(
                    job=jobs_by_pk[job_pk],
                    parts=parts,
                    area_sqft=area,
                    descriptions=tuple(piece.description for piece in pieces),
                    other_batches=tuple(
                        sorted(labels[pk] for pk in batches_of_job[job_pk] if pk != powder_pk)
                    ),
                    pieces=tuple(pieces),
                )
                for job_pk, (parts, area, _lbs, pieces) in by_job.items()
            ),
            key=_share_order,
        )
        batches.append(
            OvenBatch(
                powder=powder,
                jobs=tuple(job_shares),
                area_sqft=sum((share.area_sqft for share in job_shares), ZERO),
                powder_lbs=sum((lbs for _parts, _area, lbs, _d in by_job.values()), ZERO),
            )
        )

    families = _family_order(powders.values())

    def spray_order(batch: OvenBatch) -> tuple:
        shade = powder_shade(batch.powder)
        return (
            # Primers go under the colours and clears over them: sprayed first and last, even
            # before or after a Rush colour, so no job's clear is sprayed before its colour.
            2 if batch.powder.is_clear else 0 if batch.powder.is_primer else 1,
            not batch.is_pressing,
            families[shade.family],
            -shade.lightness,
            batch.powder.label.casefold(),
            batch.powder.pk,
        )

    return sorted(batches, key=spray_order)


# -- oven cycles --------------------------------------------------------------------------------


def capacity_label(capacity: Decimal, *, counts_parts: bool) -> str:
    """An oven's capacity per cycle as the pages write it: "120 sq ft", "24 rack positions"."""
    return f"{capacity.normalize():f} {'rack positions' if counts_parts else 'sq ft'}"


@dataclass(frozen=True)
class OvenSpec:
    """An oven as the plan needs it: what one cycle holds, by area or by rack position."""

    pk: int
    name: str
    capacity: Decimal
    counts_parts: bool = False  # rack positions, one part on each; else square feet

    @property
    def capacity_label(self) -> str:
        return capacity_label(self.capacity, counts_parts=self.counts_parts)

    def load_of(self, parts: int, area_sqft: Decimal) -> Decimal:
        """How much of a cycle `parts` with a total of `area_sqft` take, in the oven's unit."""
        return Decimal(parts) if self.counts_parts else area_sqft


@dataclass(frozen=True)
class CycleLoad:
    """One job's parts from one batch, hung in one cycle."""

    powder: OvenPowder
    job: OvenJob
    parts: int
    area_sqft: Decimal


@dataclass(frozen=True)
class OvenCycle:
    """One run of one oven at one cure schedule, with what hangs in it."""

    number: int
    oven: OvenSpec
    schedule: CureSchedule | None
    loads: tuple[CycleLoad, ...]

    @property
    def parts(self) -> int:
        return sum(load.parts for load in self.loads)

    @property
    def area_sqft(self) -> Decimal:
        return sum((load.area_sqft for load in self.loads), ZERO)

    @property
    def used(self) -> Decimal:
        """The load in the oven's own unit (sq ft, or rack positions)."""
        return self.oven.load_of(self.parts, self.area_sqft)

    @property
    def load_percent(self) -> int:
        return round(self.used / self.oven.capacity * 100)

    @property
    def is_over(self) -> bool:
        """A part larger than the oven's capacity: it was hung alone, and the shop must check."""
        return self.used > self.oven.capacity

    @property
    def powders(self) -> tuple[OvenPowder, ...]:
        """The batches that share the cycle, in the order they are sprayed."""
        return tuple({load.powder.pk: load.powder for load in self.loads}.values())

    @property
    def jobs(self) -> tuple[OvenJob, ...]:
        return tuple({load.job.pk: load.job for load in self.loads}.values())


@dataclass
class _OpenCycle:
    """A cycle being filled: loads keyed by (powder, job) so one job's items share a line."""

    number: int
    oven: OvenSpec
    schedule: CureSchedule | None
    loads: dict[tuple[int, int], list] = field(default_factory=dict)
    used: Decimal = ZERO

    def room_for(self, piece: Piece, *, must_follow: int = 0) -> int:
        """How many of the piece's parts still fit; none when the cycle does not come after
        cycle `must_follow`, where the same parts cure in an earlier coat."""
        if self.number <= must_follow:
            return 0
        per_part = self.oven.load_of(1, piece.area_sqft_per_part)
        if per_part <= 0:
            return piece.quantity
        return int((self.oven.capacity - self.used) // per_part)

    def hang(self, powder: OvenPowder, job: OvenJob, piece: Piece, parts: int) -> None:
        area = piece.area_sqft_per_part * parts
        load = self.loads.setdefault((powder.pk, job.pk), [powder, job, 0, ZERO])
        load[2] += parts
        load[3] += area
        self.used += self.oven.load_of(parts, area)

    def frozen(self) -> OvenCycle:
        return OvenCycle(
            number=self.number,
            oven=self.oven,
            schedule=self.schedule,
            loads=tuple(CycleLoad(*load) for load in self.loads.values()),
        )


# More cycles than any shop runs in a day: a plan this long comes from a typing slip (10,000
# parts instead of 10), and listing it would make a page nobody can use.
MOST_CYCLES = 200


@dataclass(frozen=True)
class CyclePlan:
    """The cycles, and the parts left out when the plan would run past `MOST_CYCLES`."""

    cycles: tuple[OvenCycle, ...]
    parts_left_out: int = 0

    def cycle_numbers_of(self) -> dict[int, tuple[int, ...]]:
        """For each batch's powder, the cycles its parts hang in."""
        numbers: dict[int, list[int]] = defaultdict(list)
        for cycle in self.cycles:
            for powder in cycle.powders:
                numbers[powder.pk].append(cycle.number)
        return {pk: tuple(found) for pk, found in numbers.items()}

    def cycle_mates_of(self) -> dict[int, tuple[str, ...]]:
        """For each batch's powder, the other batches that hang in one of its cycles, in
        spray order."""
        mates: dict[int, dict[int, str]] = defaultdict(dict)
        for cycle in self.cycles:
            for powder in cycle.powders:
                for other in cycle.powders:
                    if other.pk != powder.pk:
                        mates[powder.pk].setdefault(other.pk, other.label)
        return {pk: tuple(found.values()) for pk, found in mates.items()}

    def oven_totals(self) -> list[tuple[OvenSpec, int, int]]:
        """Each oven with cycles: how many, and their cure minutes added up."""
        totals: dict[OvenSpec, list[int]] = {}
        for cycle in self.cycles:
            total = totals.setdefault(cycle.oven, [0, 0])
            total[0] += 1
            total[1] += cycle.schedule.minutes if cycle.schedule else 0
        return [(oven, count, minutes) for oven, (count, minutes) in totals.items()]


def plan_cycles(batches: Iterable[OvenBatch], ovens: Iterable[OvenSpec]) -> CyclePlan:
    """The oven cycles that cure `batches` (in spray order), numbered in the order they open.

    Parts go in the batches' order and, within a batch, in its jobs' order (Rush and overdue
    first), item by item. A cycle takes parts of every batch with its cure schedule until the
    next part does not fit, or until the next parts are ones whose earlier coat (a primer
    under a colour, a colour under a clear) cures in that cycle or a later one; then a new
    cycle opens for that schedule. Parts of one item are split between cycles when they must be. A
    powder without a cure schedule shares a cycle with nothing. Each new cycle goes to the
    oven whose cycles so far add up to the fewest minutes (lower position first when equal),
    preferring an oven the next part fits in; a part larger than every oven hangs alone, and
    its cycle says it is over capacity. Past `MOST_CYCLES` the rest of the parts are counted,
    not planned.
    """
    ovens = tuple(ovens)
    if not ovens:
        raise OvenPlanError(
            "No oven is in use: add one, or switch one back on, under Settings → Ovens."
        )
    for oven in ovens:
        capacity = Decimal(oven.capacity)
        if not capacity.is_finite() or capacity <= 0:
            raise OvenPlanError(f"Oven {oven.name}'s capacity per cycle must be more than 0.")
    busy_minutes = {oven.pk: 0 for oven in ovens}
    opened: list[_OpenCycle] = []
    filling: dict[object, _OpenCycle] = {}  # cure schedule (or powder without one) -> cycle

    def open_cycle(key: object, schedule: CureSchedule | None, piece: Piece) -> _OpenCycle:
        def fits(oven: OvenSpec) -> bool:
            return oven.load_of(1, piece.area_sqft_per_part) <= oven.capacity

        oven = min(
            ovens,
            key=lambda oven: (not fits(oven), busy_minutes[oven.pk], ovens.index(oven)),
        )
        busy_minutes[oven.pk] += schedule.minutes if schedule else 0
        cycle = _OpenCycle(number=len(opened) + 1, oven=oven, schedule=schedule)
        opened.append(cycle)
        filling[key] = cycle
        return cycle

    # (job, item) -> {powder: last cycle its parts hang in}: a later coat of the same parts
    # (a primer's colour, a colour's clear) goes in a cycle after the earlier coat's.
    cured_in: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    left_out = 0
    for batch in batches:
        schedule = batch.schedule
        key: object = schedule if schedule is not None else ("no cure", batch.powder.pk)
        for share in batch.jobs:
            for piece in share.pieces:
                coats = cured_in[(share.job.pk, piece.item_number)]
                after = max(
                    (number for pk, number in coats.items() if pk != batch.powder.pk), default=0
                )
                left = piece.quantity
                while left > 0:
                    cycle = filling.get(key)
                    parts = min(left, cycle.room_for(piece, must_follow=after)) if cycle else 0
                    if parts <= 0 and (cycle is None or cycle.loads):
                        if len(opened) == MOST_CYCLES:
                            break
                        cycle = open_cycle(key, schedule, piece)
                        parts = min(left, cycle.room_for(piece))
                    assert cycle is not None
                    parts = max(parts, 1)  # larger than the oven: hung alone
                    cycle.hang(batch.powder, share.job, piece, parts)
                    coats[batch.powder.pk] = cycle.number
                    left -= parts
                left_out += left
    return CyclePlan(tuple(cycle.frozen() for cycle in opened), parts_left_out=left_out)
