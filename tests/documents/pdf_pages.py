"""Reading a rendered PDF the way a person reads the printed sheet, page by page, with poppler.

pdftotext gives each page's words with their position, so a test can tell the running head at
the top of a page and the footer at its foot from the body in between. Without poppler-utils
the tests are skipped with a visible reason; with REQUIRE_TOOLS=1 (set by .ci/run) they fail.
"""

import html
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

# US Letter, in points; the margins are the ones documents/base.html gives its @page rules.
PAGE_HEIGHT = 792.0
CM = 72 / 2.54
# Below the text area (bottom margin 2.1cm) there is only the footer.
FOOTER_TOP = PAGE_HEIGHT - 2.1 * CM
# Above the text area of the second and later pages (top margin 1.8cm) there is only the
# running head.
RUNNING_HEAD_BOTTOM = 1.8 * CM

_WORD = re.compile(
    r'<word xMin="(?P<x>[\d.]+)" yMin="(?P<top>[\d.]+)" xMax="[\d.]+" yMax="(?P<bottom>[\d.]+)">'
    r"(?P<text>.*?)</word>"
)
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


def tool(name: str, package: str = "poppler-utils") -> str:
    """The path of a command-line tool, or a visible skip (a failure with REQUIRE_TOOLS=1)."""
    found = shutil.which(name)
    if found:
        return found
    reason = f"needs {name} (apt-get install {package}); .ci/run installs it"
    if os.environ.get("REQUIRE_TOOLS") == "1":
        pytest.fail(f"REQUIRE_TOOLS=1 but {reason}")
    pytest.skip(reason)


def _run(command: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        result = subprocess.run(
            [tool(command), *args, str(source), "-"],
            check=True,
            capture_output=True,
            text=True,
        )
    return result.stdout


def pages(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Every page's words as (top, bottom, text), in reading order."""
    return [
        [
            (float(word["top"]), float(word["bottom"]), html.unescape(word["text"]))
            for word in _WORD.finditer(page)
        ]
        for page in _PAGE.findall(_run("pdftotext", pdf, "-bbox"))
    ]


def page_text(pdf: bytes, number: int) -> str:
    """Page `number` (from 1) as pdftotext reads it, runs of white space made single spaces."""
    text = _run("pdftotext", pdf, "-f", str(number), "-l", str(number))
    return " ".join(text.split())


def footer_text(pdf: bytes, number: int) -> str:
    """The words printed below the text area of page `number`: its footer."""
    words = pages(pdf)[number - 1]
    return " ".join(text for top, _bottom, text in words if top >= FOOTER_TOP)


def running_head_text(pdf: bytes, number: int) -> str:
    """The words printed above the text area of page `number` (the second or a later one)."""
    words = pages(pdf)[number - 1]
    return " ".join(text for _top, bottom, text in words if bottom <= RUNNING_HEAD_BOTTOM)


def printed_qr_codes(pdf: bytes, folder: Path) -> list[tuple[Path, str]]:
    """Each picture on page 1 of `pdf`, saved as a PNG under `folder`, with what zbarimg reads
    from it as a QR code ("" for a picture that is not one), as a phone's reader would."""
    from pypdf import PdfReader

    zbarimg = tool("zbarimg", "zbar-tools")
    codes = []
    for number, embedded in enumerate(PdfReader(io.BytesIO(pdf)).pages[0].images):
        path = folder / f"printed-{number}.png"
        embedded.image.save(path)
        result = subprocess.run(
            [zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(path)],
            capture_output=True,
            text=True,
        )
        codes.append((path, result.stdout.strip()))
    return codes
