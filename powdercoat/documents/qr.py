"""QR codes as PNG data URIs, ready for an <img> in a PDF template."""

import base64
import io
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M


# A work order prints a dozen codes whose addresses rarely change (the job's, each powder's):
# drawing them was a sixth of the PDF's time. A code is a pure function of its address.
@lru_cache(maxsize=1024)
def qr_png(url: str, *, box_size: int = 4, border: int = 4) -> bytes:
    """The QR code of `url` as a black-and-white PNG.

    Medium error correction still reads through a smudge or a fold on a shop-floor sheet; the
    four-module white border is the quiet zone readers need around the code.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def qr_data_uri(url: str, *, box_size: int = 4, border: int = 4) -> str:
    """The QR code of `url` as a `data:image/png;base64,...` address."""
    encoded = base64.b64encode(qr_png(url, box_size=box_size, border=border)).decode("ascii")
    return f"data:image/png;base64,{encoded}"
