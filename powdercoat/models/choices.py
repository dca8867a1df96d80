"""Every fixed list of the domain (statuses, priorities, kinds) and the named groups beside them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerType(models.TextChoices):
    COMMERCIAL = "commercial", _("Commercial")
    RETAIL = "retail", _("Retail")


class OvenCapacityUnit(models.TextChoices):
    """How an oven's load is counted: by the surface of the parts, or by the hooks they take."""

    SQ_FT = "sqft", _("Square feet of part surface")
    RACK_POSITIONS = "positions", _("Rack positions (one part each)")


class WorkerRole(models.TextChoices):
    GENERAL_LABOR = "general_labor", _("General Labor")
    SANDBLASTER = "sandblaster", _("Sandblaster")
    MASKER = "masker", _("Masker")
    COATER = "coater", _("Coater")
    OVEN_OPERATOR = "oven_operator", _("Oven Operator")
    QUALITY_CONTROL = "quality_control", _("Quality Control")
    SUPERVISOR = "supervisor", _("Supervisor")


class InventoryCategory(models.TextChoices):
    POWDER = "powder", _("Powder")
    PRIMER = "primer", _("Primer")
    CLEAR = "clear", _("Clear")
    CONSUMABLE = "consumable", _("Consumable")
    SHOP_SUPPLY = "shop_supply", _("Shop Supply")


# Categories that go on a part as a coat and so carry colour, finish and coverage data.
COATING_CATEGORIES = (
    InventoryCategory.POWDER,
    InventoryCategory.PRIMER,
    InventoryCategory.CLEAR,
)


class InventoryUnit(models.TextChoices):
    POUND = "lb", _("lb")
    OUNCE = "oz", _("oz")
    EACH = "each", _("each")
    ROLL = "roll", _("roll")
    BOX = "box", _("box")
    GALLON = "gal", _("gallon")
    CAN = "can", _("can")


class Finish(models.TextChoices):
    GLOSS = "gloss", _("Gloss")
    SEMI_GLOSS = "semi_gloss", _("Semi-gloss")
    SATIN = "satin", _("Satin")
    MATTE = "matte", _("Matte")
    FLAT = "flat", _("Flat")
    TEXTURE = "texture", _("Texture")
    WRINKLE = "wrinkle", _("Wrinkle")
    HAMMERTONE = "hammertone", _("Hammertone")
    METALLIC = "metallic", _("Metallic")
    CANDY = "candy", _("Candy")
    CHROME = "chrome", _("Chrome")
    ILLUSION = "illusion", _("Illusion")
    TRANSLUCENT = "translucent", _("Translucent")


class ActivityKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    RECEIPT = "receipt", _("Receipt")
    USAGE = "usage", _("Usage")
    ADJUSTMENT = "adjustment", _("Adjustment")
    RETURN = "return", _("Return")


class PrepPricing(models.TextChoices):
    PER_SQFT = "per_sqft", _("Per sq ft")
    FLAT_PER_PART = "flat_per_part", _("Flat per part")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    QUOTED = "quoted", _("Quoted")
    APPROVED = "approved", _("Approved")
    IN_PREPARATION = "in_preparation", _("In Preparation")
    SANDBLASTING = "sandblasting", _("Sandblasting")
    MASKING = "masking", _("Masking / Taping")
    CLEANING = "cleaning", _("Cleaning")
    IN_OVEN = "in_oven", _("In Oven")
    COATING = "coating", _("Coating")
    CURING = "curing", _("Curing")
    QUALITY_CHECK = "quality_check", _("Quality Check")
    COMPLETED = "completed", _("Completed")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for Pickup")
    DELIVERED = "delivered", _("Delivered")
    ON_HOLD = "on_hold", _("On Hold")
    CANCELLED = "cancelled", _("Cancelled")


