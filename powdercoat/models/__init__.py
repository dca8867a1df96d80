"""Every model of the shop domain, re-exported so callers import from `powdercoat.models`."""

from powdercoat.models.catalog import CatalogProduct, CatalogProductCoat, PrepService
from powdercoat.models.customers import Customer
from powdercoat.models.emails import EmailLog
from powdercoat.models.imports import SpreadsheetImport
from powdercoat.models.inventory import InventoryActivity, InventoryItem
from powdercoat.models.invoices import Invoice, InvoiceLine, Payment
from powdercoat.models.items import LineItem, LineItemCoat, LineItemPrep
from powdercoat.models.job_records import JobNote, JobPhoto, PartIntake, ReworkRecord, TimeEntry
from powdercoat.models.jobs import Job, StatusChange
from powdercoat.models.numbering import NumberSequence
from powdercoat.models.ovens import Oven
from powdercoat.models.quotes import Quote
from powdercoat.models.settings import CompanySettings
from powdercoat.models.submissions import Submission
from powdercoat.models.templates import JobTemplate
from powdercoat.models.workers import PhonePreference, Worker

__all__ = [
    "CatalogProduct",
    "CatalogProductCoat",
    "CompanySettings",
    "Customer",
    "EmailLog",
    "InventoryActivity",
    "InventoryItem",
    "Invoice",
    "InvoiceLine",
    "Job",
    "JobNote",
    "JobPhoto",
    "JobTemplate",
    "LineItem",
    "LineItemCoat",
    "LineItemPrep",
    "NumberSequence",
    "Oven",
    "PartIntake",
    "Payment",
    "PhonePreference",
    "PrepService",
    "Quote",
    "ReworkRecord",
    "SpreadsheetImport",
    "StatusChange",
    "Submission",
    "TimeEntry",
    "Worker",
]
