"""The customer's status link as printed on their papers: a QR code and the address in words."""

from dataclasses import dataclass

from powdercoat.documents.qr import qr_data_uri
from powdercoat.models import Job
from powdercoat.services.status_links import job_status_link_issue


@dataclass(frozen=True)
class PrintedStatusLink:
    """The link, and its QR code as a PNG data URI ("" when the shop prints no codes)."""

    url: str
    image: str

    @property
    def lines(self) -> tuple[str, str]:
        """The address in two lines, broken after "/s/": a PDF cannot wrap a long word, and a
        break anywhere else could be read as part of the secret."""
        site, marker, rest = self.url.rpartition("/s/")
        return (f"{site}{marker}", rest) if marker else (self.url, "")


def printed_status_link(job: Job, *, with_qr: bool = True) -> PrintedStatusLink:
    """The job's status link for a document, issued now if this is its first printing."""
    url = job_status_link_issue(job=job)
    return PrintedStatusLink(url=url, image=qr_data_uri(url) if with_qr else "")