# The stages in shop order; Advance walks this list. On Hold and Cancelled sit outside it.
WORKFLOW = (
    JobStatus.PENDING,
    JobStatus.QUOTED,
    JobStatus.APPROVED,
    JobStatus.IN_PREPARATION,
    JobStatus.SANDBLASTING,
    JobStatus.MASKING,
    JobStatus.CLEANING,
    JobStatus.IN_OVEN,
    JobStatus.COATING,
    JobStatus.CURING,
    JobStatus.QUALITY_CHECK,
    JobStatus.COMPLETED,
    JobStatus.READY_FOR_PICKUP,
    JobStatus.DELIVERED,
)

# Prep stages that Advance skips when no line item of the job needs them.
PREP_STAGES = (JobStatus.SANDBLASTING, JobStatus.MASKING, JobStatus.CLEANING)

# Work still to do in the shop: these jobs need powder, people and oven time.
ACTIVE_STAGES = (*WORKFLOW[: WORKFLOW.index(JobStatus.COMPLETED)], JobStatus.ON_HOLD)

# What is physically in the shop being worked on (the jobs list opens on these).
ON_FLOOR_STAGES = (
    *WORKFLOW[WORKFLOW.index(JobStatus.APPROVED) : WORKFLOW.index(JobStatus.COMPLETED)],
    JobStatus.ON_HOLD,
)

# The stages a shop may put on its TV and phones (Company settings, "Shop floor stages"):
# everything up to Ready for Pickup, and On Hold. Delivered and Cancelled jobs have left.
FLOOR_STAGE_CHOICES = (
    *WORKFLOW[: WORKFLOW.index(JobStatus.DELIVERED)],
    JobStatus.ON_HOLD,
)

# The stages the oven plan may count as ready to coat (Company settings, "Oven plan stages"):
# Approved through Coating. An Approved job counts only when none of its items needs a prep
# stage (nothing to blast, mask or clean first).
OVEN_PLAN_STAGE_CHOICES = WORKFLOW[
    WORKFLOW.index(JobStatus.APPROVED) : WORKFLOW.index(JobStatus.CURING)
]
# Jobs ready to coat unless the shop says otherwise: being cleaned, warming in the oven or
# being sprayed, and Approved jobs with no prep to do.
OVEN_PLAN_STAGES = (
    JobStatus.APPROVED,
    JobStatus.CLEANING,
    JobStatus.IN_OVEN,
    JobStatus.COATING,
)

# Work is finished (or will never happen): such a job cannot be overdue.
CLOSED_STAGES = (
    JobStatus.COMPLETED,
    JobStatus.READY_FOR_PICKUP,
    JobStatus.DELIVERED,
    JobStatus.CANCELLED,
)

# A job is finished from its first move into one of these, and ready (for the on-time
# report) from its first move into the last two; Job.finished_at and Job.ready_at keep when.
FINISHED_STAGES = (JobStatus.COMPLETED, JobStatus.READY_FOR_PICKUP, JobStatus.DELIVERED)
READY_STAGES = (JobStatus.READY_FOR_PICKUP, JobStatus.DELIVERED)

# Everything not closed, named: `status IN (...)` is served by an index, `NOT IN` is not.
OPEN_STAGES = tuple(stage for stage in JobStatus if stage not in CLOSED_STAGES)

# Stage families give the badge colours (SPEC J4); the colours themselves live once, in
# powdercoat/static/powdercoat/badges.css, keyed by these family names.
STATUS_FAMILY = {
    JobStatus.PENDING: "intake",
    JobStatus.QUOTED: "intake",
    JobStatus.APPROVED: "intake",
    JobStatus.IN_PREPARATION: "prep",
    JobStatus.SANDBLASTING: "prep",
    JobStatus.MASKING: "prep",
    JobStatus.CLEANING: "prep",
    JobStatus.IN_OVEN: "coating",
    JobStatus.COATING: "coating",
    JobStatus.CURING: "coating",
    JobStatus.QUALITY_CHECK: "qc",
    JobStatus.COMPLETED: "done",
    JobStatus.READY_FOR_PICKUP: "done",
    JobStatus.DELIVERED: "done",
    JobStatus.ON_HOLD: "hold",
    JobStatus.CANCELLED: "cancelled",
}


