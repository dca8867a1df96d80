"""Uploaded pictures: only what a browser shows, checked by content, within a pixel limit.

Pillow can open dozens of formats, PostScript among them, which it hands to Ghostscript: an
uploaded `.eps` would then run on the server each time a work order printed it. Every picture
the shop accepts (job photos, item photos, catalogue images, the logo) is therefore opened with
the four browser formats only, and Pillow itself is told to forget the others at start-up so
that no library (the PDF renderer included) can open them either.
"""

import io
import os
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from PIL import Image

# Pillow's format name → the extension a stored file gets.
BROWSER_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# 40 megapixels: any camera's photo, far below what would take a worker's memory.
MAX_PIXELS = 40_000_000
# Pictures printed on documents (the logo, catalogue images) are kept this many pixels across.
DOCUMENT_PICTURE_SIDE = 1200
_ALLOWED_EXTENSIONS = {f".{extension}" for extension in BROWSER_FORMATS.values()} | {".jpeg"}


def pillow_restrict_to_browser_formats() -> None:
    """Make Pillow forget every format but JPEG, PNG, WebP and GIF, for the whole process.

    Called once when the app starts. Pictures already on disk in another format (from before
    this check) then fail to open instead of reaching Ghostscript.
    """
    Image.init()
    for name in list(Image.OPEN):
        if name not in BROWSER_FORMATS:
            Image.OPEN.pop(name)
    Image.ID[:] = [name for name in Image.ID if name in BROWSER_FORMATS]
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def picture_format(upload, *, name: str = "") -> str:
    """The browser format of an uploaded picture ("JPEG", ...), after checking its content.

    Refused with a message naming the file: anything that is not a JPEG, PNG, WebP or GIF
    picture whatever its name says, a broken file, and more than 40 megapixels.
    """
    label = os.path.basename(name or getattr(upload, "name", "") or "picture")
    try:
        upload.seek(0)
        with (
            # The size is checked just below, with a message; Pillow's own warning adds nothing.
            warnings.catch_warnings(action="ignore", category=Image.DecompressionBombWarning),
            Image.open(upload, formats=list(BROWSER_FORMATS)) as picture,
        ):
            width, height = picture.size
            picture_format = picture.format
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    f"“{label}” is {width:,} × {height:,} pixels; pictures can be up to "
                    f"{MAX_PIXELS // 1_000_000} megapixels. Save a smaller copy and send that."
                )
            picture.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            f"“{label}” has too many pixels; save a smaller copy and send that."
        ) from None
    except Exception as error:  # Pillow raises many kinds for a foreign or broken file
        raise ValidationError(
            f"“{label}” is not a picture we can read; send a JPEG, PNG, WebP or GIF."
        ) from error
    finally:
        upload.seek(0)
    return picture_format


def validate_picture(value) -> None:
    """Model and form validator: a browser picture within the pixel limit (see above)."""
    if not value:
        return
    file = getattr(value, "file", value)
    picture_format(file, name=getattr(value, "name", ""))


def picture_shrunk(upload, *, longest_side: int) -> ContentFile:
    """A copy of the picture no bigger than `longest_side` pixels across, as PNG or JPEG.

    For pictures printed on every document (the logo, catalogue images): a phone photo of the
    logo would otherwise be decoded in full for each PDF. Smaller pictures come back as they are.
    """
    picture_format(upload)
    upload.seek(0)
    with Image.open(upload, formats=list(BROWSER_FORMATS)) as picture:
        picture.load()
        if max(picture.size) <= longest_side:
            upload.seek(0)
            return ContentFile(upload.read(), name=getattr(upload, "name", "picture"))
        picture.thumbnail((longest_side, longest_side))
        keeps_transparency = picture.mode in ("RGBA", "LA", "P")
        out = io.BytesIO()
        if keeps_transparency:
            picture.save(out, format="PNG", optimize=True)
            extension = "png"
        else:
            picture.convert("RGB").save(out, format="JPEG", quality=90)
            extension = "jpg"
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "picture"))[0]
    return ContentFile(out.getvalue(), name=f"{stem}.{extension}")


@deconstructible
class UnguessableName:
    """`upload_to` for pictures: `<folder>/<year>/<month>/<random>.<ext>`.

    The name people gave the file is not used, so nobody can guess where a photo or a replaced
    logo lies; only its extension is kept when it is one of the browser formats.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = os.path.splitext(filename)[1].lower()
        if extension not in _ALLOWED_EXTENSIONS:
            extension = ""
        today = timezone.localdate()
        return f"{self.folder}/{today:%Y/%m}/{secrets.token_urlsafe(18)}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, UnguessableName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)