class Priority(models.IntegerChoices):
    # Stored as numbers so that sorting by priority puts Rush first (descending).
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")
    RUSH = 5, _("Rush")


PRIORITY_TONE = {
    Priority.LOW: "low",
    Priority.NORMAL: "normal",
    Priority.HIGH: "high",
    Priority.URGENT: "urgent",
    Priority.RUSH: "rush",
}


class ItemKind(models.TextChoices):
    CATALOG = "catalog", _("Catalog")
    CALCULATED = "calculated", _("Calculated")
    FLAT_RATE = "flat_rate", _("Flat Rate")
    LABOR_ONLY = "labor_only", _("Labor Only")
    PHOTO_QUOTE = "photo_quote", _("Photo Quote")


class CoatLayer(models.TextChoices):
    PRIMER = "primer", _("Primer")
    BASE = "base", _("Base")
    MID = "mid", _("Mid-coat")
    CLEAR = "clear", _("Clear")


class Shape(models.TextChoices):
    """Shapes the photo estimator knows how to measure (SPEC L6)."""

    FLAT_PANEL = "flat_panel", _("Flat panel")
    BOX = "box", _("Box")
    CYLINDER = "cylinder", _("Cylinder")
    WHEEL = "wheel", _("Wheel")
    FRAME_TUBE = "frame_tube", _("Frame / tube")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    CONVERTED = "converted", _("Converted")


# Quotes still waiting for the customer's answer: these can expire.
OPEN_QUOTE_STATUSES = (QuoteStatus.DRAFT, QuoteStatus.SENT)

# Badge colours of quote statuses, reusing the families of badges.css.
QUOTE_STATUS_FAMILY = {
    QuoteStatus.DRAFT: "intake",
    QuoteStatus.SENT: "coating",
    QuoteStatus.APPROVED: "done",
    QuoteStatus.REJECTED: "cancelled",
    QuoteStatus.EXPIRED: "hold",
    QuoteStatus.CONVERTED: "qc",
}


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    PARTIALLY_PAID = "partially_paid", _("Partially Paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


# Invoices the customer still owes on (their balance counts toward the open balance).
UNPAID_INVOICE_STATUSES = (InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID)

INVOICE_STATUS_FAMILY = {
    InvoiceStatus.DRAFT: "intake",
    InvoiceStatus.SENT: "coating",
    InvoiceStatus.PARTIALLY_PAID: "prep",
    InvoiceStatus.PAID: "done",
    InvoiceStatus.VOID: "cancelled",
}


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CHECK = "check", _("Check")
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    OTHER = "other", _("Other")


class EmailOutcome(models.TextChoices):
    """Where an outbox email is: waiting for a (next) try, taken by the mail server, given up,
    or called back before its first try (an alert whose priority move was undone)."""

    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    RECALLED = "recalled", _("Recalled")


class PhotoKind(models.TextChoices):
    BEFORE = "before", _("Before")
    PROGRESS = "progress", _("Progress")
    AFTER = "after", _("After")
    QUALITY_CHECK = "quality_check", _("Quality Check")
    ISSUE = "issue", _("Issue")
    COMPLETED = "completed", _("Completed")


class ReworkKind(models.TextChoices):
    TOUCH_UP = "touch_up", _("Touch-up")
    RECOAT = "recoat", _("Recoat")
    STRIP_AND_RECOAT = "strip_recoat", _("Strip and Recoat")
    REBLAST = "reblast", _("Re-blast")


class ReworkReason(models.TextChoices):
    ADHESION_FAILURE = "adhesion", _("Adhesion Failure")
    COLOR_MISMATCH = "color", _("Color Mismatch")
    DAMAGE = "damage", _("Damage")
    CONTAMINATION = "contamination", _("Contamination")
    ORANGE_PEEL = "orange_peel", _("Orange Peel")
    INSUFFICIENT_COVERAGE = "coverage", _("Insufficient Coverage")
    OUTGASSING = "outgassing", _("Outgassing")
    OTHER = "other", _("Other")
